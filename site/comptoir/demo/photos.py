"""Product photographs drawn by code: nothing is downloaded, nothing is written on them.

Each category has an object (a drill, a spade, a watering can, a potted plant, a
paint tin, a bulb, a mixer tap, a storage box) built from shaded parts: a cylinder,
a sphere or a flat face lit from the upper left, with a specular highlight on glossy
materials and grain on wood. A product gets its own colour of that object and up
to three shots of it: in the studio on a paper sweep with a soft shadow, close up
against an out-of-focus background, and in place (a workbench or a garden terrace).

Everything slow is done once: the backgrounds once per category, the object once
per category and colour, the finished JPEGs once per machine (`cached_jpeg`, in the
user's cache folder), so loading the demo again costs only reading them back.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import tempfile
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

# Bump when the drawing changes: cached pictures of an older version are not used.
VERSION = "2"
WIDTH, HEIGHT = 800, 600
# Objects are drawn in a 600 × 600 box, at twice the size, then scaled down:
# the edges come out smooth without any antialiasing of our own.
UNIT = 600
SUPERSAMPLE = 2
SHOTS = ("studio", "detail", "in-situ")

Colour = tuple[int, int, int]


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b, strict=True))


def _lighter(colour: Colour, amount: float) -> Colour:
    return _mix(colour, (255, 255, 255), amount)


def _darker(colour: Colour, amount: float) -> Colour:
    return _mix(colour, (0, 0, 0), amount)


# --- Shading ---------------------------------------------------------------------

# Light from the upper left and in front: (x, z) of its direction, normalised.
_LIGHT = (-0.55, 0.83)


def _cylinder_profile(gloss: float) -> list[int]:
    """Brightness across a cylinder, 0–255, 128 being the material's own colour."""
    lx, lz = _LIGHT
    hx, hz = lx, lz + 1.0  # half-way between the light and the viewer
    norm = math.hypot(hx, hz)
    hx, hz = hx / norm, hz / norm
    values = []
    for i in range(256):
        nx = (i / 255) * 2 - 1
        nz = math.sqrt(max(0.0, 1 - nx * nx))
        diffuse = max(0.0, nx * lx + nz * lz)
        specular = max(0.0, nx * hx + nz * hz) ** 40
        value = 0.2 + 0.42 * diffuse + gloss * 0.5 * specular
        values.append(max(0, min(255, int(value * 255))))
    return values


@cache
def _strip(axis: str, gloss: float) -> Image.Image:
    profile = _cylinder_profile(gloss)
    size = (256, 1) if axis == "x" else (1, 256)
    strip = Image.new("L", size)
    strip.putdata(profile)
    return strip


@cache
def _sphere(gloss: float) -> Image.Image:
    """A lit ball, brightest a third of the way from the upper left."""
    radial = ImageOps.invert(Image.radial_gradient("L"))  # 255 at the centre
    window = 220
    left, top = 128 - int(window * 0.36), 128 - int(window * 0.32)
    ball = radial.crop((left, top, left + window, top + window)).resize((256, 256))
    lut = [int(255 * (0.2 + 0.42 * (v / 255) ** 1.4)) for v in range(256)]
    lit = ball.point(lut)
    if gloss:
        spot = ball.point(lambda v: int(255 * gloss * 0.5 * (v / 255) ** 24))
        lit = ImageChops.add(lit, spot)
    return lit


def _shade(kind: str, size: tuple[int, int], gloss: float, level: float) -> Image.Image:
    if kind in ("x", "y"):
        return _strip(kind, gloss).resize(size, Image.Resampling.BILINEAR)
    if kind == "sphere":
        return _sphere(gloss).resize(size, Image.Resampling.BILINEAR)
    # A flat face: one level, a little lighter at the top.
    top, bottom = int(255 * (level + 0.05)), int(255 * (level - 0.05))
    strip = Image.new("L", (1, 256))
    strip.putdata([int(top + (bottom - top) * i / 255) for i in range(256)])
    return strip.resize(size, Image.Resampling.BILINEAR)


_OPAQUE = [0] + [255] * 255


class Painter:
    """Builds an object part by part on a transparent canvas."""

    def __init__(self) -> None:
        self.size = UNIT * SUPERSAMPLE
        self.image = Image.new("RGBA", (self.size, self.size), (0, 0, 0, 0))

    def _scaled(self, value):
        if isinstance(value, (int, float)):
            return value * SUPERSAMPLE
        return [self._scaled(v) for v in value]

    def mask(self, draw: Callable[[ImageDraw.ImageDraw, Callable], None]):
        mask = Image.new("L", (self.size, self.size), 0)
        draw(ImageDraw.Draw(mask), self._scaled)
        # The shapes are drawn with fill 1: anything drawn is the part.
        return mask.point(_OPAQUE)

    def part(
        self,
        mask: Image.Image,
        colour: Colour,
        *,
        shade: str = "x",
        gloss: float = 0.0,
        level: float = 0.45,
        grain: bool = False,
        highlight: Colour | None = None,
    ) -> None:
        """Paint the shape of `mask` in `colour`, shaded as `shade` (x or y: a
        cylinder along that axis, sphere, or flat at `level`)."""
        box = mask.getbbox()
        if box is None:
            return
        size = (box[2] - box[0], box[3] - box[1])
        lum = _shade(shade, size, gloss, level)
        if grain:
            # Wood: streaks along the longer side.
            long_side = 0 if size[0] > size[1] else 1
            small = (
                (max(1, size[0] // 3), max(1, size[1] // 40))
                if long_side == 0
                else (max(1, size[0] // 40), max(1, size[1] // 3))
            )
            noise = (
                Image.effect_noise(small, 60).resize(size).point(lambda v: 190 + v // 4)
            )
            lum = ImageChops.multiply(lum, noise)
        white = highlight or _lighter(colour, 0.85 if gloss else 0.45)
        painted = ImageOps.colorize(
            lum, black=_darker(colour, 0.78), mid=colour, white=white, midpoint=128
        )
        self.image.paste(painted, box[:2], mask.crop(box))

    def tube(self, draw_path, width: float, colour: Colour, gloss: float = 0.6):
        """A round bar along a path (an arc, a line): strokes from dark and wide
        to light and thin, shifted toward the light."""
        steps = [
            (1.0, _darker(colour, 0.55), (0, 0)),
            (0.8, _darker(colour, 0.2), (-0.05, -0.05)),
            (0.55, colour, (-0.1, -0.1)),
            (0.28, _lighter(colour, 0.45 + 0.3 * gloss), (-0.16, -0.16)),
            (0.1, _lighter(colour, 0.6 + 0.4 * gloss), (-0.2, -0.2)),
        ]
        box = None
        for share, tone, (dx, dy) in steps:
            layer = self.mask(
                lambda d, s, share=share, dx=dx, dy=dy: draw_path(
                    d, s, width * share, (dx * width, dy * width)
                )
            )
            # Only the widest stroke's box is worked on: a fraction of the canvas.
            box = box or layer.getbbox()
            if box is None:
                return
            layer = layer.crop(box)
            if share < 1.0:
                # Soft steps between the strokes, blurred down and up again.
                small = layer.reduce(4)
                layer = small.filter(ImageFilter.BoxBlur(1)).resize(
                    layer.size, Image.Resampling.BILINEAR
                )
            self.image.paste(tone, box, layer)

    def finish(self) -> Image.Image:
        """The object cropped to itself, a little darker toward its base."""
        alpha = self.image.getchannel("A")
        box = alpha.getbbox()
        obj = self.image.crop(box)
        strip = Image.new("L", (1, 256))
        strip.putdata([int(255 - 40 * (i / 255) ** 2) for i in range(256)])
        shade = strip.resize(obj.size).convert("RGB")
        rgb = ImageChops.multiply(obj.convert("RGB"), shade)
        rgb.putalpha(obj.getchannel("A"))
        return rgb


# --- The objects, one per category ----------------------------------------------

STEEL = (150, 156, 162)
DARK = (46, 46, 48)
RUBBER = (38, 38, 40)
WOOD = (176, 128, 78)


def _drill(p: Painter, accent: Colour) -> None:
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((150, 470, 410, 565)), s(22), 1)),
        DARK,
        shade="y",
        gloss=0.2,
    )
    p.part(
        p.mask(lambda d, s: d.rectangle(s((165, 500, 395, 514)), 1)),
        accent,
        shade="flat",
        level=0.55,
    )
    p.part(
        p.mask(
            lambda d, s: d.polygon(
                s([(225, 290), (325, 290), (345, 480), (250, 480)]), 1
            )
        ),
        RUBBER,
        shade="x",
        gloss=0.15,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((300, 318, 332, 362)), s(10), 1)),
        DARK,
        shade="x",
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((120, 160, 470, 320)), s(70), 1)),
        accent,
        shade="y",
        gloss=0.55,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((100, 165, 200, 315)), 1)),
        _darker(accent, 0.35),
        shade="y",
        gloss=0.3,
    )
    for x in (205, 225, 245, 265):
        p.part(
            p.mask(
                lambda d, s, x=x: d.rounded_rectangle(s((x, 200, x + 8, 280)), s(4), 1)
            ),
            _darker(accent, 0.6),
            shade="flat",
            level=0.3,
        )
    p.part(
        p.mask(lambda d, s: d.rectangle(s((465, 200, 492, 280)), 1)), RUBBER, shade="y"
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((490, 212, 555, 268)), s(12), 1)),
        STEEL,
        shade="y",
        gloss=0.9,
    )
    p.part(
        p.mask(lambda d, s: d.rectangle(s((553, 233, 598, 247)), 1)),
        (120, 124, 128),
        shade="y",
        gloss=0.9,
    )


def _spade(p: Painter, accent: Colour) -> None:
    p.tube(
        lambda d, s, w, o: d.arc(
            s((238 + o[0], 30 + o[1], 362 + o[0], 150 + o[1])),
            180,
            360,
            fill=1,
            width=int(s(w)),
        ),
        24,
        accent,
        gloss=0.4,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((246, 78, 354, 100)), s(10), 1)),
        accent,
        shade="y",
        gloss=0.4,
    )
    p.part(
        p.mask(lambda d, s: d.rectangle(s((286, 96, 314, 390)), 1)),
        WOOD,
        shade="x",
        grain=True,
        gloss=0.15,
    )
    p.part(
        p.mask(
            lambda d, s: d.polygon(
                s([(282, 380), (318, 380), (332, 430), (268, 430)]), 1
            )
        ),
        (70, 72, 76),
        shade="x",
        gloss=0.6,
    )

    def blade(d, s):
        points = [(222, 425), (378, 425), (382, 540)]
        for i in range(1, 12):
            angle = math.pi * i / 12
            points.append((300 + 82 * math.cos(angle), 540 + 45 * math.sin(angle)))
        points.append((218, 540))
        d.polygon(s(points), 1)

    p.part(p.mask(blade), STEEL, shade="x", gloss=0.8)
    p.part(
        p.mask(lambda d, s: d.rectangle(s((222, 425, 378, 440)), 1)),
        _darker(STEEL, 0.25),
        shade="x",
        gloss=0.5,
    )


def _watering_can(p: Painter, accent: Colour) -> None:
    p.tube(
        lambda d, s, w, o: d.arc(
            s((165 + o[0], 120 + o[1], 375 + o[0], 400 + o[1])),
            195,
            345,
            fill=1,
            width=int(s(w)),
        ),
        26,
        accent,
    )
    p.tube(
        lambda d, s, w, o: d.line(
            s([(372 + o[0], 480 + o[1]), (532 + o[0], 255 + o[1])]),
            fill=1,
            width=int(s(w)),
        ),
        30,
        accent,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((505, 205, 580, 280)), 1)),
        _darker(accent, 0.1),
        shade="sphere",
        gloss=0.6,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((528, 215, 585, 272)), 1)),
        (184, 140, 60),
        shade="sphere",
        gloss=0.7,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((140, 255, 395, 560)), s(26), 1)),
        accent,
        shade="x",
        gloss=0.7,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((140, 232, 395, 282)), 1)),
        _lighter(accent, 0.15),
        shade="flat",
        level=0.55,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((180, 240, 300, 272)), 1)),
        _darker(accent, 0.55),
        shade="flat",
        level=0.35,
    )
    for y in (330, 500):
        p.part(
            p.mask(lambda d, s, y=y: d.rectangle(s((140, y, 395, y + 12)), 1)),
            _darker(accent, 0.2),
            shade="x",
            gloss=0.6,
        )


def _potted_plant(p: Painter, accent: Colour) -> None:
    greens = [(58, 110, 52), (74, 132, 60), (46, 94, 44), (92, 146, 70)]
    rng = random.Random(3)
    leaves = []
    for i in range(15):
        angle = -math.pi / 2 + (i - 7) * 0.2 + rng.uniform(-0.08, 0.08)
        length = rng.uniform(150, 250) * (1 - abs(i - 7) * 0.035)
        leaves.append((angle, length, rng.choice(greens)))
    leaves.sort(key=lambda leaf: -abs(leaf[0] + math.pi / 2))
    for angle, length, green in leaves:

        def leaf(d, s, angle=angle, length=length):
            base = (300, 380)
            ux, uy = math.cos(angle), math.sin(angle)
            vx, vy = -uy, ux
            width = length * 0.22
            side_a, side_b = [], []
            for k in range(13):
                t = k / 12
                along = 30 + length * t
                half = width * math.sin(math.pi * t) ** 0.8
                cx, cy = base[0] + ux * along, base[1] + uy * along
                side_a.append((cx + vx * half, cy + vy * half))
                side_b.append((cx - vx * half, cy - vy * half))
            d.polygon(s(side_a + side_b[::-1]), 1)
            d.line(s([base, (base[0] + ux * 40, base[1] + uy * 40)]), 1, int(s(6)))

        p.part(p.mask(leaf), green, shade="sphere", gloss=0.25)
    p.part(
        p.mask(
            lambda d, s: d.polygon(
                s([(205, 395), (395, 395), (372, 572), (228, 572)]), 1
            )
        ),
        accent,
        shade="x",
        gloss=0.2,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((190, 372, 410, 408)), s(8), 1)),
        _lighter(accent, 0.08),
        shade="x",
        gloss=0.25,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((200, 366, 400, 386)), 1)),
        (62, 44, 32),
        shade="flat",
        level=0.4,
    )


def _paint_tin(p: Painter, accent: Colour) -> None:
    p.tube(
        lambda d, s, w, o: d.arc(
            s((165 + o[0], 110 + o[1], 435 + o[0], 360 + o[1])),
            195,
            345,
            fill=1,
            width=int(s(w)),
        ),
        7,
        (110, 112, 116),
    )

    def body(d, s):
        d.rectangle(s((165, 250, 435, 545)), 1)
        d.ellipse(s((165, 520, 435, 570)), 1)

    p.part(p.mask(body), (178, 182, 186), shade="x", gloss=0.9)
    p.part(
        p.mask(lambda d, s: d.rectangle(s((165, 315, 435, 500)), 1)),
        accent,
        shade="x",
        gloss=0.35,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((215, 350, 295, 430)), 1)),
        (245, 243, 236),
        shade="x",
        gloss=0.2,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((232, 367, 278, 413)), 1)),
        _darker(accent, 0.1),
        shade="flat",
        level=0.5,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((315, 360, 410, 380)), s(6), 1)),
        _lighter(accent, 0.55),
        shade="x",
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((315, 395, 390, 410)), s(6), 1)),
        _lighter(accent, 0.4),
        shade="x",
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((162, 225, 438, 277)), 1)),
        (196, 200, 204),
        shade="flat",
        level=0.6,
    )
    p.part(
        p.mask(lambda d, s: d.ellipse(s((185, 232, 415, 270)), 1)),
        (160, 164, 170),
        shade="flat",
        level=0.45,
    )


def _bulb(p: Painter, accent: Colour) -> None:
    glass = (236, 232, 220)

    def glass_shape(d, s):
        d.ellipse(s((175, 40, 425, 290)), 1)
        d.polygon(s([(225, 240), (375, 240), (340, 365), (260, 365)]), 1)

    p.part(
        p.mask(glass_shape), glass, shade="sphere", gloss=0.9, highlight=(255, 255, 255)
    )
    # The filament, glowing in the product's colour of light.
    glow = p.mask(lambda d, s: d.ellipse(s((225, 100, 375, 250)), 1))
    glow = glow.resize((glow.width // 8, glow.height // 8), Image.Resampling.BOX)
    glow = glow.filter(ImageFilter.GaussianBlur(4)).resize(p.image.size)
    p.image.paste(
        Image.new("RGBA", glow.size, accent + (255,)),
        (0, 0),
        ImageChops.multiply(glow.point(lambda v: v * 3 // 4), p.image.getchannel("A")),
    )
    p.part(
        p.mask(
            lambda d, s: d.line(
                s([(265, 300), (275, 180), (300, 165), (325, 180), (335, 300)]),
                1,
                int(s(4)),
                joint="curve",
            )
        ),
        _lighter(accent, 0.5),
        shade="flat",
        level=0.7,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((255, 358, 345, 380)), s(6), 1)),
        (245, 245, 240),
        shade="x",
        gloss=0.3,
    )
    p.part(
        p.mask(lambda d, s: d.rectangle(s((262, 378, 338, 462)), 1)),
        (188, 190, 192),
        shade="x",
        gloss=0.9,
    )
    for y in range(386, 460, 14):
        p.part(
            p.mask(lambda d, s, y=y: d.line(s([(262, y), (338, y + 6)]), 1, int(s(4)))),
            (120, 122, 126),
            shade="x",
            gloss=0.5,
        )
    p.part(
        p.mask(lambda d, s: d.chord(s((272, 440, 328, 492)), 0, 180, 1)),
        DARK,
        shade="x",
        gloss=0.4,
    )


def _mixer_tap(p: Painter, accent: Colour) -> None:
    p.tube(
        lambda d, s, w, o: d.arc(
            s((282 + o[0], 130 + o[1], 520 + o[0], 470 + o[1])),
            180,
            360,
            fill=1,
            width=int(s(w)),
        ),
        38,
        accent,
        gloss=1.0,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((483, 290, 521, 352)), s(8), 1)),
        accent,
        shade="x",
        gloss=1.0,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((262, 300, 340, 535)), s(30), 1)),
        accent,
        shade="x",
        gloss=1.0,
    )
    p.tube(
        lambda d, s, w, o: d.line(
            s([(300 + o[0], 318 + o[1]), (410 + o[0], 262 + o[1])]),
            fill=1,
            width=int(s(w)),
        ),
        22,
        accent,
        gloss=1.0,
    )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((210, 525, 392, 565)), s(14), 1)),
        accent,
        shade="x",
        gloss=1.0,
    )


def _storage_box(p: Painter, accent: Colour) -> None:
    p.part(
        p.mask(
            lambda d, s: d.polygon(
                s([(418, 300), (512, 248), (500, 500), (408, 565)]), 1
            )
        ),
        accent,
        shade="flat",
        level=0.3,
    )
    p.part(
        p.mask(
            lambda d, s: d.polygon(
                s([(128, 300), (418, 300), (408, 565), (142, 565)]), 1
            )
        ),
        accent,
        shade="flat",
        level=0.45,
    )
    for x in (175, 230, 330, 385):
        p.part(
            p.mask(lambda d, s, x=x: d.line(s([(x, 330), (x + 1, 545)]), 1, int(s(7)))),
            _darker(accent, 0.18),
            shade="x",
        )
    p.part(
        p.mask(lambda d, s: d.rounded_rectangle(s((240, 338, 318, 364)), s(12), 1)),
        _darker(accent, 0.7),
        shade="flat",
        level=0.3,
    )
    p.part(
        p.mask(
            lambda d, s: d.polygon(
                s([(110, 282), (430, 282), (530, 228), (212, 228)]), 1
            )
        ),
        _lighter(accent, 0.12),
        shade="flat",
        level=0.58,
    )
    p.part(
        p.mask(
            lambda d, s: d.polygon(
                s([(110, 282), (430, 282), (430, 312), (112, 312)]), 1
            )
        ),
        accent,
        shade="flat",
        level=0.5,
    )
    p.part(
        p.mask(
            lambda d, s: d.polygon(
                s([(430, 282), (530, 228), (528, 256), (430, 312)]), 1
            )
        ),
        accent,
        shade="flat",
        level=0.36,
    )


OBJECTS: dict[str, Callable[[Painter, Colour], None]] = {
    "hammer": _drill,
    "leaf": _spade,
    "drop": _watering_can,
    "flower": _potted_plant,
    "brush": _paint_tin,
    "bolt": _bulb,
    "pipe": _mixer_tap,
    "box": _storage_box,
}

# Colours a product of each kind comes in, picked by its number.
ACCENTS: dict[str, list[Colour]] = {
    "hammer": [
        (214, 92, 30),
        (28, 120, 140),
        (190, 36, 40),
        (96, 148, 44),
        (60, 62, 70),
    ],
    "leaf": [(40, 110, 60), (200, 70, 30), (40, 40, 42), (220, 170, 40), (30, 90, 150)],
    "drop": [
        (150, 158, 162),
        (58, 120, 70),
        (36, 96, 160),
        (176, 52, 44),
        (230, 150, 40),
    ],
    "flower": [
        (188, 92, 58),
        (226, 218, 200),
        (70, 74, 78),
        (150, 170, 140),
        (90, 120, 150),
    ],
    "brush": [
        (176, 58, 120),
        (132, 160, 136),
        (196, 104, 70),
        (40, 70, 120),
        (230, 190, 60),
    ],
    "bolt": [
        (255, 190, 90),
        (255, 214, 140),
        (255, 170, 70),
        (250, 226, 180),
        (255, 200, 110),
    ],
    "pipe": [
        (196, 200, 206),
        (44, 44, 46),
        (190, 160, 100),
        (170, 174, 178),
        (214, 216, 220),
    ],
    "box": [
        (40, 110, 170),
        (120, 124, 128),
        (70, 130, 80),
        (200, 60, 50),
        (226, 180, 50),
    ],
}

# Where the in-place shot is taken.
SETTINGS = {
    "leaf": "garden",
    "drop": "garden",
    "flower": "garden",
}


@cache
def object_image(shape: str, accent: Colour) -> Image.Image:
    """The category's object in this colour, RGBA, cropped to itself."""
    painter = Painter()
    OBJECTS.get(shape, _storage_box)(painter, accent)
    return painter.finish()


# --- Backgrounds, once per category -----------------------------------------------


def _vertical(stops: list[tuple[float, Colour]], size=(WIDTH, HEIGHT)) -> Image.Image:
    height = size[1]
    pixels = []
    for y in range(height):
        t = y / (height - 1)
        for (t0, c0), (t1, c1) in zip(stops, stops[1:], strict=False):
            if t0 <= t <= t1:
                pixels.append(_mix(c0, c1, (t - t0) / ((t1 - t0) or 1)))
                break
        else:
            pixels.append(stops[-1][1])
    strip = Image.new("RGB", (1, height))
    strip.putdata(pixels)
    return strip.resize(size, Image.Resampling.BILINEAR)


def _spot(size, centre, radius, strength=1.0) -> Image.Image:
    """An L mask, `strength` × 255 at `centre`, fading to 0 at `radius` (fractions)."""
    radial = ImageOps.invert(Image.radial_gradient("L"))
    diameter = int(radius * 2 * max(size))
    blob = radial.resize((diameter, diameter), Image.Resampling.BILINEAR)
    mask = Image.new("L", size, 0)
    mask.paste(
        blob,
        (
            int(centre[0] * size[0] - diameter / 2),
            int(centre[1] * size[1] - diameter / 2),
        ),
    )
    return mask.point(lambda v: int(v * strength))


@cache
def _vignette() -> Image.Image:
    mask = _spot((WIDTH, HEIGHT), (0.5, 0.48), 0.75)
    return mask.point(lambda v: 150 + int(105 * min(1, v / 160))).convert("RGB")


@cache
def _grain() -> Image.Image:
    noise = Image.effect_noise((WIDTH, HEIGHT), 3).point(lambda v: max(0, v - 128 + 8))
    return noise.convert("RGB")


def _blur(image: Image.Image, factor: int) -> Image.Image:
    # Down and up again: a wide blur at a fraction of GaussianBlur's cost.
    small = image.resize(
        (image.width // factor, image.height // factor), Image.Resampling.BOX
    )
    return small.resize(image.size, Image.Resampling.BICUBIC)


@cache
def _studio(tint: Colour) -> Image.Image:
    paper = _lighter(tint, 0.82)
    image = _vertical(
        [
            (0.0, _darker(paper, 0.22)),
            (0.55, _darker(paper, 0.04)),
            (0.68, paper),
            (1.0, _darker(paper, 0.1)),
        ]
    )
    light = _spot((WIDTH, HEIGHT), (0.42, 0.5), 0.55, 0.8)
    image = Image.composite(_lighter_image(image, 0.45), image, light)
    return ImageChops.multiply(image, _vignette())


def _lighter_image(image: Image.Image, amount: float) -> Image.Image:
    return Image.blend(image, Image.new("RGB", image.size, (255, 255, 255)), amount)


@cache
def _bokeh(tint: Colour) -> Image.Image:
    base = _vertical(
        [
            (0.0, _darker(tint, 0.55)),
            (0.6, _darker(tint, 0.25)),
            (1.0, _darker(tint, 0.6)),
        ],
        size=(WIDTH // 4, HEIGHT // 4),
    )
    layer = Image.new("RGB", base.size, (0, 0, 0))
    draw = ImageDraw.Draw(layer)
    rng = random.Random(sum(tint))
    for _ in range(28):
        x, y = rng.uniform(0, base.width), rng.uniform(0, base.height)
        r = rng.uniform(4, 16)
        tone = rng.choice([_lighter(tint, 0.6), (255, 236, 200), _lighter(tint, 0.3)])
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=_darker(tone, rng.uniform(0.3, 0.7))
        )
    layer = layer.filter(ImageFilter.GaussianBlur(2.2))
    image = ImageChops.add(base, layer).resize(
        (WIDTH, HEIGHT), Image.Resampling.BICUBIC
    )
    return ImageChops.multiply(image, _vignette())


@cache
def _workshop() -> Image.Image:
    wall = _vertical([(0.0, (170, 146, 112)), (0.72, (214, 190, 152))])
    draw = ImageDraw.Draw(wall)
    for y in range(18, int(HEIGHT * 0.72), 30):
        for x in range(12, WIDTH, 30):
            draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=(122, 102, 76))
    draw.rounded_rectangle((70, 110, 190, 300), 10, fill=(60, 90, 110))
    # A hammer and a saw hanging on the pegboard, out of focus behind the bench.
    draw.rectangle((594, 70, 608, 260), fill=(150, 104, 60))
    draw.rounded_rectangle((560, 56, 642, 84), 6, fill=(70, 72, 78))
    draw.polygon([(250, 60), (420, 60), (420, 110), (250, 190)], fill=(176, 180, 186))
    draw.rounded_rectangle((200, 50, 262, 120), 14, fill=(40, 40, 44))
    wall = _blur(wall, 6)
    bench_top = int(HEIGHT * 0.72)
    planks = Image.effect_noise((WIDTH // 16, (HEIGHT - bench_top) // 2), 40)
    planks = planks.resize((WIDTH, HEIGHT - bench_top), Image.Resampling.BICUBIC)
    wood = ImageOps.colorize(planks, black=(120, 80, 44), white=(206, 160, 108))
    wood = ImageChops.multiply(
        wood, _vertical([(0, (190, 190, 190)), (1, (255, 255, 255))], wood.size)
    )
    draw = ImageDraw.Draw(wood)
    for y in (40, 95):
        draw.line((0, y, WIDTH, y), fill=(96, 64, 36), width=2)
    wall.paste(_blur(wood, 2), (0, bench_top))
    ImageDraw.Draw(wall).line(
        (0, bench_top, WIDTH, bench_top), fill=(234, 204, 160), width=3
    )
    return ImageChops.multiply(wall, _vignette())


@cache
def _garden() -> Image.Image:
    horizon = int(HEIGHT * 0.6)
    small = (WIDTH // 8, horizon // 8)
    hedge = ImageOps.colorize(
        Image.effect_noise(small, 70), black=(30, 62, 30), white=(120, 170, 90)
    ).resize((WIDTH, horizon), Image.Resampling.BICUBIC)
    sky = _vertical([(0, (190, 214, 230)), (1, (226, 236, 232))], (WIDTH, horizon))
    top_edge = Image.new("L", (WIDTH, horizon), 0)
    draw = ImageDraw.Draw(top_edge)
    rng = random.Random(11)
    points = [(0, horizon)]
    for x in range(0, WIDTH + 40, 40):
        points.append((x, rng.randint(60, 130)))
    points.append((WIDTH, horizon))
    draw.polygon(points, fill=255)
    scene = Image.composite(hedge, sky, top_edge)
    draw = ImageDraw.Draw(scene)
    for _ in range(40):
        x, y = rng.randint(0, WIDTH), rng.randint(160, horizon - 10)
        colour = rng.choice(
            [(230, 120, 150), (250, 240, 245), (180, 140, 220), (250, 200, 80)]
        )
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=colour)
    scene = _blur(scene, 5)
    ground = ImageOps.colorize(
        Image.effect_noise((WIDTH // 3, (HEIGHT - horizon) // 3), 50),
        black=(150, 136, 116),
        white=(222, 210, 190),
    ).resize((WIDTH, HEIGHT - horizon), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(ground)
    for x in range(-400, WIDTH + 400, 170):
        draw.line(
            (x, 0, WIDTH / 2 + (x - WIDTH / 2) * 2.2, HEIGHT - horizon),
            fill=(130, 118, 100),
            width=3,
        )
    for y in (30, 100):
        draw.line((0, y, WIDTH, y), fill=(130, 118, 100), width=3)
    ground = ImageChops.multiply(
        ground, _vertical([(0, (175, 175, 175)), (1, (255, 255, 255))], ground.size)
    )
    full = Image.new("RGB", (WIDTH, HEIGHT))
    full.paste(scene, (0, 0))
    full.paste(_blur(ground, 2), (0, horizon))
    return ImageChops.multiply(full, _vignette())


# --- Shots -----------------------------------------------------------------------


def _shadow(obj: Image.Image, where: tuple[int, int], strength: float) -> Image.Image:
    """A soft cast shadow (to the lower right) and a dark contact line, as an L mask."""
    factor = 4
    mask = Image.new("L", (WIDTH // factor, HEIGHT // factor), 0)
    alpha = obj.getchannel("A")
    w, h = max(1, obj.width // factor), max(1, obj.height // factor)
    flat = alpha.resize((w, max(1, h // 5)), Image.Resampling.BILINEAR)
    x, base = where[0] // factor, where[1] // factor
    # Sheared toward the right, as a light from the upper left throws it.
    sheared = flat.transform(
        (w + h // 3, flat.height),
        Image.Transform.AFFINE,
        (1, 0.9, -flat.height * 0.9, 0, 1, 0),
        Image.Resampling.BILINEAR,
    )
    mask.paste(sheared, (x, base - flat.height + 1), sheared)
    mask = mask.filter(ImageFilter.GaussianBlur(3))
    contact = Image.new("L", mask.size, 0)
    ImageDraw.Draw(contact).ellipse(
        (x + w * 0.08, base - 2, x + w * 0.92, base + 2), fill=255
    )
    mask = ImageChops.lighter(mask, contact.filter(ImageFilter.GaussianBlur(1.2)))
    mask = mask.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    return mask.point(lambda v: int(v * strength))


_DARK_CACHE: dict[int, Image.Image] = {}


def _dark(background: Image.Image) -> Image.Image:
    """The background in the shade (backgrounds are cached, so is this)."""
    key = id(background)
    if key not in _DARK_CACHE:
        _DARK_CACHE[key] = ImageChops.multiply(
            background, Image.new("RGB", background.size, (70, 66, 62))
        )
    return _DARK_CACHE[key]


def _place(
    background: Image.Image,
    obj: Image.Image,
    *,
    height: int,
    centre_x: int,
    base_y: int,
    shadow: float,
) -> Image.Image:
    scale = height / obj.height
    # Bilinear: never more than halving, where it looks as good as Lanczos.
    sized = obj.resize(
        (max(1, int(obj.width * scale)), height), Image.Resampling.BILINEAR
    )
    left = centre_x - sized.width // 2
    image = background.copy()
    if shadow:
        image.paste(_dark(background), (0, 0), _shadow(sized, (left, base_y), shadow))
    image.paste(sized, (left, base_y - height), sized)
    return image


@cache
def _small_object(shape: str, accent: Colour) -> Image.Image:
    # The object at its drawn size, halved once: studio and in-place shots show it
    # smaller than that, and scaling it down from here each time costs little.
    return object_image(shape, accent).reduce(2)


@cache
def _tilted_object(shape: str, accent: Colour) -> Image.Image:
    return object_image(shape, accent).rotate(8, Image.Resampling.BILINEAR, expand=True)


def _posed(shape: str, variant: int, *, close: bool) -> Image.Image:
    """The object a product shows: its colour and the side it is seen from;
    tilted and at full size for a close-up."""
    accents = ACCENTS.get(shape, ACCENTS["box"])
    # Five colours and two sides: the ten products of a category all differ.
    accent = accents[variant % len(accents)]
    obj = _tilted_object(shape, accent) if close else _small_object(shape, accent)
    return ImageOps.mirror(obj) if variant % 2 else obj


def photo_render(*, shape: str, colour: Colour, shot: str, variant: int) -> bytes:
    """A JPEG of WIDTH × HEIGHT: the category's object (by `shape`) in one of
    SHOTS, on backgrounds tinted by the category's `colour`; `variant` (the
    product's number) picks the object's colour and the side it is seen from."""
    variant %= 10
    if shot == "studio":
        image = _place(
            _studio(colour),
            _posed(shape, variant, close=False),
            height=int(HEIGHT * 0.68),
            centre_x=WIDTH // 2,
            base_y=int(HEIGHT * 0.9),
            shadow=0.55,
        )
    elif shot == "detail":
        image = _place(
            _bokeh(colour),
            _posed(shape, variant, close=True),
            height=int(HEIGHT * 1.45),
            centre_x=int(WIDTH * (0.58 if variant % 2 else 0.42)),
            base_y=int(HEIGHT * 1.25),
            shadow=0,
        )
    else:
        setting = SETTINGS.get(shape, "workshop")
        background = _garden() if setting == "garden" else _workshop()
        image = _place(
            background,
            _posed(shape, variant, close=False),
            height=int(HEIGHT * 0.5),
            centre_x=int(WIDTH * (0.4 if variant % 2 else 0.6)),
            base_y=int(HEIGHT * (0.9 if setting == "garden" else 0.86)),
            shadow=0.6,
        )
    image = ImageChops.add(image, _grain(), offset=-8)
    out = BytesIO()
    image.save(out, format="JPEG", quality=84)
    return out.getvalue()


# --- Rendered once per machine -----------------------------------------------------


def _cache_folder() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    folder = Path(base) / "comptoir" / "demo-photos" / VERSION
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no writable cache: draw every time
    return folder


def cached_jpeg(key: str, render: Callable[[], bytes]) -> bytes:
    """The picture named `key`, drawn by `render` the first time on this machine.

    Kept in the user's cache folder (XDG_CACHE_HOME), so another demo load, a test
    run or a fresh database reads it back instead of drawing it again.
    """
    folder = _cache_folder()
    if folder is None:
        return render()
    path = folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".jpg")
    try:
        return path.read_bytes()
    except OSError:
        pass
    content = render()
    try:
        # Written aside then renamed: two loads at once never read half a file.
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as temporary:
            temporary.write(content)
        os.replace(temporary.name, path)
    except OSError:
        pass
    return content
