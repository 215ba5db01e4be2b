"""Title, sections and figure crops of a PDF paper, read with pdfplumber.

Works from pdfplumber's characters rather than its text, because paper PDFs need decisions
pdfplumber does not make: which column a line belongs to (two-column layouts are read left
column, then right column, between full-width blocks), which small characters are small caps
(kept, lower-cased) and which are superscripts (footnote markers, dropped), what repeats in the
page margins (running heads, page numbers), and where figures, tables and their captions are.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pdfplumber

from vidgen_assets.errors import InputError
from vidgen_assets.sources.document import Document, Figure, Section
from vidgen_assets.storage.files import atomic_path

FIGURE_DPI = 150

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
# "Medi" is the bold cut of the URW/Nimbus fonts that LaTeX's times package embeds; CMBX is
# Computer Modern bold.
_BOLD_FONT = re.compile(r"bold|medi|semibold|demi|black|heavy|cmbx", re.I)
_CAPTION = re.compile(r"^(Figure|FIGURE|Fig\.|FIG\.|Table|TABLE)\s*(\d+|[IVXL]+)\s*[:.|]\s*")
_REFERENCES = re.compile(
    r"^(\d+\.?\s*|[IVX]+\.\s*)?(references|bibliography|literature cited|works cited|reference list)\.?$",
    re.I,
)
_NUMBERED_HEADING = re.compile(r"^(\d+(\.\d+)*|[IVX]+)\.?\s+\S")
_ABSTRACT_RUN_IN = re.compile(r"^(Abstract|ABSTRACT)\s*[.:—–-]\s*(?=\S)")
_LIST_ITEM = re.compile(r"^(\d{1,2}[.)]|[•◦▪‣·–-]|\(\w\))\s")
_CID = re.compile(r"\(cid:\d+\)")  # glyphs without a Unicode mapping
_HYPHEN_PAIR = re.compile(r"(?=\b([A-Za-z]+)-([A-Za-z]+)\b)")
_SPACING_ACCENTS = {  # TeX's separate accent glyphs and the combining marks they stand for
    "¨": "\u0308", "´": "\u0301", "`": "\u0300", "ˆ": "\u0302",
    "˜": "\u0303", "˚": "\u030a", "¸": "\u0327", "ˇ": "\u030c",
}
_SPACING_ACCENT = re.compile(r"([¨´`ˆ˜˚¸ˇ])([A-Za-zı])")


@dataclass
class _Line:
    page: int  # 1-based
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the line's main font size
    bold: bool  # every letter bold
    lead_bold: str  # a bold run-in heading at the start of an otherwise regular line
    text: str
    max_gap: float  # widest gap between words, in points (tables have wide ones)
    column: str = "W"  # L(eft), R(ight) or W(ide)
    # body, or why it is not read: margin, script, title, caption, float, footnote, fragment,
    # front-matter; "front" is page-1 text before the first heading that may be an abstract.
    role: str = "body"

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class _Caption:
    label: str
    page: int
    lines: list[_Line]
    text: str = ""
    crop: tuple[float, float, float, float] | None = None

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]
    graphics: list[tuple[float, float, float, float]] = field(default_factory=list)
    two_column: bool = False


def read_pdf(path: Path, figures_dir: Path, max_pages: int = 60) -> Document:
    """Read a paper: title, sections in reading order, and figure/table crops saved as PNG.

    Raises InputError (naming the file) for an unreadable or encrypted PDF, one without a text
    layer, or one with more than `max_pages` pages. Nothing is written to `figures_dir` unless
    the whole document was read.
    """
    path = Path(path)
    with _unreadable_as_input_error(path):
        pdf = pdfplumber.open(path)
    with pdf:
        with _unreadable_as_input_error(path):
            page_count = len(pdf.pages)
        if page_count == 0:
            raise InputError(path, "not a readable PDF (it has no pages)")
        if page_count > max_pages:
            raise InputError(path, f"has {page_count} pages; the limit is {max_pages} (set VIDGEN_MAX_PAGES)")
        with _unreadable_as_input_error(path):
            raw_pages = [_page_objects(page) for page in pdf.pages]
            metadata = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, (str, int, float))}
        if sum(len(raw["chars"]) for raw in raw_pages) < 20:
            raise InputError(
                path,
                "has no text layer (scanned?); run OCR on it first (for example ocrmypdf) "
                "or drop the text as .md or .txt",
            )
        pages = [_read_page(raw) for raw in raw_pages]
        title, sections, captions = _structure(pages, metadata)
        with _unreadable_as_input_error(path):
            images = [
                (caption, _render_crop(pdf.pages[caption.page - 1], caption.crop))
                for caption in captions
                if caption.crop is not None
            ]

    saved: dict[str, Path] = {}
    for caption, image in images:
        target = Path(figures_dir) / f"{caption.label.lower().replace(' ', '-')}.png"
        with atomic_path(target) as tmp:
            image.save(tmp, format="PNG")
        saved[caption.label] = target
    figures = tuple(
        Figure(label=c.label, caption=c.text, page=c.page, image_path=saved.get(c.label)) for c in captions
    )
    return Document(
        kind="pdf",
        title=title or path.stem.replace("_", " ").replace("-", " "),
        sections=tuple(sections),
        figures=figures,
        page_count=page_count,
        metadata=metadata,
    )


@contextmanager
def _unreadable_as_input_error(path: Path) -> Iterator[None]:
    """pdfminer and pypdfium2 raise many exception types for broken files; the user gets one."""
    try:
        yield
    except InputError:
        raise
    except Exception as error:
        name = type(error).__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError(path, "is an encrypted PDF; save an unencrypted copy and drop that") from error
        detail = (str(error).strip().splitlines() or ["no detail"])[0][:120]
        raise InputError(path, f"not a readable PDF ({name}: {detail})") from error


def _page_objects(page) -> dict:
    """Everything read from a pdfplumber page (parsing happens here), as plain values."""
    graphics = [
        (float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]))
        for obj in (*page.images, *page.rects, *page.curves, *page.lines)
    ]
    return {
        "number": page.page_number,
        "width": float(page.width),
        "height": float(page.height),
        "chars": [c for c in page.chars if c.get("upright", True) and c["text"].strip()],
        "graphics": graphics,
    }


# --- lines -------------------------------------------------------------------------------


def _read_page(raw: dict) -> _Page:
    width, height = raw["width"], raw["height"]
    chars = raw["chars"]
    for c in chars:
        matrix = c.get("matrix")
        c["_base"] = height - matrix[5] if matrix else c["bottom"]
        c["_bold"] = bool(_BOLD_FONT.search(c.get("fontname", "")))
    chars.sort(key=lambda c: (c["_base"], c["x0"]))

    # Brackets and accents may sit a point off the baseline, so rows are gathered loosely; then
    # small characters off the row's main baseline (super- and subscripts) are moved to rows of
    # their own (see _mark_scripts), while small capitals on the baseline stay.
    loose: list[list[dict]] = []
    for c in chars:
        if loose and abs(c["_base"] - loose[-1][0]["_base"]) <= 1.8:
            loose[-1].append(c)
        else:
            loose.append([c])
    mid = width / 2
    segments: list[tuple[int, list[dict]]] = []  # (row id, chars); one row's segments may merge
    ids = itertools.count()
    for row in loose:
        row_id = next(ids)
        row.sort(key=lambda c: c["x0"])
        pieces = [[row[0]]]
        for prev, c in zip(row, row[1:]):
            if c["x0"] - prev["x1"] > 1.2 * max(prev["size"], 4.0):
                pieces.append([])
            pieces[-1].append(c)
        for piece in pieces:
            big = max(c["size"] for c in piece)
            base = Counter(round(c["_base"], 1) for c in piece if c["size"] >= 0.9 * big).most_common(1)[0][0]
            on_row = [c["size"] >= 0.9 * big or abs(c["_base"] - base) <= 0.8 for c in piece]
            segments.append((row_id, [c for c, keep in zip(piece, on_row) if keep]))
            off: list[list[dict]] = []
            for c in sorted((c for c, keep in zip(piece, on_row) if not keep), key=lambda c: c["_base"]):
                if off and abs(c["_base"] - off[-1][0]["_base"]) <= 0.8:
                    off[-1].append(c)
                else:
                    off.append([c])
            segments.extend((next(ids), sorted(group, key=lambda c: c["x0"])) for group in off)

    def column_of(seg: list[dict]) -> str:
        x0, x1 = seg[0]["x0"], max(c["x1"] for c in seg)
        if x1 <= mid + 2:
            return "L"
        if x0 >= mid - 2:
            return "R"
        crosses = min(mid - x0, x1 - mid)
        if crosses > 0.05 * width or abs((x0 + x1) / 2 - mid) < 0.1 * width:
            return "W"
        return "L" if (x0 + x1) / 2 < mid else "R"

    classified = [(index, column_of(seg), seg) for index, seg in segments]
    weight = Counter()
    for _, column, seg in classified:
        weight[column] += len(seg)
    total = sum(weight.values()) or 1
    two_column = weight["L"] > 0.15 * total and weight["R"] > 0.15 * total

    grouped: dict[tuple[int, str], list[dict]] = {}
    for index, column, seg in classified:
        key = (index, column if two_column else "W")
        grouped.setdefault(key, []).extend(seg)
    lines = [_make_line(raw["number"], column, group) for (_, column), group in grouped.items()]
    lines = [line for line in lines if line.text]

    graphics = [  # a box covering the page is a background or frame, not a figure
        box for box in raw["graphics"] if not ((box[2] - box[0]) > 0.9 * width and (box[3] - box[1]) > 0.9 * height)
    ]
    result = _Page(raw["number"], width, height, lines, graphics, two_column)
    _mark_scripts(result)
    return result


def _make_line(page_number: int, column: str, chars: list[dict]) -> _Line:
    chars = sorted(chars, key=lambda c: c["x0"])
    sizes = Counter(round(c["size"], 1) for c in chars)
    common = [s for s, n in sizes.items() if n >= 0.25 * len(chars)]
    size = max(common) if common else sizes.most_common(1)[0][0]
    base = statistics.median(c["_base"] for c in chars if round(c["size"], 1) == size)

    words: list[list[dict]] = [[chars[0]]]
    gaps = [0.0]
    for prev, c in zip(chars, chars[1:]):
        gap = c["x0"] - prev["x1"]
        if gap > 0.11 * min(prev["size"], c["size"]):
            words.append([])
            gaps.append(gap)
        words[-1].append(c)

    def glyph(c: dict) -> str:
        text = c["text"].translate(_LIGATURES)
        # Small capitals: smaller uppercase letters on the line's own baseline.
        if text.isupper() and c["size"] < 0.9 * size and abs(c["_base"] - base) < 0.8:
            return text.lower()
        return text

    texts = [_compose_accents(_CID.sub("", "".join(glyph(c) for c in word))) for word in words]
    letters = [c for c in chars if c["text"].isalpha()]
    bold = bool(letters) and all(c["_bold"] for c in letters)
    lead = []
    if letters and not bold:
        for word, text in zip(words, texts):
            if not all(c["_bold"] for c in word if c["text"].isalpha()):
                break
            lead.append(text)
        if lead and not any(ch.isalpha() for ch in "".join(lead)):
            lead = []
    return _Line(
        page=page_number,
        x0=chars[0]["x0"],
        x1=max(c["x1"] for c in chars),
        top=min(c["top"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        size=size,
        bold=bold,
        lead_bold=" ".join(lead),
        text=" ".join(texts).strip(),
        max_gap=max(gaps),
        column=column,
    )


def _mark_scripts(page: _Page) -> None:
    """Superscripts and subscripts (footnote markers, indices) are rows of small characters
    overlapping a line of larger type; they are not read."""
    for line in page.lines:
        for other in page.lines:
            if (
                other is not line
                and line.size < 0.85 * other.size
                and line.top < other.bottom
                and line.bottom > other.top
                and line.x0 >= other.x0 - 2
                and line.x1 <= other.x1 + 2
            ):
                line.role = "script"
                break


# --- structure ---------------------------------------------------------------------------


def _structure(pages: list[_Page], metadata: dict) -> tuple[str, list[Section], list[_Caption]]:
    body_size = _body_size(pages)
    _mark_margins(pages)
    ordered = [line for page in pages for line in _reading_order(page)]
    title = _mark_title(pages, ordered, metadata)

    captions = _find_captions(pages, ordered, body_size)
    ordered = _cut_references(ordered, captions)
    captions = [c for c in captions if c.lines[0].role == "caption"]
    _mark_footnotes(pages, body_size)
    _mark_small_fragments(ordered, body_size)
    _mark_front_matter(ordered, body_size)
    sections = _sections(
        [line for line in ordered if line.role in ("body", "front")], pages, body_size
    )
    return title, sections, captions


def _body_size(pages: list[_Page]) -> float:
    counts = Counter()
    for page in pages:
        for line in page.lines:
            if line.role == "body":
                counts[line.size] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def _mark_margins(pages: list[_Page]) -> None:
    """Running heads and feet: text in the top or bottom 10% of the page that repeats on other
    pages (digits ignored), and bare page numbers."""

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    def in_margin(line: _Line, page: _Page) -> bool:
        return line.bottom < 0.1 * page.height or line.top > 0.9 * page.height

    seen = Counter()
    for page in pages:
        for k in {key(line) for line in page.lines if in_margin(line, page)}:
            seen[k] += 1
    for page in pages:
        for line in page.lines:
            if in_margin(line, page) and (
                seen[key(line)] >= 2
                or re.fullmatch(r"(page\s*)?[\divxlc]+(\s*(of|/)\s*\d+)?", line.text.strip(), re.I)
            ):
                line.role = "margin"


def _reading_order(page: _Page) -> list[_Line]:
    """Two-column pages: between full-width lines, the left column then the right column."""
    lines = sorted((line for line in page.lines if line.role == "body"), key=lambda line: (line.top, line.x0))
    if not page.two_column:
        return lines
    ordered: list[_Line] = []
    band: list[_Line] = []

    def flush() -> None:
        ordered.extend(sorted((line for line in band if line.column == "L"), key=lambda line: line.top))
        ordered.extend(sorted((line for line in band if line.column == "R"), key=lambda line: line.top))
        band.clear()

    for line in lines:
        if line.column == "W":
            flush()
            ordered.append(line)
        else:
            band.append(line)
    flush()
    return ordered


def _mark_title(pages: list[_Page], ordered: list[_Line], metadata: dict) -> str:
    """The largest type near the top of page 1; the PDF's Title entry when that looks wrong."""
    first = [line for line in ordered if line.page == 1 and sum(ch.isalpha() for ch in line.text) >= 3]
    title = ""
    if first:
        upper = [line for line in first if line.top < 0.5 * pages[0].height] or first
        biggest = max(line.size for line in upper)
        run: list[_Line] = []
        for line in first:
            if abs(line.size - biggest) < 0.3 and line.top < 0.5 * pages[0].height:
                if run and line.top - run[-1].bottom > 1.5 * biggest:
                    break
                run.append(line)
            elif run:
                break
        candidate = _clean_spaces(" ".join(line.text for line in run))
        one_word = len(candidate.split()) == 1 and sum(ch.isalpha() for ch in candidate) >= 4
        if run and biggest > _body_size(pages) + 1 and (one_word or 2 <= len(candidate.split()) <= 30):
            title = candidate
            for line in run:
                line.role = "title"
    meta_title = _clean_spaces(metadata.get("Title", ""))
    if not title and _sensible_metadata_title(meta_title):
        title = meta_title
    return title


def _sensible_metadata_title(title: str) -> bool:
    if len(title.split()) < 2:
        return False
    lowered = title.lower()
    return not (
        lowered.startswith(("microsoft word", "untitled"))
        or re.search(r"\.(dvi|pdf|tex|docx?|ps)$", lowered)
    )


def _find_captions(pages: list[_Page], ordered: list[_Line], body_size: float) -> list[_Caption]:
    captions: list[_Caption] = []
    labels: set[str] = set()
    for i, line in enumerate(ordered):
        match = _CAPTION.match(line.text)
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
        kind = "Table" if match.group(1).lower().startswith("tab") else "Figure"
        label = f"{kind} {match.group(2)}"
        if not set_apart or label in labels:
            continue
        block = [line]
        for nxt in ordered[i + 1 : i + 15]:
            last = block[-1]
            if (
                nxt.page != line.page
                or nxt.column != line.column
                or nxt.top - last.bottom > 0.45 * last.size
                or nxt.top < last.top
                or abs(nxt.size - last.size) > 0.6
                or _CAPTION.match(nxt.text)
            ):
                break
            block.append(nxt)
        for member in block:
            member.role = "caption"
        labels.add(label)
        caption = _Caption(label=label, page=line.page, lines=block)
        caption.text = _CAPTION.sub("", _join_lines([m.text for m in block], _NO_VOCABULARY)).strip()
        _locate_float(pages[line.page - 1], caption, kind, body_size)
        captions.append(caption)
    return captions


def _locate_float(page: _Page, caption: _Caption, kind: str, body_size: float) -> None:
    """Find the figure (usually above its caption) or table (either side) and mark its text."""
    column = caption.lines[0].column
    mid = page.width / 2
    span = {"L": (0.0, mid), "R": (mid, page.width)}.get(column, (0.0, page.width))
    body_width = max((line.width for line in page.lines if line.column == column and line.role == "body"), default=page.width)

    def in_span(box: tuple[float, float, float, float]) -> bool:
        center = (box[0] + box[2]) / 2
        return span[0] - 2 <= center <= span[1] + 2

    def stops(line: _Line) -> bool:
        prose = (
            abs(line.size - body_size) <= 0.6
            and line.width >= 0.6 * body_width
            and line.max_gap < 1.5 * line.size
            and line.words >= 6
        )
        headed = line.bold and line.role == "body" and line.size >= body_size
        return prose or headed or line.role in ("caption", "title", "margin")

    items = [("g", box, None) for box in page.graphics if in_span(box)]
    items += [("t", (l.x0, l.top, l.x1, l.bottom), l) for l in page.lines if in_span((l.x0, l.top, l.x1, l.bottom)) and l not in caption.lines]
    limit = 3.0 * body_size

    def collect(direction: int) -> list[tuple[str, tuple, _Line | None]]:
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
    elif above and below:
        gap_above = caption.top - max(it[1][3] for it in above)
        gap_below = min(it[1][1] for it in below) - caption.bottom
        chosen = above if gap_above <= gap_below else below
    else:
        chosen = above or below
    if not chosen:
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


def _cut_references(ordered: list[_Line], captions: list[_Caption]) -> list[_Line]:
    """Everything from the References (or Bibliography) heading on is left out."""
    for i, line in enumerate(ordered):
        if line.role == "body" and _REFERENCES.match(line.text.strip()):
            for later in ordered[i:]:
                if later.role == "caption":
                    later.role = "after-references"
            return ordered[:i]
    return ordered


def _mark_footnotes(pages: list[_Page], body_size: float) -> None:
    """Small type below the last line of body-size text in its column is a footnote."""
    for page in pages:
        for column in ("L", "R", "W"):
            body = [l for l in page.lines if l.column == column and l.role == "body" and abs(l.size - body_size) <= 0.6]
            if not body:
                continue
            last = max(l.bottom for l in body)
            for line in page.lines:
                if line.column == column and line.role == "body" and line.size < body_size - 0.8 and line.top >= last - 1:
                    line.role = "footnote"


def _mark_small_fragments(ordered: list[_Line], body_size: float) -> None:
    """Small type that does not run on as a paragraph (labels, table cells left over) is dropped;
    small type that does (an abstract set in smaller type) is kept."""
    i = 0
    while i < len(ordered):
        line = ordered[i]
        if line.role != "body" or line.size >= body_size - 0.8:
            i += 1
            continue
        j = i
        while j < len(ordered) and ordered[j].role == "body" and abs(ordered[j].size - line.size) <= 0.3:
            j += 1
        run = ordered[i:j]
        widest = max(l.width for l in run)
        if len(run) < 3 or sum(l.width >= 0.75 * widest for l in run) < 2 or sum(l.words for l in run) < 25:
            for l in run:
                l.role = "fragment"
        i = max(j, i + 1)


def _mark_front_matter(ordered: list[_Line], body_size: float) -> None:
    """Authors and affiliations: page-1 lines before the Abstract, the first numbered heading
    or the Introduction (else before the first heading)."""
    first_page = [line for line in ordered if line.page == 1 and line.role == "body"]

    def opens_paper(line: _Line) -> bool:
        if _ABSTRACT_RUN_IN.match(line.text):
            return True
        if not _is_heading(line, body_size):
            return False
        text = line.text.strip().lower()
        return bool(_NUMBERED_HEADING.match(text)) or text.rstrip(".:") in ("abstract", "introduction", "summary")

    starts = [i for i, line in enumerate(first_page) if opens_paper(line)]
    if not starts:
        starts = [i for i, line in enumerate(first_page) if _is_heading(line, body_size)]
    if not starts:
        return
    opener = first_page[starts[0]]
    before = first_page[: starts[0]]
    has_abstract = "abstract" in opener.text.lower()[:12]
    widest = max((l.width for l in before if abs(l.size - body_size) <= 1.5), default=0.0)
    for line in before:
        # Without an Abstract heading the abstract is here too: keep long lines of text size.
        prose = abs(line.size - body_size) <= 1.5 and line.width >= 0.6 * widest and line.words >= 5
        line.role = "front" if prose and not has_abstract else "front-matter"


def _is_heading(line: _Line, body_size: float) -> bool:
    text = line.text.strip()
    words = text.split()
    if not words or len(words) > 14 or len(text) > 110 or line.role != "body":
        return False
    if not any(ch.isalpha() for ch in text) or _CAPTION.match(text) or text[-1] in ",;:":
        return False
    styled = line.bold or line.size >= body_size + 0.9
    if text[-1] == "." and not (styled and len(words) <= 6):
        return False
    if styled:
        return True
    letters = [ch for ch in text if ch.isalpha()]
    all_caps = len(letters) >= 4 and all(ch.isupper() for ch in letters) and len(words) <= 8
    if _NUMBERED_HEADING.match(text) and len(words) <= 10 and not line.lead_bold and ":" not in text:
        rest = [w for w in words[1:] if len(w) >= 4]
        return all_caps or (bool(rest) and sum(w[0].isupper() for w in rest) >= 0.8 * len(rest))
    return all_caps and len(words) <= 4


def _sections(lines: list[_Line], pages: list[_Page], body_size: float) -> list[Section]:
    edges = _column_edges(pages, body_size)
    vocabulary = _vocabulary(lines)
    sections: list[tuple[str, list[list[str]]]] = [("", [])]
    prev: _Line | None = None
    prev2: _Line | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if line.role == "body" and _is_heading(line, body_size):
            heading = [text]
            while (
                i + 1 < len(lines)
                and lines[i + 1].role == "body"
                and _is_heading(lines[i + 1], body_size)
                and not _NUMBERED_HEADING.match(lines[i + 1].text)
                and abs(lines[i + 1].size - line.size) < 0.3
                and lines[i + 1].bold == line.bold
                and 0 <= lines[i + 1].top - lines[i].bottom < 0.6 * line.size
                and lines[i + 1].page == line.page
            ):
                i += 1
                heading.append(lines[i].text)
            sections.append((_clean_spaces(" ".join(heading)), []))
            prev = None
            i += 1
            continue
        run_in = _ABSTRACT_RUN_IN.match(text) if line.role == "body" else None
        if run_in:
            sections.append(("Abstract", []))
            text = text[run_in.end() :]
            prev = None
        paragraphs = sections[-1][1]
        # A bold phrase opening a line after a finished sentence is a run-in heading
        # ("Automation The first step..."): it starts a paragraph and is read as a sentence.
        run_in_heading = bool(line.lead_bold) and not run_in and (prev is None or prev.text.rstrip()[-1:] in ".!?:")
        if run_in_heading:
            lead = line.lead_bold
            rest = text[len(lead) :].strip()
            text = lead + ("" if lead[-1] in ".:;!?—–-" else ".") + (" " + rest if rest else "")
        if prev is None or run_in_heading or _starts_paragraph(prev2, prev, line, edges, body_size):
            paragraphs.append([])
            prev2 = None
        else:
            prev2 = prev
        paragraphs[-1].append(text)
        prev = line
        i += 1

    result = []
    for heading, paragraphs in sections:
        texts = [_join_lines(p, vocabulary) for p in paragraphs]
        if heading == "" and any(l.role == "front" for l in lines):
            texts = [t for t in texts if len(t.split()) >= 30]  # drop author/affiliation blocks
        body = "\n\n".join(_clean_spaces(t) for t in texts if t.strip())
        if heading or body:
            result.append(Section(heading=heading, text=body))
    return result


def _column_edges(pages: list[_Page], body_size: float) -> dict[tuple[int, str], tuple[float, float]]:
    edges = {}
    for page in pages:
        for column in ("L", "R", "W"):
            body = [l for l in page.lines if l.column == column and l.role == "body" and abs(l.size - body_size) <= 0.6]
            if body:
                lefts = sorted(l.x0 for l in body)
                rights = sorted(l.x1 for l in body)
                edges[(page.number, column)] = (lefts[len(lefts) // 10], rights[-1 - len(rights) // 10])
    return edges


def _starts_paragraph(prev2: _Line | None, prev: _Line, line: _Line, edges: dict, body_size: float) -> bool:
    """Whether `line` opens a paragraph, given the two lines before it in the paragraph."""
    left, right = edges.get((line.page, line.column), (line.x0, line.x1))
    prev_left, prev_right = edges.get((prev.page, prev.column), (prev.x0, prev.x1))
    indent = 0.6 * body_size
    if line.text[:1].islower():
        return False  # a sentence running on (across a column, page or float)
    if _LIST_ITEM.match(line.text):
        return True
    if line.x0 > left + indent and prev.x0 <= prev_left + 2:
        return True  # first-line indent
    same_flow = line.page == prev.page and line.column == prev.column and line.top > prev.top
    if same_flow and line.top - prev.bottom > 0.8 * body_size:
        return True  # vertical space between paragraphs
    in_block = prev2 is not None and prev2.page == prev.page and prev2.column == prev.column and abs(prev2.x0 - prev.x0) < 2
    if same_flow and in_block and line.x0 < prev.x0 - indent:
        return True  # back out of an indented block or list
    if prev.text.rstrip()[-1:] in ".!?:" and prev.x1 < prev_right - 2 * body_size:
        return True  # the previous line stopped short after a sentence
    return False


@dataclass(frozen=True)
class _Vocabulary:
    """Words written whole inside lines: evidence for mending a word split at a line end."""

    words: frozenset[str]
    pairs: frozenset[str]  # hyphenated pairs such as "pre-specified"

    def keeps_hyphen(self, left: str, right: str) -> bool:
        joined, pair = (left + right).lower(), f"{left}-{right}".lower()
        # TeX never leaves fewer than 2 letters before or 3 after a break: "noisy-or" is a word.
        if pair in self.pairs or len(left) < 2 or len(right) < 3:
            return True
        if joined in self.words:
            return False
        # "noise-" + "tolerant": both halves are words of their own, so a compound.
        return len(left) >= 3 and len(right) >= 4 and left.lower() in self.words and right.lower() in self.words


_NO_VOCABULARY = _Vocabulary(frozenset(), frozenset())


def _vocabulary(lines: list[_Line]) -> _Vocabulary:
    words, pairs = set(), set()
    for line in lines:
        tokens = line.text.split()
        # The last token may be half a word; the first may be the other half.
        for token in tokens[1:-1]:
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", token))
        for match in _HYPHEN_PAIR.finditer(line.text):
            pairs.add(f"{match.group(1)}-{match.group(2)}".lower())
    return _Vocabulary(frozenset(words), frozenset(pairs))


def _join_lines(texts: list[str], vocabulary: _Vocabulary) -> str:
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if not out:
            out = text
        elif re.search(r"[A-Za-z]-$", out) and text[0].islower():
            left = re.search(r"([A-Za-z]+)-$", out).group(1)
            right = re.match(r"[A-Za-z]+", text)
            keep = right is not None and vocabulary.keeps_hyphen(left, right.group(0))
            out = out + text if keep else out[:-1] + text
        elif re.search(r"[A-Za-z]-$", out) or out.endswith(("—", "–", "/")):
            out += text
        else:
            out += " " + text
    return out


def _compose_accents(text: str) -> str:
    """TeX sets accents as separate glyphs before the letter ("na¨ıve"): compose them ("naïve")."""
    if not _SPACING_ACCENT.search(text):
        return text

    def compose(match: re.Match) -> str:
        base = "i" if match.group(2) == "ı" else match.group(2)
        return unicodedata.normalize("NFC", base + _SPACING_ACCENTS[match.group(1)])

    return _SPACING_ACCENT.sub(compose, text)


def _clean_spaces(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


def _render_crop(page, box: tuple[float, float, float, float]):
    x0, top, x1, bottom = box
    offset_x, offset_y = page.bbox[0], page.bbox[1]
    region = page.crop((x0 + offset_x, top + offset_y, x1 + offset_x, bottom + offset_y), strict=False)
    return region.to_image(resolution=FIGURE_DPI, antialias=True).original.copy()
