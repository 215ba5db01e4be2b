"""Group timed segments into visual beats: one frame per chunk."""

from __future__ import annotations

from typing import Sequence

from vidgen_assets.language.sentences import ends_sentence
from vidgen_assets.timeline import Chunk, Segment


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
