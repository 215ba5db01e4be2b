"""Which picture goes with which chunk: by meaning, each picture at most once, none rather than a poor one.

A chunk is asked for in several queries, each embedded on its own. Two views of the chunk:
- subject: what should be shown, by name: the image prompt's subject (the prompt without its
  setting, composition and style) and the chunk's most central noun phrases;
- context: what the chunk is about as a whole: its summary and its narration.
A picture's similarity in a view is its best over that view's queries (and over its own name
and description, see index.Shelf); its score is the mean of the two views. A short phrase alone
finds a named thing far better than a paragraph does, but it also finds puns ("frames" -> a
picture frame, "tuples" -> a tulip); the context view has to agree. Measured on 86 hand-labelled
chunks of four documents (benchmarks/pictures.py --calibrate), the mean of the views gave more
fitting pictures with fewer misfits than the best of per-kind thresholds or a logistic blend.
Chunks then claim pictures best score first, so a strong match is never lost to a weaker one
earlier in the video.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from vidgen_assets.illustrations.embeddings import TextEmbedder
from vidgen_assets.illustrations.index import Match, Shelf
from vidgen_assets.language.drafts import COMPOSITIONS, SETTINGS
from vidgen_assets.language.key_phrases import ranked_phrases

# Calibrated by benchmarks/pictures.py --calibrate on 86 hand-labelled chunks of four documents:
# at 0.45, 75 get a picture, 57 of them fitting and 18 misfits; at 0.40, 85 (62 and 23); at
# 0.50, 60 (49 and 11). Fits net of misfits are flat from 0.40 to 0.50; 0.45 keeps misfits under
# a quarter of the pictures given.
THRESHOLD = 0.45
SUBJECT_KINDS = ("subject", "phrase")
CONTEXT_KINDS = ("summary", "text")
SUBJECT_PHRASES = 5  # distinct central phrases: 3 gave 51 fitting and 20 misfits, 8 gave 56 and 22
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
    phrases = distinct_phrases(ranked_phrases(wanted.text, embedder.embed), SUBJECT_PHRASES) if wanted.text.strip() else []
    pairs = [("subject", subject), *(("phrase", p) for p in phrases), ("summary", wanted.summary), ("text", wanted.text)]
    return [(kind, " ".join(text.split())) for kind, text in pairs if text.strip()]


def distinct_phrases(ranked: Sequence[str], count: int) -> list[str]:
    """The first `count` phrases that are not made of an earlier one's words ("wheat lines" after
    "sensitive wheat lines"): a chunk's later nouns get a say instead of echoes of its first."""
    chosen: list[str] = []
    for phrase in ranked:
        words = set(phrase.lower().split())
        if not any(words <= set(c.lower().split()) for c in chosen):
            chosen.append(phrase)
        if len(chosen) == count:
            break
    return chosen


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


def scores(shelf: Shelf, queries: Sequence[Query | None]) -> tuple[np.ndarray, np.ndarray]:
    """Every picture's score (rows) for every chunk (columns), and the subject-view query row that won it.

    -1 for a chunk with no query. A block of chunks is scored in one matrix product: on two busy
    cores one product over 64 chunks cost what 3 single-chunk ones did.
    """
    out = np.full((len(shelf), len(queries)), -1.0, dtype=np.float32)
    rows = np.zeros((len(shelf), len(queries)), dtype=np.int32)
    for start in range(0, len(queries), _BLOCK):
        block = [(i, q) for i, q in enumerate(queries[start : start + _BLOCK], start) if q is not None]
        if not block:
            continue
        similarity = shelf.similarities(np.concatenate([q.vectors for _, q in block]))
        column = 0
        for i, q in block:
            part = similarity[:, column : column + len(q.kinds)]
            subject = [r for r, k in enumerate(q.kinds) if k in SUBJECT_KINDS] or list(range(len(q.kinds)))
            context = [r for r, k in enumerate(q.kinds) if k in CONTEXT_KINDS] or subject
            best = part[:, subject].argmax(axis=1)
            rows[:, i] = np.asarray(subject)[best]
            out[:, i] = 0.5 * (part[np.arange(len(shelf)), rows[:, i]] + part[:, context].max(axis=1))
            column += len(q.kinds)
    return out, rows


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
    A match's `query` names the subject-view query that found it.
    """
    # Each chunk needs at most len(queries) candidates (the others can take all but one), and
    # as many again for copies of a drawing already taken.
    limit = 2 * len(queries)
    offers = []
    table, rows = scores(shelf, queries)
    for chunk, query in enumerate(queries):
        if query is None:
            continue
        for match in shelf.best(table[:, chunk], limit, preferred_source, threshold, at_least=threshold):
            row = int(rows[shelf.position(match.path), chunk])
            found = replace(match, query=f"{query.kinds[row]}: {query.texts[row]}")
            offers.append((match.source == preferred_source, match.similarity, -chunk, found))
    offers.sort(key=lambda o: (o[0], o[1], o[2]), reverse=True)
    chosen: list[Match | None] = [None] * len(queries)
    taken: set = set()
    for _preferred, _score, negative_chunk, match in offers:
        chunk = -negative_chunk
        if chosen[chunk] is not None:
            continue
        # A collection may hold one drawing twice as separate files (openclipart files some
        # under two folders): the same name and size in one collection is the same picture.
        same = {match.path, (match.source, match.path.name, _size(match.path))}
        if not same & taken and usable(match):
            chosen[chunk] = match
            taken |= same
    return chosen


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1
