"""Transcription a window at a time, so memory does not grow with the recording.

The 16 kHz WAV is read in windows of a few minutes, each cut at the quietest moment near its
end, and each window is decoded on its own by a backend: the language found in the first window
with speech is kept for the rest, and the last words of a window prompt the next. Both Whisper
libraries would otherwise hold the whole waveform and its spectrogram.
"""

from __future__ import annotations

import wave
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidgen_assets.backends.asr.base import Transcript
from vidgen_assets.errors import InputError
from vidgen_assets.progress import ProgressCallback
from vidgen_assets.timeline import Segment

SAMPLE_RATE = 16_000
WINDOW_S = 120.0  # audio held at once: 10-min peak RSS 536 MB vs 784 MB at 300 s, same speed (benchmarks/asr.py)
_CUT_SEARCH_S = 20.0  # the cut between windows is the quietest point in this last stretch
_MIN_TAIL_S = 30.0  # a shorter remainder joins the window before it
_PROMPT_CHARS = 200  # text of the previous window given to the next as context


@dataclass(frozen=True)
class Window:
    """Samples of one window (float32, 16 kHz) and where they lie in the recording."""

    audio: np.ndarray
    start_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.audio) / SAMPLE_RATE

    def time(self, seconds) -> float:
        """A time inside the window as seconds from the start of the recording, to the millisecond.

        Clamped to the window's end: Whisper pads every window to 30 s and may place a word there.
        """
        return round(min(self.start_s + float(seconds), self.end_s), 3)


# (window, language or None to detect, prompt) -> (its segments, possibly lazy; language heard)
Decode = Callable[[Window, str | None, str | None], tuple[Iterable[Segment], str | None]]


def transcribe_in_windows(
    wav16k: Path, window_s: float, decode: Decode, backend: str, model: str, progress: ProgressCallback | None = None
) -> Transcript:
    """Decode `wav16k` window by window with `decode`; progress after every segment."""
    total = wav_seconds(wav16k)
    segments: list[Segment] = []
    language: str | None = None
    for start_s, audio in split_at_pauses(wav16k, window_s):
        window = Window(audio, start_s)
        decoded, heard = decode(window, language, _prompt(segments))
        found = 0
        for seg in decoded:  # may be a lazy generator: decoding happens as we iterate
            segments.append(seg)
            found += 1
            if progress:
                progress(min(seg.end_s, total), total)
        if found and language is None:
            language = heard
        if progress:
            progress(min(window.end_s, total), total)
    # With no speech at all the detected language is noise: say it is unknown.
    return Transcript(segments, language or "", backend, model, total)


def _prompt(segments: list[Segment]) -> str | None:
    if not segments:
        return None
    text = ""
    for seg in reversed(segments):
        text = f"{seg.text} {text}".strip()
        if len(text) >= _PROMPT_CHARS:
            break
    return text[-_PROMPT_CHARS:].lstrip() or None


def _open_wav(path: Path) -> wave.Wave_read:
    try:
        wav = wave.open(str(path), "rb")
    except (wave.Error, EOFError) as exc:
        raise InputError(path, f"is not a PCM WAV file ({exc}); convert it with normalize_for_recognition") from exc
    if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, SAMPLE_RATE):
        wav.close()
        raise InputError(path, "is not 16 kHz mono 16-bit WAV; convert it with normalize_for_recognition")
    return wav


def wav_seconds(path: Path) -> float:
    with _open_wav(path) as wav:
        return wav.getnframes() / SAMPLE_RATE


def split_at_pauses(path: Path, window_s: float = WINDOW_S) -> Iterator[tuple[float, np.ndarray]]:
    """Read a 16 kHz mono WAV as consecutive (start seconds, float32 samples) pieces.

    Pieces tile the file exactly. Each is at most about `window_s` long and ends at the
    quietest moment of its last stretch, so a cut rarely falls inside a word; only one piece
    is in memory at a time.
    """
    window = int(window_s * SAMPLE_RATE)
    tail = int(min(_MIN_TAIL_S, window_s / 4) * SAMPLE_RATE)
    search = int(min(_CUT_SEARCH_S, window_s / 4) * SAMPLE_RATE)
    with _open_wav(path) as wav:
        total = wav.getnframes()
        pos = 0
        carry = np.zeros(0, dtype=np.float32)
        while pos < total:
            want = max(window - len(carry), 0)
            if pos + len(carry) + want + tail >= total:
                want = total - pos - len(carry)
            fresh = np.frombuffer(wav.readframes(want), dtype="<i2").astype(np.float32) / 32768.0
            buf = np.concatenate([carry, fresh]) if len(carry) else fresh
            if pos + len(buf) >= total or len(buf) == 0:
                yield pos / SAMPLE_RATE, buf
                return
            cut = _quiet_cut(buf, search)
            yield pos / SAMPLE_RATE, buf[:cut]
            carry = buf[cut:].copy()
            pos += cut


def _quiet_cut(buf: np.ndarray, search: int) -> int:
    """Index of the quietest 300 ms (centre) within the last `search` samples of `buf`."""
    frame = SAMPLE_RATE // 50  # 20 ms
    start = max(len(buf) - search, len(buf) // 2)
    region = buf[start : start + (len(buf) - start) // frame * frame]
    if len(region) < frame * 15:
        return len(buf)
    energy = (region.reshape(-1, frame) ** 2).mean(axis=1)
    smooth = np.convolve(energy, np.ones(15) / 15, mode="valid")
    return start + (int(np.argmin(smooth)) + 7) * frame
