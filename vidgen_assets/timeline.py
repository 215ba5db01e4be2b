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


def split_into_chunks(
    segments: Sequence[Segment],
    duration_s: float,
    max_seconds: float = 8.0,
    hard_limit_s: float = 30.0,
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
