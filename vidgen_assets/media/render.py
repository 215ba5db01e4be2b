"""The built-in frame renderer (Pillow): a generated background, the chunk's slide text, a figure or picture.

Every frame of a document shares one `Style` (palette and motif) so the video looks like one film;
the prompt seeds the background's variation, so the same prompt always gives the same PNG bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageStat, UnidentifiedImageError
from PIL.PngImagePlugin import PngInfo

from vidgen_assets.errors import BackendUnavailable, InputError
from vidgen_assets.language.slides import Slide
from vidgen_assets.media.backgrounds import Style, background, panel_colour
from vidgen_assets.storage.files import atomic_path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FRAME_SIZE = (1920, 1080)
_MARGIN = 64
_MAX_TEXT_SIZE = 96
_MIN_TEXT_SIZE = 30
# zlib level 6 (Pillow's default) costs ~3x the time of level 1 for ~15% smaller files; frames are
# intermediates that ffmpeg reads once, so speed wins.
_PNG_COMPRESS_LEVEL = 1
_FIGURE_CARD = (250, 250, 248)  # paper figures are drawn for a white page
_CARD_BORDER = 16
_CAPTION_H = 96


@dataclass(frozen=True)
class TextLayout:
    """Wrapped lines at the chosen font size; `width`/`height` is the block's pixel extent."""

    lines: tuple[str, ...]
    font_size: int
    line_height: int
    width: int
    height: int
    truncated: bool  # True when even the smallest size could not hold the whole text


def render_title_card(title: str, subtitle: str, style: Style, prompt: str, path: Path) -> Path:
    """Render the opening card: the title large and centred, the subtitle under it."""
    image = background(prompt, style, FRAME_SIZE)
    width, height = FRAME_SIZE
    title_box = (width - 4 * _MARGIN, int(height * 0.42))
    sub_box = (width - 6 * _MARGIN, int(height * 0.16))
    title_layout = layout_text(title, *title_box, bold=True, max_size=120, min_size=40)
    sub_layout = layout_text(subtitle, *sub_box, bold=False, max_size=48, min_size=24) if subtitle else None
    gap = 48
    block_h = title_layout.height + (gap + sub_layout.height if sub_layout else 0)
    block_w = max(title_layout.width, sub_layout.width if sub_layout else 0)
    pad = 56
    panel = (
        (width - block_w) // 2 - pad,
        (height - block_h) // 2 - pad,
        (width + block_w) // 2 + pad,
        (height + block_h) // 2 + pad,
    )
    _draw_panel(image, panel, style)
    draw = ImageDraw.Draw(image)
    top = panel[1] + pad
    _draw_lines(draw, title_layout, (panel[0], top, panel[2]), style.text, bold=True, centre=True)
    if sub_layout:
        rule_y = top + title_layout.height + gap // 2
        draw.line((width // 2 - 90, rule_y, width // 2 + 90, rule_y), fill=style.accent, width=5)
        _draw_lines(draw, sub_layout, (panel[0], rule_y + gap // 2, panel[2]), style.text, bold=False, centre=True)
    return _save(image, path, {"prompt": prompt, "key_point": title, "subtitle": subtitle, "style": style.name})


def render_frame(
    slide: Slide,
    prompt: str,
    style: Style,
    path: Path,
    figure: Path | None = None,
    caption: str | None = None,
    size: tuple[int, int] = FRAME_SIZE,
    picture: Image.Image | None = None,
    picture_meta: dict[str, str] | None = None,
) -> Path:
    """Render one chunk's frame: background from `prompt`, the slide's text on a panel (its
    section, headline, a result's number large, its points).

    With `figure`, the figure fills most of the frame with `caption` under it and the text
    moves to a side or bottom band, whichever leaves the figure larger. A `picture` (from the
    picture backend; a figure wins over it) is laid out the same way on a card of its own edge
    colour, so clip art drawn on the palette's ground shows no box; `picture_meta` (its source,
    licence, description) goes into the PNG's metadata.
    """
    image = background(prompt, style, size)
    meta = {"prompt": prompt, "key_point": slide.headline, "slide": slide.text, "style": style.name}
    if figure is not None:
        _compose_beside(image, slide, _open_figure(figure), caption or "", style, _FIGURE_CARD)
        meta["figure"] = str(figure)
    elif picture is not None:
        rgb = picture.convert("RGB")
        _compose_beside(image, slide, rgb, "", style, _edge_colour(rgb))
        meta.update({f"picture_{k}": v for k, v in (picture_meta or {}).items() if v})
    else:
        _compose_text_only(image, slide, style)
    return _save(image, path, meta)


def is_blank(path: Path, min_stddev: float = 4.0) -> bool:
    """True when the image is (nearly) one flat colour: every channel's stddev below `min_stddev`."""
    try:
        with Image.open(path) as im:
            im.draft("RGB", (480, 270))  # JPEG decodes at reduced size; no-op for PNG
            small = im.convert("RGB").reduce(max(1, min(im.size) // 270))
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(path, f"cannot be read as an image ({exc})") from exc
    return max(ImageStat.Stat(small).stddev) < min_stddev


def layout_text(
    text: str,
    width: int,
    height: int,
    bold: bool = True,
    max_size: int = _MAX_TEXT_SIZE,
    min_size: int = _MIN_TEXT_SIZE,
) -> TextLayout:
    """Wrap `text` into a `width` x `height` box at the largest font size that fits.

    If it does not fit even at `min_size`, the lines that fit are kept and the last ends in "…".
    """
    text = " ".join(text.split())
    words = text.split(" ")
    size = max_size
    while True:
        font = _font(bold, size)
        line_height = _line_height(font)
        lines = _wrap(text, font, width)
        # Shrink before breaking a word across lines; only the smallest size may break one.
        whole_words = max(font.getlength(w) for w in words) <= width
        if (whole_words and len(lines) * line_height <= height) or size <= min_size:
            break
        size = max(min_size, int(size * 0.92))
    max_lines = max(1, height // line_height)
    truncated = len(lines) > max_lines
    if truncated:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and font.getlength(last + "…") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last + "…"
    block_w = max((math.ceil(font.getlength(line)) for line in lines), default=0)
    return TextLayout(tuple(lines), size, line_height, block_w, len(lines) * line_height, truncated)


# --- composition -------------------------------------------------------------------------------


def _compose_text_only(image: Image.Image, slide: Slide, style: Style) -> None:
    width, height = image.size
    _draw_slide(
        image,
        slide,
        style,
        (int(width * 0.12), int(height * 0.1), int(width * 0.88), int(height * 0.9)),
        scale=1.25,
        centre_vertically=True,
        shrink_to_text=True,
    )


def _compose_beside(
    image: Image.Image, slide: Slide, figure: Image.Image, caption: str, style: Style, card_fill: tuple[int, int, int]
) -> None:
    caption_h = _CAPTION_H if caption else 0
    fig_area, text_area = _beside_layout(image.size, figure.size, caption_h, bool(slide.text.strip()))
    card = _paste_figure(image, figure, fig_area, card_fill)
    if caption:
        _draw_caption(image, caption, card, caption_h, style)
    if text_area is not None:
        _draw_slide(image, slide, style, text_area, scale=1.0, centre_vertically=True)


# Base sizes of a slide's parts at scale 1; the whole is scaled down until it fits its box.
_SLIDE_SIZES = {"section": 30, "headline": 56, "number": 120, "label": 34, "point": 38}
_POINT_GAP = 0.45  # of a point's line height, between points
_BULLET = "•"


def _slide_parts(slide: Slide, width: int, scale: float, max_lines: int | None = None) -> list[tuple[str, TextLayout]]:
    """(kind, layout) of each part of the slide at `scale`, in drawing order."""

    def sized(kind: str, text: str, bold: bool, indent: int = 0) -> tuple[str, TextLayout]:
        size = max(_MIN_SLIDE_SIZE, int(_SLIDE_SIZES[kind] * scale))
        while kind == "number" and size > _MIN_SLIDE_SIZE and _font(bold, size).getlength(text) > width:
            size = int(size * 0.9)  # a number is never broken across lines
        limit = 10_000 if max_lines is None else max_lines * _line_height(_font(bold, size))
        return kind, layout_text(text, width - indent, limit, bold=bold, max_size=size, min_size=size)

    parts = []
    if slide.section:
        parts.append(sized("section", slide.section.upper(), False))
    if slide.headline:
        parts.append(sized("headline", slide.headline, True))
    if slide.number:
        parts.append(sized("number", slide.number, True))
        if slide.number_label:
            parts.append(sized("label", slide.number_label, False))
    point_indent = int(_SLIDE_SIZES["point"] * scale * 1.1)
    for point in slide.points:
        parts.append(sized("point", point, False, point_indent))
    return parts


_MIN_SLIDE_SIZE = 20


def _parts_height(parts: list[tuple[str, TextLayout]]) -> int:
    gaps = sum(int(layout.line_height * (_POINT_GAP if kind == "point" else 0.25)) for kind, layout in parts[1:])
    return sum(layout.height for _, layout in parts) + gaps


def _draw_slide(
    image: Image.Image,
    slide: Slide,
    style: Style,
    area: tuple[int, int, int, int],
    scale: float,
    centre_vertically: bool,
    shrink_to_text: bool = False,
) -> None:
    """The slide's text on a panel inside `area`, at the largest scale (up to `scale`) that fits."""
    pad = 44
    width, height = area[2] - area[0] - 2 * pad, area[3] - area[1] - 2 * pad
    if not slide.text.strip() or width <= 0 or height <= 0:
        return
    while True:
        parts = _slide_parts(slide, width, scale)
        if _parts_height(parts) <= height or scale <= 0.45:
            break
        scale *= 0.92
    if _parts_height(parts) > height:  # the smallest size does not hold it all: points lose lines
        parts = _slide_parts(slide, width, scale, max_lines=2)
        while parts and _parts_height(parts) > height:
            parts.pop()
    block_h = _parts_height(parts)
    top = area[1] + (area[3] - area[1] - block_h - 2 * pad) // 2 if centre_vertically else area[1]
    if shrink_to_text:  # a panel alone on the frame is as wide as its text, centred
        block_w = max(layout.width + (int(layout.font_size * 1.1) if kind == "point" else 0) for kind, layout in parts)
        spare = (area[2] - area[0] - 2 * pad - block_w) // 2
        area = (area[0] + spare, area[1], area[2] - spare, area[3])
    _draw_panel(image, (area[0], top, area[2], top + block_h + 2 * pad), style)
    draw = ImageDraw.Draw(image)
    y = top + pad
    left, right = area[0] + pad, area[2] - pad
    for i, (kind, layout) in enumerate(parts):
        if i:
            y += int(layout.line_height * (_POINT_GAP if kind == "point" else 0.25))
        colour = style.accent if kind in ("section", "number") else style.text
        bold = kind in ("headline", "number")
        if kind == "point":
            indent = int(layout.font_size * 1.1)
            draw.text((left, y), _BULLET, font=_font(False, layout.font_size), fill=style.accent, anchor="la")
            _draw_lines(draw, layout, (left + indent, y, right), colour, bold=False, centre=False)
        else:
            _draw_lines(draw, layout, (left, y, right), colour, bold=bold, centre=False)
        y += layout.height


def picture_box(
    picture_size: tuple[int, int], with_text: bool = True, caption: bool = False, size: tuple[int, int] = FRAME_SIZE
) -> tuple[int, int, int, int]:
    """Where `render_frame` puts a figure or picture of `picture_size`: its pixels' box."""
    fig_area, _ = _beside_layout(size, picture_size, _CAPTION_H if caption else 0, with_text)
    return _fitted(picture_size, fig_area)[0]


def _beside_layout(size: tuple[int, int], figure_size: tuple[int, int], caption_h: int, with_text: bool):
    """(figure area, text area or None): the figure on the left with the text in a right-hand
    column, or across the top with the text in a band below, whichever shows it larger; with
    no text, the middle of the frame."""
    width, height = size
    m = _MARGIN
    if not with_text:
        return (m, m, width - m, height - m - caption_h), None
    # Side layout: figure on the left ~62%, key point in a right-hand column.
    side_fig = (width * 0.62 - 1.5 * m, height - 2 * m - caption_h)
    # Bottom layout: figure across the top, key point in a band below; wins for wide figures.
    band_h = int(height * 0.24)
    bottom_fig = (width - 2 * m, height - 2 * m - caption_h - band_h - m // 2)
    fw, fh = figure_size
    side_scale = min(side_fig[0] / fw, side_fig[1] / fh)
    bottom_scale = min(bottom_fig[0] / fw, bottom_fig[1] / fh)
    # The side column holds a slide's points far better than the band: the band must buy a
    # clearly larger figure.
    if side_scale >= 0.8 * bottom_scale:
        return (m, m, int(m + side_fig[0]), int(m + side_fig[1])), (
            int(width * 0.62 + m // 2),
            m,
            width - m,
            height - m,
        )
    return (m, m, width - m, int(m + bottom_fig[1])), (m, height - m - band_h, width - m, height - m)


def _draw_caption(
    image: Image.Image, caption: str, card: tuple[int, int, int, int], caption_h: int, style: Style
) -> None:
    cap_box = (card[0], card[3] + 16, card[2], card[3] + caption_h)
    cap_layout = layout_text(
        caption, cap_box[2] - cap_box[0], cap_box[3] - cap_box[1], bold=False, max_size=30, min_size=20
    )
    cap_panel = (cap_box[0], cap_box[1] - 4, cap_box[2], cap_box[1] + cap_layout.height + 12)
    _draw_panel(image, cap_panel, style, radius=10, stripe=False)
    _draw_lines(
        ImageDraw.Draw(image), cap_layout, (cap_box[0], cap_box[1] + 2, cap_box[2]), style.text, bold=False, centre=True
    )


def _edge_colour(picture: Image.Image) -> tuple[int, int, int]:
    """The commonest colour along the picture's border: the ground a drawing sits on."""
    small = picture.resize((64, 64), Image.Resampling.NEAREST)
    w, h = small.size
    border = [small.getpixel((x, y)) for x in range(w) for y in (0, h - 1)] + [
        small.getpixel((x, y)) for y in range(1, h - 1) for x in (0, w - 1)
    ]
    return max(set(border), key=border.count)


def _fitted(figure_size: tuple[int, int], area: tuple[int, int, int, int]):
    """(pixel box, card box) of a figure scaled to fit `area` on a card with a border."""
    avail_w, avail_h = area[2] - area[0] - 2 * _CARD_BORDER, area[3] - area[1] - 2 * _CARD_BORDER
    scale = min(avail_w / figure_size[0], avail_h / figure_size[1])
    w, h = max(1, round(figure_size[0] * scale)), max(1, round(figure_size[1] * scale))
    left = area[0] + (area[2] - area[0] - w - 2 * _CARD_BORDER) // 2
    top = area[1] + (area[3] - area[1] - h - 2 * _CARD_BORDER) // 2
    card = (left, top, left + w + 2 * _CARD_BORDER, top + h + 2 * _CARD_BORDER)
    pixels = (left + _CARD_BORDER, top + _CARD_BORDER, left + _CARD_BORDER + w, top + _CARD_BORDER + h)
    return pixels, card


def _paste_figure(
    image: Image.Image, figure: Image.Image, area: tuple[int, int, int, int], card_fill: tuple[int, int, int]
) -> tuple[int, int, int, int]:
    """Scale `figure` to fit `area` on a card of `card_fill`; return the card's box."""
    pixels, card = _fitted(figure.size, area)
    new_size = (pixels[2] - pixels[0], pixels[3] - pixels[1])
    upscale = new_size[0] > figure.width
    scaled = figure.resize(new_size, Image.Resampling.BICUBIC if upscale else Image.Resampling.LANCZOS)
    ImageDraw.Draw(image).rounded_rectangle(card, radius=12, fill=card_fill)
    image.paste(scaled, pixels[:2])
    return card


def _open_figure(figure: Path) -> Image.Image:
    try:
        with Image.open(figure) as im:
            im.load()
            rgba = im.convert("RGBA")
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(figure, f"figure cannot be read as an image ({exc})") from exc
    # Paper figures are often transparent PNGs drawn for a white page.
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _draw_panel(image: Image.Image, box, style: Style, radius: int = 28, stripe: bool = True) -> None:
    """A translucent panel in a tone that keeps `style.text` readable over any motif."""
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(box, radius=radius, fill=222)
    image.paste(panel_colour(style), mask=mask)
    if stripe:
        x0, y0, _, y1 = box
        ImageDraw.Draw(image).rounded_rectangle((x0, y0 + radius, x0 + 10, y1 - radius), radius=5, fill=style.accent)


def _draw_lines(
    draw: ImageDraw.ImageDraw, layout: TextLayout, frame: tuple[int, int, int], colour, bold: bool, centre: bool
) -> None:
    left, top, right = frame
    font = _font(bold, layout.font_size)
    for i, line in enumerate(layout.lines):
        y = top + i * layout.line_height
        if centre:
            draw.text(((left + right) / 2, y), line, font=font, fill=colour, anchor="ma")
        else:
            draw.text((left, y), line, font=font, fill=colour, anchor="la")


# --- background --------------------------------------------------------------------------------


def _font_path(bold: bool) -> Path:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if not path.is_file():
        raise BackendUnavailable(
            "builtin renderer", f"font {path} is missing", "install it: apt-get install fonts-dejavu-core"
        )
    return path


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return _load_font(str(_font_path(bold)), size)


@lru_cache(maxsize=256)
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return int((ascent + descent) * 1.12)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the box is broken across lines."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while font.getlength(word) > width:
            cut = len(word) - 1
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def contact_sheet(frames: Sequence[Path], out: Path, columns: int = 4, thumb_width: int = 192) -> Path:
    """A small JPEG grid of frames, for a glance in the Dagster UI."""
    thumb_height = round(thumb_width * FRAME_SIZE[1] / FRAME_SIZE[0])
    rows = max(1, math.ceil(len(frames) / columns))
    sheet = Image.new("RGB", (columns * thumb_width, rows * thumb_height), (16, 16, 16))
    for i, frame in enumerate(frames):
        with Image.open(frame) as img:
            img.draft("RGB", (thumb_width, thumb_height))
            thumb = img.convert("RGB").resize((thumb_width, thumb_height), Image.Resampling.BILINEAR)
        sheet.paste(thumb, ((i % columns) * thumb_width, (i // columns) * thumb_height))
    with atomic_path(Path(out)) as tmp:
        sheet.save(tmp, format="JPEG", quality=60)
    return Path(out)


def _save(image: Image.Image, path: Path, meta: dict[str, str]) -> Path:
    info = PngInfo()
    for key, value in meta.items():
        info.add_text(key, value)  # Pillow switches to UTF-8 iTXt for text beyond Latin-1
    with atomic_path(Path(path)) as tmp:
        image.save(tmp, format="PNG", pnginfo=info, compress_level=_PNG_COMPRESS_LEVEL)
    return Path(path)
