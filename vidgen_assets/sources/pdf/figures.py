"""Figures and tables of a paper: their captions, and crops of the page around them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from vidgen_assets.sources.document import Figure
from vidgen_assets.sources.pdf.lines import Line, Page
from vidgen_assets.sources.pdf.repair import NO_VOCABULARY, join_lines
from vidgen_assets.storage.files import atomic_path

FIGURE_DPI = 150
_PSEUDO_CODE = re.compile(r"^\d{1,3}:\s")  # a numbered line of an algorithm: "12: end for"
CAPTION = re.compile(
    r"^(?:(Figure|FIGURE|Fig\.?|FIG\.?|Table|TABLE)\s*(\d+|[IVXL]+)\s*[:.|]|(Algorithm|ALGORITHM)\s*(\d+)\b[:.]?)\s*"
)


@dataclass
class Caption:
    label: str
    page: int
    lines: list[Line]
    text: str = ""
    crop: tuple[float, float, float, float] | None = None
    from_region: bool = False  # cropped as the page region by its caption, no drawing found

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)


def find_captions(pages: list[Page], ordered: list[Line], body_size: float) -> list[Caption]:
    """Captions set apart from the text ("Figure 2:", "Table 1."), with their text and the crop
    of their float; caption lines are marked "caption"."""
    captions: list[Caption] = []
    labels: set[str] = set()
    for i, line in enumerate(ordered):
        match = CAPTION.match(line.text)
        if not match or line.role != "body":
            continue
        prev = ordered[i - 1] if i else None
        set_apart = (
            prev is None
            or prev.page != line.page
            or prev.column != line.column
            or line.top - prev.bottom > 0.4 * line.size
            or line.bold
            or bool(line.lead_bold)
            or abs(line.size - body_size) > 0.5
        )
        if match.group(3):
            # An algorithm's box is read as a float: its one-line caption heads the box.
            kind, number = "Algorithm", match.group(4)
        else:
            kind, number = ("Table" if match.group(1).lower().startswith("tab") else "Figure"), match.group(2)
        label = f"{kind} {number}"
        if not set_apart or label in labels:
            continue
        block = [line]
        for nxt in ordered[i + 1 : i + 15] if kind != "Algorithm" else ():
            last = block[-1]
            if (
                nxt.page != line.page
                # A short last line of a wide caption falls in one column: aligned, it belongs.
                or (nxt.column != line.column and abs(nxt.x0 - last.x0) > 2)
                or nxt.top - last.bottom > 0.45 * last.size
                or nxt.top < last.top
                or abs(nxt.size - last.size) > 0.6
                or CAPTION.match(nxt.text)
            ):
                break
            block.append(nxt)
        for member in block:
            member.role = "caption"
        labels.add(label)
        caption = Caption(label=label, page=line.page, lines=block)
        caption.text = CAPTION.sub("", join_lines([m.text for m in block], NO_VOCABULARY)).strip()
        _locate_float(pages[line.page - 1], caption, kind, body_size)
        captions.append(caption)
    return captions


def _locate_float(page: Page, caption: Caption, kind: str, body_size: float) -> None:
    """Find the figure (usually above its caption) or table (either side) and mark its text."""
    column = caption.lines[0].column
    mid = page.gutter or page.width / 2
    span = {"L": (0.0, mid), "R": (mid, page.width)}.get(column, (0.0, page.width))
    column_lines = [line for line in page.lines if line.column == column]
    body_width = max((line.width for line in column_lines if line.role == "body"), default=page.width)
    if kind == "Algorithm":  # a page of pseudo-code has no long body lines to measure prose by
        body_width = max((line.width for line in column_lines), default=page.width)

    def in_span(box: tuple[float, float, float, float]) -> bool:
        center = (box[0] + box[2]) / 2
        return span[0] - 2 <= center <= span[1] + 2

    def stops(line: Line) -> bool:
        if kind == "Algorithm" and _PSEUDO_CODE.match(line.text):
            return False
        prose = (
            abs(line.size - body_size) <= 0.6
            and line.width >= 0.6 * body_width
            and line.max_gap < 1.5 * line.size
            and line.words >= 6
        )
        # Pseudo-code sets its keywords in bold ("10: end while"): no heading inside a box.
        headed = line.bold and line.role == "body" and line.size >= body_size and kind != "Algorithm"
        # Another float's caption, found later in reading order, bounds this one.
        return prose or headed or line.role in ("caption", "title", "margin") or bool(CAPTION.match(line.text))

    # Logos and rules of the running head and foot are not part of any figure.
    margins = [l for l in page.lines if l.role == "margin"]
    head = max((l.bottom for l in margins if l.bottom < page.height / 2), default=0.0)
    foot = min((l.top for l in margins if l.top > page.height / 2), default=page.height)
    items = [("g", box, None) for box in page.graphics if in_span(box) and box[1] > head + 12 and box[3] < foot - 12]
    items += [("t", (l.x0, l.top, l.x1, l.bottom), l) for l in page.lines if in_span((l.x0, l.top, l.x1, l.bottom)) and l not in caption.lines]
    limit = 3.0 * body_size

    def collect(direction: int) -> list[tuple[str, tuple, Line | None]]:
        """Items stacked against the caption, above (-1) or below (+1), up to running text."""
        if direction < 0:
            edge = caption.top
            pool = sorted((it for it in items if it[1][3] <= caption.top + 1), key=lambda it: -it[1][3])
        else:
            edge = caption.bottom
            pool = sorted((it for it in items if it[1][1] >= caption.bottom - 1), key=lambda it: it[1][1])
        found = []
        for item in pool:
            _, (_, top, _, bottom), line = item
            distance = edge - bottom if direction < 0 else top - edge
            if distance > limit or (line is not None and stops(line)):
                break
            found.append(item)
            edge = min(edge, top) if direction < 0 else max(edge, bottom)
        return found

    above, below = collect(-1), collect(+1)
    if kind == "Figure":
        chosen = above or below
    elif kind == "Algorithm":
        chosen = below
    elif above and below and _height(above) >= 15 <= _height(below):
        gap_above = caption.top - max(it[1][3] for it in above)
        gap_below = min(it[1][1] for it in below) - caption.bottom
        chosen = above if gap_above <= gap_below else below
    elif above and below:  # a line or two on one side is stray text, not the table
        chosen = above if _height(above) >= _height(below) else below
    else:
        chosen = above or below
    if not chosen:
        if kind == "Figure":
            _fall_back_to_region(page, caption, span, stops)
        return
    x0 = min(it[1][0] for it in chosen) - 3
    top = min(it[1][1] for it in chosen) - 3
    x1 = max(it[1][2] for it in chosen) + 3
    bottom = max(it[1][3] for it in chosen) + 3
    if x1 - x0 < 20 or bottom - top < 15:
        return
    caption.crop = (max(0.0, x0), max(0.0, top), min(page.width, x1), min(page.height, bottom))
    for line in page.lines:
        if line.role == "body" and line.x0 >= x0 - 1 and line.x1 <= x1 + 1 and line.top >= top - 1 and line.bottom <= bottom + 1:
            line.role = "float"


def _height(items: list) -> float:
    return max(it[1][3] for it in items) - min(it[1][1] for it in items)


def _fall_back_to_region(page: Page, caption: Caption, span: tuple[float, float], stops) -> None:
    """A figure nothing was found for (a picture whose drawing pdfplumber cannot list, text-free
    art) is the page region between its caption and the running text above it (else below)."""
    lines = [l for l in page.lines if span[0] - 2 <= (l.x0 + l.x1) / 2 <= span[1] + 2 and l not in caption.lines]
    above = [l.bottom for l in lines if l.bottom <= caption.top and stops(l)]
    top = max(above, default=0.06 * page.height)
    if caption.top - top >= 40:
        region = (top + 2, caption.top - 2)
    else:
        below = [l.top for l in lines if l.top >= caption.bottom and stops(l)]
        region = (caption.bottom + 2, min(below, default=0.94 * page.height) - 2)
        if region[1] - region[0] < 40:
            return
    caption.crop = (max(0.0, span[0]), region[0], min(page.width, span[1]), region[1])
    caption.from_region = True


def render_crop(page, box: tuple[float, float, float, float]):
    """The box of a pdfplumber page as a Pillow image at FIGURE_DPI."""
    x0, top, x1, bottom = box
    offset_x, offset_y = page.bbox[0], page.bbox[1]
    region = page.crop((x0 + offset_x, top + offset_y, x1 + offset_x, bottom + offset_y), strict=False)
    return region.to_image(resolution=FIGURE_DPI, antialias=True).original.copy()


def save_figures(captions: list[Caption], images: list, figures_dir: Path) -> tuple[Figure, ...]:
    """Every caption as a Figure; the rendered crops (caption, image) saved as PNG beside it."""
    saved: dict[str, Path] = {}
    for caption, image in images:
        target = figures_dir / f"{caption.label.lower().replace(' ', '-')}.png"
        with atomic_path(target) as tmp:
            image.save(tmp, format="PNG")
        saved[caption.label] = target
    return tuple(Figure(label=c.label, caption=c.text, page=c.page, image_path=saved.get(c.label)) for c in captions)
