"""Speech synthesis: Piper with a voice shipped in a PyPI package (the offline default), or the
espeak-ng command line.

Both speak one sentence at a time into a single mono WAV, so each sentence's place in the file
is known exactly from sample counts; a fixed pause separates sentences. Each returned Segment
spans its sentence plus the pause after it, so segments tile the file end to end.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
import unicodedata
import wave
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from vidgen_assets.backends import Backend
from vidgen_assets.backends.packaged_models import default_piper_voice, offline
from vidgen_assets.backends.threads import Threads, threads_now
from vidgen_assets.errors import BackendUnavailable, VidgenError
from vidgen_assets.progress import ProgressCallback
from vidgen_assets.storage.files import atomic_path
from vidgen_assets.timeline import Segment, Word


class SpeechSynthesizer(Backend, Protocol):
    voice: str

    def synthesize(
        self, sentences: Sequence[str], wav_path: Path, progress: ProgressCallback | None = None
    ) -> list[Segment]:
        """Speak `sentences` into one mono WAV at `wav_path`; one timed Segment per sentence."""
        ...


def _voiced_range(samples: np.ndarray) -> tuple[int, int]:
    """First and last+1 sample louder than 2% of the peak (whole range if silent)."""
    if samples.size == 0:
        return 0, 0
    level = np.abs(samples.astype(np.float32))
    loud = np.nonzero(level > 0.02 * level.max())[0] if level.max() > 0 else []
    return (int(loud[0]), int(loud[-1]) + 1) if len(loud) else (0, samples.size)


def _spread_words(words: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Sample spans for `words` over [start, end), proportional to their letters, in order."""
    weights = [max(1, sum(ch.isalnum() for ch in w)) for w in words]
    total, spans, done = sum(weights), [], 0
    for weight in weights:
        a = start + (end - start) * done // total
        done += weight
        spans.append((a, start + (end - start) * done // total))
    return spans


def _assemble(
    sentences: Sequence[str],
    speak: Callable[[str], tuple[np.ndarray, list[tuple[int, int]]]],
    sample_rate: int,
    pause_s: float,
    wav_path: Path,
    progress: ProgressCallback | None,
) -> list[Segment]:
    """Speak each sentence, lay them end to end with pauses, write the WAV, return the timeline.

    `speak(text)` returns the sentence's int16 samples and one (start, end) sample span per
    whitespace-separated word of `text`, relative to the sentence's first sample.
    """
    pause = np.zeros(int(round(pause_s * sample_rate)), dtype=np.int16)
    parts: list[np.ndarray] = []
    segments: list[Segment] = []
    offset = 0
    for i, sentence in enumerate(sentences):
        text = " ".join(sentence.split())
        samples, spans = speak(text) if text else (np.zeros(0, dtype=np.int16), [])
        start = offset
        parts.append(samples)
        offset += samples.size
        if i < len(sentences) - 1:
            parts.append(pause)
            offset += pause.size
        words = tuple(
            Word(
                word, (start + min(a, samples.size)) / sample_rate, (start + min(max(a, b), samples.size)) / sample_rate
            )
            for word, (a, b) in zip(text.split(), spans)
        )
        segments.append(Segment(start_s=start / sample_rate, end_s=offset / sample_rate, text=text, words=words))
        if progress is not None:
            progress(i + 1, len(sentences))
    audio = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    with atomic_path(Path(wav_path)) as tmp:
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(sample_rate)
            wav.writeframes(audio.astype("<i2").tobytes())
    return segments


def _is_word_phoneme(phoneme: str) -> bool:
    # "^" / "$" open and close the utterance, " " separates words; punctuation is a pause.
    return phoneme not in ("^", "$", " ") and not all(unicodedata.category(ch).startswith("P") for ch in phoneme)


def _sized_session(session: Any, threads: int) -> Any:
    """The same ONNX model in a session that uses `threads` threads. Piper's load takes no
    session options; the alignment-patched model it loaded from bytes is reused (pinned
    onnxruntime keeps them as `_model_bytes`), so the voice is not patched twice."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(session._model_bytes, options, providers=session.get_providers())


class PiperSynthesizer:
    """Piper neural TTS; the voice is loaded once per instance, on first use.

    Word times come from Piper's phoneme alignments (their durations sum exactly to the audio):
    the phonemes between word boundaries are matched to the sentence's words. Where espeak's
    phonemizer reads a token as several words ("2007") or none, each word is phonemized alone to
    count its groups; if the counts still disagree, the sentence's voiced span is shared out in
    proportion to word length. Either way the sentence span itself is exact.
    """

    name = "piper"

    def __init__(self, voice_path: Path | None = None, sentence_pause_s: float = 0.25, threads: Threads | None = None):
        self.voice_path = Path(voice_path) if voice_path is not None else None
        self.sentence_pause_s = sentence_pause_s
        # One ONNX session per thread count asked for (ONNX Runtime fixes it per session).
        self._threads, self._sessions = threads, {}
        self._voice: Any = None

    def check(self) -> None:
        # `onnx` lets Piper expose phoneme alignments, which give the word times.
        for module, package in (("piper", "piper-tts"), ("onnxruntime", "onnxruntime"), ("onnx", "onnx")):
            if importlib.util.find_spec(module) is None:
                raise BackendUnavailable("piper", f"{package} is not installed", "pip install piper-tts==1.8.0 onnx")
        path = self._path()
        for needed in (path, Path(f"{path}.json")):
            if not needed.is_file():
                raise BackendUnavailable(
                    "piper",
                    f"voice file {needed} not found",
                    "pass an existing .onnx voice with its .onnx.json beside it",
                )

    def _path(self) -> Path:
        return self.voice_path if self.voice_path is not None else default_piper_voice()

    @property
    def voice(self) -> str:
        return self._path().name.removesuffix(".onnx")

    @property
    def sample_rate(self) -> int:
        return int(self._load().config.sample_rate)

    def _load(self) -> Any:
        """The voice, loaded on first use."""
        if self._voice is None:
            offline()
            from piper import PiperVoice

            path = self._path()
            # include_alignments patches the model in memory (needs `onnx`) to expose phoneme durations.
            self._voice = PiperVoice.load(path, config_path=Path(f"{path}.json"), include_alignments=True)
            if self._threads is not None:
                self._use_threads()
        return self._voice

    def synthesize(
        self, sentences: Sequence[str], wav_path: Path, progress: ProgressCallback | None = None
    ) -> list[Segment]:
        return _assemble(sentences, self._speak, self.sample_rate, self.sentence_pause_s, wav_path, progress)

    @property
    def threads(self) -> int | None:
        """The threads the voice's session uses now (None: ONNX Runtime's default, every core)."""
        return self._load().session.get_session_options().intra_op_num_threads or None

    def _use_threads(self) -> None:
        threads = threads_now(self._threads)
        if threads not in self._sessions:
            self._sessions[threads] = _sized_session(self._voice.session, threads)
        self._voice.session = self._sessions[threads]

    def _speak(self, text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
        if self._threads is not None:  # another model step may have started or ended since the last sentence
            self._use_threads()
        chunks = list(self._voice.synthesize(text, include_alignments=True))
        samples = np.concatenate([c.audio_int16_array for c in chunks]) if chunks else np.zeros(0, dtype=np.int16)
        words = text.split()
        groups = self._phoneme_groups(chunks)
        if groups is not None and len(groups) == len(words):
            return samples, groups
        if groups:
            counts = [self._group_count(word) for word in words]
            if sum(counts) == len(groups):
                spans, used = [], 0
                for count in counts:
                    if count:
                        spans.append((groups[used][0], groups[used + count - 1][1]))
                    else:  # spoken as nothing (a lone dash): zero length where it stands
                        at = groups[used][0] if used < len(groups) else groups[-1][1]
                        spans.append((at, at))
                    used += count
                return samples, spans
            return samples, _spread_words(words, groups[0][0], groups[-1][1])
        return samples, _spread_words(words, *_voiced_range(samples))

    @staticmethod
    def _phoneme_groups(chunks: Iterable[Any]) -> list[tuple[int, int]] | None:
        """Sample spans of the runs of word phonemes between word boundaries, or None without alignments."""
        groups: list[tuple[int, int]] = []
        base = 0
        for chunk in chunks:
            alignments = chunk.phoneme_alignments
            if not alignments:
                return None
            length = len(chunk.audio_float_array)
            total = sum(int(a.num_samples) for a in alignments)
            scale = length / total if total else 0.0  # measured equal; guard against drift anyway
            pos, start, end = 0, None, 0
            for a in alignments:
                if _is_word_phoneme(a.phoneme):
                    if start is None:
                        start = pos
                    pos += int(a.num_samples)
                    end = pos
                else:
                    if a.phoneme == " " and start is not None:
                        groups.append((base + round(start * scale), base + round(end * scale)))
                        start = None
                    pos += int(a.num_samples)
            if start is not None:
                groups.append((base + round(start * scale), base + round(end * scale)))
            base += length
        return groups

    def _group_count(self, word: str) -> int:
        """How many phonemized words espeak makes of one written word."""
        count = 0
        for sentence in self._voice.phonemize(word):
            count += sum(1 for group in "".join(sentence).split(" ") if any(_is_word_phoneme(p) for p in group))
        return count


class EspeakSynthesizer:
    """The espeak-ng command line, one sentence per call; word times proportional within each sentence."""

    name = "espeak"

    def __init__(self, voice: str = "en-us", sentence_pause_s: float = 0.25):
        self._exe = shutil.which("espeak-ng")
        self.voice = voice
        self.sentence_pause_s = sentence_pause_s
        self.sample_rate = 0

    def check(self) -> None:
        if self._exe is None:
            raise BackendUnavailable(
                "espeak", "the espeak-ng program is not on PATH", "install it (apt-get install espeak-ng)"
            )

    def synthesize(
        self, sentences: Sequence[str], wav_path: Path, progress: ProgressCallback | None = None
    ) -> list[Segment]:
        with tempfile.TemporaryDirectory(prefix="vidgen-espeak-") as tmp:
            out = Path(tmp) / "sentence.wav"
            # The sample rate is the voice's; learn it from a first (tiny) utterance.
            self.sample_rate = self._run("a", out)[1]

            def speak(text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
                samples, rate = self._run(text, out)
                if rate != self.sample_rate:
                    raise VidgenError(
                        f"espeak-ng voice {self.voice} changed sample rate ({rate} != {self.sample_rate})"
                    )
                return samples, _spread_words(text.split(), *_voiced_range(samples))

            return _assemble(sentences, speak, self.sample_rate, self.sentence_pause_s, wav_path, progress)

    def _run(self, text: str, out: Path) -> tuple[np.ndarray, int]:
        # --stdin: text that starts with "-" must not be read as an option. -z: we add our own pause.
        result = subprocess.run(
            [self._exe, "-v", self.voice, "-z", "-b", "1", "-w", str(out), "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
        )
        if result.returncode != 0 or not out.is_file():
            raise VidgenError(f"espeak-ng failed on {text[:40]!r}: {result.stderr.decode(errors='replace').strip()}")
        with wave.open(str(out), "rb") as wav:
            rate, width, frames = wav.getframerate(), wav.getsampwidth(), wav.readframes(wav.getnframes())
        if width != 2:
            raise VidgenError(f"espeak-ng wrote {8 * width}-bit audio; expected 16-bit")
        return np.frombuffer(frames, dtype="<i2").astype(np.int16), rate
