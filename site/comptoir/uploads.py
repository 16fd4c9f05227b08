"""Checking and re-encoding images that members upload (avatars, review photos).

Every member image goes through `image_upload_clean`: the stored file is always one
that Pillow wrote from decoded pixels, never the bytes the member sent.
"""

from __future__ import annotations

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_FORMATS = ("JPEG", "PNG", "WEBP")

_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# Formats recognised from their first bytes, so the member is told "GIF is not
# accepted" rather than "not an image". Sniffing the bytes ourselves keeps Pillow's
# parsers for refused formats (and Ghostscript for EPS) out of reach.
_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"%PDF", "PDF"),
    (b"%!PS", "EPS"),
)


def _sniff_format(head: bytes) -> str | None:
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIC/AVIF"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) or b"<svg" in text[:1024]:
        return "SVG"
    return None


def _file_size(uploaded_file) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    return size


def _megapixels(pixels: int) -> str:
    return (
        f"{pixels / 1_000_000:.0f}"
        if pixels >= 10_000_000
        else (f"{pixels / 1_000_000:.1f}")
    )


def _formats_label(allowed_formats) -> str:
    return ", ".join(allowed_formats)


def _convert_mode(img: Image.Image, target_format: str) -> Image.Image:
    """Pixels in a mode the target encoder writes, keeping transparency if it can."""
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (
        img.mode == "P" and "transparency" in img.info
    )
    if target_format == "JPEG":
        if img.mode in ("RGB", "L"):
            return img
        if has_alpha:
            rgba = img.convert("RGBA")
            # JPEG has no transparency: put transparent areas on white, not black.
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        return img.convert("RGB")
    if target_format == "PNG" and img.mode in ("1", "L", "LA", "RGB", "RGBA"):
        return img
    if target_format == "WEBP" and img.mode in ("RGB", "RGBA"):
        return img
    return img.convert("RGBA" if has_alpha else "RGB")


def _check_size(uploaded_file, max_bytes: int) -> None:
    size = _file_size(uploaded_file)
    if size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s; images may be %(max)s at most.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    if size == 0:
        raise ValidationError(_("This file is empty."), code="empty")


def _open_header(uploaded_file, allowed_formats, max_pixels: int) -> Image.Image:
    """The image with only its header read; a clear error for what is not one."""
    accepted = _formats_label(allowed_formats)
    uploaded_file.seek(0)
    head = uploaded_file.read(2048)
    uploaded_file.seek(0)
    try:
        # Opening reads the header only; pixels are decoded by load() later.
        return Image.open(uploaded_file, formats=list(allowed_formats))
    except Image.DecompressionBombError:
        raise ValidationError(
            _(
                "This image has far too many pixels; images may have %(max)s "
                "megapixels at most."
            )
            % {"max": _megapixels(max_pixels)},
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        sniffed = _sniff_format(head)
        if sniffed in allowed_formats:
            # Looks like an accepted format but its header does not parse.
            raise ValidationError(
                _("This image is damaged or incomplete; please upload it again."),
                code="corrupt",
            ) from None
        if sniffed:
            raise ValidationError(
                _("%(format)s files are not accepted; please upload %(accepted)s.")
                % {"format": sniffed, "accepted": accepted},
                code="unsupported_format",
            ) from None
        raise ValidationError(
            _("This file is not an image we can read; please upload %(accepted)s.")
            % {"accepted": accepted},
            code="not_an_image",
        ) from None


def _check_pixels(img: Image.Image, max_pixels: int) -> None:
    width, height = img.size
    if width * height > max_pixels:
        raise ValidationError(
            _(
                "This image is %(width)s × %(height)s pixels (%(mp)s megapixels); "
                "images may have %(max)s megapixels at most."
            )
            % {
                "width": width,
                "height": height,
                "mp": _megapixels(width * height),
                "max": _megapixels(max_pixels),
            },
            code="too_many_pixels",
        )
    if width < 1 or height < 1:
        raise ValidationError(_("This image has no pixels."), code="corrupt")


def _reencode(img: Image.Image, fit_within: tuple[int, int] | None) -> bytes:
    """The decoded pixels, upright and optionally shrunk, encoded afresh."""
    source_format = img.format
    if fit_within and source_format == "JPEG":
        # Decode JPEGs at a reduced scale when we will shrink them anyway.
        img.draft("RGB", fit_within)
    try:
        img.load()
        upright = ImageOps.exif_transpose(img) or img
        clean = _convert_mode(upright, source_format)
        if fit_within:
            clean.thumbnail(fit_within, Image.Resampling.LANCZOS)
        # Nothing from the original file's metadata may reach the encoder.
        clean.info = {}
        out = io.BytesIO()
        if source_format == "JPEG":
            clean.save(out, format="JPEG", quality=85, optimize=True)
        elif source_format == "WEBP":
            clean.save(out, format="WEBP", quality=85)
        else:
            clean.save(out, format=source_format)
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        Image.DecompressionBombError,
    ):
        raise ValidationError(
            _("This image is damaged or incomplete; please upload it again."),
            code="corrupt",
        ) from None
    return out.getvalue()


def image_upload_clean(
    uploaded_file,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    allowed_formats: tuple[str, ...] = DEFAULT_FORMATS,
    fit_within: tuple[int, int] | None = None,
) -> ContentFile:
    """Check an uploaded image and return a freshly encoded copy of its pixels.

    The checks run cheapest first, so a hostile file is refused before it costs
    memory: the byte size, then the real format and the pixel count read from the
    header (a 20,000 × 20,000 PNG of a few KB never gets decoded), then decoding.
    The image is turned upright from its EXIF orientation, optionally shrunk to fit
    within `fit_within`, and re-encoded in its own format (JPEG, PNG or WEBP), so
    EXIF (GPS position…), text chunks and anything appended to the file — e.g. an
    HTML/PNG polyglot — are left behind. The name, extension and content type the
    member sent are ignored; the returned ContentFile has a random name.

    Raises ValidationError with a message a member can act on.
    """
    _check_size(uploaded_file, max_bytes)
    with _open_header(uploaded_file, allowed_formats, max_pixels) as img:
        _check_pixels(img, max_pixels)
        source_format = img.format
        data = _reencode(img, fit_within)
    name = f"{secrets.token_hex(16)}.{_EXTENSIONS.get(source_format, 'img')}"
    return ContentFile(data, name=name)


def image_uploads_clean(
    uploads,
    *,
    already: int = 0,
    max_count: int,
    too_many: str,
    field: str = "photos",
    **limits,
) -> list[ContentFile]:
    """Every photo of a form checked and re-encoded before anything is written.

    At most `max_count` with the `already` kept ones (`too_many` is the message
    otherwise); each upload through `image_upload_clean` with `limits`. Errors are
    a ValidationError on `field`, naming the file that failed.
    """
    uploads = [upload for upload in uploads or () if upload]
    if already + len(uploads) > max_count:
        raise ValidationError({field: [too_many]})
    cleaned = []
    for number, upload in enumerate(uploads, start=1):
        try:
            cleaned.append(image_upload_clean(upload, **limits))
        except ValidationError as error:
            name = getattr(upload, "name", "") or _("photo %(n)s") % {"n": number}
            raise ValidationError(
                {field: [f"{name}: {message}" for message in error.messages]}
            ) from None
    return cleaned


def private_media_storage():
    """Where uploads of unpublished content are kept (`STORAGES["private_media"]`).

    Nothing there has a public address: the app streams each file to the people
    allowed to see it. A callable, so model fields name the alias, not a path.
    """
    return storages["private_media"]


def image_thumbnail(image_file, *, size: tuple[int, int]) -> bytes:
    """A JPEG of `size`, cropped from the middle, of an image we stored ourselves.

    For previews of private photos, which have no Wagtail renditions. The file was
    written by `image_upload_clean`, so its pixel count is already bounded.
    """
    with Image.open(image_file) as img:
        # JPEGs decode at a reduced scale: a thumbnail needs few of their pixels.
        img.draft("RGB", (size[0] * 2, size[1] * 2))
        upright = ImageOps.exif_transpose(img) or img
        thumbnail = ImageOps.fit(upright.convert("RGB"), size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        thumbnail.save(out, format="JPEG", quality=80)
    return out.getvalue()
