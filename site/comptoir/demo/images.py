"""Pictures drawn with Pillow and stored as Wagtail images: nothing is downloaded.

Each picture is a coloured background and a simple shape standing for its subject,
so articles look alive without any stock photography. No words are drawn in: the
page shows the title next to the picture, and text in a picture is read twice by
sighted readers and not at all by screen readers. Products have
photographs of their own (photos.py); this module stores both as Wagtail images.
"""

import math
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Collection

WIDTH, HEIGHT = 800, 600


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
    colour: tuple[int, int, int],
    shape: str,
) -> bytes:
    """A JPEG of WIDTH × HEIGHT: a gradient background, a halo and the shape."""
    image = PILImage.new("RGB", (WIDTH, HEIGHT), colour)
    draw = ImageDraw.Draw(image)
    top, bottom = lighter(colour, 0.35), darker(colour, 0.15)
    for y in range(HEIGHT):
        t = y / HEIGHT
        draw.line(
            (0, y, WIDTH, y),
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    # A soft ground shadow, then the halo and the shape, centred in the frame.
    draw.ellipse(
        (WIDTH // 2 - 190, HEIGHT - 120, WIDTH // 2 + 190, HEIGHT - 70),
        fill=darker(colour, 0.25),
    )
    draw.ellipse(
        (WIDTH // 2 - 210, HEIGHT // 2 - 230, WIDTH // 2 + 210, HEIGHT // 2 + 190),
        fill=lighter(colour, 0.75),
    )
    _draw_shape(draw, shape, WIDTH // 2, HEIGHT // 2 - 20, 140, colour)
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
