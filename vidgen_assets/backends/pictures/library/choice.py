"""Which picture goes with which chunk: by meaning, each picture at most once, none rather than a poor one.

A picture is judged in three views, each a cosine similarity of sentence embeddings:
- subject: what should be shown, by name: the image prompt's subject (the prompt without its
  setting, composition and style), the summary, and the chunk's most central noun phrases; the
  best of these;
- text: the chunk's narration as a whole;
- document: the whole video's narration (the mean of every requested chunk's), so a picture must
  agree with what the document is about, not only with one of the chunk's words.
Its score is WEIGHTS' mix of the three. A short phrase alone finds a named thing far better than
a paragraph does, but it also finds puns: "pools" finds a billiard ball, "cells" phone signal
bars, "waves" a surfer. A pun matches one word and little else, so the narration and the document
have to carry most of the score. Measured on hand-labelled chunks of eleven documents, six of them
technical (benchmarks/pictures.py --calibrate), see THRESHOLD.
Chunks then claim pictures best score first, so a strong match is never lost to a weaker one
earlier in the video.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vidgen_assets.backends.embeddings import TextEmbedder
from vidgen_assets.backends.pictures.library.index import Match, Shelf
from vidgen_assets.language.key_phrases import ranked_phrases
from vidgen_assets.language.prompts import prompt_subject

# Calibrated by benchmarks/pictures.py --calibrate on 177 chunks of eleven documents (two papers,
# four technical texts of our own on biology, NLP and databases, five general texts), queried with
# their own key phrases as the pipeline does. The mix gives the narration half the weight: in a
# search over mixes, subject-heavy ones kept the puns (0.5/0.25/0.25 reached under 10% misfits
# only at 27 pictures). At 0.55 the mix gives 33 pictures, 32 fitting and 1 misfit; at 0.525, 42
# (38 and 4); at 0.575, 22 (21 and 1). The old mean of subject and context views gave 172
# pictures on these chunks, 83 of them misfits. Outside the calibration set: see the benchmark.
WEIGHTS = {"subject": 0.25, "text": 0.5, "document": 0.25}
THRESHOLD = 0.55
# A picture named by an acronym the narration writes ("DNA", "CPU", "ATP") may score RELIEF less:
# an acronym names one thing, where a short word names several ("cell", "pool", "seal", "wave").
# Long words were tried too ("microscope", "bicycle"): 3 more fitting pictures on the calibration
# set, but on documents outside it they let in 4 misfits for 3 fits ("network" clip art for
# neural networks, "language" for a programming language, "section", "percentage").
ACRONYM = re.compile(r"\b([A-Z]{3,})s?\b")
RELIEF = 0.05
# Tried and left out: requiring one of a picture's tags to agree with the document (cosine 0.3):
# on the calibration set 29 fitting and no misfit, but outside it 11 pictures with 2 misfits
# instead of 15 with 2 (it refused clip-art lighthouses for a lighthouse text, kept desk lamps).
SUBJECT_KINDS = ("subject", "phrase", "summary")
CONTEXT_KINDS = ("text",)
SUBJECT_PHRASES = 5  # distinct central phrases (measured with model-written prompts: 3 gave fewer fits, 8 more misfits)
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
    document: np.ndarray | None = None  # unit vector of what the whole document says


def query_texts(embedder: TextEmbedder, wanted: Wanted) -> list[tuple[str, str]]:
    """(kind, text) of each query for one chunk; empty texts left out."""
    subject = prompt_subject(wanted.prompt, wanted.style)
    phrases = (
        distinct_phrases(ranked_phrases(wanted.text, embedder.embed), SUBJECT_PHRASES) if wanted.text.strip() else []
    )
    pairs = [
        ("subject", subject),
        *(("phrase", p) for p in phrases),
        ("summary", wanted.summary),
        ("text", wanted.text),
    ]
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
    """The vectors each chunk is matched with; None for a chunk with no words at all.

    `wanted` is one document's chunks: every query carries the same document vector, the mean of
    the chunks' narrations (their subjects when they have none).
    """
    queries: list[Query | None] = []
    for w in wanted:
        pairs = query_texts(embedder, w)
        if not pairs:
            queries.append(None)
            continue
        kinds, texts = zip(*pairs)
        queries.append(Query(embedder.embed(list(texts)), kinds, texts))
    document = document_vector([q for q in queries if q is not None])
    return [q and replace(q, document=document) for q in queries]


def document_vector(queries: Sequence[Query]) -> np.ndarray | None:
    """The unit mean of each chunk's narration vector (or of its subject rows when it has no text)."""
    rows = [
        q.vectors[[i for i, k in enumerate(q.kinds) if k in CONTEXT_KINDS] or list(range(len(q.kinds)))].mean(axis=0)
        for q in queries
    ]
    if not rows:
        return None
    mean = np.mean(rows, axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 0 else None


def scores(shelf: Shelf, queries: Sequence[Query | None]) -> tuple[np.ndarray, np.ndarray]:
    """Every picture's score (rows) for every chunk (columns), and the subject-view query row that won it.

    -1 for a chunk with no query. A block of chunks is scored in one matrix product: on two busy
    cores one product over 64 chunks cost what 3 single-chunk ones did.
    """
    out = np.full((len(shelf), len(queries)), -1.0, dtype=np.float32)
    rows = np.zeros((len(shelf), len(queries)), dtype=np.int32)
    documents: dict[bytes, np.ndarray] = {}  # one document's pictures are compared with it once
    for start in range(0, len(queries), _BLOCK):
        block = [(i, q) for i, q in enumerate(queries[start : start + _BLOCK], start) if q is not None]
        if not block:
            continue
        similarity = shelf.similarities(np.concatenate([q.vectors for _, q in block]))
        column = 0
        for i, q in block:
            part = similarity[:, column : column + len(q.kinds)]
            subject = [r for r, k in enumerate(q.kinds) if k in SUBJECT_KINDS] or list(range(len(q.kinds)))
            text = [r for r, k in enumerate(q.kinds) if k in CONTEXT_KINDS] or subject
            best = part[:, subject].argmax(axis=1)
            rows[:, i] = np.asarray(subject)[best]
            in_text = part[:, text].max(axis=1)
            if q.document is None:
                in_document = in_text
            else:
                key = q.document.tobytes()
                if key not in documents:
                    documents[key] = shelf.similarities(q.document[None, :])[:, 0]
                in_document = documents[key]
            out[:, i] = (
                WEIGHTS["subject"] * part[np.arange(len(shelf)), rows[:, i]]
                + WEIGHTS["text"] * in_text
                + WEIGHTS["document"] * in_document
            )
            column += len(q.kinds)
    return out, rows


def choose(
    shelf: Shelf,
    queries: Sequence[Query | None],
    threshold: float = THRESHOLD,
    usable: Callable[[Match], bool] = lambda match: True,
    preferred_source: str = "media",
) -> list[Match | None]:
    """One picture or None per chunk; no picture twice; nothing scoring under `threshold`, or
    under `threshold` - RELIEF for a picture named by an acronym its chunk writes.

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
        acronyms = narration_acronyms(query)
        for match in shelf.best(table[:, chunk], limit, preferred_source, threshold, at_least=threshold - RELIEF):
            if match.similarity < threshold and not name_words(match.description) & acronyms:
                continue
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


def name_words(description: str) -> set[str]:
    """The words of a picture's name: its description up to the tags in brackets or the title after ";"."""
    return _word_stems(re.split(r" \(|;", description, maxsplit=1)[0])


def narration_acronyms(query: Query) -> set[str]:
    """The words of a chunk's narration (of all its queries when it has none) that name one
    thing: its acronyms, lower-cased."""
    text = " ".join([t for k, t in zip(query.kinds, query.texts) if k in CONTEXT_KINDS] or query.texts)
    return _word_stems(" ".join(ACRONYM.findall(text)))


def _word_stems(text: str) -> set[str]:
    # Plurals folded so "bicycles" names "bicycle"; nothing cleverer is needed to compare names.
    stems = set()
    for word in re.findall(r"[a-z][a-z0-9]+", text.lower()):
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith(("sses", "xes", "zes", "ches", "shes")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            word = word[:-1]
        stems.add(word)
    return stems


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1
