"""Avatar uploads on /me/: checked, re-encoded, and harmless when refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.comptoir import image_files

ME = "/me/"

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_bytes(size=(40, 30)) -> bytes:
    return image_files.png(size=size)


def post_profile(client, avatar, **overrides):
    data = {
        "display_name": "Marie Dupont",
        "bio": "Ancienne bio",
        "home_store": "",
        "loyalty_card_number": "",
        "avatar": avatar,
    }
    data.update(overrides)
    return client.post(ME, data)


def stored_bytes(member) -> bytes:
    member.refresh_from_db()
    with member.avatar.open("rb") as stored:
        return stored.read()


def test_jpeg_with_gps_is_stored_upright_without_exif(member_client, member):
    source = image_files.jpeg_with_gps_and_rotation()
    assert b"PhoneMaker" in source

    response = post_profile(member_client, upload(source, "IMG_0042.jpg"))

    assert response.status_code == 302
    data = stored_bytes(member)
    assert member.avatar.name.endswith(".jpg")
    assert "IMG_0042" not in member.avatar.name
    assert b"Exif" not in data
    assert b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert stored.size == (200, 300)  # turned upright from the EXIF orientation


def test_large_avatar_is_shrunk_to_512_pixels(member_client, member):
    post_profile(member_client, upload(png_bytes(size=(1600, 1200)), "big.png"))

    with Image.open(io.BytesIO(stored_bytes(member))) as stored:
        assert stored.size == (512, 384)


def test_public_profile_shows_the_new_avatar(member_client, member):
    post_profile(member_client, upload(png_bytes(), "a.png", "image/png"))
    member.refresh_from_db()

    html = member_client.get("/members/marie-dupont/").content.decode()

    assert member.avatar.url in html


def test_huge_pixel_count_png_is_refused_from_its_header(member_client, member):
    # 20,000 × 20,000 one-bit pixels compress to a few dozen KB: a decompression bomb.
    bomb = image_files.png_bomb(20_000, 20_000)
    assert len(bomb) < 100_000

    response = post_profile(member_client, upload(bomb, "bomb.png", "image/png"))

    assert response.status_code == 200
    assert "megapixels at most" in response.content.decode()


@pytest.mark.parametrize(
    "make_polyglot",
    [image_files.png_with_html_after_iend, image_files.png_with_text_chunk],
    ids=["html-after-iend", "html-in-text-chunk"],
)
def test_png_html_polyglot_is_accepted_without_its_script(
    member_client, member, make_polyglot
):
    source = make_polyglot()
    assert b"<script" in source

    response = post_profile(member_client, upload(source, "cute.png", "image/png"))

    assert response.status_code == 302
    data = stored_bytes(member)
    assert b"<script" not in data.lower()
    assert member.avatar.name.endswith(".png")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (image_files.gif(), "anim.gif", "GIF files are not accepted"),
        (image_files.SVG, "logo.svg", "SVG files are not accepted"),
        (image_files.TEXT, "notes.jpg", "not an image we can read"),
        (image_files.truncated_jpeg(), "cut.jpg", "damaged or incomplete"),
        (image_files.OVERSIZED, "big.jpg", "images may be 10.0"),
    ],
    ids=["gif", "svg", "text-as-jpg", "truncated-jpeg", "11-mb"],
)
def test_refused_upload_explains_why_and_changes_nothing(
    member_client, member, data, name, message
):
    post_profile(member_client, upload(png_bytes(), "first.png", "image/png"))
    member.refresh_from_db()
    old_avatar, old_bytes = member.avatar.name, stored_bytes(member)

    response = post_profile(
        member_client,
        upload(data, name),
        display_name="Nouveau Nom",
        bio="Nouvelle bio",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    # The rest of what was typed stays in the form…
    assert 'value="Nouveau Nom"' in html
    # …but nothing was saved, and the old avatar is still there.
    member.refresh_from_db()
    assert member.display_name == "Marie Dupont"
    assert member.bio == "Ancienne bio"
    assert member.avatar.name == old_avatar
    assert stored_bytes(member) == old_bytes


def test_replacing_an_avatar_deletes_the_old_file(
    member_client, member, django_capture_on_commit_callbacks
):
    post_profile(member_client, upload(png_bytes(), "first.png", "image/png"))
    member.refresh_from_db()
    storage, old_name = member.avatar.storage, member.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        post_profile(member_client, upload(png_bytes(), "second.png", "image/png"))

    member.refresh_from_db()
    assert member.avatar.name != old_name
    assert storage.exists(member.avatar.name)
    assert not storage.exists(old_name)


def test_member_can_remove_their_avatar(
    member_client, member, django_capture_on_commit_callbacks
):
    post_profile(member_client, upload(png_bytes(), "first.png", "image/png"))
    member.refresh_from_db()
    old_name = member.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        post_profile(member_client, "", avatar_remove="on")

    member.refresh_from_db()
    assert not member.avatar
    assert not member.avatar.storage.exists(old_name)
