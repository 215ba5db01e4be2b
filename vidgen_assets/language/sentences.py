"""Where sentences end: the one rule for splitting prose, cutting chunks and ending subtitle cues.

A full stop after an abbreviation ("e.g.", "et al.", "Fig. 2"), an initial ("Michael J.
Cafarella") or inside a number ("3.5") does not end a sentence; "No." and "Nos." are
abbreviations only before a number, since "no." at a sentence end is an ordinary word.
"""

from __future__ import annotations

import re

_MARKS = ".!?…。！？"  # sentence-final punctuation, Latin and CJK
_CLOSERS = "\"'”’)\\]"  # closing quotes and brackets that may follow it
_OPENERS = "\"“‘'(["  # what may open the next sentence besides a capital or a digit
_ABBREVIATIONS = frozenset(
    "e.g i.e al fig figs eq eqs dr mr mrs ms prof st vs cf approx resp sec secs ch vol pp "
    "jr sr inc ltd co corp dept univ est ref refs tab jan feb mar apr jun jul aug sep sept oct nov "
    "dec mt ca".split()
)
_BEFORE_NUMBER = frozenset({"no", "nos"})
_END = re.compile(rf"(?:^|\s)(\S*?)([{_MARKS}]+)([{_CLOSERS}]*)$")
_BOUNDARY = re.compile(rf"([{_MARKS}]+)([{_CLOSERS}]*)\s+")


def ends_sentence(text: str, following: str | None = None) -> bool:
    """Whether `text` ends a sentence, where a chunk may end and a subtitle cue should.

    `following` is the text after it, if known: a sentence then ends only before a capital, a
    digit or an opening quote, and not at the stop of an abbreviation or initial. Text that
    nothing follows ends a sentence at any sentence-final punctuation.
    """
    match = _END.search(text.strip())
    if match is None:
        return False
    return following is None or _is_end(match.group(1), match.group(2), following.lstrip()[:1])


def split_sentences(text: str) -> list[str]:
    """Prose as sentences, whitespace normalized, cut where `ends_sentence` says a sentence
    ends (with its closing quotes or brackets). Blank lines always end a sentence."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        start = 0
        for match in _BOUNDARY.finditer(block):
            before = block[start : match.start(1)].split()
            if _is_end(before[-1] if before else "", match.group(1), block[match.end() : match.end() + 120]):
                sentences.append(block[start : match.end(2)].strip())
                start = match.end()
        tail = block[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


def first_sentence(text: str) -> str:
    """The first sentence of `text` (all of it if it has no sentence end), whitespace normalized."""
    sentences = split_sentences(text)
    return sentences[0] if sentences else ""


def _is_end(word: str, marks: str, rest: str) -> bool:
    """Whether `marks` after `word` end a sentence, given the `rest` of the text ("" at the end)."""
    following = rest[:1]
    if following and not (following.isupper() or following.isdigit() or following in _OPENERS):
        return False
    if _ASIDE_THEN_LOWER.match(rest):  # "Phoenix paludosa Roxb. (Family: Arecaceae) is a palm"
        return False
    return following == "" or not _abbreviated(word, marks, following)


# An aside in brackets after a full stop, then a lower-case word: the sentence goes on.
_ASIDE_THEN_LOWER = re.compile(r"\([^()]{1,100}\)\s+[a-z]")


def _abbreviated(word: str, marks: str, following: str) -> bool:
    """Whether the full stop `marks` after `word` belongs to the word rather than ending a sentence."""
    if marks != ".":
        return False
    token = word.lstrip(_OPENERS)
    lowered = token.lower()
    glued = re.search(r"(?<=[a-z])[A-Z][a-z]+$", token)  # "showninFig": words a PDF's extraction ran together
    return (
        lowered in _ABBREVIATIONS
        or (glued is not None and glued.group().lower() in _ABBREVIATIONS)
        or (lowered in _BEFORE_NUMBER and following.isdigit())
        or re.fullmatch(r"[A-Z]", token) is not None  # an initial: "Michael J. Cafarella"
        or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token) is not None  # "U.S", "e.g"
    )
