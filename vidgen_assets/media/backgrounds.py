"""The look of a document's frames: one `Style` (palette and motif) per film, and backgrounds
whose variation is seeded by each frame's prompt, so the same prompt always gives the same pixels.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

MOTIFS = ("waves", "grid", "circles", "diagonals")

# Dark grounds with light text, and two light grounds with dark text; each text/background pair
# has a WCAG contrast ratio of at least 7 (checked by the tests), so the key point stays readable.
_PALETTES: tuple[tuple[str, tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]], ...] = (
    ("midnight", (16, 22, 40), (255, 184, 76), (246, 244, 238)),
    ("ocean", (8, 44, 60), (94, 234, 212), (240, 250, 252)),
    ("forest", (20, 42, 30), (176, 222, 96), (242, 246, 236)),
    ("plum", (44, 20, 50), (255, 122, 162), (250, 242, 250)),
    ("slate", (34, 38, 48), (120, 172, 255), (244, 246, 250)),
    ("paper", (244, 238, 226), (196, 62, 44), (26, 26, 32)),
    ("chalk", (232, 240, 244), (30, 110, 190), (18, 24, 36)),
)


@dataclass(frozen=True)
class Style:
    """The document-wide look: palette and background motif."""

    name: str
    background: tuple[int, int, int]
    accent: tuple[int, int, int]
    text: tuple[int, int, int]
    motif: str


def style_for(seed_text: str) -> Style:
    """Pick a palette and a motif from a hash of `seed_text` (for example the document title)."""
    digest = hashlib.sha256(seed_text.encode("utf-8")).digest()
    name, background, accent, text = _PALETTES[digest[0] % len(_PALETTES)]
    motif = MOTIFS[digest[1] % len(MOTIFS)]
    return Style(f"{name}-{motif}", background, accent, text, motif)


def background(prompt: str, style: Style, size: tuple[int, int]) -> Image.Image:
    """A soft glow plus the style's motif, its placement drawn from a hash of `prompt`."""
    rng = random.Random(hashlib.sha256(prompt.encode("utf-8")).digest())
    width, height = size
    # Radial glow: crop a 16:9 window out of Pillow's 256x256 radial gradient at a seeded place.
    cx, cy = rng.uniform(70, 186), rng.uniform(45, 211)
    glow_mask = (
        Image.radial_gradient("L")
        .crop((int(cx - 64), int(cy - 36), int(cx + 64), int(cy + 36)))
        .resize(size, Image.Resampling.BILINEAR)
    )
    glow = mix(style.background, style.accent, rng.uniform(0.16, 0.26))
    image = Image.composite(Image.new("RGB", size, style.background), Image.new("RGB", size, glow), glow_mask)

    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    _MOTIF_DRAWERS[style.motif](draw, rng, width, height)
    image.paste(style.accent, mask=mask)
    return image


def _draw_waves(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int) -> None:
    for _ in range(rng.randint(5, 9)):
        base = rng.uniform(0.1, 0.9) * height
        amp = rng.uniform(0.03, 0.12) * height
        wavelength = rng.uniform(0.25, 0.9) * width
        phase = rng.uniform(0, 2 * math.pi)
        points = [(x, base + amp * math.sin(2 * math.pi * x / wavelength + phase)) for x in range(-20, width + 21, 16)]
        draw.line(points, fill=rng.randint(40, 95), width=rng.randint(3, 9), joint="curve")


def _draw_grid(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int) -> None:
    step = rng.randint(70, 150)
    ox, oy = rng.randrange(step), rng.randrange(step)
    cols, rows = range(ox - step, width + step, step), range(oy - step, height + step, step)
    for x in cols:
        for y in rows:
            if rng.random() < 0.09:
                draw.rectangle((x + 3, y + 3, x + step - 3, y + step - 3), fill=rng.randint(35, 80))
    line_alpha = rng.randint(30, 55)
    for x in cols:
        draw.line((x, 0, x, height), fill=line_alpha, width=2)
    for y in rows:
        draw.line((0, y, width, y), fill=line_alpha, width=2)


def _draw_circles(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int) -> None:
    for _ in range(rng.randint(7, 13)):
        x, y = rng.uniform(-0.1, 1.1) * width, rng.uniform(-0.1, 1.1) * height
        r = rng.uniform(0.04, 0.3) * width
        box = (x - r, y - r, x + r, y + r)
        if rng.random() < 0.35:
            draw.ellipse(box, fill=rng.randint(25, 50))
        else:
            draw.ellipse(box, outline=rng.randint(45, 100), width=rng.randint(3, 10))


def _draw_diagonals(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int) -> None:
    dx = rng.choice((-1, 1)) * rng.uniform(0.45, 1.6) * height  # horizontal run from top to bottom
    x = -max(dx, 0) - 200
    while x < width + max(-dx, 0) + 200:
        band = rng.randint(6, 60)
        if rng.random() < 0.6:
            draw.polygon([(x, 0), (x + band, 0), (x + band + dx, height), (x + dx, height)], fill=rng.randint(25, 80))
        x += band + rng.randint(30, 140)


_MOTIF_DRAWERS = {"waves": _draw_waves, "grid": _draw_grid, "circles": _draw_circles, "diagonals": _draw_diagonals}


# --- text and colour helpers ------------------------------------------------------------------


def panel_colour(style: Style) -> tuple[int, int, int]:
    """The ground of text panels and tinted pictures: a tone that keeps `style.text` readable."""
    if is_dark(style.background):
        return mix(style.background, (0, 0, 0), 0.45)
    return mix(style.background, (255, 255, 255), 0.6)


def picture_palette(style: Style) -> tuple[tuple[int, int, int], ...]:
    """Colours to tint clip art into the style: the panel's ground, then inks darkest first.

    On a dark style the drawing's dark lines become a dim accent and its light fills the text
    colour; on a light style the lines take the text colour and the fills fade toward the ground.
    """
    ground = panel_colour(style)
    if is_dark(style.background):
        return (
            ground,
            mix(style.background, style.accent, 0.55),
            style.accent,
            mix(style.accent, style.text, 0.55),
            style.text,
        )
    return (
        ground,
        style.text,
        mix(style.text, style.accent, 0.6),
        style.accent,
        mix(style.accent, style.background, 0.65),
        mix(style.background, (255, 255, 255), 0.85),
    )


def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def is_dark(colour: tuple[int, int, int]) -> bool:
    return _relative_luminance(colour) < 0.4


def _relative_luminance(colour: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
