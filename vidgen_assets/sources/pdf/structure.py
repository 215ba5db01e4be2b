"""Page structure of a paper: title, headings and sections; what is not read (running heads,
page numbers, footnotes, front matter, the reference list)."""

from __future__ import annotations

import re
from collections import Counter

from vidgen_assets.sources.document import Section
from vidgen_assets.sources.pdf.figures import CAPTION, Caption, find_captions
from vidgen_assets.sources.pdf.lines import Line, Page, reading_order
from vidgen_assets.sources.pdf.repair import (
    clean_spaces,
    collect_vocabulary,
    column_edges,
    join_lines,
    starts_paragraph,
)

_REFERENCES = re.compile(
    r"^(\d+\.?\s*|[IVX]+\.\s*)?(references|bibliography|literature cited|works cited|reference list)\.?$",
    re.I,
)
_NUMBERED_HEADING = re.compile(r"^(\d+(\.\d+)*|[IVX]+)\.?\s+\S")
_CONTENTS_ENTRY = re.compile(r"\S\s*[. ]*\s(\d{1,4}|[ivxlc]{1,6})$")
_ABSTRACT_RUN_IN = re.compile(r"^(Abstract|ABSTRACT)\s*[.:—–-]\s*(?=\S)")
# Words of the sections every paper has: such a heading is one wherever it is set.
_KNOWN_HEADING = re.compile(
    r"\b(abstract|summary|introduction|background|related work|materials?|methods?|methodology|experiments?|"
    r"evaluation|results?|findings|discussion|conclusions?|acknowledge?ments?|references|bibliography|appendix|"
    r"keywords)\b",
    re.I,
)


def read_structure(pages: list[Page], metadata: dict) -> tuple[str, list[Section], list[Caption]]:
    """The title, the sections in reading order, and the figure and table captions (cropped
    where their float was found). Marks each line's role on the way."""
    body_size = _body_size(pages)
    _mark_margins(pages)
    _mark_contents(pages)
    ordered = [line for page in pages for line in reading_order(page)]
    title = _mark_title(pages, ordered, metadata)

    # Floats of an appendix after the reference list are the paper's too: kept, though not read.
    captions = find_captions(pages, ordered, body_size)
    ordered = _cut_references(ordered)
    _mark_footnotes(pages, body_size)
    _mark_small_fragments(ordered, body_size)
    _mark_front_matter(ordered, body_size)
    sections = _sections([line for line in ordered if line.role in ("body", "front")], pages, body_size)
    return title, sections, captions


def _body_size(pages: list[Page]) -> float:
    counts = Counter()
    for page in pages:
        for line in page.lines:
            if line.role == "body":
                counts[line.size] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def _mark_margins(pages: list[Page]) -> None:
    """Running heads and feet: text in the top or bottom 10% of the page that repeats at the
    same place on other pages (digits ignored), text in the top or bottom 15% repeated at the same place on three
    pages or more, and bare page numbers."""

    def key(line: Line) -> str:
        # Without its numbers: a page number may be part of the line on some pages only.
        return re.sub(r"\s*\d+\s*", " ", line.text.lower()).strip()

    def in_margin(line: Line, page: Page) -> bool:
        return line.bottom < 0.1 * page.height or line.top > 0.9 * page.height

    def reaches_margin(line: Line, page: Page) -> bool:
        # A running head set low (JSS: "10 TIMP: Modeling ..." from 9% to 10.3% of the page);
        # not an axis's numbers nor a caption heading the page.
        if in_margin(line, page):
            return True
        return (line.top < 0.1 * page.height or line.bottom > 0.9 * page.height) and (
            any(ch.isalpha() for ch in line.text) and not CAPTION.match(line.text)
        )

    def placed(line: Line, page: Page) -> tuple[str, int] | None:
        # A running head set lower still (JCAP: 12% down), known by sitting at the same place on
        # page after page; a phrase, not an axis label.
        if (line.top < 0.15 * page.height or line.bottom > 0.85 * page.height) and sum(
            any(ch.isalpha() for ch in word) for word in line.text.split()
        ) >= 3:
            return key(line), round(line.top)
        return None

    # Where each text of the margins stands on each page: a running head repeats at its place,
    # aligned left or right (the page number beside it may change its width), where a figure's
    # panel letters ("a", "b") and labels near the top of several pages stand where each
    # figure puts them.
    spots: dict[str, list[tuple[int, float, float, float]]] = {}
    seen = Counter()
    for page in pages:
        for line in page.lines:
            if reaches_margin(line, page):
                spots.setdefault(key(line), []).append((page.number, line.top, line.x0, line.x1))
        for k in {placed(line, page) for line in page.lines} - {None}:
            seen[k] += 1

    def repeated(line: Line, page: Page) -> bool:
        if len(re.sub(r"\W", "", key(line))) < 2:  # a panel letter
            return False
        return any(
            number != page.number and abs(top - line.top) <= 2 and (abs(x0 - line.x0) <= 2 or abs(x1 - line.x1) <= 2)
            for number, top, x0, x1 in spots.get(key(line), ())
        )

    for page in pages:
        for line in page.lines:
            if (
                (reaches_margin(line, page) and repeated(line, page))
                or seen[placed(line, page)] >= 3
                or (
                    in_margin(line, page)
                    and re.fullmatch(
                        r"(page\s*)?(\d+|[ivxlc]*[ivx][ivxlc]*)(\s*(of|/)\s*\d+)?", line.text.strip(), re.I
                    )
                )
            ):
                line.role = "margin"


def _mark_contents(pages: list[Page]) -> None:
    """A table of contents: three or more lines in a row that end, after a wide gap, in a page
    number ("3.2. Common seeds ....... 5"), and the "Contents" heading above them."""
    for page in pages:
        lines = sorted(page.lines, key=lambda line: (line.top, line.x0))
        entry = [bool(_CONTENTS_ENTRY.search(l.text)) and l.max_gap > 2 * l.size for l in lines]
        i = 0
        while i < len(lines):
            j = i
            while j < len(lines) and entry[j]:
                j += 1
            if j - i >= 3:
                for line in lines[i:j]:
                    line.role = "contents"
                if i and lines[i - 1].text.strip().lower() in ("contents", "table of contents"):
                    lines[i - 1].role = "contents"
            i = max(j, i + 1)


def _mark_title(pages: list[Page], ordered: list[Line], metadata: dict) -> str:
    """The largest type near the top of page 1; the PDF's Title entry when that looks wrong."""
    first = [line for line in ordered if line.page == 1 and sum(ch.isalpha() for ch in line.text) >= 3]
    title = ""
    if first:
        upper = [line for line in first if line.top < 0.5 * pages[0].height] or first
        biggest = max(line.size for line in upper)
        run: list[Line] = []
        for line in first:
            if abs(line.size - biggest) < 0.3 and line.top < 0.5 * pages[0].height:
                if run and line.top - run[-1].bottom > 1.5 * biggest:
                    break
                run.append(line)
            elif run:
                break
        candidate = clean_spaces(" ".join(line.text for line in run))
        one_word = len(candidate.split()) == 1 and sum(ch.isalpha() for ch in candidate) >= 4
        if run and biggest > _body_size(pages) + 1 and (one_word or 2 <= len(candidate.split()) <= 30):
            title = candidate
            for line in run:
                line.role = "title"
    meta_title = clean_spaces(metadata.get("Title", ""))
    if not title and _sensible_metadata_title(meta_title):
        title = meta_title
    return title


def _sensible_metadata_title(title: str) -> bool:
    if len(title.split()) < 2:
        return False
    lowered = title.lower()
    return not (lowered.startswith(("microsoft word", "untitled")) or re.search(r"\.(dvi|pdf|tex|docx?|ps)$", lowered))


def _cut_references(ordered: list[Line]) -> list[Line]:
    """Everything from the References (or Bibliography) heading on is left out."""
    for i, line in enumerate(ordered):
        if line.role == "body" and _REFERENCES.match(line.text.strip()):
            for later in ordered[i:]:
                if later.role == "caption":
                    later.role = "after-references"
            return ordered[:i]
    return ordered


def _mark_footnotes(pages: list[Page], body_size: float) -> None:
    """Small type below the last line of body-size text in its column is a footnote."""
    for page in pages:
        for column in ("L", "R", "W"):
            body = [l for l in page.lines if l.column == column and l.role == "body" and abs(l.size - body_size) <= 0.6]
            if not body:
                continue
            last = max(l.bottom for l in body)
            for line in page.lines:
                if (
                    line.column == column
                    and line.role == "body"
                    and line.size < body_size - 0.8
                    and line.top >= last - 1
                ):
                    line.role = "footnote"


def _mark_small_fragments(ordered: list[Line], body_size: float) -> None:
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


def _mark_front_matter(ordered: list[Line], body_size: float) -> None:
    """Authors and affiliations: page-1 lines before the Abstract, the first numbered heading
    or the Introduction (else before the first heading)."""
    first_page = [line for line in ordered if line.page == 1 and line.role == "body"]

    def opens_paper(line: Line) -> bool:
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


def _is_heading(line: Line, body_size: float) -> bool:
    text = line.text.strip()
    words = text.split()
    if not words or len(words) > 14 or len(text) > 110 or line.role != "body":
        return False
    if not any(ch.isalpha() for ch in text) or CAPTION.match(text) or text[-1] in ",;:":
        return False
    styled = line.bold or line.size >= body_size + 0.9 or line.small_caps
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


def _set_in(line: Line, edges: dict, body_size: float) -> bool:
    """Whether a line that looks like a heading is set in from its column's left edge without
    being centred in the column, as the lines of a boxed example, a quotation, a listing or a
    table are ("Id: 87_1" in bold over an example's fields): not a heading, unless numbered or
    named like a section every paper has. Headings start at the edge or are centred."""
    if (line.page, line.column) not in edges or _NUMBERED_HEADING.match(line.text) or _KNOWN_HEADING.search(line.text):
        return False
    left, right = edges[(line.page, line.column)]
    centred = abs((line.x0 + line.x1) - (left + right)) / 2 <= body_size
    return line.x0 - left > 2 * body_size and not centred


def _run_in_head(line: Line, prev: Line | None) -> str:
    """The run-in head a paragraph opens with, as written, or "": a few words, the first
    capitalised, after a finished sentence and before a new one, set in bold ("Automation The
    first step", "Distributed Grep: The map function"), in another type (italic, another face)
    and ending in a full stop, colon or dash ("Objectives. Patient experiences"), or in the
    text's own type when they name a part of a structured abstract ("Methods: The study"; these
    also after a line that is lost or a heading of its own, "Abstract")."""
    text = line.text
    after_sentence = prev is None or prev.text.rstrip()[-1:] in ".!?:"
    for lead, needs_end in ((line.lead_bold, False), (line.lead_font, True)):
        if not lead or not text.startswith(lead) or not after_sentence:
            continue
        end = re.match(rf"[{_RUN_IN_ENDS}]?", text[len(lead) :]).group(0)
        head, rest = lead + end, text[len(lead) + len(end) :].lstrip(_RUN_IN_ENDS + " ")
        if (
            len(lead.split()) <= 8
            and lead[:1].isupper()
            and (head[-1] in _RUN_IN_ENDS or not needs_end)
            and (not rest or rest[:1].isupper() or rest[:1].isdigit())
        ):
            return head
    known = _KNOWN_RUN_IN.match(text)
    return known.group(1) if known else ""


_RUN_IN_ENDS = ".:—–"
_KNOWN_RUN_IN = re.compile(
    r"^((?:Background|Objectives?|Aims?|Purpose|Context|Methods?|Methodology|Design|Setting|Participants|Results?|"
    r"Findings|Conclusions?|Interpretation|Significance)\s*[.:—–])\s*(?=[A-Z])"
)


def _sections(lines: list[Line], pages: list[Page], body_size: float) -> list[Section]:
    edges = column_edges(pages, body_size)
    vocabulary = collect_vocabulary(lines)
    sections: list[tuple[str, list[list[str]]]] = [("", [])]
    prev: Line | None = None
    prev2: Line | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if line.role == "body" and _is_heading(line, body_size) and not _set_in(line, edges, body_size):
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
            sections.append((clean_spaces(" ".join(heading)), []))
            prev = None
            i += 1
            continue
        run_in = _ABSTRACT_RUN_IN.match(text) if line.role == "body" else None
        if run_in:
            sections.append(("Abstract", []))
            text = text[run_in.end() :]
            prev = None
        paragraphs = sections[-1][1]
        head = "" if run_in else _run_in_head(line, prev)
        if head:
            # Its own paragraph without a full stop: never spoken, never read into the
            # sentence it opens.
            paragraphs.append([head.rstrip(_RUN_IN_ENDS + " ")])
            text = text[len(head) :].lstrip(_RUN_IN_ENDS + " ")
        if prev is None or head or starts_paragraph(prev2, prev, line, edges, body_size):
            paragraphs.append([])
            prev2 = None
        else:
            prev2 = prev
        if text:
            paragraphs[-1].append(text)
        prev = line
        i += 1

    result = []
    for heading, paragraphs in sections:
        texts = [join_lines(p, vocabulary) for p in paragraphs]
        if heading == "" and any(l.role == "front" for l in lines):
            texts = [t for t in texts if len(t.split()) >= 30]  # drop author/affiliation blocks
        body = "\n\n".join(clean_spaces(t) for t in texts if t.strip())
        if heading or body:
            result.append(Section(heading=heading, text=body))
    return result
