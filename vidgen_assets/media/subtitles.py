"""Subtitle cues cut from word times, the SRT and WebVTT files that carry them, and the ASS scripts that burn them in.

The same rules serve every source kind: synthesized narration (one segment per sentence, word
times from the TTS) and recordings (recognizer segments with word timestamps). Cue boundaries
are chosen by dynamic programming over the word sequence, so the whole text is cut at once
instead of greedily: hard limits (characters per line, lines per cue, longest cue) are never
broken, the shortest-cue rule wins over sentence ends, and among what is left the cuts prefer
sentence ends, then clause ends and pauses, and avoid leaving an article or preposition dangling.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PIL import ImageFont

from vidgen_assets.errors import BackendUnavailable, InputError
from vidgen_assets.storage.files import atomic_path
from vidgen_assets.timeline import Segment, Word, ends_sentence


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


def _tokens(segments: Sequence[Segment]) -> list[_Token]:
    tokens: list[_Token] = []
    prev_end = 0.0
    for seg in segments:
        timed = [(w.word.strip(), w.start_s, w.end_s) for w in seg.words if w.word.strip()]
        if not timed:
            timed = _spread(seg.text.split(), seg.start_s, seg.end_s)
        # Synthesized narration has one sentence per segment; a recognizer's segment is a
        # sentence only if it says so with its punctuation.
        segment_is_sentence = not _recognized(seg) or ends_sentence(seg.text)
        for i, (text, start, end) in enumerate(timed):
            # Recognizers sometimes return words that overlap their neighbour by a few ms.
            start = max(start, prev_end)
            end = max(end, start)
            last_of_segment = i == len(timed) - 1
            tokens.append(
                _Token(
                    text=text,
                    start_s=start,
                    end_s=end,
                    sentence_end=ends_sentence(text) or (last_of_segment and segment_is_sentence),
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


def write_srt(cues: Sequence[Cue], path: Path) -> Path:
    """SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, blank line between cues."""
    blocks = [
        f"{i}\n{_timestamp(c.start_s, ',')} --> {_timestamp(c.end_s, ',')}\n" + "\n".join(c.lines)
        for i, c in enumerate(cues, start=1)
    ]
    return _write(path, "\n\n".join(blocks) + "\n" if blocks else "")


def write_vtt(cues: Sequence[Cue], path: Path) -> Path:
    """WebVTT: `WEBVTT` header, `HH:MM:SS.mmm` times, cue text escaped for HTML."""
    blocks = [
        f"{_timestamp(c.start_s, '.')} --> {_timestamp(c.end_s, '.')}\n"
        + "\n".join(_vtt_escape(line) for line in c.lines)
        for c in cues
    ]
    return _write(path, "WEBVTT\n\n" + "\n\n".join(blocks) + ("\n" if blocks else ""))


def parse_srt(path: Path) -> list[Cue]:
    """Read an SRT file (ours or an ordinary one: CRLF, BOM, optional numbers, extra spaces)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raw = path.read_text(encoding="latin-1")
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", raw.replace("\r\n", "\n").replace("\r", "\n").strip()):
        lines = [line.strip() for line in block.split("\n")]
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            if block.strip():
                raise InputError(path, f"cue without a timing line: {lines[0][:60]!r}")
            continue
        match = _SRT_TIMING.match(lines[timing])
        if not match:
            raise InputError(path, f"malformed SRT timing line {lines[timing]!r}")
        start, end = _seconds(match.group(1)), _seconds(match.group(2))
        cues.append(Cue(start, end, tuple(line for line in lines[timing + 1 :] if line)))
    return cues


_TIME = r"(\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}|\d{1,2}:\d{1,2}[,.]\d{1,3})"
_SRT_TIMING = re.compile(rf"^{_TIME}\s*-->\s*{_TIME}")


def _seconds(stamp: str) -> float:
    clock, frac = re.split(r"[,.]", stamp)
    parts = [int(p) for p in clock.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    return h * 3600 + m * 60 + s + int(frac.ljust(3, "0")) / 1000.0


def _timestamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _vtt_escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write(path: Path, text: str) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


# --- burned-in captions (ASS, rendered by libass through ffmpeg) -------------------------------

CAPTION_FONT = "DejaVu Sans"
CAPTION_FONTS_DIR = Path("/usr/share/fonts/truetype/dejavu")
_CAPTION_FONT_FILE = CAPTION_FONTS_DIR / "DejaVuSans.ttf"
# Proportions of the picture, so 720p and 4K look like 1080p: 54 px text, 3 px outline at 1080.
_FONT_SIZE = 0.05  # of the height
_OUTLINE = 1 / 360  # of the height
_SHADOW = 1 / 720  # of the height
# The text's bottom sits 6% of the height above the edge, so outline and shadow stay inside the
# 5% title-safe band (EBU R 95); the sides keep 10% of the width clear.
_MARGIN_V = 0.06
_MARGIN_SIDE = 0.10
# ASS colours are &HAABBGGRR (alpha 00 = opaque).
_WHITE = "&H00FFFFFF"
_ACCENT = "&H0000D4FF"  # #FFD400, a warm yellow that white text and the dark outline frame well
_ACCENT_TAG = "{\\1c&H00D4FF&}"  # override colours are &HBBGGRR&
_WHITE_TAG = "{\\1c&HFFFFFF&}"
_OUTLINE_COLOUR = "&H00000000"
_SHADOW_COLOUR = "&H80000000"
_ASS_TIME = re.compile(r"^(\d+):(\d{2}):(\d{2})\.(\d{2})$")
# Recognizers' words may overlap their neighbours by a few ms, and build_cues clips them.
_WORD_SLACK_S = 0.05


def write_ass(
    cues: Sequence[Cue],
    path: Path,
    words: Sequence[Word] | None = None,
    size: tuple[int, int] = (1920, 1080),
    highlight: bool = False,
) -> Path:
    """An ASS script that burns the cues into a `size` picture: DejaVu Sans at 5% of the height,
    white with a dark outline and shadow, centred above a bottom margin inside the safe area.

    Each cue keeps exactly its own lines (no re-wrapping); a line wider than the space between
    the side margins is drawn smaller rather than wrapped or cut. With `highlight`, each cue is
    written as one event per word, the whole cue with that word in the accent colour, from the
    word's start to the next word's start (the last word to the cue's end). `words` are the
    words build_cues cut the cues from (the segments' words, in order); a cue whose words are
    not among them (a segment without word times) has its words spread over the cue by their
    characters, as build_cues does. Times are ASS centiseconds.
    """
    width, height = size
    if width <= 0 or height <= 0:
        raise ValueError(f"caption picture size must be positive, got {width}x{height}")
    if highlight and words is None:
        raise ValueError("highlighting the spoken word needs the words' times")
    font_size = round(height * _FONT_SIZE)
    outline = max(1.0, round(height * _OUTLINE, 1))
    shadow = round(height * _SHADOW, 1)
    margin_side = math.ceil(width * _MARGIN_SIDE)
    margin_v = math.ceil(height * _MARGIN_V)
    fit = _LineFitter(font_size, width - 2 * margin_side - 2 * outline)
    header = "\n".join([
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 2",  # never wrap: a cue shows its own lines and no more
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: None",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
        "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
        "Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: Caption,{CAPTION_FONT},{font_size},{_WHITE},{_ACCENT},{_OUTLINE_COLOUR},{_SHADOW_COLOUR},"
        f"0,0,0,0,100,100,0,0,1,{outline:g},{shadow:g},2,{margin_side},{margin_side},{margin_v},1",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ])
    events: list[str] = []
    timed = _spoken_units(cues, words or ()) if highlight else [None] * len(cues)
    for cue, units in zip(cues, timed):
        prefix = fit.override(cue.lines)
        if units is None:
            events.append(_dialogue(cue.start_s, cue.end_s, prefix + _ass_text(cue.lines, frozenset())))
            continue
        ends = [start for start, _ in units[1:]] + [cue.end_s]
        for (start, pieces), end in zip(units, ends):
            events.append(_dialogue(start, end, prefix + _ass_text(cue.lines, pieces)))
    return _write(path, header + "\n" + "".join(e + "\n" for e in events if e))


def read_ass_change_times(path: Path) -> list[float]:
    """Every moment (seconds, ascending, unique) at which an event of an ASS script starts or ends."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the caption script ({exc.__class__.__name__})") from exc
    if not raw.lstrip().startswith("[Script Info]"):
        raise InputError(path, "is not an ASS script (no [Script Info] header)")
    section, fields, times = "", None, set()
    for number, line in enumerate(raw.splitlines(), start=1):
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line.lower()
        elif section == "[events]" and line.startswith("Format:"):
            fields = [f.strip().lower() for f in line[len("Format:"):].split(",")]
        elif section == "[events]" and line.startswith("Dialogue:"):
            if fields is None or "start" not in fields or "end" not in fields:
                raise InputError(path, f"line {number}: Dialogue before an [Events] Format line naming Start and End")
            values = [v.strip() for v in line[len("Dialogue:"):].split(",", len(fields) - 1)]
            if len(values) != len(fields):
                raise InputError(path, f"line {number}: Dialogue has {len(values)} fields, Format names {len(fields)}")
            times.update(_ass_seconds(values[fields.index(key)], path, number) for key in ("start", "end"))
    return sorted(times)


def _ass_seconds(stamp: str, path: Path, number: int) -> float:
    match = _ASS_TIME.match(stamp)
    if not match:
        raise InputError(path, f"line {number}: malformed ASS time {stamp!r}")
    h, m, s, cs = (int(g) for g in match.groups())
    return (h * 360_000 + m * 6000 + s * 100 + cs) / 100


def ass_escape(text: str) -> str:
    """Text shown literally by libass: braces would open override blocks, and a backslash
    before N, n or h would break the line or add a space. A word joiner (invisible, no width)
    after each backslash keeps it from pairing with the next character."""
    return text.replace("\\", "\\\u2060").replace("{", "\\{").replace("}", "\\}")


class _LineFitter:
    """Gives a cue whose widest line would run past the side margins a smaller font size.

    libass sizes a font by its ascent plus descent (VSFilter's rule), not by its em, so widths
    measured on the em are scaled by that ratio; Pillow reads the same font file with FreeType.
    """

    _MEASURE_EM = 1000

    def __init__(self, font_size: int, room_px: float):
        if not _CAPTION_FONT_FILE.is_file():
            raise BackendUnavailable(
                "captions", f"font {_CAPTION_FONT_FILE} is missing", "install it: apt-get install fonts-dejavu-core"
            )
        self._font = ImageFont.truetype(str(_CAPTION_FONT_FILE), self._MEASURE_EM)
        ascent, descent = self._font.getmetrics()
        self._em_px = font_size * self._MEASURE_EM / (ascent + descent)
        self._font_size = font_size
        self._room = room_px

    def width(self, line: str) -> float:
        return self._font.getlength(line) * self._em_px / self._MEASURE_EM

    def override(self, lines: tuple[str, ...]) -> str:
        widest = max((self.width(line) for line in lines), default=0.0)
        if widest <= self._room:
            return ""
        return "{\\fs%d}" % max(1, math.floor(self._font_size * self._room / widest))


def _centiseconds(seconds: float) -> int:
    return max(0, round(seconds * 100))


def _dialogue(start_s: float, end_s: float, text: str) -> str:
    """One Dialogue line, or "" if the event is empty once rounded to centiseconds."""
    start, end = _centiseconds(start_s), _centiseconds(end_s)
    if end <= start:
        return ""
    return f"Dialogue: 0,{_ass_time(start)},{_ass_time(end)},Caption,,0,0,0,,{text}"


def _ass_time(cs: int) -> str:
    h, cs = divmod(cs, 360_000)
    m, cs = divmod(cs, 6000)
    s, cs = divmod(cs, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def _ass_text(lines: tuple[str, ...], highlighted: frozenset[int]) -> str:
    """The cue's lines joined by hard breaks; the words at `highlighted` (counted across lines) in the accent colour."""
    out, k = [], 0
    for line in lines:
        pieces = []
        for piece in line.split():
            text = ass_escape(piece)
            pieces.append(_ACCENT_TAG + text + _WHITE_TAG if k in highlighted else text)
            k += 1
        out.append(" ".join(pieces))
    return "\\N".join(out)


def _spoken_units(cues: Sequence[Cue], words: Sequence[Word]) -> list[list[tuple[float, frozenset[int]]]]:
    """For each cue, its words in order as (start time, indices of the cue's pieces), times inside the cue.

    A piece is a whitespace-separated part of the cue's text; a timed word with a space inside
    is one unit of several pieces. The timed words are walked in step with the cues' pieces, and
    a piece only takes the next timed word if the text matches and the word's time touches the
    cue; the pieces that do not (words of a segment without times) are spread by characters
    between the neighbouring known times, as build_cues spreads such a segment.
    """
    timed = [(piece, w.start_s, w.end_s, k) for k, w in enumerate(words) for piece in w.word.split()]
    pos = 0
    result = []
    for cue in cues:
        pieces = cue.text.split()
        # (start or None, word key) per piece; untimed pieces are their own unit.
        found: list[tuple[float | None, object]] = []
        for i, piece in enumerate(pieces):
            if pos < len(timed):
                text, start, end, key = timed[pos]
                if text == piece and start <= cue.end_s + _WORD_SLACK_S and end >= cue.start_s - _WORD_SLACK_S:
                    found.append((start, key))
                    pos += 1
                    continue
            found.append((None, ("untimed", i)))
        starts = _fill_untimed([s for s, _ in found], [len(p) for p in pieces], cue.start_s, cue.end_s)
        units: list[tuple[float, frozenset[int]]] = []
        for i, (start, (_, key)) in enumerate(zip(starts, found)):
            if i and key == found[i - 1][1]:
                units[-1] = (units[-1][0], units[-1][1] | {i})
            else:
                units.append((start, frozenset({i})))
        # The first word is lit from the moment the cue appears, and times never run backwards.
        fixed, floor = [], cue.start_s
        for n, (start, indices) in enumerate(units):
            start = cue.start_s if n == 0 else min(max(start, floor), cue.end_s)
            fixed.append((start, indices))
            floor = start
        result.append(fixed)
    return result



def _fill_untimed(starts: list[float | None], lengths: list[int], cue_start: float, cue_end: float) -> list[float]:
    """Replace each run of missing starts by times spread by characters up to the next known start.

    The known word before a run is still being spoken after its start, so it takes its share of
    the span too; a run at the cue's start begins with the cue.
    """
    out: list[float] = []
    i = 0
    while i < len(starts):
        if starts[i] is not None:
            out.append(starts[i])
            i += 1
            continue
        j = i
        while j < len(starts) and starts[j] is None:
            j += 1
        first = i - 1 if i else i
        left = out[first] if i else cue_start
        right = starts[j] if j < len(starts) else cue_end
        weights = [lengths[k] + 1 for k in range(first, j)]
        total, acc = sum(weights), 0.0
        for k in range(first, j):
            if k >= i:
                out.append(left + (right - left) * acc / total)
            acc += weights[k - first]
        i = j
    return out
