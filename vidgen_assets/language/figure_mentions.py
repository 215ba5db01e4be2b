"""Which of the paper's figures and tables each stretch of narration shows.

Every figure and table with an image is shown somewhere: where the narration cites it, and
otherwise at the chunk whose narration is closest in meaning to its caption, with the uncited
ones kept in document order. A chunk shows at most two (one after the other); when the paper
has more figures than that leaves room for, the least relevant uncited ones are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from vidgen_assets.language.key_phrases import Embed

# The kinds of float the PDF reader labels (sources/pdf/figures.py): "Figure 2", "Figure S1"
# ("Supplementary Figure 1"), "Table 1", "Scheme 1", "Chart 1", "Plate 1", "Exhibit 1".
_MENTION = re.compile(
    r"\b(Supplementary\s+(?:Figures?|Figs?\.?|Tables?)|Figures?|Figs?\.?|Tables?|Schemes?|Charts?|Plates?|Exhibits?)"
    r"\s+(S?\d+)((?:\s*(?:,|and|&|–|-|to)\s*S?\d+)*)",
    re.IGNORECASE,
)
PER_CHUNK = 2
CITED = "cited"


def mentioned_figures(text: str, labels: Iterable[str]) -> list[str]:
    """The labels among `labels` that `text` mentions, in order of mention ("Figures 2 and 3",
    "Fig. 4", "Table 1")."""
    known = {label.lower(): label for label in labels}
    found: list[str] = []
    for kind, first, more in _MENTION.findall(text):
        supplementary = kind.lower().startswith("supplementary") or first[:1] in "sS"
        word = kind.lower().split()[-1].rstrip(".s")
        kind = {"fig": "figure", "figure": "figure", "tab": "table", "table": "table"}.get(word, word)
        numbers = [first.lstrip("sS"), *re.findall(r"\d+", more)]
        if re.search(r"–|-|to", more) and len(numbers) == 2 and int(numbers[1]) - int(numbers[0]) < 10:
            numbers = [str(n) for n in range(int(numbers[0]), int(numbers[1]) + 1)]
        for number in numbers:
            label = known.get(f"{kind} {'s' if supplementary else ''}{number}")
            if label and label not in found:
                found.append(label)
    return found


@dataclass(frozen=True)
class Placement:
    figures: tuple[str, ...]  # at most PER_CHUNK labels, shown one after the other
    reason: str = ""  # "cited", or how close the caption is to the narration


def place_figures(
    chunks: Sequence[str],
    figures: Sequence[tuple[str, str]],
    embed: Embed | None,
    first_free: int = 1,
) -> dict[int, Placement]:
    """Figures for the chunks (by position), from `figures` (label, caption) in document order.

    Cited figures go to the chunks that cite them. Each uncited figure goes to a chunk that
    shows no figure yet (from `first_free` on: the first chunk is the title card), chosen to
    make the captions' similarity to their chunks' narration (with `embed`) largest overall
    while keeping document order; with no `embed`, they are spread evenly. When there are more
    uncited figures than free chunks, chunks take a second one; when even that is not room
    enough, the uncited figures least like any chunk are left out.
    """
    labels = [label for label, _ in figures]
    placed: dict[int, list[str]] = {}
    reasons: dict[int, list[str]] = {}
    cited: set[str] = set()
    for i, text in enumerate(chunks):
        if i < first_free:
            continue
        for label in mentioned_figures(text, labels)[:PER_CHUNK]:
            placed.setdefault(i, []).append(label)
            reasons.setdefault(i, []).append(CITED)
            cited.add(label)
    uncited = [(label, caption) for label, caption in figures if label not in cited]
    if uncited:
        similarity = _similarity([c for _, c in uncited], chunks, embed)
        slots = [i for i in range(first_free, len(chunks)) if i not in placed]
        if len(uncited) > len(slots):  # second places, in the chunks with room for one
            slots = sorted(slots + [i for i in range(first_free, len(chunks)) if len(placed.get(i, [])) < PER_CHUNK])
        keep = sorted(range(len(uncited)), key=lambda f: -similarity[f].max(initial=0.0))[: len(slots)]
        keep.sort()
        for f, slot in zip(keep, _monotone_assignment(similarity[keep][:, slots] if keep else similarity[:0])):
            chunk = slots[slot]
            placed.setdefault(chunk, []).append(uncited[f][0])
            reasons.setdefault(chunk, []).append(f"caption closest to the narration ({similarity[f, chunk]:.2f})")
    return {i: Placement(tuple(labels_), "; ".join(reasons[i])) for i, labels_ in sorted(placed.items())}


def _similarity(captions: Sequence[str], chunks: Sequence[str], embed: Embed | None) -> np.ndarray:
    """Cosine similarity of each caption (rows) to each chunk (columns); without `embed`, a
    flat zero, so the order-keeping assignment spreads them evenly."""
    if embed is None or not captions or not chunks:
        return np.zeros((len(captions), len(chunks)), dtype=np.float32)
    vectors = embed([*captions, *chunks])
    return vectors[: len(captions)] @ vectors[len(captions) :].T


def _monotone_assignment(score: np.ndarray) -> list[int]:
    """For rows in order, strictly increasing columns maximizing the total score (rows <=
    columns); ties go to the even spread. Dynamic programming over (row, column)."""
    rows, cols = score.shape
    if rows == 0:
        return []
    # Evenness as a tiny tie-breaker: a flat score spreads the figures over the video.
    ideal = (np.arange(rows)[:, None] + 0.5) * cols / rows
    score = score - 1e-4 * np.abs(np.arange(cols)[None, :] - ideal) / max(cols, 1)
    best = np.full((rows, cols), -np.inf)
    back = np.zeros((rows, cols), dtype=int)
    best[0] = score[0]
    for r in range(1, rows):
        running, arg = -np.inf, -1
        for c in range(cols):
            if c - 1 >= 0 and best[r - 1, c - 1] > running:
                running, arg = best[r - 1, c - 1], c - 1
            if arg >= 0:
                best[r, c] = running + score[r, c]
                back[r, c] = arg
    out = [int(np.argmax(best[rows - 1]))]
    for r in range(rows - 1, 0, -1):
        out.append(int(back[r, out[-1]]))
    return out[::-1]
