"""Is a text grounded in its source? Checks for text a language model wrote from a passage:
no loops or instructions read back, its words and numbers from the passage."""

from __future__ import annotations

import re

# Phrases that betray an answer about the task rather than about the paper.
_INSTRUCTION_MARKERS = (
    "main idea",
    "one sentence",
    "short sentence",
    "at most",
    "summarize",
    "summary",
    "the passage",
    "this passage",
    "revised version",
    "json",
)
_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from into over under as is are was were be
    been being it its this that these those their there they them we our us you your he she his her
    i me my not no nor so than then too very can could will would shall should may might must do does
    did done has have had having which who whom whose what when where why how all any both each few
    more most other some such only own same also just about above after again against before below
    between during through until up down out off further once here while because new one two""".split()
)


def content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning (no stopwords, none under 3 letters), crudely stemmed."""
    words = re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", text.lower())
    return {_stem(w) for w in words if w not in _STOPWORDS and len(w) > 2}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _plain(text: str) -> list[str]:
    return [w for w in (re.sub(r"\W+", "", w.lower()) for w in text.split()) if w]


def degenerate_reason(
    text: str, source: str | None = None, instructions: str = "", title: str = "", min_words: int = 3
) -> str | None:
    """Why `text` is unusable model output, or None if it is fine.

    Unusable: empty or too short, repeating itself, reading back the `instructions` or only the
    `title` it was given, or (when the `source` it should be drawn from is given) having under
    half of its content words in the source, the mark of invented facts.
    """
    words = _plain(text)
    if len(words) < min_words:
        return "empty" if not words else "too short"
    if any(words[i] == words[i + 1] == words[i + 2] for i in range(len(words) - 2)):
        return "repeats itself"
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    if len(trigrams) != len(set(trigrams)) or (len(words) >= 8 and len(set(words)) < 0.5 * len(words)):
        return "repeats itself"
    flat, source_flat = " ".join(words), " ".join(_plain(source or ""))
    instructions_flat = " ".join(_plain(instructions))
    if any(marker in flat and marker not in source_flat for marker in _INSTRUCTION_MARKERS):
        return "reads back the instructions"
    if instructions_flat and (flat in instructions_flat or _shares_ngram(words, _plain(instructions), 4)):
        return "reads back the instructions"
    mine = content_words(text)
    if title and mine and mine <= content_words(title):
        return "repeats the title"
    if source is not None:
        if not mine:
            return "no content words"
        grounded = content_words(source)
        if sum(1 for w in mine if w in grounded) < 0.5 * len(mine):
            return "not grounded in the chunk"
        # A small model readily turns "33%" into "3.3%": a figure the source lacks is invented.
        invented = numbers_in(text) - numbers_in(source)
        if invented:
            return f"states a number the chunk does not ({', '.join(sorted(invented))})"
    return None


def numbers_in(text: str) -> set[str]:
    """The numbers in `text`, normalized ("9,000,000" -> "9000000", "3.0" -> "3")."""
    found = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        found.add(value.rstrip("0").rstrip(".") if "." in value else value)
    return found


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _shares_ngram(a: list[str], b: list[str], n: int) -> bool:
    grams = {tuple(b[i : i + n]) for i in range(len(b) - n + 1)}
    return any(tuple(a[i : i + n]) in grams for i in range(len(a) - n + 1))
