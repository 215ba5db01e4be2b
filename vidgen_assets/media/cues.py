"""Subtitle cues cut from word times: what is on screen when, for soft subtitles and burned-in captions.

The same rules serve every source kind: synthesized narration (one segment per sentence, word
times from the TTS) and recordings (recognizer segments with word timestamps). Cue boundaries
are chosen by dynamic programming over the word sequence, so the whole text is cut at once
instead of greedily: hard limits (characters per line, lines per cue, longest cue) are never
broken, the shortest-cue rule wins over sentence ends, and among what is left the cuts prefer
sentence ends, then clause ends and pauses, and avoid leaving an article or preposition dangling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vidgen_assets.language.sentences import ends_sentence
from vidgen_assets.timeline import Segment


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class _Token:
    text: str
    start_s: float
    end_s: float
    sentence_end: bool  # a cue should end here rather than run on
    clause_end: bool  # a good place to cut if a sentence is too long for one cue


_CLAUSE_END = re.compile(r"""[,;:\u2014\u2013)\]]["'”’]*$|^[-\u2014\u2013]$""")
# Cutting right after these leaves the reader waiting for the noun on the next screen.
_WEAK_ENDINGS = frozenset(
    "a an the of to in on at by for with from and or but nor as than that which who whose "
    "my your his her its our their this these those is are was were be".split()
)
_PAUSE_S = 0.5  # a silence this long between words reads as a clause break

# Costs of a cut; only their order matters. A too-short cue is worse than a sentence crossed.
_COST_SHORT = 100_000.0
_COST_CROSS_SENTENCE = 10_000.0
_COST_PER_CUE = 10.0
_COST_PLAIN_CUT = 30.0
_COST_CLAUSE_CUT = 8.0
_COST_WEAK_ENDING = 40.0


def build_cues(
    segments: Sequence[Segment],
    max_chars: int = 42,
    max_lines: int = 2,
    min_s: float = 1.0,
    max_s: float = 7.0,
) -> list[Cue]:
    """Cut the segments' words into ordered, non-overlapping cues.

    Each cue has at most `max_lines` lines of at most `max_chars` characters (a single word
    longer than a line is the only exception), lasts between `min_s` and `max_s` (a short cue is
    extended into the following silence, never over the next cue; one cue is shorter only when
    the whole speech is), and ends at a sentence end whenever the limits allow. Sentence ends
    are the ends of synthesized segments (no recognizer scores) and words ending in . ! ? or
    similar. A segment without words is spread over its span in proportion to the characters
    of its words.
    """
    tokens = _tokens(segments)
    if not tokens:
        return []
    cuts = _choose_cuts(tokens, max_chars, max_lines, min_s, max_s)
    cues: list[Cue] = []
    for idx, (first, last) in enumerate(cuts):
        start = tokens[first].start_s
        end = max(tokens[last].end_s, start + min_s)
        end = min(end, start + max_s)
        if idx + 1 < len(cuts):
            end = min(end, tokens[cuts[idx + 1][0]].start_s)
        words = [t.text for t in tokens[first : last + 1]]
        cues.append(Cue(start, end, _break_lines(words, max_chars, max_lines)))
    return cues


def cue_words(segments: Sequence[Segment]) -> list[str]:
    """Every word the cues built from `segments` show, in order."""
    return [t.text for t in _tokens(segments)]


def _tokens(segments: Sequence[Segment]) -> list[_Token]:
    # (text, start, end, last word of its segment, that segment is a sentence)
    words: list[tuple[str, float, float, bool, bool]] = []
    for k, seg in enumerate(segments):
        timed = [(w.word.strip(), w.start_s, w.end_s) for w in seg.words if w.word.strip()]
        if not timed:
            timed = _spread(seg.text.split(), seg.start_s, seg.end_s)
        # Synthesized narration has one sentence per segment; a recognizer's segment is a
        # sentence only if it says so with its punctuation.
        following = segments[k + 1].text if k + 1 < len(segments) else None
        is_sentence = not _recognized(seg) or ends_sentence(seg.text, following)
        words += [(text, start, end, i == len(timed) - 1, is_sentence) for i, (text, start, end) in enumerate(timed)]
    tokens: list[_Token] = []
    prev_end = 0.0
    for i, (text, start, end, last_of_segment, segment_is_sentence) in enumerate(words):
        # Recognizers sometimes return words that overlap their neighbour by a few ms.
        start = max(start, prev_end)
        end = max(end, start)
        following = words[i + 1][0] if i + 1 < len(words) else None
        tokens.append(
            _Token(
                text=text,
                start_s=start,
                end_s=end,
                sentence_end=ends_sentence(text, following) or (last_of_segment and segment_is_sentence),
                clause_end=bool(_CLAUSE_END.search(text)) or last_of_segment,
            )
        )
        prev_end = end
    return tokens


def _recognized(seg: Segment) -> bool:
    return seg.avg_logprob is not None or any(w.probability is not None for w in seg.words)


def _spread(words: list[str], start_s: float, end_s: float) -> list[tuple[str, float, float]]:
    total = sum(len(w) + 1 for w in words)
    out, t = [], start_s
    for w in words:
        step = (end_s - start_s) * (len(w) + 1) / total
        out.append((w, t, t + step))
        t += step
    return out


def _choose_cuts(
    tokens: list[_Token], max_chars: int, max_lines: int, min_s: float, max_s: float
) -> list[tuple[int, int]]:
    """Cheapest partition of the tokens into cues: best[j] is the cost of tokens[:j]."""
    n = len(tokens)
    inf = float("inf")
    best = [inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for first in range(n):
        if best[first] == inf:
            continue
        crossed = 0
        for last in range(first, n):
            words = [t.text for t in tokens[first : last + 1]]
            if last > first and not _fits(words, max_chars, max_lines):
                break
            if last > first and tokens[last].end_s - tokens[first].start_s > max_s:
                break
            cost = best[first] + _cue_cost(tokens, first, last, crossed, min_s)
            if cost < best[last + 1]:
                best[last + 1] = cost
                back[last + 1] = first
            if tokens[last].sentence_end:
                crossed += 1
    cuts, j = [], n
    while j > 0:
        cuts.append((back[j], j - 1))
        j = back[j]
    return cuts[::-1]


def _cue_cost(tokens: list[_Token], first: int, last: int, crossed: int, min_s: float) -> float:
    start = tokens[first].start_s
    room_until = tokens[last + 1].start_s if last + 1 < len(tokens) else float("inf")
    shown = min(max(tokens[last].end_s, start + min_s), room_until) - start
    cost = _COST_PER_CUE + crossed * _COST_CROSS_SENTENCE
    if shown < min_s - 1e-6:
        cost += _COST_SHORT * (1.0 + (min_s - shown) / min_s)
    end = tokens[last]
    if last + 1 < len(tokens) and not end.sentence_end:
        pause = tokens[last + 1].start_s - end.end_s
        cost += _COST_CLAUSE_CUT if end.clause_end or pause >= _PAUSE_S else _COST_PLAIN_CUT
        if end.text.lower().strip("\"'“‘(") in _WEAK_ENDINGS:
            cost += _COST_WEAK_ENDING
    return cost


def _fits(words: list[str], max_chars: int, max_lines: int) -> bool:
    return len(_greedy_lines(words, max_chars)) <= max_lines


def _greedy_lines(words: list[str], max_chars: int) -> list[list[str]]:
    lines: list[list[str]] = []
    width = 0
    for w in words:
        if lines and width + 1 + len(w) <= max_chars:
            lines[-1].append(w)
            width += 1 + len(w)
        else:
            lines.append([w])
            width = len(w)
    return lines


def _break_lines(words: list[str], max_chars: int, max_lines: int) -> tuple[str, ...]:
    """Fewest lines that fit, then the break points that make them most even in length."""
    count = len(_greedy_lines(words, max_chars))
    if count <= 1:
        return (" ".join(words),)
    # Balanced split into `count` lines: minimise the sum of squared lengths, with a small
    # bonus for ending a line after punctuation.
    n = len(words)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(1, n + 1):
            for i in range(j - 1, -1, -1):
                length = len(" ".join(words[i:j]))
                if length > max_chars and j - i > 1:
                    break
                if best[k - 1][i] == inf:
                    continue
                bonus = -20.0 if j < n and _CLAUSE_END.search(words[j - 1]) else 0.0
                cost = best[k - 1][i] + length * length + bonus
                if cost < best[k][j]:
                    best[k][j] = cost
                    back[k][j] = i
    lines, j = [], n
    for k in range(count, 0, -1):
        i = back[k][j]
        lines.append(" ".join(words[i:j]))
        j = i
    return tuple(reversed(lines))
