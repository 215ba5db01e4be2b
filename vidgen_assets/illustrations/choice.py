"""Which picture goes with which chunk: by meaning, each picture at most once, none rather than a poor one.

A picture's score for a chunk is the mean of two cosine similarities to its description:
- context: the best of the chunk's narration, summary and image prompt, which says whether
  the picture belongs to what the chunk is about;
- subject: the best of the prompt and the chunk's three most central phrases, which says
  whether it shows the thing named. Short descriptions ("gull; animal, bird") match a named
  thing far better than a whole paragraph, but a phrase alone matches puns ("pipeline" finds
  a pipe); the mean needs both.
Chunks then claim pictures best score first, so a strong match is never lost to a weaker one
that came earlier in the video.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from vidgen_assets.illustrations.embeddings import TextEmbedder
from vidgen_assets.illustrations.index import Match, Shelf
from vidgen_assets.language.key_phrases import ranked_phrases

# Calibrated by benchmarks/pictures.py --calibrate on the fixture paper, how-vidgen-works.md and
# rock-pools.md: at 0.50 the fish, gull and research-paper matches pass, while the puns
# (a picture frame for video "frames", paper clips for audio "clips") score 0.45-0.49 and fail.
THRESHOLD = 0.50
SUBJECT_PHRASES = 3
_BLOCK = 64  # chunks scored per matrix product


@dataclass(frozen=True)
class Wanted:
    """What one chunk is about, in words."""

    text: str
    summary: str = ""
    prompt: str = ""


@dataclass(frozen=True)
class Query:
    context: np.ndarray  # unit vectors of narration, summary, prompt (rows)
    subject: np.ndarray  # unit vectors of the prompt and the central phrases (rows)


def build_queries(embedder: TextEmbedder, wanted: Sequence[Wanted]) -> list[Query | None]:
    """The vectors each chunk is matched with; None for a chunk with no words at all."""
    queries: list[Query | None] = []
    for w in wanted:
        context_texts = [t for t in (w.text, w.summary, w.prompt) if t.strip()]
        if not context_texts:
            queries.append(None)
            continue
        phrases = ranked_phrases(w.text, embedder.embed)[:SUBJECT_PHRASES] if w.text.strip() else []
        subject_texts = [t for t in (w.prompt, *phrases) if t.strip()] or context_texts
        vectors = embedder.embed([*context_texts, *subject_texts])
        queries.append(Query(vectors[: len(context_texts)], vectors[len(context_texts) :]))
    return queries


def scores(shelf: Shelf, queries: Sequence[Query | None]) -> np.ndarray:
    """Every picture's score (rows) for every chunk (columns); -1 for a chunk with no query.

    A block of chunks is scored in one matrix product: on two busy cores one product over 64
    chunks cost what 3 single-chunk products did (OpenBLAS wakes its threads once).
    """
    out = np.full((len(shelf), len(queries)), -1.0, dtype=np.float32)
    for start in range(0, len(queries), _BLOCK):
        block = [(i, q) for i, q in enumerate(queries[start : start + _BLOCK], start) if q is not None]
        if not block:
            continue
        similarity = shelf.similarities(np.concatenate([np.concatenate([q.context, q.subject]) for _, q in block]))
        column = 0
        for i, q in block:
            context = similarity[:, column : column + len(q.context)].max(axis=1)
            column += len(q.context)
            subject = similarity[:, column : column + len(q.subject)].max(axis=1)
            column += len(q.subject)
            out[:, i] = 0.5 * (context + subject)
    return out


def choose(
    shelf: Shelf,
    queries: Sequence[Query | None],
    threshold: float = THRESHOLD,
    usable: Callable[[Match], bool] = lambda match: True,
    preferred_source: str = "media",
) -> list[Match | None]:
    """One picture or None per chunk; no picture twice; nothing scoring under `threshold`.

    A picture from `preferred_source` that reaches the threshold beats any other picture.
    `usable` is asked before a picture is given (it can be drawn); one that is not is skipped.
    """
    # Each chunk needs at most len(queries) candidates: the others can take all but one.
    limit = len(queries)
    offers = []
    table = scores(shelf, queries)
    for chunk, query in enumerate(queries):
        if query is None:
            continue
        for match in shelf.best(table[:, chunk], limit, preferred_source, threshold, at_least=threshold):
            offers.append((match.source == preferred_source, match.similarity, -chunk, match))
    offers.sort(key=lambda o: (o[0], o[1], o[2]), reverse=True)
    chosen: list[Match | None] = [None] * len(queries)
    taken: set = set()
    for _preferred, _score, negative_chunk, match in offers:
        chunk = -negative_chunk
        if chosen[chunk] is None and match.path not in taken and usable(match):
            chosen[chunk] = match
            taken.add(match.path)
    return chosen
