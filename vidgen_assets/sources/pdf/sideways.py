"""Pages whose text runs up or down the page: a landscape table printed sideways on a portrait
page, or a landscape page whose /Rotate the producer left out or set the wrong way.

Such a page is read in its upright frame: its characters and drawings are turned a quarter
turn, so that lines, columns and captions are found as on any other page, and the crop of a
float on it is turned the same way, so that the viewer reads it left to right. Text that reads
upward is turned a quarter turn clockwise (turn 90); text that reads downward, anticlockwise
(turn 270).
"""

from __future__ import annotations

from PIL import Image

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in page points


def page_turn(chars: list[dict]) -> int:
    """90 or 270 when most of the page's text runs up or down it; 0 otherwise (upright, or a
    few rotated axis titles and margin notes, which are not read)."""
    up = down = 0
    for c in chars:
        a, b, c_, d = (c.get("matrix") or (1, 0, 0, 1))[:4]
        if abs(a) < 1e-3 and abs(d) < 1e-3:
            up += b > 0 > c_
            down += b < 0 < c_
    turned = max(up, down)
    if turned < 50 or turned <= 0.5 * len(chars):
        return 0
    return 90 if up > down else 270


def turn_char(c: dict, turn: int, width: float, height: float) -> dict:
    """A pdfplumber character as it stands on the page turned upright (width and height are the
    page's before the turn): its box, baseline matrix and size in the turned frame."""
    a, b, c_, d, e, f = c["matrix"]
    x0, top, x1, bottom = turn_box((c["x0"], c["top"], c["x1"], c["bottom"]), turn, width, height)
    if turn == 90:
        matrix = (b, -a, d, -c_, f, width - e)
    else:
        matrix = (-b, a, -d, c_, height - f, e)
    return {
        **c,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "y0": width - bottom,
        "y1": width - top,
        "matrix": matrix,
        "size": bottom - top,
        "upright": True,
    }


def turn_box(box: Box, turn: int, width: float, height: float) -> Box:
    """A box of the page (width x height) in the frame of the page turned upright."""
    x0, top, x1, bottom = box
    if turn == 90:
        return (height - bottom, x0, height - top, x1)
    if turn == 270:
        return (top, width - x1, bottom, width - x0)
    return box


def box_on_page(box: Box, turn: int, width: float, height: float) -> Box:
    """A box of the turned frame back on the page as printed (width x height before the turn)."""
    x0, top, x1, bottom = box
    if turn == 90:
        return (top, height - x1, bottom, height - x0)
    if turn == 270:
        return (width - bottom, x0, width - top, x1)
    return box


def upright(image, turn: int):
    """A Pillow image of a region of the page as printed, turned so its text reads across."""
    if turn == 90:
        return image.transpose(Image.Transpose.ROTATE_270)  # a quarter turn clockwise
    if turn == 270:
        return image.transpose(Image.Transpose.ROTATE_90)
    return image
