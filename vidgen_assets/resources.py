"""Dagster resources: where data lives, the knobs a user turns, and which backend runs each step.

Defaults are the embedded, offline backends; each can be switched by configuration in the UI
or by environment variables read once when the definitions load.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource

from vidgen_assets.config import Paths
from vidgen_assets.storage.duckdb import Database


class StorageResource(ConfigurableResource):
    """The data directory: DuckDB file, artifacts, videos. Empty means VIDGEN_DATA_DIR or ./data."""

    data_dir: str = ""

    def paths(self) -> Paths:
        return Paths(Path(self.data_dir).resolve()) if self.data_dir else Paths.from_env()

    def database(self) -> Database:
        return Database(self.paths().database)


class SettingsResource(ConfigurableResource):
    """Limits and targets of the pipeline."""

    max_pages: int = 60
    target_seconds: float = 240.0
    words_per_minute: float = 165.0
    chunk_seconds: float = 8.0
    max_recording_minutes: float = 240.0
    burn_in: str = "none"  # captions drawn into the picture: none | plain | highlight (spoken word)

    @classmethod
    def from_env(cls) -> "SettingsResource":
        return cls(
            max_pages=int(os.environ.get("VIDGEN_MAX_PAGES", 60)),
            target_seconds=float(os.environ.get("VIDGEN_TARGET_SECONDS", 240)),
            words_per_minute=float(os.environ.get("VIDGEN_WORDS_PER_MINUTE", 165)),
            chunk_seconds=float(os.environ.get("VIDGEN_CHUNK_SECONDS", 8)),
            max_recording_minutes=float(os.environ.get("VIDGEN_MAX_RECORDING_MINUTES", 240)),
            burn_in=os.environ.get("VIDGEN_BURN_IN", "none"),
        )


class SpeechResource(ConfigurableResource):
    """Speech synthesis: `piper` (bundled en_US-joe-medium voice) or `espeak`."""

    backend: str = "piper"
    voice: str = ""  # a Piper .onnx voice file; empty means the bundled voice

    def synthesizer(self):
        from vidgen_assets.backends.tts import make_synthesizer

        options = {"voice_path": self.voice} if self.voice and self.backend == "piper" else {}
        return make_synthesizer(self.backend, **options)


class TranscriptionResource(ConfigurableResource):
    """Speech recognition for recordings: `faster-whisper` (bundled base) or `whisper-timestamped`."""

    backend: str = "faster-whisper"
    model: str = ""  # a local model file or folder; empty means the bundled Whisper base

    def transcriber(self):
        from vidgen_assets.backends.asr import make_transcriber

        if self.backend == "whisper-timestamped":
            return make_transcriber(self.backend, model=self.model)
        options = {"model_dir": self.model} if self.model else {}
        return make_transcriber(self.backend, **options)


class TextModelResource(ConfigurableResource):
    """Summaries and image prompts: `embedded` (a model inside a PyPI package) or `ollama`."""

    backend: str = "embedded"
    model: str = ""  # embedded: smollm2 | gemma3-270m; ollama: any pulled model
    host: str = "http://127.0.0.1:11434"

    def text_model(self):
        from vidgen_assets.backends.llm import make_text_model

        options: dict = {"model": self.model} if self.model else {}
        if self.backend == "ollama":
            options["host"] = self.host
        return make_text_model(self.backend, **options)


def resources_from_env() -> dict:
    """The resources `definitions.py` and the CLI use, with backends chosen by environment."""
    return {
        "storage": StorageResource(data_dir=os.environ.get("VIDGEN_DATA_DIR", "")),
        "settings": SettingsResource.from_env(),
        "speech": SpeechResource(
            backend=os.environ.get("VIDGEN_TTS", "piper"),
            voice=os.environ.get("VIDGEN_TTS_VOICE", ""),
        ),
        "transcription": TranscriptionResource(
            backend=os.environ.get("VIDGEN_ASR", "faster-whisper"),
            model=os.environ.get("VIDGEN_ASR_MODEL", ""),
        ),
        "text_model": TextModelResource(
            backend=os.environ.get("VIDGEN_LLM", "embedded"),
            model=os.environ.get("VIDGEN_LLM_MODEL", ""),
            host=os.environ.get("OLLAMA_HOST", "http://127.0.0.1:11434"),
        ),
    }
