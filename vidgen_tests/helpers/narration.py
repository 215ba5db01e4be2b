"""Sentences as narrated segments with plausible word times, without synthesizing speech."""

from __future__ import annotations

from vidgen_assets.timeline import Segment, Word


def timed_segments(sentences: list[str], start_s: float = 0.4) -> list[Segment]:
    """Each word lasts in proportion to its letters (about 14 characters a second, a usual
    narration pace), with short gaps between words and longer ones between sentences."""
    segments, t = [], start_s
    for sentence in sentences:
        words = []
        for token in sentence.split():
            duration = 0.07 * len(token) + 0.05
            words.append(Word(token, round(t, 3), round(t + duration, 3)))
            t += duration + 0.06
        segments.append(Segment(words[0].start_s, words[-1].end_s, sentence, tuple(words)))
        t += 0.45
    return segments
