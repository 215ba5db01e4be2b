"""Burned-in captions: ASS scripts that libass (through ffmpeg) draws into the picture.

The cues are those of the soft subtitles (see cues.build_cues); each is drawn with exactly its
own lines, optionally lighting the spoken word. The script comes with every moment its
captions change, so the video can have a frame there and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.media.cues import Cue
from vidgen_assets.media.subtitle_files import write_text
from vidgen_assets.timeline import Word

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
# Recognizers' words may overlap their neighbours by a few ms, and build_cues clips them.
_WORD_SLACK_S = 0.05


@dataclass(frozen=True)
class CaptionScript:
    """An ASS script written for burning in, and every moment (seconds, ascending) an event starts or ends."""

    path: Path
    change_times: tuple[float, ...]


def write_ass(
    cues: Sequence[Cue],
    path: Path,
    words: Sequence[Word] | None = None,
    size: tuple[int, int] = (1920, 1080),
    highlight: bool = False,
) -> CaptionScript:
    """An ASS script that burns the cues into a `size` picture: DejaVu Sans at 5% of the height,
    white with a dark outline and shadow, centred above a bottom margin inside the safe area.

    Each cue keeps exactly its own lines (no re-wrapping); a line wider than the space between
    the side margins is drawn smaller rather than wrapped or cut. With `highlight`, each cue is
    written as one event per word, the whole cue with that word in the accent colour, from the
    word's start to the next word's start (the last word to the cue's end). `words` are the
    words build_cues cut the cues from (the segments' words, in order); a cue whose words are
    not among them (a segment without word times) has its words spread over the cue by their
    characters, as build_cues does. Times are ASS centiseconds; an event empty once rounded
    to them is left out, and so are its times.
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
    header = "\n".join(
        [
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
        ]
    )
    events: list[tuple[int, int, str]] = []  # start and end in centiseconds, text
    timed = _spoken_units(cues, words or ()) if highlight else [None] * len(cues)
    for cue, units in zip(cues, timed):
        prefix = fit.override(cue.lines)
        if units is None:
            spans = [(cue.start_s, cue.end_s, frozenset())]
        else:
            ends = [start for start, _ in units[1:]] + [cue.end_s]
            spans = [(start, end, pieces) for (start, pieces), end in zip(units, ends)]
        for start_s, end_s, pieces in spans:
            start, end = _centiseconds(start_s), _centiseconds(end_s)
            if end > start:
                events.append((start, end, prefix + _ass_text(cue.lines, pieces)))
    lines = "".join(f"Dialogue: 0,{_ass_time(a)},{_ass_time(b)},Caption,,0,0,0,,{text}\n" for a, b, text in events)
    changes = sorted({cs for start, end, _ in events for cs in (start, end)})
    return CaptionScript(write_text(path, header + "\n" + lines), tuple(cs / 100 for cs in changes))


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
        return f"{{\\fs{max(1, math.floor(self._font_size * self._room / widest))}}}"


def _centiseconds(seconds: float) -> int:
    return max(0, round(seconds * 100))


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
