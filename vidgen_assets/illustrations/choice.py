"""Which picture goes with which chunk: by meaning, each picture at most once, none rather than a poor one.

A chunk is asked for in several kinds of query, each embedded on its own: the image prompt's
subject (the prompt without its setting, composition and style), the chunk's most central
noun phrases, its summary and its narration. Short queries match short descriptions ("crab
(animal, sea)") far better than one long text does, but they also find puns ("frames" finds a
picture frame), so each kind has its own threshold, calibrated on hand-labelled chunks
(benchmarks/pictures.py --calibrate). A picture's score for a chunk is its best margin over
those thresholds; it is a candidate when that margin is not negative. Chunks then claim pictures
best margin first, so a strong match is never lost to a weaker one earlier in the video.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from vidgen_assets.illustrations.embeddings import TextEmbedder
from vidgen_assets.illustrations.index import Match, Shelf
from vidgen_assets.language.drafts import COMPOSITIONS, SETTINGS
from vidgen_assets.language.key_phrases import ranked_phrases

# `threshold` (LibraryPictures' setting) is the bar for the image prompt's subject; each other
# kind of query keeps its calibrated offset from it, so one number still makes the choice
# stricter or looser as a whole.
THRESHOLD = 0.50
OFFSETS = {"subject": 0.0, "phrase": 0.0, "summary": 0.0, "text": 0.0}
KINDS = tuple(OFFSETS)
SUBJECT_PHRASES = 3
_BLOCK = 64  # chunks scored per matrix product


@dataclass(frozen=True)
class Wanted:
    """What one chunk is about, in words."""

    text: str
    summary: str = ""
    prompt: str = ""
    style: str = ""  # the document-wide style the prompt ends with


@dataclass(frozen=True)
class Query:
    vectors: np.ndarray  # unit vectors (rows), one per query text
    kinds: tuple[str, ...]  # the kind of each row
    texts: tuple[str, ...]


def prompt_subject(prompt: str, style: str = "") -> str:
    """The thing an image prompt asks for: the prompt without its style, composition and setting."""
    text = " ".join(prompt.split())
    if style and text.endswith(style):
        text = text[: -len(style)]
    text = text.strip(" ,")
    for endings in (COMPOSITIONS.values(), SETTINGS.values()):
        for ending in endings:
            if text.endswith(ending):
                text = text[: -len(ending)].strip(" ,")
                break
    for opening in ("an illustration of ", "An illustration of "):
        if text.startswith(opening):
            text = text[len(opening) :]
    return text.strip(" ,.")


def query_texts(embedder: TextEmbedder, wanted: Wanted) -> list[tuple[str, str]]:
    """(kind, text) of each query for one chunk; empty texts left out."""
    subject = prompt_subject(wanted.prompt, wanted.style)
    phrases = ranked_phrases(wanted.text, embedder.embed)[:SUBJECT_PHRASES] if wanted.text.strip() else []
    pairs = [("subject", subject), *(("phrase", p) for p in phrases), ("summary", wanted.summary), ("text", wanted.text)]
    return [(kind, " ".join(text.split())) for kind, text in pairs if text.strip()]


def build_queries(embedder: TextEmbedder, wanted: Sequence[Wanted]) -> list[Query | None]:
    """The vectors each chunk is matched with; None for a chunk with no words at all."""
    queries: list[Query | None] = []
    for w in wanted:
        pairs = query_texts(embedder, w)
        if not pairs:
            queries.append(None)
            continue
        kinds, texts = zip(*pairs)
        queries.append(Query(embedder.embed(list(texts)), kinds, texts))
    return queries


def thresholds_for(base: float, offsets: dict[str, float] | None = None) -> dict[str, float]:
    """Each kind's threshold for a base threshold."""
    offsets = OFFSETS if offsets is None else offsets
    return {kind: base + offsets.get(kind, 0.0) for kind in KINDS}


def scores(shelf: Shelf, queries: Sequence[Query | None], thresholds: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Every picture's margin (rows) for every chunk (columns), and the query row giving it.

    A margin is the picture's best similarity to one of the chunk's queries less that query
    kind's threshold; -9 for a chunk with no query. A block of chunks is scored in one matrix
    product: on two busy cores one product over 64 chunks cost what 3 single-chunk ones did.
    """
    margins = np.full((len(shelf), len(queries)), -9.0, dtype=np.float32)
    rows = np.zeros((len(shelf), len(queries)), dtype=np.int32)
    for start in range(0, len(queries), _BLOCK):
        block = [(i, q) for i, q in enumerate(queries[start : start + _BLOCK], start) if q is not None]
        if not block:
            continue
        similarity = shelf.similarities(np.concatenate([q.vectors for _, q in block]))
        bars = np.array([thresholds[k] for _, q in block for k in q.kinds], dtype=np.float32)
        over = similarity - bars
        column = 0
        for i, q in block:
            part = over[:, column : column + len(q.kinds)]
            rows[:, i] = part.argmax(axis=1)
            margins[:, i] = part.max(axis=1)
            column += len(q.kinds)
    return margins, rows


def choose(
    shelf: Shelf,
    queries: Sequence[Query | None],
    threshold: float = THRESHOLD,
    usable: Callable[[Match], bool] = lambda match: True,
    preferred_source: str = "media",
    offsets: dict[str, float] | None = None,
) -> list[Match | None]:
    """One picture or None per chunk; no picture twice; none under its query kind's threshold.

    A picture from `preferred_source` that clears its threshold beats any other picture.
    `usable` is asked before a picture is given (it can be drawn); one that is not is skipped.
    A match's similarity is the cosine to the query that won it, and its `query` says which.
    """
    thresholds = thresholds_for(threshold, offsets)
    # Each chunk needs at most len(queries) candidates: the others can take all but one.
    limit = len(queries)
    offers = []
    margins, rows = scores(shelf, queries, thresholds)
    for chunk, query in enumerate(queries):
        if query is None:
            continue
        for match in shelf.best(margins[:, chunk], limit, preferred_source, 0.0, at_least=0.0):
            row = int(rows[shelf.position(match.path), chunk])
            kind = query.kinds[row]
            won = replace(match, similarity=match.similarity + thresholds[kind], query=f"{kind}: {query.texts[row]}")
            offers.append((match.source == preferred_source, match.similarity, -chunk, won))
    offers.sort(key=lambda o: (o[0], o[1], o[2]), reverse=True)
    chosen: list[Match | None] = [None] * len(queries)
    taken: set = set()
    for _preferred, _margin, negative_chunk, match in offers:
        chunk = -negative_chunk
        if chosen[chunk] is None and match.path not in taken and usable(match):
            chosen[chunk] = match
            taken.add(match.path)
    return chosen
