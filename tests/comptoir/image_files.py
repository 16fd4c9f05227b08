"""Image files, friendly and hostile, built in memory for upload tests."""

import io
import struct
import zlib

from PIL import ExifTags, Image, PngImagePlugin

SCRIPT = b"<html><script>alert(1)</script></html>"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid one-bit PNG of width × height black pixels, a few dozen KB.

    Written row by row with a streaming compressor, so building it never holds the
    decoded image (50 MB for 20,000²) in memory.
    """
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    idat = bytearray()
    rows_per_chunk = 1000
    block = row * rows_per_chunk
    for _ in range(height // rows_per_chunk):
        idat += compressor.compress(block)
    idat += compressor.compress(row * (height % rows_per_chunk))
    idat += compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", bytes(idat))
        + _png_chunk(b"IEND", b"")
    )


def png(size=(40, 30), color=(200, 60, 60), mode="RGB", **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG", **save_kwargs)
    return buffer.getvalue()


def png_with_text_chunk(text: bytes = SCRIPT) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text.decode())
    return png(pnginfo=info)


def png_with_html_after_iend() -> bytes:
    return png() + SCRIPT


def jpeg_with_gps_and_rotation(size=(300, 200)) -> bytes:
    """A JPEG saying where it was taken, by which phone, held sideways."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 45.0, 59.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 50.0, 32.0)
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "GIF")
    return buffer.getvalue()


def webp(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (10, 20, 30, 128)).save(buffer, "WEBP")
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()[:3000]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
TEXT = b"Just some notes, not a photo.\n" * 20
OVERSIZED = b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024)
