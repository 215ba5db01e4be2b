"""Lines and columns of a PDF page, from pdfplumber's characters, in reading order.

Which column a line belongs to (two-column layouts are read left column, then right column,
between full-width blocks), which small characters are small caps (kept, lower-cased) and which
are super- and subscripts (kept as text, except footnote and affiliation marks).
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from vidgen_assets.sources.pdf.columns import sidebar_and_gutter, without_line_numbers
from vidgen_assets.sources.pdf.glyphs import font_descents, recover_page_glyphs
from vidgen_assets.sources.pdf.sideways import page_turn, turn_box, turn_char

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
# "Medi" is the bold cut of the URW/Nimbus fonts that LaTeX's times package embeds; CMBX is
# Computer Modern bold.
_BOLD_FONT = re.compile(r"bold|medi|semibold|demi|black|heavy|cmbx", re.I)
_SMALL_CAPS_FONT = re.compile(r"csc|smallcaps|[-+]sc\b|caps$", re.I)  # TeX's cmcsc, "Foo-SC"
_CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "size", "fontname", "matrix", "upright")
_CID = re.compile(r"\(cid:\d+\)")  # glyphs without a Unicode mapping
_SPACING_ACCENTS = {  # TeX's separate accent glyphs and the combining marks they stand for
    "¨": "\u0308",
    "´": "\u0301",
    "`": "\u0300",
    "ˆ": "\u0302",
    "˜": "\u0303",
    "˚": "\u030a",
    "¸": "\u0327",
    "ˇ": "\u030c",
}
# Superscripts that mark a footnote or an affiliation rather than a charge or a power.
_MARK = re.compile(r"[\d,∗*†‡§¶☯¤✉#–-]+|[a-h]")
_SPACING_ACCENT = re.compile(r"([¨´`ˆ˜˚¸ˇ])([A-Za-zı])")
_TRAILING_ACCENT = re.compile(r"([aeiouAEIOUn])([¨´`ˆ˜])(?![A-Za-zı])")


@dataclass
class Line:
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
    small_caps: bool = False  # set in small capitals, as some headings are
    lead_font: str = ""  # words at the start of a line in another type than the rest (italic, bold, another face)
    column: str = "W"  # L(eft), R(ight), W(ide) or S(idebar)
    # body, or why it is not read: margin, sidebar, title, caption, float, footnote, fragment,
    # front-matter; "front" is page-1 text before the first heading that may be an abstract.
    role: str = "body"

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    graphics: list[tuple[float, float, float, float]] = field(default_factory=list)
    two_column: bool = False
    gutter: float = 0.0  # x between the columns of a two-column page
    turn: int = 0  # the page's text runs sideways: read turned upright by this many degrees (sideways.py)
    aside: list[tuple[float, float, float, float]] = field(default_factory=list)  # boxes of text not read: sideways


def page_objects(page, recover_glyphs: bool = True) -> dict:
    """Everything read from a pdfplumber page (parsing happens here), as plain values.

    Glyphs the PDF does not map to Unicode are first recovered from their fonts' glyph names
    (glyphs.recover_page_glyphs); `recover_glyphs=False` reads the page as pdfminer alone would.
    """
    if recover_glyphs:
        recover_page_glyphs(page)
    descents = font_descents(page)
    width, height = float(page.width), float(page.height)
    chars = [c for c in page.chars if c["text"].strip()]
    # A page whose text runs up or down it is read turned upright (see sideways.py).
    turn = page_turn(chars)
    # Text set across the reading direction (a landscape page's running head down its long
    # side, rotated axis titles) is not read; where it stands is kept (figures._page_furniture).
    aside = [
        turn_box((float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])), turn, width, height)
        for c in chars
        if bool(c.get("upright", True)) == bool(turn)
    ]
    if turn:
        chars = [turn_char(c, turn, width, height) for c in chars if not c.get("upright", True)]
    graphics = [
        turn_box((float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"])), turn, width, height)
        for obj in (*page.images, *page.rects, *page.curves, *page.lines)
    ]
    if turn:
        width, height = height, width
    return {
        "number": page.page_number,
        "width": width,
        "height": height,
        "turn": turn,
        # Only what the reader uses, so pages parsed in another process travel cheaply.
        "chars": [
            {**{key: c.get(key) for key in _CHAR_KEYS}, "rise": _rise(c, descents)}
            for c in chars
            if c.get("upright", True)
        ],
        "graphics": graphics,
        "aside": aside,
    }


def _rise(c: dict, descents: dict[str, float]) -> float:
    """How far a character was raised (or, negative, lowered) off its baseline by a text rise
    (Ts), in points: pdfminer's box bottom is baseline + descent + rise, its matrix the baseline.
    Producers that set superscripts this way ("Ca" then Ts 4, "2+") would otherwise put them
    on the baseline, where they read as small letters a word apart."""
    matrix, descent = c.get("matrix"), descents.get(c.get("fontname") or "")
    if descent is None or not matrix or matrix[3] <= 0 or matrix[1] or matrix[2]:
        return 0.0
    rise = float(c["y0"]) - matrix[5] - descent * float(c["size"])
    return round(rise, 2) if abs(rise) > 0.05 * float(c["size"]) else 0.0


def read_page(raw: dict) -> Page:
    """A page's characters (from page_objects) as lines, each assigned to a column."""
    width, height = raw["width"], raw["height"]
    for c in raw["chars"]:
        c["_bold"] = bool(_BOLD_FONT.search(c.get("fontname", "")))
    # Small characters off a row's main baseline (super- and subscripts) are moved to rows of
    # their own (see _mark_scripts), while small capitals on the baseline stay.
    loose = loose_rows(raw)
    segments: list[tuple[int, list[dict]]] = []  # (row id, chars); one row's segments may merge
    ids = itertools.count()
    for row in loose:
        row_id = next(ids)
        pieces = [[row[0]]]
        for prev, c in zip(row, row[1:]):
            if c["x0"] - prev["x1"] > 1.2 * max(prev["size"], 4.0):
                pieces.append([])
            pieces[-1].append(c)
        last_big = 0.0
        for piece in pieces:
            big = max(c["size"] for c in piece)
            # Type of another size past a wide gap is another line: a caption set beside its
            # figure is not one line with the tick labels level with it.
            if last_big and abs(big - last_big) > 0.15 * max(big, last_big):
                row_id = next(ids)
            last_big = big
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

    segments = without_line_numbers(segments)
    sidebar, mid = sidebar_and_gutter([seg for _, seg in segments], width)
    if sidebar is not None:  # a side column's line may run close enough to the body's to join it
        edge = sidebar[1] if sidebar[0] < mid else sidebar[0]
        split = []
        for index, seg in segments:
            inner = [c for c in seg if (c["x1"] <= edge + 1) == (sidebar[0] < mid)]
            outer = [c for c in seg if c not in inner]
            split.extend((index, part) for part in (inner, outer) if part)
        segments = split

    def column_of(seg: list[dict]) -> str:
        x0, x1 = seg[0]["x0"], max(c["x1"] for c in seg)
        if sidebar is not None and x0 >= sidebar[0] - 2 and x1 <= sidebar[1] + 2:
            return "S"
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
        key = (index, column if two_column or column == "S" else "W")
        grouped.setdefault(key, []).extend(seg)
    groups = list(grouped.items())
    _attach_scripts([group for _, group in groups])
    lines = [_make_line(raw["number"], column, group) for (_, column), group in groups if group]
    lines = [line for line in lines if line.text]

    graphics = [  # a box covering the page is a background or frame, not a figure
        box for box in raw["graphics"] if not ((box[2] - box[0]) > 0.9 * width and (box[3] - box[1]) > 0.9 * height)
    ]
    for line in lines:
        if line.column == "S":
            line.role = "sidebar"
    return Page(
        raw["number"], width, height, lines, graphics, two_column, mid, raw.get("turn", 0), raw.get("aside", [])
    )


def loose_rows(raw: dict) -> list[list[dict]]:
    """A page's characters (from page_objects) in rows, top to bottom, each left to right.
    Brackets and accents may sit a point off the baseline, so rows are gathered loosely."""
    for c in raw["chars"]:
        matrix = c.get("matrix")
        c["_base"] = raw["height"] - matrix[5] - c.get("rise", 0.0) if matrix else c["bottom"]
    rows: list[list[dict]] = []
    for c in sorted(raw["chars"], key=lambda c: (c["_base"], c["x0"])):
        if rows and abs(c["_base"] - rows[-1][0]["_base"]) <= 1.8:
            rows[-1].append(c)
        else:
            rows.append([c])
    for row in rows:
        row.sort(key=lambda c: c["x0"])
    return rows


def split_words(chars: list[dict], size: float = 0.0, base: float = 0.0) -> list[list[dict]]:
    """A row's characters (left to right) as words: a gap wider than a thin space parts them.

    Given the line's main size and baseline, a super- or subscript stays joined to the letter,
    digit or bracket before it ("Ca2+", not "Ca 2+") and to the punctuation after it ("ri,j,"),
    across the small gap typesetters leave there; a word space is wider (about a quarter em).
    """
    words: list[list[dict]] = [[chars[0]]] if chars else []
    for prev, c in zip(chars, chars[1:]):
        gap = c["x0"] - prev["x1"]
        if (
            gap > 0.11 * min(prev["size"], c["size"])
            and not c.get("_glue")
            and not (size and gap < 0.16 * size and _script_joins(prev, c, size, base))
        ):
            words.append([])
        words[-1].append(c)
    return words


def _script_joins(prev: dict, c: dict, size: float, base: float) -> bool:
    """Whether a script and its neighbour are one word: the script after a letter, digit or
    closing bracket, or punctuation after the script."""
    before, after = _script(prev, size, base), _script(c, size, base)
    if after and not before:
        return prev["text"].isalnum() or prev["text"] in ")]"
    return bool(before and not after and c["text"] in ",.;:)]")


def _script(c: dict, size: float, base: float) -> str:
    """ "sup" or "sub" for a character smaller than the line's type and off its baseline."""
    if c["size"] >= 0.9 * size or abs(c["_base"] - base) <= 0.12 * size:
        return ""
    return "sup" if c["_base"] < base else "sub"


def _make_line(page_number: int, column: str, chars: list[dict]) -> Line:
    chars = sorted(chars, key=lambda c: c["x0"])
    sizes = Counter(round(c["size"], 1) for c in chars)
    common = [s for s, n in sizes.items() if n >= 0.25 * len(chars)]
    size = max(common) if common else sizes.most_common(1)[0][0]
    base = statistics.median(c["_base"] for c in chars if round(c["size"], 1) == size)
    chars = _without_marks(chars, size, base) or chars

    words = split_words(chars, size, base)
    gaps = [0.0] + [word[0]["x0"] - prev[-1]["x1"] for prev, word in zip(words, words[1:])]

    def glyph(c: dict) -> str:
        text = c.get("_prefix", "") + c["text"].translate(_LIGATURES)
        # Small capitals: smaller uppercase letters on the line's own baseline.
        if text.isupper() and c["size"] < 0.9 * size and abs(c["_base"] - base) < 0.8:
            return text.lower()
        return text

    texts = [_compose_accents(_CID.sub("", "".join(glyph(c) for c in word))) for word in words]
    letters = [c for c in chars if c["text"].isalpha()]
    small = sum(
        1
        for c in letters
        if _SMALL_CAPS_FONT.search(c.get("fontname", ""))
        or (c["text"].isupper() and c["size"] < 0.9 * size and abs(c["_base"] - base) < 0.8)
    )
    bold = bool(letters) and all(c["_bold"] for c in letters)
    lead = _lead(words, texts, lambda c: c["_bold"]) if letters and not bold else []
    fonts = Counter(c.get("fontname") for c in letters)
    main = fonts.most_common(1)[0][0] if len(fonts) > 1 else None
    lead_font = _lead(words, texts, lambda c: c.get("fontname") != main) if main is not None else []
    return Line(
        page=page_number,
        x0=chars[0]["x0"],
        x1=max(c["x1"] for c in chars),
        top=min(c["top"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        size=size,
        bold=bold,
        lead_bold=" ".join(lead),
        text=" ".join(text for text in texts if text),  # a word of unmapped glyphs only is gone
        max_gap=max(gaps),
        column=column,
        small_caps=small >= 0.5 * len(letters) > 0,
        lead_font=" ".join(lead_font),
    )


def _lead(words: list[list[dict]], texts: list[str], styled) -> list[str]:
    """The words at the start of a line whose letters are all `styled`."""
    lead = []
    for word, text in zip(words, texts):
        if not all(styled(c) for c in word if c["text"].isalpha()):
            break
        lead.append(text)
    return lead if any(ch.isalpha() for ch in "".join(lead)) else []


def _without_marks(chars: list[dict], size: float, base: float) -> list[dict]:
    """The line's characters without footnote and affiliation marks ("Thomason1☯", "energy.5").

    Other super- and subscripts are kept as text: "Ca2+", "CO2", "m−2"; an exponent after a
    digit is written "10^−3" so it is not read as a subtraction.
    """
    kinds = [_script(c, size, base) for c in chars]
    kept: list[dict] = []
    i = 0
    while i < len(chars):
        if not kinds[i]:
            kept.append(chars[i])
            i += 1
            continue
        j = i
        while j < len(chars) and kinds[j] == kinds[i]:
            j += 1
        run = chars[i:j]
        text = "".join(c["text"] for c in run)
        prev = kept[-1] if kept and run[0]["x0"] - kept[-1]["x1"] < 0.5 * size else None
        word = ""
        for c in reversed(kept):
            if not c["text"].isalpha():
                break
            word = c["text"] + word
        after = "".join(c["text"] for c in chars[j : j + 3] if c["x0"] - run[-1]["x1"] < 0.5 * size)
        signed = text[:1] in "−-–"  # an exponent: "spike−1", "m−2"
        isotope = text.isdigit() and re.match(r"[A-Z][a-z]?(?![a-z])", after) is not None  # "13C"
        mark = (
            kinds[i] == "sup"
            and bool(_MARK.fullmatch(text))
            and not signed
            and not isotope
            and (prev is None or not prev["text"].isalnum() or len(word) >= 3)
        )
        if not mark:
            # An exponent, not a charge: "10^3", "m^−2", but "Cl−" and "Ca2+" as they are.
            if (
                kinds[i] == "sup"
                and prev is not None
                and (prev["text"].isdigit() and text[0].isalnum() or signed and text[1:2].isalnum())
            ):
                run[0]["_prefix"] = "^"
            kept.extend(run)
        elif (
            prev is not None
            and j < len(chars)
            and not chars[j]["text"].isalnum()
            and chars[j]["x0"] - run[-1]["x1"] < 0.11 * size
        ):
            chars[j]["_glue"] = True  # "(∗)" without its mark is "()", not "( )"
        i = j
    return kept


def _attach_scripts(groups: list[list[dict]]) -> None:
    """Rows of small characters overlapping a line of larger type are its super- and
    subscripts: their characters join that line (it decides what is kept, see _without_marks)."""
    boxes = [
        (
            min(c["top"] for c in g),
            max(c["bottom"] for c in g),
            min(c["x0"] for c in g),
            max(c["x1"] for c in g),
            max(c["size"] for c in g),
        )
        for g in groups
    ]
    order = sorted(range(len(groups)), key=lambda i: boxes[i][0])
    tops = [boxes[i][0] for i in order]
    for i in order:
        top, bottom, x0, x1, size = boxes[i]
        best = None
        # A host starts at most a few lines' height above its script (lines are short).
        for j in order[bisect.bisect_left(tops, top - 3 * size - 12) : bisect.bisect_right(tops, bottom)]:
            host_top, host_bottom, host_x0, host_x1, host_size = boxes[j]
            if (
                j != i
                and groups[j]
                and size < 0.85 * host_size
                and top < host_bottom
                and bottom > host_top
                and x0 >= host_x0 - 2
                and x1 <= host_x1 + host_size
            ):
                # The nearest line it overlaps: a superscript may reach up into the line above.
                distance = abs((top + bottom) - (host_top + host_bottom))
                if best is None or distance < best[0]:
                    best = (distance, j)
        if best is not None:
            groups[best[1]].extend(groups[i])
            groups[i].clear()


def reading_order(page: Page) -> list[Line]:
    """Two-column pages: between full-width lines, the left column then the right column."""
    lines = sorted((line for line in page.lines if line.role == "body"), key=lambda line: (line.top, line.x0))
    if not page.two_column:
        return lines
    ordered: list[Line] = []
    band: list[Line] = []

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


def _compose_accents(text: str) -> str:
    """TeX sets accents as separate glyphs before the letter ("na¨ıve"): compose them ("naïve")."""
    # A ring after a number is a degree sign set as an accent glyph: "0.08˚C".
    text = re.sub(r"(?<=[\d±])˚", "°", text)
    # An accent may come after its letter in reading order when nothing follows: "Lu¨".
    text = _TRAILING_ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(1) + _SPACING_ACCENTS[m.group(2)]), text)
    if not _SPACING_ACCENT.search(text):
        return text

    def compose(match: re.Match) -> str:
        base = "i" if match.group(2) == "ı" else match.group(2)
        return unicodedata.normalize("NFC", base + _SPACING_ACCENTS[match.group(1)])

    return _SPACING_ACCENT.sub(compose, text)
