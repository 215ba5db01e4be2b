"""whisper-timestamped: openai-whisper with word alignment, for a local checkpoint (GPU if present)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from vidgen_assets.backends.asr.base import Transcript, import_backend
from vidgen_assets.backends.asr.windows import SAMPLE_RATE, WINDOW_S, Window, transcribe_in_windows
from vidgen_assets.backends.packaged_models import offline
from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.progress import ProgressCallback
from vidgen_assets.timeline import Segment, Word


class WhisperTimestampedTranscriber:
    """openai-whisper with whisper-timestamped's word alignment, on CUDA when torch sees a GPU.

    `model` is a local checkpoint: a .pt file as openai-whisper saves it ({"dims",
    "model_state_dict"}), or a Hugging Face Whisper folder holding pytorch_model.bin or
    whisper.ckpt (or that file itself). A model *name* is refused: nothing is downloaded.
    Speech is found with the Silero VAD that faster-whisper bundles (whisper-timestamped's own
    would fetch Silero from GitHub). Decoding is greedy at temperature 0 unless `beam_size` or a
    temperature list is given.
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
        self.model = model
        self.device = device
        self.beam_size = beam_size
        self.temperature = temperature
        self.vad = vad
        self.window_s = window_s
        self._model = None

    @property
    def model_path(self) -> Path:
        """The checkpoint file `model` names; BackendUnavailable when there is none."""
        return _local_checkpoint(self.model)

    def check(self) -> None:
        _local_checkpoint(self.model)
        torch = import_backend("torch", self.name, "torch")
        import_backend("whisper_timestamped", self.name, "whisper-timestamped")
        self._device(torch)

    def _device(self, torch) -> str:
        if self.device is None:
            return "cuda" if torch.cuda.is_available() else "cpu"
        if self.device.startswith("cuda") and not torch.cuda.is_available():
            raise BackendUnavailable(
                self.name, "device 'cuda' was asked for but torch sees no GPU", "set device to 'cpu' or leave it unset"
            )
        return self.device

    def load(self):
        """Load the checkpoint now (otherwise the first transcription does)."""
        if self._model is None:
            offline()
            torch = import_backend("torch", self.name, "torch")
            wt = import_backend("whisper_timestamped", self.name, "whisper-timestamped")
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

    def transcribe(self, wav16k: Path, progress: ProgressCallback | None = None) -> Transcript:
        model = self.load()
        wt = import_backend("whisper_timestamped", self.name, "whisper-timestamped")

        def decode(window: Window, language: str | None, prompt: str | None):
            speech = _speech_spans(window.audio) if self.vad else None
            if speech == []:  # with nothing to hear, Whisper would only invent text
                return [], None
            result = wt.transcribe_timestamped(
                model,
                window.audio,
                language=language,
                vad=speech if speech else False,
                beam_size=self.beam_size,
                temperature=self.temperature,
                initial_prompt=prompt,
                verbose=None,
            )
            segments = [_segment(s, window) for s in result.get("segments", [])]
            return [s for s in segments if s.text], result.get("language")

        return transcribe_in_windows(wav16k, self.window_s, decode, self.name, str(self.model_path), progress)


def _local_checkpoint(model: str | Path) -> Path:
    if not str(model):
        raise BackendUnavailable(
            "whisper-timestamped",
            "no local model configured",
            "set VIDGEN_ASR_MODEL to a Whisper .pt file or Hugging Face folder",
        )
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


def _segment(raw: dict, window: Window) -> Segment:
    words = tuple(
        Word(
            w["text"].strip(),
            window.time(w["start"]),
            window.time(w["end"]),
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
        start_s=window.time(raw["start"]),
        end_s=window.time(raw["end"]),
        text=str(raw.get("text", "")).strip(),
        words=words,
        avg_logprob=_opt_float(avg_logprob),
        compression_ratio=_opt_float(raw.get("compression_ratio")),
        no_speech_prob=_opt_float(raw.get("no_speech_prob")),
        confidence=_opt_float(confidence),
    )


def _opt_float(value) -> float | None:
    return None if value is None else float(value)


def _speech_spans(audio: np.ndarray) -> list[tuple[float, float]]:
    """Speech regions of a window in seconds, padded a little, from the bundled Silero ONNX."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    chunks = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=1000, speech_pad_ms=200))
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks]
