"""The shared image upload checker: cheap checks first, then a clean re-encode."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from comptoir.uploads import image_upload_clean
from tests.comptoir import image_files


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(data: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        image_upload_clean(upload(data), **kwargs)
    return caught.value


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any image gets its pixels decoded."""

    def forbidden(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", forbidden)


@pytest.mark.parametrize(
    ("data", "fmt", "extension"),
    [
        (image_files.jpeg_with_gps_and_rotation(), "JPEG", ".jpg"),
        (image_files.png(), "PNG", ".png"),
        (image_files.webp(), "WEBP", ".webp"),
    ],
)
def test_accepted_formats_come_back_in_their_own_format_with_a_random_name(
    data, fmt, extension
):
    clean = image_upload_clean(upload(data, name="../../etc/passwd.gif"))

    assert clean.name.endswith(extension)
    assert "/" not in clean.name and "passwd" not in clean.name
    with Image.open(clean) as img:
        assert img.format == fmt


def test_two_uploads_get_different_names():
    first = image_upload_clean(upload(image_files.png()))
    second = image_upload_clean(upload(image_files.png()))

    assert first.name != second.name


def test_real_format_wins_over_name_and_declared_type():
    clean = image_upload_clean(upload(image_files.png(), "photo.jpg", "image/jpeg"))

    assert clean.name.endswith(".png")


def test_exif_is_dropped_and_orientation_applied():
    clean = image_upload_clean(upload(image_files.jpeg_with_gps_and_rotation()))

    data = clean.read()
    assert b"Exif" not in data and b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert not img.getexif()
        assert img.size == (200, 300)


@pytest.mark.parametrize(
    "make_polyglot",
    [image_files.png_with_html_after_iend, image_files.png_with_text_chunk],
    ids=["html-after-iend", "html-in-text-chunk"],
)
def test_png_html_polyglots_lose_their_html(make_polyglot):
    clean = image_upload_clean(upload(make_polyglot(), "cute.png", "image/png"))

    data = clean.read()
    assert b"<script" not in data.lower() and b"<html" not in data.lower()
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG"
        assert img.size == (40, 30)
        assert not img.text


def test_size_is_checked_before_anything_is_read():
    class Unreadable(File):
        def read(self, *args):
            raise AssertionError("the file was read")

    too_big = Unreadable(io.BytesIO(b""), name="big.jpg")
    too_big.size = 10 * 1024 * 1024 + 1

    with pytest.raises(ValidationError) as caught:
        image_upload_clean(too_big)

    assert caught.value.code == "file_too_large"
    assert "images may be 10.0" in caught.value.messages[0]


def test_oversized_file_is_refused_with_its_size():
    error = refusal(image_files.OVERSIZED)

    assert error.code == "file_too_large"
    assert "11.0" in error.messages[0]


def test_limits_can_be_tightened_per_use():
    error = refusal(image_files.png(size=(200, 200)), max_pixels=10_000)

    assert error.code == "too_many_pixels"
    assert "200 × 200" in error.messages[0]


def test_decompression_bomb_is_refused_from_its_header(no_decoding):
    bomb = image_files.png_bomb(20_000, 20_000)
    assert len(bomb) < 100_000

    error = refusal(bomb)

    assert error.code == "too_many_pixels"
    assert "megapixels at most" in error.messages[0]


def test_image_just_above_our_limit_is_refused_with_its_dimensions(no_decoding):
    # 49 MP: under Pillow's own bomb threshold, so only our check stops it.
    error = refusal(image_files.png_bomb(7_000, 7_000))

    assert error.code == "too_many_pixels"
    assert "7000 × 7000" in error.messages[0]
    assert "40 megapixels" in error.messages[0]


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (image_files.gif(), "unsupported_format", "GIF files are not accepted"),
        (image_files.SVG, "unsupported_format", "SVG files are not accepted"),
        (image_files.TEXT, "not_an_image", "not an image we can read"),
        (image_files.truncated_jpeg(), "corrupt", "damaged or incomplete"),
        (b"\xff\xd8\xff\xe0garbage" * 10, "corrupt", "damaged or incomplete"),
        (b"", "empty", "empty"),
    ],
    ids=["gif", "svg", "text", "truncated-jpeg", "broken-jpeg-header", "empty"],
)
def test_bad_files_are_refused_with_a_clear_message(data, code, message):
    error = refusal(data)

    assert error.code == code
    assert message in error.messages[0]


def test_allowed_formats_can_be_narrowed():
    error = refusal(image_files.png(), allowed_formats=("JPEG",))

    assert error.code == "unsupported_format"
    assert "PNG files are not accepted; please upload JPEG" in error.messages[0]


def test_transparency_is_kept_in_png_and_webp():
    rgba_png = image_files.png(mode="RGBA", color=(0, 0, 0, 0))

    with Image.open(image_upload_clean(upload(rgba_png))) as img:
        assert img.mode == "RGBA"
        assert img.getpixel((0, 0))[3] == 0
    with Image.open(image_upload_clean(upload(image_files.webp()))) as img:
        assert img.mode == "RGBA"


def test_cmyk_jpeg_becomes_rgb():
    buffer = io.BytesIO()
    Image.new("CMYK", (20, 20), (0, 255, 255, 0)).save(buffer, "JPEG")

    with Image.open(image_upload_clean(upload(buffer.getvalue()))) as img:
        assert img.format == "JPEG"
        assert img.mode == "RGB"


def test_fit_within_shrinks_keeping_proportions():
    clean = image_upload_clean(
        upload(image_files.png(size=(2000, 1000))), fit_within=(512, 512)
    )

    with Image.open(clean) as img:
        assert img.size == (512, 256)


def test_plain_file_objects_are_accepted():
    clean = image_upload_clean(File(io.BytesIO(image_files.png()), name="x"))

    assert clean.name.endswith(".png")
