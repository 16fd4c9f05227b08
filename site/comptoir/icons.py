"""The site's mark, drawn by code: the favicon, app icons and the SVG they share.

A cream "C" open to the right around an amber leaf, on the site's green. The SVG
and the PNGs are drawn from the same few numbers (a 512-unit square), so they
agree. The files are committed under comptoir/static/comptoir/icons/; after a
change here, write them again:

    PYTHONPATH=site .venv/bin/python -m comptoir.icons
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

ICONS_DIR = Path(__file__).resolve().parent / "static" / "comptoir" / "icons"

# The stylesheet's --green, --paper and --accent (comptoir.css).
GREEN = "#1f6b3a"
PAPER = "#fbfaf6"
AMBER = "#e4a11b"

UNIT = 512
CORNER = 96
C_RADIUS = 150  # middle of the C's stroke
C_WIDTH = 56
C_OPENING = 45  # degrees each side of the right-hand axis left open
# The leaf: tip to stem across the C's middle, bulging either side.
LEAF_STEM = (194, 318)
LEAF_TIP = (318, 194)
LEAF_BULGE = 46
VEIN_WIDTH = 10

# What the browsers, phones and the web app manifest ask for.
PNG_ICONS = {
    "icon-192.png": (192, "rounded"),
    "icon-512.png": (512, "rounded"),
    # Phones cut their own shape out of these: a full square, the mark inside
    # the central 80 % "safe zone".
    "icon-maskable-512.png": (512, "maskable"),
    "apple-touch-icon.png": (180, "square"),
}
FAVICON_SIZES = [(16, 16), (32, 32), (48, 48)]


def _leaf_controls() -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, y0), (x1, y1) = LEAF_STEM, LEAF_TIP
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    length = math.hypot(x1 - x0, y1 - y0)
    # The unit normal of the stem-to-tip axis; the curves' control points sit on it.
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    # A quadratic curve reaches half-way to its control point: twice the bulge.
    reach = 2 * LEAF_BULGE
    return (mx + nx * reach, my + ny * reach), (mx - nx * reach, my - ny * reach)


def _c_ends() -> tuple[tuple[float, float], tuple[float, float]]:
    centre = UNIT / 2
    angle = math.radians(C_OPENING)
    dx, dy = C_RADIUS * math.cos(angle), C_RADIUS * math.sin(angle)
    # SVG's y grows downwards: the upper end is at centre - dy.
    return (centre + dx, centre - dy), (centre + dx, centre + dy)


def icon_svg() -> str:
    """The mark as SVG, for browsers that take an SVG favicon."""
    (ux, uy), (lx, ly) = _c_ends()
    (c1x, c1y), (c2x, c2y) = _leaf_controls()
    (sx, sy), (tx, ty) = LEAF_STEM, LEAF_TIP
    vein_end = (sx + (tx - sx) * 0.85, sy + (ty - sy) * 0.85)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {UNIT} {UNIT}">'
        f'<rect width="{UNIT}" height="{UNIT}" rx="{CORNER}" fill="{GREEN}"/>'
        f'<path d="M{ux:.1f} {uy:.1f}A{C_RADIUS} {C_RADIUS} 0 1 0 {lx:.1f} {ly:.1f}"'
        f' fill="none" stroke="{PAPER}" stroke-width="{C_WIDTH}"'
        ' stroke-linecap="round"/>'
        f'<path d="M{sx} {sy}Q{c1x:.1f} {c1y:.1f} {tx} {ty}'
        f'Q{c2x:.1f} {c2y:.1f} {sx} {sy}Z" fill="{AMBER}"/>'
        f'<path d="M{sx} {sy}L{vein_end[0]:.1f} {vein_end[1]:.1f}" stroke="{GREEN}"'
        f' stroke-width="{VEIN_WIDTH}" stroke-linecap="round"/>'
        "</svg>\n"
    )


def _quadratic(p0, control, p1, steps: int = 48) -> list[tuple[float, float]]:
    return [
        (
            (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * control[0] + t**2 * p1[0],
            (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * control[1] + t**2 * p1[1],
        )
        for t in (i / steps for i in range(steps + 1))
    ]


def icon_image(size: int, shape: str = "rounded") -> Image.Image:
    """The mark as a `size` square PNG image: "rounded" corners (transparent
    outside), a full "square", or "maskable" (square, mark in the safe zone)."""
    # Drawn four times larger, then reduced: smooth edges without a vector library.
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    scale = big / UNIT
    if shape == "rounded":
        draw.rounded_rectangle(
            (0, 0, big - 1, big - 1), radius=round(CORNER * scale), fill=GREEN
        )
    else:
        draw.rectangle((0, 0, big, big), fill=GREEN)
    if shape == "maskable":
        scale *= 0.8
    offset = (big - UNIT * scale) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return (offset + x * scale, offset + y * scale)

    centre, radius, width = UNIT / 2, C_RADIUS * scale, C_WIDTH * scale
    cx, cy = at(centre, centre)
    box = (
        cx - radius - width / 2,
        cy - radius - width / 2,
        cx + radius + width / 2,
        cy + radius + width / 2,
    )
    # Pillow's angles go clockwise from 3 o'clock: the C runs from the lower end
    # round the left to the upper end.
    draw.arc(box, C_OPENING, 360 - C_OPENING, fill=PAPER, width=round(width))
    for end in _c_ends():
        ex, ey = at(*end)
        draw.ellipse(
            (ex - width / 2, ey - width / 2, ex + width / 2, ey + width / 2),
            fill=PAPER,
        )
    control_1, control_2 = _leaf_controls()
    outline = _quadratic(LEAF_STEM, control_1, LEAF_TIP) + _quadratic(
        LEAF_TIP, control_2, LEAF_STEM
    )
    draw.polygon([at(x, y) for x, y in outline], fill=AMBER)
    (sx, sy), (tx, ty) = LEAF_STEM, LEAF_TIP
    vein = [at(sx, sy), at(sx + (tx - sx) * 0.85, sy + (ty - sy) * 0.85)]
    draw.line(vein, fill=GREEN, width=round(VEIN_WIDTH * scale))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def icons_write(folder: Path = ICONS_DIR) -> list[Path]:
    """Write the SVG, the PNG icons and favicon.ico into `folder`; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    svg = folder / "icon.svg"
    svg.write_text(icon_svg(), encoding="utf-8")
    written.append(svg)
    for name, (size, shape) in PNG_ICONS.items():
        path = folder / name
        image = icon_image(size, shape)
        if shape != "rounded":
            # Phones put these on their own backgrounds: no transparency.
            image = image.convert("RGB")
        image.save(path, optimize=True)
        written.append(path)
    favicon = folder / "favicon.ico"
    icon_image(48).save(favicon, sizes=FAVICON_SIZES)
    written.append(favicon)
    return written


if __name__ == "__main__":
    for path in icons_write():
        print(path)
