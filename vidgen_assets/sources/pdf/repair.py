"""Mending text broken by typesetting: ligatures the PDF does not map, words hyphenated at line
ends, and lines joined into paragraphs (where a paragraph starts is read from indents, spacing
and short last lines)."""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from vidgen_assets.sources.pdf.lines import Line, Page, loose_rows, split_words

WORD_LIST = Path("/usr/share/dict/words")
_LIST_ITEM = re.compile(r"^(\d{1,2}[.)]|[•◦▪‣·–-]|\(\w\))\s")
_HYPHEN_PAIR = re.compile(r"(?=\b([A-Za-z]+)-([A-Za-z]+)\b)")
_UNMAPPED = re.compile(r"\(cid:(\d+)\)")  # how pdfminer writes a glyph it cannot map
LIGATURES = ("fi", "fl", "ff", "ffi", "ffl")


def column_edges(pages: list[Page], body_size: float) -> dict[tuple[int, str], tuple[float, float]]:
    """The usual left and right edge of body text in each (page, column), ignoring outliers."""
    edges = {}
    for page in pages:
        for column in ("L", "R", "W"):
            body = [l for l in page.lines if l.column == column and l.role == "body" and abs(l.size - body_size) <= 0.6]
            if body:
                lefts = sorted(l.x0 for l in body)
                rights = sorted(l.x1 for l in body)
                edges[(page.number, column)] = (lefts[len(lefts) // 10], rights[-1 - len(rights) // 10])
    return edges


def starts_paragraph(prev2: Line | None, prev: Line, line: Line, edges: dict, body_size: float) -> bool:
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
    in_block = (
        prev2 is not None and prev2.page == prev.page and prev2.column == prev.column and abs(prev2.x0 - prev.x0) < 2
    )
    if same_flow and in_block and line.x0 < prev.x0 - indent:
        return True  # back out of an indented block or list
    if prev.text.rstrip()[-1:] in ".!?:" and prev.x1 < prev_right - 2 * body_size:
        return True  # the previous line stopped short after a sentence
    return False


@dataclass(frozen=True)
class Vocabulary:
    """Words written whole inside lines: evidence for mending a word split at a line end."""

    words: frozenset[str]
    pairs: frozenset[str]  # hyphenated pairs such as "pre-specified"

    def keeps_hyphen(self, left: str, right: str) -> bool:
        joined, pair = (left + right).lower(), f"{left}-{right}".lower()
        # TeX never leaves fewer than 2 letters before or 3 after a break: "noisy-or" is a word.
        if pair in self.pairs or len(left) < 2 or len(right) < 3:
            return True
        dictionary = dictionary_words()
        if joined in self.words or joined in dictionary:
            return False
        # "noise-" + "tolerant": both halves are words of their own, so a compound.
        known = self.words | dictionary if dictionary else self.words
        return len(left) >= 3 and len(right) >= 4 and left.lower() in known and right.lower() in known


NO_VOCABULARY = Vocabulary(frozenset(), frozenset())


@functools.cache
def dictionary_words() -> frozenset[str]:
    """The system word list (Debian's wamerican, installed by `make install`), lower-cased: more
    evidence for mending a split word than the paper's own words. Empty if it is not installed."""
    try:
        return frozenset(WORD_LIST.read_text(encoding="utf-8", errors="ignore").lower().split())
    except OSError:
        return frozenset()


def collect_vocabulary(lines: list[Line]) -> Vocabulary:
    """The words and hyphenated pairs the paper writes whole inside its lines."""
    words, pairs = set(), set()
    for line in lines:
        tokens = line.text.split()
        # The last token may be half a word; the first may be the other half.
        for token in tokens[1:-1]:
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", token))
        for match in _HYPHEN_PAIR.finditer(line.text):
            pairs.add(f"{match.group(1)}-{match.group(2)}".lower())
    return Vocabulary(frozenset(words), frozenset(pairs))


def join_lines(texts: list[str], vocabulary: Vocabulary) -> str:
    """The lines of a paragraph as one text, mending words hyphenated at line ends."""
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
        elif re.search(r"[A-Za-z]-$", out) and _written_whole(out, text, vocabulary):
            out = out[:-1] + text  # "Know-" + "ItAll": the paper writes "KnowItAll" elsewhere
        elif re.search(r"[A-Za-z]-$", out) or out.endswith(("—", "–", "/")):
            out += text
        else:
            out += " " + text
    return out


def _written_whole(out: str, text: str, vocabulary: Vocabulary) -> bool:
    left = re.search(r"([A-Za-z]+)-$", out).group(1)
    right = re.match(r"[A-Za-z]+", text)
    return right is not None and (left + right.group(0)).lower() in vocabulary.words


def clean_spaces(text: str) -> str:
    """Runs of spaces and tabs as one space, ends trimmed."""
    return re.sub(r"[ \t]+", " ", text).strip()


def mend_unmapped_ligatures(raw_pages: list[dict]) -> dict[tuple[str, int], str]:
    """Learn which ligature an unmapped glyph is, per (font, code), from the words it sits in,
    and write it into every occurrence; returns what was learned.

    For fonts whose glyphs carry no usable name (glyphs.py recovers the others), a glyph inside
    "Simpli?ed", "signi?cant" and "e?cient" is read as the one ligature (fi, fl, ff, ffi, ffl)
    that makes the word one the dictionary or the paper itself writes whole. A code is taken
    only when at least two of its words agree, none disagrees, and at least half of its
    occurrences make a word with it (or, seen once, when another font of the paper has the same
    ligature at the same code): a symbol glyph that once completes a word by chance is left
    out, as is every glyph with no evidence.
    """
    words = [
        word
        for raw in raw_pages
        if any(c["text"].startswith("(cid:") for c in raw["chars"])  # most pages have none
        for row in loose_rows(raw)
        for word in split_words(row)
    ]
    contexts: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    for word in words:
        unmapped = [i for i, c in enumerate(word) if _UNMAPPED.fullmatch(c["text"])]
        for i in unmapped:
            key = (word[i].get("fontname") or "", int(_UNMAPPED.fullmatch(word[i]["text"]).group(1)))
            before = re.search(r"[A-Za-z]*$", "".join(c["text"] for c in word[:i])).group(0)
            after = re.match(r"[A-Za-z]*", "".join(c["text"] for c in word[i + 1 :])).group(0)
            contexts[key].append((before, after) if len(unmapped) == 1 else ("", ""))
    if not any(len(before) + len(after) >= 2 for seen in contexts.values() for before, after in seen):
        return {}  # no unmapped glyph inside a word: nothing to learn
    vocabulary = {
        w.lower()
        for raw in raw_pages
        for row in loose_rows(raw)
        for word in split_words(row)
        if not any(_UNMAPPED.fullmatch(c["text"]) for c in word)
        for w in re.findall(r"[A-Za-z]+", "".join(c["text"] for c in word))
    } | dictionary_words()

    learned, single = {}, {}
    for key, seen in contexts.items():
        votes = Counter()
        for before, after in seen:
            if len(before) + len(after) < 2:
                continue  # too little of a word to judge by (a symbol between spaces)
            fits = [lig for lig in LIGATURES if (before + lig + after).lower() in vocabulary]
            if len(fits) == 1:
                votes[fits[0]] += 1
        if len(votes) == 1:
            ((ligature, count),) = votes.items()
            if count >= 2 and 2 * count >= len(seen):
                learned[key] = ligature
            elif count == 1 and len(seen) == 1:
                single[key] = ligature
    # A font used once (a title's bold cut) is taken when a sibling font of the paper puts the
    # same ligature at the same code: one word and one encoding agree.
    for (font, code), ligature in single.items():
        if any(other_code == code and other == ligature for (_, other_code), other in learned.items()):
            learned[(font, code)] = ligature
    if learned:
        for raw in raw_pages:
            for c in raw["chars"]:
                match = _UNMAPPED.fullmatch(c["text"])
                if match and (c.get("fontname") or "", int(match.group(1))) in learned:
                    c["text"] = learned[(c.get("fontname") or "", int(match.group(1)))]
    return learned
