"""Timed text shared by every stage after speech: segments, words and chunks (seconds from start),
and the grouping of segments into chunks, the visual beats of one frame each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vidgen_assets.language.sentences import ends_sentence


@dataclass(frozen=True)
class Word:
    word: str
    start_s: float
    end_s: float
    probability: float | None = None  # recognizer confidence; None for synthesized speech


@dataclass(frozen=True)
class Segment:
    """One sentence (synthesized speech) or one recognizer segment (recordings)."""

    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float | None = None
    compression_ratio: float | None = None
    no_speech_prob: float | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class Chunk:
    """Consecutive segments shown over one frame."""

    idx: int
    start_s: float
    end_s: float
    text: str
    segment_idx: tuple[int, ...]

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


HARD_LIMIT_S = 30.0  # the longest chunk, for transcripts without punctuation


def split_into_chunks(
    segments: Sequence[Segment],
    duration_s: float,
    max_seconds: float = 8.0,
    hard_limit_s: float = HARD_LIMIT_S,
) -> list[Chunk]:
    """Consecutive segments in chunks of at most `max_seconds`, each ending at a sentence end.

    A chunk that has reached `max_seconds` mid-sentence keeps taking segments until the
    sentence ends, so a frame never changes inside a sentence; `hard_limit_s` only guards
    against transcripts without punctuation. Chunks tile the whole narration: the first
    starts at 0, each ends where the next starts, the last ends at `duration_s`, so pauses
    between sentences stay on the preceding frame.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    for i, seg in enumerate(segments):
        if current:
            start = segments[current[0]].start_s
            fits = seg.end_s - start <= max_seconds
            at_sentence_end = ends_sentence(segments[current[-1]].text, seg.text)
            if (not fits and at_sentence_end) or seg.end_s - start > hard_limit_s:
                groups.append(current)
                current = []
        current.append(i)
    if current:
        groups.append(current)

    chunks: list[Chunk] = []
    for idx, group in enumerate(groups):
        start = 0.0 if idx == 0 else segments[group[0]].start_s
        end = duration_s if idx == len(groups) - 1 else segments[groups[idx + 1][0]].start_s
        text = " ".join(segments[i].text.strip() for i in group)
        chunks.append(Chunk(idx, start, end, text, tuple(group)))
    return chunks


def group_sentences(
    sentences: Sequence[str], max_seconds: float = 8.0, words_per_minute: float = 165.0
) -> list[tuple[int, ...]]:
    """Which consecutive sentences `split_into_chunks` puts in one chunk when they are spoken
    at a steady `words_per_minute`: the chunks of a script without synthesizing its speech,
    for tests and benchmarks of what each chunk shows. The clock counts words (exact), so a
    chunk of exactly `max_seconds` of words is kept whole as the chunker keeps one."""
    per_second = words_per_minute / 60.0
    segments, clock = [], 0.0
    for text in sentences:
        words = len(text.split())
        segments.append(Segment(clock, clock + words, text))
        clock += words
    chunks = split_into_chunks(segments, clock, max_seconds * per_second, HARD_LIMIT_S * per_second)
    return [chunk.segment_idx for chunk in chunks]
