"""Pictures as pixels: SVGs rasterised with resvg and tinted into the document's palette.

Clip art from many authors in many colours looks like one film once every picture is drawn in
the same few colours: each pixel's lightness picks a colour on the palette's ramp, and what was
transparent becomes the palette's background. One-colour icons are drawn in a single ink.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import resvg_py
from PIL import Image, ImageOps

from vidgen_assets.errors import InputError

RGB = tuple[int, int, int]
# Background first, then the ink ramp from the darkest to the lightest colour.
DEFAULT_PALETTE: tuple[RGB, ...] = ((16, 24, 40), (58, 96, 140), (110, 170, 200), (236, 200, 120), (250, 246, 235))


_MAX_SIDE = 4096
_PROBE_WIDTH = 512  # pixels: enough to find a drawing's margins to within a pixel of the final
_DPI = 96.0  # CSS pixels per inch; resvg_py's default of 0 turns sizes in pt or mm into nothing


def rasterise_svg(path: Path, width: int, height: int) -> Image.Image:
    """The SVG's visible drawing, cropped of empty margins, fit inside width x height (RGBA).

    A small probe finds where the drawing lies on its page; the page is then drawn once at the
    scale that makes the drawing fill the box. Drawn first at its natural size, a page
    declared metres wide once took 168 million pixels.
    """
    try:
        probe = _render(path, _PROBE_WIDTH)
        box = probe.getchannel("A").getbbox()
        if box is None:
            raise InputError(path, "draws nothing visible")
        drawn_w, drawn_h = box[2] - box[0], box[3] - box[1]
        # Scale so the drawing (not the page around it) fills the box; a page grown past
        # _MAX_SIDE is not drawn, so a speck on a huge page stays small rather than costly.
        scale = min(width / drawn_w, height / drawn_h, _MAX_SIDE / max(probe.size))
        image = _render(path, max(1, round(probe.width * scale)))
    except InputError:
        raise
    except Exception as exc:  # resvg raises plain exceptions for malformed or unsupported SVGs
        raise InputError(path, f"cannot be drawn as a picture: {exc}") from exc
    # The probe's box, a probe pixel wider each way, then the exact edge of the drawing inside it.
    factor = image.width / probe.width
    loose = (max(0, box[0] - 1), max(0, box[1] - 1), min(probe.width, box[2] + 1), min(probe.height, box[3] + 1))
    image = image.crop(tuple(round(v * factor) for v in loose))
    exact = image.getchannel("A").getbbox()
    if exact:
        image = image.crop(exact)
    return ImageOps.contain(image, (width, height)) if max(image.width / width, image.height / height) > 1 else image


def tint(image: Image.Image, palette: Sequence[RGB] = DEFAULT_PALETTE) -> Image.Image:
    """RGB image whose colours all come from `palette`: background, then a ramp by lightness."""
    if len(palette) < 2:
        raise ValueError("a palette needs a background colour and at least one ink colour")
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
    lightness = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    ink = _ramp(lightness, np.asarray(palette[1:], dtype=np.float32))
    alpha = rgba[..., 3:4]
    background = np.asarray(palette[0], dtype=np.float32)
    out = ink * alpha + background * (1.0 - alpha)
    return Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8), "RGB")


def tint_icon(image: Image.Image, palette: Sequence[RGB] = DEFAULT_PALETTE) -> Image.Image:
    """RGB image of a one-colour icon: its shapes in the ink that stands out most from the background.

    Only the icon's coverage (alpha) counts: its own colour is whatever its author left as
    currentColor, and by lightness a black line would vanish into a dark background.
    """
    if len(palette) < 2:
        raise ValueError("a palette needs a background colour and at least one ink colour")
    colours = np.asarray(palette, dtype=np.float32)
    luma = colours @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    ink = colours[1 + int(np.argmax(np.abs(luma[1:] - luma[0])))]
    alpha = np.asarray(image.convert("RGBA").getchannel("A"), dtype=np.float32)[..., None] / 255.0
    out = ink * alpha + colours[0] * (1.0 - alpha)
    return Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8), "RGB")


def load_image(path: Path) -> Image.Image:
    """A photo or drawing from the user's folder, upright and RGB (its own colours are kept)."""
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(path, f"is not a readable image: {exc}") from exc
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        canvas = Image.new("RGB", image.size, (0, 0, 0))
        canvas.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return canvas
    return image.convert("RGB")


def _ramp(lightness: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation of `colours` (darkest first) at lightness 0..1."""
    if len(colours) == 1:
        return np.broadcast_to(colours[0], (*lightness.shape, 3)).copy()
    position = np.clip(lightness, 0.0, 1.0) * (len(colours) - 1)
    low = np.minimum(position.astype(np.int64), len(colours) - 2)
    t = (position - low)[..., None]
    return colours[low] * (1.0 - t) + colours[low + 1] * t


def _render(path: Path, width: int | None = None) -> Image.Image:
    data = resvg_py.svg_to_bytes(svg_path=str(path), dpi=_DPI, width=width)
    image = Image.open(io.BytesIO(bytes(data)))
    image.load()
    return image.convert("RGBA")
