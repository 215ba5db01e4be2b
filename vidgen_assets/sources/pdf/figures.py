"""Figures and tables of a paper: their captions, and crops of the page around them.

Every caption found gets a crop. The float is looked for where papers put it: stacked against
its caption in its column (or across the page), beside the caption, or on the neighbouring page
(a figure on a page of its own, a caption carried over); where no drawing can be found, the page
region between the caption and the nearest running text is cropped. A crop never takes in a
line of running text or the running head and foot.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from vidgen_assets.sources.document import Figure
from vidgen_assets.sources.pdf.lines import Line, Page
from vidgen_assets.sources.pdf.repair import NO_VOCABULARY, join_lines
from vidgen_assets.sources.pdf.sideways import box_on_page, upright
from vidgen_assets.storage.files import atomic_path

FIGURE_DPI = 150
_PSEUDO_CODE = re.compile(r"^\d{1,3}:\s")  # a numbered line of an algorithm: "12: end for"
# "Figure 2:", "Fig. 3.", "FIG. 1.", "Table IV.", "Fig. 1 |", "Figure 1 —", "Table 3.2:", other
# journals' kinds ("Scheme 1", "Chart 2", "Plate 3", "Exhibit 4"), supplementary ones
# ("Supplementary Figure 2", "Figure S1"), and the label without punctuation ("Figure 1 Flow
# chart", "Table 1" alone on its line), which find_captions accepts only where it is set off as
# a caption.
CAPTION = re.compile(
    r"^(?:(?:(Supplementary|SUPPLEMENTARY|Suppl\.)\s+)?"
    r"(Figure|FIGURE|Fig\.?|FIG\.?|Table|TABLE|Scheme|SCHEME|Chart|CHART|Plate|PLATE|Exhibit|EXHIBIT)"
    r"\s*(S?\d+(?:\.\d+)?|[IVXL]+)\b(\s*[:.|—–]|\s+-\s)?"
    r"|(Algorithm|ALGORITHM)\s*(\d+)\b[:.]?)\s*"
)
# A caption repeated over the rest of its float on the next page: "Table 2 (continued)",
# "Figure 2 (...continued)", "Table 3. Continued", "Table 2 Overview of themes (Continued)".
_CONTINUED = re.compile(
    r"\((?:\.\.\.|…|\s)*(?:(?:continued|cont'd|contd)\b(?!\s+on\b)|cont\.)[^)]*\)|^[-–—:.\s]*continued\s*(?:[.:]|$)",
    re.IGNORECASE,
)
# How each kind of float is looked for: a figure's drawing above its caption, a table's rows on
# either side (an exhibit, in business and economics papers, is most often a table).
_LOCATED_AS = {"Scheme": "Figure", "Chart": "Figure", "Plate": "Figure", "Exhibit": "Table"}
_SECTION_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXL]+\.|[A-Z]\.)\s+[A-Z]")
_FUNCTION_WORDS = frozenset("the of and in is are to a an for with that this by as on was were".split())
_MIN_REGION = 40.0  # points: a page region smaller than this holds no figure


Box = tuple[float, float, float, float]  # x0, top, x1, bottom in page points


@dataclass
class Caption:
    label: str
    page: int  # the page of the crop (the caption's own page unless the float is elsewhere)
    lines: list[Line]
    text: str = ""
    crop: Box | None = None
    # Where the crop came from, best first: "drawing" (found by the caption), "neighbour" (a
    # drawing on the next or previous page), "region" (the page region by the caption, no
    # drawing found), "caption" (nothing at all: the caption itself).
    source: str = ""
    strength: int = 2  # 2: "Figure 2:" set apart; 1: a bare label ("Figure 2 Flow chart")
    continued: bool = False  # "Table 2 (continued)": the rest of a float begun on a page before
    # The parts of a float set over several columns before the part by its caption, first
    # first: (page, box); the picture shows them side by side, then the crop.
    pieces: list[tuple[int, Box]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """Figure, Table or Algorithm: how the float is looked for."""
        name = self.label.split()[0]
        return _LOCATED_AS.get(name, name)

    @property
    def from_region(self) -> bool:
        return self.source in ("region", "caption")

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)


def find_captions(pages: list[Page], ordered: list[Line], body_size: float) -> list[Caption]:
    """Every figure, table and algorithm caption with its text and the crop of its float, one
    per label in reading order; caption lines are marked "caption" and lines inside a crop
    "float"."""
    candidates = _without_sentences_opening_with_a_label(_caption_blocks(pages, ordered, body_size), body_size)
    furniture = _page_furniture(pages)
    layouts = {page.number: _Layout(page, body_size, furniture[page.number]) for page in pages}
    found = {id(c): _locate_float(layouts[c.page], c, body_size) for c in candidates}
    _share_out(candidates, found)
    for caption in candidates:
        if found[id(caption)]:
            items = found[id(caption)]
            _set_crop(layouts[caption.page], caption, _bounds(items), "drawing", [l for _, l in items if l is not None])
    for caption in candidates:  # beside the caption: only drawings no caption has stacked on
        layout = layouts[caption.page]
        beside = _beside(layout, caption) if caption.kind == "Figure" else []
        # A few labels under a caption set beside its figure are not the figure.
        if _area(beside) > 3 * _area(found[id(caption)]):
            stacked = caption.crop
            if stacked is not None:
                layout.crops.remove(stacked)
                caption.crop = None
            _set_crop(layout, caption, _bounds(beside), "drawing", [l for _, l in beside if l is not None])
            if caption.crop is None and stacked is not None:
                caption.crop = stacked
                layout.crops.append(stacked)
    for caption in candidates:  # a table without rules whose rows read like prose
        if caption.crop is None and caption.kind == "Table":
            rows = _rows_set_apart(layouts[caption.page], caption)
            if rows:
                _set_crop(layouts[caption.page], caption, _bounds(rows), "drawing", [l for _, l in rows])
    cropped = {c.label for c in candidates if c.crop is not None}
    for caption in candidates:  # the neighbouring page's drawings, once every page's own are taken
        if caption.label not in cropped:
            _look_on_neighbouring_pages(layouts, caption, len(pages))
    for caption in candidates:
        if caption.crop is None:
            _fall_back_to_region(layouts[caption.page], caption, body_size)
    for caption in candidates:
        if caption.kind == "Table" and caption.source == "drawing":
            _gather_earlier_pieces(layouts, caption)
    return _one_per_label(candidates)


def _caption_blocks(pages: list[Page], ordered: list[Line], body_size: float) -> list[Caption]:
    """Lines that open a caption, each with the lines that continue it."""
    found: list[Caption] = []
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
            # Beside the line before, not under it: a caption set by text that wraps round its figure.
            or _overlap(prev.x0, prev.x1, line.x0, line.x1) <= 0
            or abs(prev.size - line.size) > 0.5  # right under a table's smaller type
            or line.bold
            or bool(line.lead_bold)
            or abs(line.size - body_size) > 0.5
        )
        if not set_apart:
            continue
        rest = line.text[match.end() :]
        if match.group(5):
            # An algorithm's box is read as a float: its one-line caption heads the box.
            kind, number, strength = "Algorithm", match.group(6), 2
        else:
            name = match.group(2).lower()
            kind = "Figure" if name.startswith("fig") else name.capitalize()
            number = match.group(3)
            if match.group(1) and not number.startswith("S"):
                number = "S" + number  # "Supplementary Figure 2" is not Figure 2
            if match.group(4):
                strength = 2
            # A bare label is a caption when alone on its line or before a capitalised title;
            # "Figure 1 shows ..." opening a paragraph is running text.
            elif not rest or rest[0] == "(" or rest[0].isupper():
                strength = 1
            else:
                continue
        block = [line] if kind == "Algorithm" else _caption_lines(pages[line.page - 1], line)
        for member in block:
            member.role = "caption"
        caption = Caption(
            label=f"{kind} {number}",
            page=line.page,
            lines=block,
            strength=strength,
            continued=bool(_CONTINUED.search(rest)),
        )
        caption.text = CAPTION.sub("", join_lines([m.text for m in block], NO_VOCABULARY)).strip()
        found.append(caption)
    return found


def _without_sentences_opening_with_a_label(candidates: list[Caption], body_size: float) -> list[Caption]:
    """Where a label has a caption set in its own type, a line of running text that opens with
    the same label ("Table 4. On average, ...") is running text again."""

    def own_type(caption: Caption) -> bool:
        first = caption.lines[0]
        return first.bold or bool(first.lead_bold) or abs(first.size - body_size) > 0.3

    kept = []
    for caption in candidates:
        rivals = [c for c in candidates if c.label == caption.label and c is not caption]
        if not own_type(caption) and any(own_type(c) for c in rivals):
            for line in caption.lines:
                line.role = "body"
            continue
        kept.append(caption)
    return kept


def _caption_lines(page: Page, first: Line) -> list[Line]:
    """The caption's lines: each next one just below the last, at its size, under the caption
    rather than beside it (a caption set in a narrow column beside its figure sits level with
    the figure's labels); and the rest of a line that a superscript's gap split off."""
    block = [first]
    lines = sorted((l for l in page.lines if l.role == "body" and l is not first), key=lambda l: (l.top, l.x0))
    while True:
        last = block[-1]
        left, right = min(m.x0 for m in block), max(m.x1 for m in block)

        def under(l: Line) -> bool:
            inside = _overlap(l.x0, l.x1, left - 2, right + 2) >= 0.8 * l.width  # noqa: B023 (called in this pass)
            aligned = min(abs(l.x0 - m.x0) for m in block) <= 2
            # A caption's short first line ("Table 1", centred) says little about its width.
            return inside or aligned or (len(block) == 1 and l.column == first.column)

        row = [
            l
            for l in lines
            if l not in block
            and abs(l.top - last.top) < 0.5 * last.size
            and 0 <= l.x0 - last.x1 < 3 * last.size
            and abs(l.size - last.size) <= 0.6
            and l.column in (last.column, "W")
        ]
        below = [
            l
            for l in lines
            if l not in block
            and l.top > last.top + 0.3 * last.size
            and l.top - last.bottom <= 0.45 * last.size
            and abs(l.size - last.size) <= 0.6
            and not CAPTION.match(l.text)
            and under(l)
        ]
        if row:
            block.append(row[0])
        elif below:
            # Under the caption's width before anything merely in its column.
            block.append(min(below, key=lambda l: (_overlap(l.x0, l.x1, left - 2, right + 2) < 0.8 * l.width, l.top)))
        else:
            return block


def _one_per_label(candidates: list[Caption]) -> list[Caption]:
    """One caption per label, in reading order: the text of its strongest, longest caption and
    the crop of a drawing found by any of them (a figure on a page of its own may carry a bare
    "Fig. 1." under it while its caption runs on the page before). A float continued over pages
    ("Table 2 (continued)") is shown and named by its first part."""
    by_label: dict[str, list[Caption]] = {}
    for caption in candidates:
        by_label.setdefault(caption.label, []).append(caption)
    result = []
    for group in by_label.values():
        text = max(group, key=lambda c: (not c.continued, c.strength, len(c.text)))
        rank = ("drawing", "neighbour", "region", "caption")
        cropped = sorted(
            (c for c in group if c.crop is not None),
            key=lambda c: (c.source == "caption", c.continued, rank.index(c.source), c is not text),
        )
        if cropped and cropped[0] is not text:
            best = cropped[0]
            text.page, text.crop, text.source, text.pieces = best.page, best.crop, best.source, best.pieces
        result.append(text)
    return result


class _Layout:
    """What one page offers a float: its running text, head and foot, drawings, and what
    crops have already taken."""

    def __init__(self, page: Page, body_size: float, furniture: set[Box] = frozenset()):
        self.page = page
        self.body_size = body_size
        self.mid = page.gutter or page.width / 2
        margins = [l for l in page.lines if l.role == "margin"]
        # Logos and rules of the running head and foot are not part of any figure.
        self.head = max((l.bottom for l in margins if l.bottom < page.height / 2), default=0.0)
        self.foot = min((l.top for l in margins if l.top > page.height / 2), default=page.height)
        self.graphics = [
            box
            for box in page.graphics
            if box[3] > self.head + 12
            and box[1] < self.foot - 12
            and (box[2] - box[0]) * (box[3] - box[1]) > 0
            and box not in furniture
        ]
        self.running = _running_text(page, body_size)
        self.crops: list[Box] = []

    def span(self, column: str) -> tuple[float, float]:
        return {"L": (0.0, self.mid), "R": (self.mid, self.page.width)}.get(column, (0.0, self.page.width))

    def stops(self, line: Line, kind: str) -> bool:
        """Whether a float ends at this line: running text, a heading, another caption, the
        title or the running head and foot."""
        if kind == "Algorithm":
            # Pseudo-code reads like prose and sets keywords in bold ("10: end while"): inside
            # the box nothing stops it but another float or the margin (see _stacked).
            return line.role in ("caption", "title", "margin") or bool(CAPTION.match(line.text))
        # A heading: bold words at text size or larger (a bold row label of a table has numbers
        # after it, or the wide gaps of columns).
        words = line.text.split()
        # A numbered heading in larger type may leave a wide gap after its number ("3   The System").
        numbered = line.size > self.body_size + 0.5 and bool(_SECTION_NUMBER.match(line.text))
        headed = (
            line.bold
            and line.role == "body"
            and line.size >= self.body_size
            and len(words) <= 14
            and line.max_gap < (3.0 if numbered else 1.5) * line.size
            and sum(any(ch.isalpha() for ch in w) for w in words) >= 0.6 * len(words)
        )
        return (
            id(line) in self.running
            or headed
            or line.role in ("caption", "title", "margin")
            or bool(CAPTION.match(line.text))
        )

    def items(self, span: tuple[float, float], exclude: list[Line]) -> list[tuple[Box, Line | None]]:
        """Drawings and lines mostly inside the span, not yet taken by a crop."""
        found: list[tuple[Box, Line | None]] = [(box, None) for box in self.graphics]
        found += [(_box(l), l) for l in self.page.lines if l not in exclude and l.role != "sidebar"]
        return [
            (box, line)
            for box, line in found
            if _overlap(box[0], box[2], *span) >= 0.5 * max(box[2] - box[0], 1.0) and not self.taken(box)
        ]

    def taken(self, box: Box) -> bool:
        return any(_inside(box, crop) for crop in self.crops)


def _page_furniture(pages: list[Page]) -> dict[int, set[Box]]:
    """Per page, the drawings of a side margin beside all its text, repeated at the same place
    on another page of its size or level with text set sideways there: the logo and page-number
    bar a landscape page carries down its long sides by its running head, which is set sideways
    and not read, so that no margin line bounds them."""

    def key(page: Page, box: Box) -> tuple:
        return (round(page.width), round(page.height), *(round(v) for v in box))

    seen = Counter(k for page in pages for k in {key(page, box) for box in page.graphics})
    furniture: dict[int, set[Box]] = {}
    for page in pages:
        left = min((l.x0 for l in page.lines), default=0.0)
        right = max((l.x1 for l in page.lines), default=page.width)
        beside = [box for box in page.graphics if box[2] < left - 2 or box[0] > right + 2]
        heads = [box for box in page.aside if box[2] < left - 2 or box[0] > right + 2]
        furniture[page.number] = {
            box
            for box in beside
            if seen[key(page, box)] >= 2 or any(_overlap(box[0], box[2], head[0], head[2]) > -3 for head in heads)
        }
    return furniture


def _running_text(page: Page, body_size: float) -> set[int]:
    """ids of the lines of running text: prose lines (text size, long, words of letters evenly
    spaced) stacked on another prose line, and the other lines of their paragraphs (a short last
    line, an indented first line). Table rows are not prose (numbers, wide gaps), nor is a header
    row alone."""
    body = [l for l in page.lines if l.role == "body" and abs(l.size - body_size) <= 0.6]

    def wordy(line: Line) -> bool:
        words = line.text.split()
        return (
            len(words) >= 6
            and line.max_gap < 1.5 * line.size
            and sum(any(ch.isalpha() for ch in w) for w in words) >= 0.6 * len(words)
        )

    def next_to(line: Line, other: Line, space: float = 0.6) -> bool:
        return (
            other.column == line.column
            and abs(other.size - line.size) <= 0.3
            and min(abs(line.top - other.bottom), abs(other.top - line.bottom)) < space * line.size
        )

    widths: dict[str, list[float]] = {}
    for line in body:
        if wordy(line):
            widths.setdefault(line.column, []).append(line.width)
    full = {column: sorted(w)[int(0.8 * (len(w) - 1))] for column, w in widths.items()}
    prose = [l for l in body if wordy(l) and l.width >= 0.6 * full[l.column]]
    running = {
        id(l)
        for l in prose
        if any(
            o is not l and next_to(l, o) and o.max_gap < 1.5 * o.size and abs(o.x0 - l.x0) < 3 * l.size for o in body
        )
        # A paragraph of one full line reads as a sentence, which a table's header row does not.
        or (l.width >= 0.9 * full[l.column] and len(_FUNCTION_WORDS.intersection(l.text.lower().split())) >= 2)
    }
    # A paragraph's other lines sit one line-space from a prose line, at its size: its short last
    # line, its indented first line, and a displayed equation set within it.
    grown = True
    while grown:
        grown = False
        for line in body:
            if id(line) not in running and any(id(o) in running and next_to(line, o, 0.8) for o in body):
                running.add(id(line))
                grown = True
    return running - {id(line) for line in body if _ruled_in(page, line)}


def _ruled_in(page: Page, line: Line) -> bool:
    """Whether the line sits in a ruled frame, as the cells of a boxed table do (rows of words
    that read like prose): a rule on each side of it, shorter than the page."""

    def rule(box: Box) -> bool:
        return (
            box[2] - box[0] < 2
            and box[3] - box[1] < 0.6 * page.height
            and box[1] <= line.top + 2
            and box[3] >= line.bottom - 2
        )

    rules = [box for box in page.graphics if rule(box)]
    return any(box[2] <= line.x0 + 2 for box in rules) and any(box[0] >= line.x1 - 2 for box in rules)


def _locate_float(layout: _Layout, caption: Caption, body_size: float) -> list:
    """The items of the figure (usually above its caption), table (either side) or algorithm
    box (below) stacked against the caption."""
    kind = caption.kind
    column = caption.lines[0].column
    span = layout.span(column)
    # Running text level with the caption, beside it: the float sits in the caption's own lane
    # (a figure that text wraps round).
    if any(
        id(l) in layout.running
        and l.column == column
        and l.top < caption.bottom
        and l.bottom > caption.top
        and (l.x1 < caption.x0 or l.x0 > caption.x1)
        for l in layout.page.lines
    ):
        span = (caption.x0 - 6, caption.x1 + 6)
    chosen = _stacked(layout, caption, span, kind, body_size)
    if column in ("L", "R"):
        # A float across both columns may carry a caption set in one of them.
        wide = _stacked(layout, caption, layout.span("W"), kind, body_size)
        if _height(wide) > _height(chosen) and any(b[0] < layout.mid - 10 < layout.mid + 10 < b[2] for b, _ in wide):
            chosen = wide
    if kind == "Figure" and chosen and not any(line is None for _, line in chosen):
        chosen = []  # labels without their drawing: the picture is one pdfplumber cannot list
    return chosen


def _share_out(captions: list[Caption], found: dict[int, list]) -> None:
    """Items two facing captions of a page both reached (a table under its caption, then a
    figure over its own) are split at the widest gap between the two captions."""
    for a in captions:
        for b in captions:
            items_a, items_b = found[id(a)], found[id(b)]
            if a.page != b.page or a.bottom >= b.top or not items_a or not items_b:
                continue
            shared = {_key(it) for it in items_a} & {_key(it) for it in items_b}
            if not shared:
                continue
            between = sorted((it for it in items_a if _key(it) in shared), key=lambda it: it[0][1])
            edges = [a.bottom]
            for box, _ in between:
                edges.append(box[1])
                edges.append(max(edges[-2], box[3]))
            edges.append(b.top)
            gaps = [edges[i + 1] - edges[i] for i in range(0, len(edges) - 1, 2)]
            # Each caption keeps what touches it: the cut is at the widest gap inside the run.
            inner = gaps[1:-1] or gaps
            cut = gaps.index(max(inner), 1 if len(gaps) > 2 else 0)  # items before the cut are a's
            upper = {_key(it) for it in between[:cut]}
            found[id(a)] = [it for it in items_a if _key(it) not in shared or _key(it) in upper]
            found[id(b)] = [it for it in items_b if _key(it) not in shared or _key(it) not in upper]


def _key(item) -> tuple:
    box, line = item
    return box, id(line) if line is not None else None


def _stacked(layout: _Layout, caption: Caption, span, kind: str, body_size: float) -> list:
    """The items stacked against the caption within the span: above, below, as its kind goes."""
    items = layout.items(span, caption.lines)
    limit = 3.0 * body_size

    def collect(direction: int) -> list:
        """Items stacked against the caption, above (-1) or below (+1), up to running text."""
        if direction < 0:
            edge = caption.top
            pool = sorted((it for it in items if it[0][3] <= caption.top + 1), key=lambda it: -it[0][3])
        else:
            edge = caption.bottom
            pool = sorted((it for it in items if it[0][1] >= caption.bottom - 1), key=lambda it: it[0][1])
        found = []
        for box, line in pool:
            distance = edge - box[3] if direction < 0 else box[1] - edge
            # The float may stand off its caption further (rotated axis labels are not read).
            reach = limit if found else 2 * limit
            if distance > reach or (line is not None and layout.stops(line, kind)):
                break
            # A line across the gutter (an author block, a wide float) bounds a column's float.
            if line is not None and span != layout.span("W") and line.x0 < layout.mid - 2 < layout.mid + 2 < line.x1:
                break
            # An algorithm's box runs line on line; running text resumes after a gap.
            if kind == "Algorithm" and id(line) in layout.running and distance > 0.5 * body_size:
                break
            found.append((box, line))
            edge = min(edge, box[1]) if direction < 0 else max(edge, box[3])
        return found

    above, below = collect(-1), collect(+1)
    if kind == "Figure":
        return above if _height(above) >= 15 or not below else below
    if kind == "Algorithm":
        return below
    if above and below and _height(above) >= 15 <= _height(below):
        # The table is the side of rules and cells; notes set as sentences under a caption are not.
        cells_above, cells_below = _cells(above), _cells(below)
        if cells_above != cells_below and min(cells_above, cells_below) <= 0.5 * max(cells_above, cells_below):
            return above if cells_above > cells_below else below
        gap_above = caption.top - max(b[3] for b, _ in above)
        gap_below = min(b[1] for b, _ in below) - caption.bottom
        return above if gap_above <= gap_below else below
    if above and below:  # a line or two on one side is stray text, not the table
        return above if _height(above) >= _height(below) else below
    return above or below


def _rows_set_apart(layout: _Layout, caption: Caption) -> list:
    """The rows of a table without rules whose rows read like prose (sentences, phrases), which
    _stacked takes for running text: the lines under its caption (else over it), evenly spaced,
    ragged rather than justified to the column, up to where the running text resumes after the
    space a float is set off by (or a heading, another caption, the margin)."""
    column = caption.lines[0].column
    span = layout.span(column)
    lines = [
        l
        for l in layout.page.lines
        if l.role == "body" and l.column == column and _overlap(l.x0, l.x1, *span) > 0 and l not in caption.lines
    ]
    full = max((l.width for l in lines if id(l) in layout.running), default=0.0)
    for direction in (1, -1):
        pool = sorted(
            (l for l in lines if (l.top >= caption.bottom - 1 if direction > 0 else l.bottom <= caption.top + 1)),
            key=lambda l: l.top * direction,
        )
        rows: list[Line] = []
        edge = caption.bottom if direction > 0 else caption.top
        for line in pool:
            gap = line.top - edge if direction > 0 else edge - line.bottom
            if len(rows) >= 2 and abs(line.top - rows[-1].top) > 1.4 * abs(rows[1].top - rows[0].top):
                break  # the space after a float: the running text resumes
            if not rows and gap > 2.0 * line.size:
                break
            if (layout.stops(line, "Table") and id(line) not in layout.running) or layout.taken(_box(line)):
                rows = []  # a heading or another caption inside: not a float
                break
            rows.append(line)
            edge = line.bottom if direction > 0 else line.top
        else:
            rows = []  # the text runs on to the end of the column: it is the running text
        ragged = sum(l.width < 0.9 * full for l in rows)
        if len(rows) >= 2 and full and ragged >= 0.6 * len(rows):
            return [(_box(l), l) for l in rows]
    return []


def _box(line: Line) -> Box:
    return (line.x0, line.top, line.x1, line.bottom)


def _cells(items: list) -> int:
    """How table-like the items are: rules, and lines with the wide gaps of columns."""
    return sum(line is None or line.max_gap >= 1.5 * line.size for _, line in items)


def _beside(layout: _Layout, caption: Caption) -> list:
    """Drawings level with the caption, on whichever side holds more of them (a caption set in a
    narrow column beside its figure), with the labels among them."""
    sides = {}
    for side in (-1, 1):
        level = [
            box
            for box in layout.graphics
            if box[1] < caption.bottom
            and box[3] > caption.top
            and not layout.taken(box)
            and (box[0] >= caption.x1 - 2 if side > 0 else box[2] <= caption.x0 + 2)
        ]
        sides[side] = level
    side = max(sides, key=lambda s: sum((b[2] - b[0]) * (b[3] - b[1]) for b in sides[s]))
    if not sides[side]:
        return []
    region = (
        (caption.x1, 0.0, layout.page.width, layout.page.height)
        if side > 0
        else (0.0, 0.0, caption.x0, layout.page.height)
    )
    pool = [(box, None) for box in layout.graphics if _inside(box, region, 1.0)]
    pool += [(_box(l), l) for l in layout.page.lines if l not in caption.lines and _inside(_box(l), region, 1.0)]
    return _grow([(box, None) for box in sides[side]], pool, layout, "Figure")


def _grow(seed: list, pool: list, layout: _Layout, kind: str) -> list:
    """The seed items and every item of the pool that touches them, over gaps of up to three
    lines, short of running text."""
    chosen = list(seed)
    reach = 3.0 * layout.body_size
    grown = True
    while grown:
        grown = False
        x0, top, x1, bottom = _bounds(chosen)
        for item in pool:
            box, line = item
            if item in chosen or (line is not None and layout.stops(line, kind)) or layout.taken(box):
                continue
            if box[0] < x1 + reach and box[2] > x0 - reach and box[1] < bottom + reach and box[3] > top - reach:
                chosen.append(item)
                grown = True
    return chosen


def _look_on_neighbouring_pages(layouts: dict[int, _Layout], caption: Caption, page_count: int) -> None:
    """A caption with nothing around it belongs to drawings on the page before or after that no
    caption there has taken: a figure on a page of its own, a caption carried over."""
    near_top = caption.top - layouts[caption.page].head < 0.5 * layouts[caption.page].page.height
    order = (caption.page - 1, caption.page + 1) if near_top else (caption.page + 1, caption.page - 1)
    for number in order:
        if not 1 <= number <= page_count:
            continue
        layout = layouts[number]
        free = [(box, None) for box in layout.graphics if not layout.taken(box)]
        if not free:
            continue
        pool = free + [(_box(l), l) for l in layout.page.lines if l.role == "body"]
        groups: list[Box] = []
        members: dict[Box, list] = {}
        for seed in sorted(free, key=lambda it: -(it[0][2] - it[0][0]) * (it[0][3] - it[0][1]))[:12]:
            if any(_inside(seed[0], group) for group in groups):
                continue
            chosen = _grow([seed], [it for it in pool if _same_column(layout, it[0], seed[0])], layout, "Figure")
            group = _bounds(chosen)
            if (group[2] - group[0]) * (group[3] - group[1]) >= 0.04 * layout.page.width * layout.page.height:
                groups.append(group)
                members[group] = chosen
        if not groups:
            continue
        # Panels level with each other in both columns are one float across the page.
        for a in list(groups):
            for b in list(groups):
                if a in groups and b in groups and a is not b and abs(a[1] - b[1]) < 15 and abs(a[3] - b[3]) < 15:
                    merged = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    members[merged] = members[a] + members[b]
                    groups = [g for g in groups if g is not a and g is not b] + [merged]
        # The float nearest the page break: the last of the page before, the first of the next
        # (in reading order: the right column after the left).
        order = [(layout.page.two_column and g[0] >= layout.mid - 10, g[1], i) for i, g in enumerate(groups)]
        group = groups[(max(order) if number < caption.page else min(order))[2]]
        caption.page = number
        _set_crop(layout, caption, group, "neighbour", [l for _, l in members[group] if l is not None])
        if caption.crop is not None:
            return
        caption.page = caption.lines[0].page


def _gather_earlier_pieces(layouts: dict[int, _Layout], caption: Caption) -> None:
    """A table closed by its caption at the top of a column may have begun at the foot of the
    column before (the left column of its page, or the right column of the page before), and
    filled whole columns between, as IEEE sets a long table: those pieces are the table's, first
    first. A piece is lines in the table's type, with the table's column starts or its rules,
    running from the foot of its column up to running text, a heading or another caption."""
    layout = layouts[caption.page]
    column = caption.lines[0].column
    crop = caption.crop
    if not layout.page.two_column or column not in ("L", "R") or crop[3] > caption.top + 1:
        return
    inside = [l for l in layout.page.lines if l.role == "float" and _inside(_box(l), crop, 1.0)]
    above = [
        l for l in layout.page.lines if l.column in (column, "W") and l.role != "margin" and l.bottom < crop[1] - 1
    ]
    if not inside or above:
        return  # the table does not open its column: nothing of it went before
    size = sorted(l.size for l in inside)[len(inside) // 2]
    pieces: list[tuple[int, Box]] = []
    page = caption.page
    while True:
        page, column = (page, "L") if column == "R" else (page - 1, "R")
        if page not in layouts or not layouts[page].page.two_column:
            break
        piece, whole = _column_foot_piece(layouts[page], column, size)
        if piece is None:
            break
        pieces.insert(0, (page, piece))
        if not whole:
            break
    for number, box in pieces:
        layouts[number].crops.append(box)
        for line in layouts[number].page.lines:
            if line.role == "body" and _inside(_box(line), box, 1.0):
                line.role = "float"
    caption.pieces = pieces


def _column_foot_piece(layout: _Layout, column: str, size: float) -> tuple[Box | None, bool]:
    """The box of table rows at the foot of the column in the given type size, and whether they
    fill the column (the table goes on from the column before); (None, False) if the column
    ends in anything else."""
    lines = sorted(
        (l for l in layout.page.lines if l.column == column and l.role not in ("margin", "sidebar")),
        key=lambda l: l.bottom,
    )
    piece: list[Line] = []
    top = layout.head  # of the piece: under the line that ends what goes before it
    for line in reversed(lines):
        if layout.stops(line, "Table") or abs(line.size - size) > 0.6 or layout.taken(_box(line)):
            top = line.bottom + 1
            break
        piece.append(line)
    if len(piece) < 2:
        return None, False
    whole = len(piece) == len(lines)
    span = layout.span(column)
    rules = [
        box
        for box in layout.graphics
        if _overlap(box[0], box[2], *span) >= 0.5 * max(box[2] - box[0], 1.0)
        and box[1] >= top - 2
        and box[3] <= layout.foot
    ]
    # Columns of cells: line starts at two places or more, far apart, each shared by several rows.
    starts: list[list[float]] = []
    for x in sorted(l.x0 for l in piece):
        if starts and x - starts[-1][-1] <= 2:
            starts[-1].append(x)
        else:
            starts.append([x])
    cells = [group[0] for group in starts if len(group) >= 2]
    if len(rules) < 2 and not (len(cells) >= 2 and cells[-1] - cells[0] >= 3 * size):
        return None, False
    items = [(_box(l), l) for l in piece] + [(box, None) for box in rules]
    x0, y0, x1, y1 = _bounds(items)
    return (
        max(span[0], x0 - 3),
        max(top + 1, y0 - 3),
        min(span[1], x1 + 3),
        min(layout.foot - 1, y1 + 3),
    ), whole


def _same_column(layout: _Layout, box: Box, seed: Box) -> bool:
    """Whether the box may belong to the seed's float: on a two-column page, on the seed's side
    of the gutter or across it (the other column's float is another)."""
    if not layout.page.two_column or (seed[0] < layout.mid - 2 < layout.mid + 2 < seed[2]):
        return True
    left = seed[2] <= layout.mid + 2
    return (box[0] < layout.mid - 2 < layout.mid + 2 < box[2]) or ((box[2] <= layout.mid + 2) == left)


def _fall_back_to_region(layout: _Layout, caption: Caption, body_size: float) -> None:
    """Where no drawing was found (a picture pdfplumber cannot list, text-free art), the page
    region between the caption and the running text: above a figure's caption (else below),
    below a table's or algorithm's (else above); at worst the caption itself, so that every
    figure has a picture."""
    kind = caption.kind
    page = layout.page
    column = caption.lines[0].column
    span = layout.span(column)
    lines = [
        l for l in page.lines if l not in caption.lines and _overlap(l.x0, l.x1, *span) > 0 and layout.stops(l, kind)
    ]
    up = (max((l.bottom for l in lines if l.bottom <= caption.top + 1), default=layout.head) + 2, caption.top - 2)
    down = (caption.bottom + 2, min((l.top for l in lines if l.top >= caption.bottom - 1), default=layout.foot) - 2)
    for top, bottom in (up, down) if kind == "Figure" else (down, up):
        if bottom - top >= _MIN_REGION:
            box = (span[0], top, span[1], bottom)
            if not layout.taken(box):
                _set_crop(layout, caption, _within_text_block(page, box, column), "region")
                if caption.crop is not None:
                    return
    _set_crop(layout, caption, (caption.x0, caption.top, caption.x1, caption.bottom), "caption")


def _within_text_block(page: Page, box: Box, column: str) -> Box:
    """The box narrowed to the printed width of its column (no page margins in a region crop)."""
    lines = [l for l in page.lines if l.column == column and l.role in ("body", "caption", "float")]
    if not lines:
        return box
    left = min(l.x0 for l in lines)
    right = max(l.x1 for l in lines)
    return (max(box[0], left - 6), box[1], min(box[2], right + 6), box[3])


def _set_crop(layout: _Layout, caption: Caption, box: Box, source: str, members: list[Line] = ()) -> None:
    """Crop the box, a little wider than its contents but never over running text; the lines
    inside it are the float's, not the body's."""
    page = layout.page
    x0, top, x1, bottom = box
    if source != "region":
        # A figure's rotated axis titles are not read: leave them room beside its drawing.
        side = 12 if caption.kind == "Figure" and source != "caption" else 3
        x0, top, x1, bottom = x0 - side, top - 3, x1 + side, bottom + 3
    x0, top, x1, bottom = max(0.0, x0), max(0.0, top), min(page.width, x1), min(page.height, bottom)
    box = (x0, top, x1, bottom)
    if source != "caption":
        box = _without_running_text(layout, box, caption, members)
    if box[2] - box[0] < 20 or box[3] - box[1] < 10:
        return  # nothing left once the running text is cut off: look further
    caption.crop, caption.source = box, source
    layout.crops.append(box)
    for line in page.lines:
        if line.role == "body" and _inside(_box(line), box, 1.0):
            line.role = "float"


def _without_running_text(layout: _Layout, box: Box, caption: Caption, members: list[Line]) -> Box:
    """The box with any running-text line, caption line or running head/foot that reaches into
    it cut off; the float's own lines (members) stay."""
    x0, top, x1, bottom = box
    kind = caption.kind
    top, bottom = max(top, layout.head + 1 if layout.head else top), min(bottom, layout.foot - 1)
    for line in layout.page.lines:
        if line in members or not (line.role == "caption" or (id(line) in layout.running and layout.stops(line, kind))):
            continue
        pad = 2 if line.role == "caption" else -1  # a caption's descenders stay out of the picture
        if line.x1 <= x0 + 1 or line.x0 >= x1 - 1 or line.bottom + pad <= top or line.top - pad >= bottom:
            continue
        # Cut off on whichever side loses the least of the box.
        cuts = [
            (line.x1 + 1, top, x1, bottom),
            (x0, top, line.x0 - 1, bottom),
            (x0, line.bottom + 2, x1, bottom),
            (x0, top, x1, line.top - 2),
        ]
        x0, top, x1, bottom = max(cuts, key=lambda b: max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1]))
    return (x0, top, x1, bottom)


def _bounds(items: list) -> Box:
    return (
        min(b[0] for b, _ in items),
        min(b[1] for b, _ in items),
        max(b[2] for b, _ in items),
        max(b[3] for b, _ in items),
    )


def _area(items: list) -> float:
    if not items:
        return 0.0
    x0, top, x1, bottom = _bounds(items)
    return (x1 - x0) * (bottom - top)


def _height(items: list) -> float:
    return max(b[3] for b, _ in items) - min(b[1] for b, _ in items) if items else 0.0


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _inside(box: Box, outer: Box, slack: float = 0.0) -> bool:
    return (
        box[0] >= outer[0] - slack
        and box[1] >= outer[1] - slack
        and box[2] <= outer[2] + slack
        and box[3] <= outer[3] + slack
    )


def render_crop(page, box: Box, turn: int = 0):
    """The box of a pdfplumber page as a Pillow image at FIGURE_DPI; on a page read turned
    upright (Page.turn), the box is of the turned page and the image is turned to match."""
    x0, top, x1, bottom = box_on_page(box, turn, float(page.width), float(page.height))
    offset_x, offset_y = page.bbox[0], page.bbox[1]
    region = page.crop((x0 + offset_x, top + offset_y, x1 + offset_x, bottom + offset_y), strict=False)
    return upright(region.to_image(resolution=FIGURE_DPI, antialias=True).original.copy(), turn)


def render_float(pdf, pages: list[Page], caption: Caption):
    """The float's picture: its crop, after the pieces of it set in the columns before (side
    by side, top-aligned, in reading order)."""
    parts = [
        render_crop(pdf.pages[number - 1], box, pages[number - 1].turn)
        for number, box in [*caption.pieces, (caption.page, caption.crop)]
    ]
    if len(parts) == 1:
        return parts[0]
    gap = round(FIGURE_DPI / 6)  # a sixth of an inch between pieces, as between columns
    joined = Image.new(
        "RGB", (sum(p.width for p in parts) + gap * (len(parts) - 1), max(p.height for p in parts)), "white"
    )
    x = 0
    for part in parts:
        joined.paste(part.convert("RGB"), (x, 0))
        x += part.width + gap
    return joined


def save_figures(captions: list[Caption], images: list, figures_dir: Path) -> tuple[Figure, ...]:
    """Every caption as a Figure; the rendered crops (caption, image) saved as PNG beside it."""
    saved: dict[str, Path] = {}
    for caption, image in images:
        target = figures_dir / f"{caption.label.lower().replace(' ', '-')}.png"
        with atomic_path(target) as tmp:
            image.save(tmp, format="PNG")
        saved[caption.label] = target
    return tuple(Figure(label=c.label, caption=c.text, page=c.page, image_path=saved.get(c.label)) for c in captions)
