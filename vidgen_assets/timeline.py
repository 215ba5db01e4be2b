"""Timed text shared by every stage after speech: segments, words and chunks (seconds from start)."""

from __future__ import annotations

from dataclasses import dataclass


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
