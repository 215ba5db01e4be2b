"""The authors of a paper: its metadata's Author field when page 1 prints those names, else its
byline, read from the lines between the title and the abstract (structure.py marks them
"front-matter"). Writing software fills the Author field with whoever ran it: "ibm" on an NLP
paper by two others, one co-author's misspelt name on a chemistry paper by six."""

from __future__ import annotations

import re

from vidgen_assets.sources.pdf.lines import Page

_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&|\s{3,})\s*", re.I)
_MARKS = re.compile(r"[*†‡§¶#\d]+(?=\s|,|$)|[\u00b9\u00b2\u00b3\u2070-\u209f]")
# A capitalised word in any Latin script ("Günter", "Łukasz"), an initial ("S.", "J.-P."), a short
# abbreviated name ("Md.", "Mohd."), or a particle.
_UPPER, _LETTER = "A-ZÀ-ÖØ-ÞĀ-Ž", "a-zA-Zà-öø-ÿĀ-ž"
_NAME_WORD = re.compile(
    rf"^(?:[{_UPPER}][{_LETTER}'’\-]+|[{_UPPER}][a-z]{{1,3}}\.|[{_UPPER}]\.?(?:-?[{_UPPER}]\.)*|"
    r"(?:de|da|van|von|der|den|del|la|le|di|bin|al)\b)$"
)
_NOT_A_NAME = re.compile(
    r"@|https?:|www\.|\b(?:university|universit[éà]|institute|department|dept|laborator(?:y|ies)|"
    r"school|college|inc|ltd|corporation|centre|center|faculty|academy|hospital|research|"
    r"street|road|avenue|usa|uk|china|germany|france|japan|abstract|keywords)\b",
    re.I,
)


# What writing software puts in a PDF's Author field when nobody filled it in.
_NOBODY = re.compile(r"^(user|owner|admin(istrator)?|author|unknown|anonymous|default|root|\W*)$", re.I)


def names_someone(field: str) -> bool:
    """Whether an Author field names a person: not empty, not a placeholder, not a paragraph."""
    names = " ".join(str(field).split()).strip(" ;,")
    return not _NOBODY.match(names) and len(names) <= 160 and bool(re.search(r"[A-Za-z]{2}", names))


def authors(field: str, pages: list[Page]) -> str:
    """Who the title card names: the Author field when it names someone page 1 prints, else the
    byline, else nobody: a name the paper does not print is not shown as its author."""
    if names_someone(field) and printed_on(field, pages[:1]):
        return " ".join(field.split())
    return byline(pages)


def printed_on(field: str, pages: list[Page]) -> bool:
    """Whether every word of the field's names ("Dean, Jeffrey" or "Jeffrey Dean") is a word on these pages."""
    text = {w.lower() for page in pages for line in page.lines for w in re.findall(r"[^\W\d_]+", line.text)}
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", field)} - {"and"}
    return bool(words) and words <= text


def byline(pages: list[Page], max_lines: int = 3) -> str:
    """The author names of page 1's front matter, joined by ", "; "" when no line reads as names."""
    lines = [line for line in pages[0].lines if line.role == "front-matter"] if pages else []
    names: list[str] = []
    for line in lines:
        found = _names(line.text)
        if found:
            names.extend(n for n in found if n not in names)
            if len(names) >= 40 or max_lines == 1:
                break
            max_lines -= 1
        elif names:
            break  # the byline is over: affiliations follow
    return ", ".join(names)


def _names(text: str) -> list[str]:
    """The names on a line when every part of it reads as a person's name, else []."""
    if _NOT_A_NAME.search(text):
        return []
    parts = [p.strip(" .,") for p in _SEPARATORS.split(_MARKS.sub(" ", text)) if p.strip(" .,")]
    if not parts:
        return []
    for part in parts:
        words = part.split()
        if not 2 <= len(words) <= 5 or not all(_NAME_WORD.match(w) for w in words) or not words[-1][:1].isupper():
            return []
    return [" ".join(p.split()).title() if p.isupper() else " ".join(p.split()) for p in parts]
