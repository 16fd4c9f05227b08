"""Pictures drawn with Pillow and stored as Wagtail images: nothing is downloaded.

Each picture is a coloured background, a simple shape standing for its subject and
a caption, so articles look alive without any stock photography. Products have
photographs of their own (photos.py); this module stores both as Wagtail images.
"""

import math
from functools import cache
from io import BytesIO
from pathlib import Path

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection

WIDTH, HEIGHT = 800, 600
# Pillow's bundled font has no accented capitals; DejaVu does, when installed.
FONT_FILES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_FILES:
        if path.exists():
            return ImageFont.truetype(str(path), size=size)
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def collection_get_or_create(name: str) -> Collection:
    """The collection with this name directly under the root, created if missing."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def lighter(colour: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(int(c + (255 - c) * amount) for c in colour)


def darker(colour: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(int(c * (1 - amount)) for c in colour)


def _draw_shape(draw: ImageDraw.ImageDraw, shape: str, cx: int, cy: int, r: int, fill):
    if shape == "hammer":
        draw.rounded_rectangle((cx - 12, cy - r // 2, cx + 12, cy + r), 8, fill=fill)
        draw.rounded_rectangle(
            (cx - r, cy - r, cx + r // 2, cy - r // 2), 10, fill=fill
        )
    elif shape == "leaf":
        draw.ellipse((cx - r, cy - r // 2, cx + r, cy + r // 2), fill=fill)
        draw.line((cx - r, cy, cx + r + 20, cy), fill=darker(fill, 0.3), width=6)
    elif shape == "drop":
        draw.ellipse((cx - r * 2 // 3, cy - r // 6, cx + r * 2 // 3, cy + r), fill=fill)
        draw.polygon(
            [
                (cx, cy - r),
                (cx - r * 2 // 3 + 6, cy + r // 4),
                (cx + r * 2 // 3 - 6, cy + r // 4),
            ],
            fill=fill,
        )
    elif shape == "flower":
        petal = r // 2
        for i in range(6):
            angle = i * math.pi / 3
            px, py = (
                cx + int(petal * math.cos(angle)),
                cy + int(petal * math.sin(angle)),
            )
            draw.ellipse((px - petal, py - petal, px + petal, py + petal), fill=fill)
        draw.ellipse(
            (cx - petal // 2, cy - petal // 2, cx + petal // 2, cy + petal // 2),
            fill=(250, 210, 80),
        )
    elif shape == "brush":
        draw.rounded_rectangle((cx - 14, cy - r, cx + 14, cy + r // 4), 10, fill=fill)
        draw.rectangle(
            (cx - r // 2, cy + r // 4, cx + r // 2, cy + r // 2),
            fill=darker(fill, 0.2),
        )
        draw.rectangle((cx - r // 2, cy + r // 2, cx + r // 2, cy + r), fill=fill)
    elif shape == "bolt":
        draw.polygon(
            [
                (cx + r // 4, cy - r),
                (cx - r // 2, cy + r // 8),
                (cx - r // 10, cy + r // 8),
                (cx - r // 4, cy + r),
                (cx + r // 2, cy - r // 8),
                (cx + r // 10, cy - r // 8),
            ],
            fill=fill,
        )
    elif shape == "pipe":
        draw.rectangle((cx - r, cy - r // 2, cx + r // 3, cy - r // 6), fill=fill)
        draw.rectangle((cx, cy - r // 2, cx + r // 3, cy + r), fill=fill)
        draw.ellipse(
            (cx - 10, cy - r // 2 - 8, cx + r // 3 + 10, cy - r // 6 + 8), fill=fill
        )
    elif shape == "box":
        draw.rectangle((cx - r, cy - r // 2, cx + r, cy + r), fill=fill)
        draw.polygon(
            [
                (cx - r, cy - r // 2),
                (cx - r // 2, cy - r),
                (cx + r + r // 2, cy - r),
                (cx + r, cy - r // 2),
            ],
            fill=lighter(fill, 0.25),
        )
    elif shape == "sun":
        for i in range(12):
            angle = i * math.pi / 6
            draw.line(
                (cx, cy, cx + int(r * math.cos(angle)), cy + int(r * math.sin(angle))),
                fill=fill,
                width=10,
            )
        draw.ellipse((cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2), fill=fill)
    else:  # a house, for anything else
        draw.rectangle(
            (cx - r * 3 // 4, cy - r // 6, cx + r * 3 // 4, cy + r), fill=fill
        )
        draw.polygon(
            [(cx - r, cy - r // 6), (cx, cy - r), (cx + r, cy - r // 6)], fill=fill
        )


def picture_render(
    *,
    caption: str,
    colour: tuple[int, int, int],
    shape: str,
    kicker: str = "",
) -> bytes:
    """A JPEG of WIDTH × HEIGHT: gradient background, shape, kicker and caption."""
    image = PILImage.new("RGB", (WIDTH, HEIGHT), colour)
    draw = ImageDraw.Draw(image)
    top, bottom = lighter(colour, 0.35), darker(colour, 0.15)
    for y in range(HEIGHT):
        t = y / HEIGHT
        draw.line(
            (0, y, WIDTH, y),
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    draw.ellipse(
        (WIDTH // 2 - 170, 60, WIDTH // 2 + 170, 400), fill=lighter(colour, 0.75)
    )
    _draw_shape(draw, shape, WIDTH // 2, 230, 110, colour)
    band_top = 430
    draw.rectangle((0, band_top, WIDTH, HEIGHT), fill=(255, 255, 255))
    small, large = _font(20), _font(32)
    y = band_top + 18
    if kicker:
        draw.text((40, y), kicker.upper(), font=small, fill=darker(colour, 0.2))
        y += 34
    for line in _wrap(draw, caption, large, WIDTH - 80)[:2]:
        draw.text((40, y), line, font=large, fill=(34, 34, 34))
        y += 46
    out = BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()


def wagtail_image_create(
    *, title: str, filename: str, content: bytes, collection, description: str = ""
):
    """Store a rendered picture as a Wagtail image in a collection."""
    Image = get_image_model()
    image = Image(title=title, collection=collection, description=description[:255])
    image.file = ImageFile(BytesIO(content), name=filename)
    image.file_size = len(content)
    image.save()
    return image


def wagtail_image_get_or_create(
    *, title: str, filename: str, collection, render, description: str = ""
) -> tuple[object, bool]:
    """The image with this title in the collection, drawn only when missing."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title, collection=collection).first()
    if existing:
        return existing, False
    image = wagtail_image_create(
        title=title,
        filename=filename,
        content=render(),
        collection=collection,
        description=description,
    )
    return image, True
