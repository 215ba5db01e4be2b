"""Every setting of vidgen, as fields of Dagster resources: where data lives, the knobs a user
turns, and which backend runs each step.

Each field's default is defined here once. The environment overrides it (`VIDGEN_<FLAG>`, see
`SETTINGS`), and this module is the only one that reads the environment. Choices and numbers
are read when the definitions load, so a typo (`VIDGEN_TTS=pipr`) fails at once with the valid
names; free-form strings (paths, hosts, model names) are `EnvVar`s, which the launchpad shows
as coming from the environment. The CLI's flags set the same fields.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dagster import ConfigurableResource, EnvVar
from pydantic import Field

from vidgen_assets.backends.pictures.library.choice import THRESHOLD as LIBRARY_THRESHOLD
from vidgen_assets.backends.threads import Threads
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.paths import Paths

REPO_DATA_DIR = Path(__file__).resolve().parents[1] / "data"

TtsBackend = Literal["piper", "espeak"]
AsrBackend = Literal["faster-whisper", "whisper-timestamped"]
LlmBackend = Literal["embedded", "ollama"]
SlideText = Literal["auto", "extractive", "model"]
BurnIn = Literal["none", "plain", "highlight"]
PictureBackendName = Literal["library", "diffusers", "automatic1111", "comfyui", "none"]


class StorageResource(ConfigurableResource):
    """The data directory: the DuckDB file, artifacts, videos, the model cache and the inbox."""

    data_dir: str = Field(default=str(REPO_DATA_DIR), description="the DuckDB file, artifacts and videos")

    def paths(self) -> Paths:
        return Paths(Path(_value(self.data_dir)).resolve())

    def database(self) -> Database:
        return Database(self.paths().database)


class SettingsResource(ConfigurableResource):
    """Limits and targets of the pipeline."""

    target_seconds: float = Field(default=240.0, gt=0, description="narration length to aim for")
    words_per_minute: float = Field(default=165.0, gt=0, description="speaking rate used to plan the script")
    chunk_seconds: float = Field(default=8.0, gt=0, description="longest visual beat, extended to a sentence end")
    max_pages: int = Field(default=60, gt=0, description="longest PDF accepted")
    max_recording_minutes: float = Field(default=240.0, gt=0, description="longest recording accepted")
    max_words: int = Field(default=150_000, gt=0, description="longest Markdown or text document accepted, in words")
    burn_in: BurnIn = Field(
        default="none", description="captions drawn into the picture; highlight also colours the spoken word"
    )
    backfill_cron: str = Field(
        default="0 3 * * *",
        description="when the backfill schedule looks for missing or stale videos (read when the definitions load)",
    )

    @property
    def max_recording_seconds(self) -> float:
        return self.max_recording_minutes * 60


class SpeechResource(ConfigurableResource):
    """Speech synthesis: `piper` (bundled en_US-joe-medium voice) or `espeak` (espeak-ng)."""

    backend: TtsBackend = "piper"
    voice: str = Field(default="", description="a Piper .onnx voice file; empty means the bundled voice")

    def synthesizer(self, threads: Threads | None = None):
        """The configured synthesizer, checked; `threads` caps Piper's, asked again per sentence
        when it is a callable (espeak-ng is one process per sentence)."""
        from vidgen_assets.backends.tts import EspeakSynthesizer, PiperSynthesizer

        if self.backend == "espeak":
            return _checked(EspeakSynthesizer())
        voice = _value(self.voice)
        return _checked(PiperSynthesizer(voice_path=Path(voice) if voice else None, threads=threads))

    def check(self, storage: StorageResource) -> None:
        """BackendUnavailable, naming what is missing, unless the configured backend can run here."""
        self.synthesizer()


class TranscriptionResource(ConfigurableResource):
    """Speech recognition for recordings: `faster-whisper` (bundled Whisper base) or
    `whisper-timestamped` (a local checkpoint)."""

    backend: AsrBackend = "faster-whisper"
    model: str = Field(default="", description="a local model file or folder; empty means the bundled Whisper base")

    def transcriber(self, cache_dir: Path, threads: Threads | None = None):
        """The configured recognizer, checked; `threads` caps faster-whisper's CPU threads (fixed when it loads)."""
        from vidgen_assets.backends.asr import FasterWhisperTranscriber, WhisperTimestampedTranscriber
        from vidgen_assets.backends.threads import threads_now

        model = _value(self.model)
        if self.backend == "whisper-timestamped":
            return _checked(WhisperTimestampedTranscriber(model=model))
        return _checked(
            FasterWhisperTranscriber(
                model_dir=Path(model) if model else None, cache_dir=cache_dir, cpu_threads=threads_now(threads)
            )
        )

    def check(self, storage: StorageResource) -> None:
        """BackendUnavailable, naming what is missing, unless the configured backend can run here."""
        self.transcriber(storage.paths().cache)


class TextModelResource(ConfigurableResource):
    """Summaries and image prompts: `embedded` (a model inside a PyPI package) or `ollama`."""

    backend: LlmBackend = "embedded"
    model: str = Field(default="", description="embedded: smollm2 | gemma3-270m; ollama: any pulled model")
    host: str = Field(default="http://127.0.0.1:11434", description="the Ollama server (env OLLAMA_HOST)")
    slides: SlideText = Field(
        default="auto",
        description="who writes the slides' headlines and points: extractive "
        "(the chunk's own words), model (checked against the chunk), or auto: the model with "
        "ollama, extractive with the embedded model (too small to pass the check often)",
    )

    def writes_slides(self) -> bool:
        """Whether the model writes slide text (else it is extracted from the chunk)."""
        return self.slides == "model" or (self.slides == "auto" and self.backend == "ollama")

    def text_model(self, cache_dir: Path, threads: Threads | None = None):
        """The configured text model, checked; `threads` caps the embedded model's llama.cpp
        threads, asked again per prompt when it is a callable."""
        from vidgen_assets.backends.llm import EmbeddedModel, OllamaModel

        model = {"model": _value(self.model)} if _value(self.model) else {}
        if self.backend == "ollama":
            return _checked(OllamaModel(host=_value(self.host), **model))
        return _checked(EmbeddedModel(cache_dir=cache_dir, n_threads=threads, **model))

    def check(self, storage: StorageResource) -> None:
        """BackendUnavailable, naming what is missing, unless the configured backend can run here."""
        self.text_model(storage.paths().cache)


class PicturesResource(ConfigurableResource):
    """Pictures for the frames: `library` (offline: the bundled clip art and your media folder,
    chosen by meaning), `diffusers` (a local Stable Diffusion folder), `automatic1111` or
    `comfyui` (a running server), or `none` (the built-in renderer alone)."""

    backend: PictureBackendName = "library"
    media_dir: str = Field(
        default="", description="library: a folder of your own images and clips, preferred when they match"
    )
    threshold: float = Field(
        default=LIBRARY_THRESHOLD, ge=0, le=1, description="library: the least similarity for a picture to be shown"
    )
    sd_model: str = Field(
        default="", description="diffusers: a local Stable Diffusion folder (saved with save_pretrained)"
    )
    url: str = Field(
        default="", description="automatic1111 / comfyui: the server; empty means http://127.0.0.1:7860 / :8188"
    )
    workflow: str = Field(
        default="",
        description="comfyui: an API-format workflow file with {{prompt}} and {{seed}}; empty means the built-in one",
    )
    checkpoint: str = Field(
        default="",
        description="automatic1111 / comfyui: the checkpoint to draw with; empty means the server's own / v1-5-pruned-emaonly",
    )
    steps: int = Field(default=25, gt=0, description="generators: sampling steps per picture")
    width: int = Field(
        default=1024,
        ge=16,
        le=4096,
        description="pixel width of a picture asked for (composed into the 1920x1080 frame)",
    )
    height: int = Field(default=768, ge=16, le=4096, description="pixel height of a picture asked for")

    def picture_backend(self, db: Database, cache_dir: Path, palette=None):
        """The configured backend, checked; generators are wrapped in a disk cache under
        `cache_dir`. `palette` tints the library's clip art into the document's colours."""
        from vidgen_assets.backends.pictures.cache import CachedPictures

        if self.backend == "none":
            from vidgen_assets.backends.pictures.none import NoPictures

            return _checked(NoPictures())
        if self.backend == "library":
            from vidgen_assets.backends.pictures.library.backend import LibraryPictures

            media = _value(self.media_dir)
            extra = {"palette": palette} if palette else {}
            return _checked(
                LibraryPictures(
                    db,
                    cache_dir / "library",
                    media_dir=Path(media) if media else None,
                    threshold=self.threshold,
                    **extra,
                )
            )
        url, checkpoint = _value(self.url), _value(self.checkpoint)
        if self.backend == "diffusers":
            from vidgen_assets.backends.pictures.stable_diffusion import StableDiffusionPictures

            sd_model = _value(self.sd_model)
            generator = StableDiffusionPictures(Path(sd_model) if sd_model else None, steps=self.steps)
        elif self.backend == "automatic1111":
            from vidgen_assets.backends.pictures.automatic1111 import DEFAULT_URL, Automatic1111Pictures

            generator = Automatic1111Pictures(url or DEFAULT_URL, checkpoint=checkpoint, steps=self.steps)
        else:
            from vidgen_assets.backends.pictures.comfyui import DEFAULT_URL, ComfyUIPictures

            workflow = _value(self.workflow)
            generator = ComfyUIPictures(
                url or DEFAULT_URL,
                workflow=Path(workflow) if workflow else None,
                steps=self.steps,
                **({"checkpoint": checkpoint} if checkpoint else {}),
            )
        return _checked(CachedPictures(generator, cache_dir / "generated"))

    def check(self, storage: StorageResource) -> None:
        """BackendUnavailable, naming what is missing, unless the configured backend can run here."""
        self.picture_backend(storage.database(), storage.paths().picture_cache)


def _value(field: str) -> str:
    """A string field's value, also when it is an EnvVar not yet resolved (outside a run)."""
    return field.get_value() if isinstance(field, EnvVar) else field


def _checked(backend):
    """`backend` once its check has passed: a step never starts work with a backend that cannot
    run, and never swaps in another (`check` raises BackendUnavailable naming what is missing)."""
    backend.check()
    return backend


RESOURCE_TYPES: dict[str, type[ConfigurableResource]] = {
    "storage": StorageResource,
    "settings": SettingsResource,
    "tts": SpeechResource,
    "asr": TranscriptionResource,
    "llm": TextModelResource,
    "pictures": PicturesResource,
}


@dataclass(frozen=True)
class Setting:
    """One field of one resource, with its command-line flag and environment variable."""

    resource: str
    field: str

    @property
    def flag(self) -> str:
        # The backend of a step is named after the step (--tts espeak); other fields carry
        # the step's name (--tts-voice); storage and settings fields stand alone (--burn-in).
        if self.resource in ("storage", "settings"):
            name = self.field
        elif self.field == "backend":
            name = self.resource
        else:
            name = f"{self.resource}_{self.field}"
        return name.replace("_", "-")

    @property
    def env(self) -> str:
        if (self.resource, self.field) == ("llm", "host"):
            return "OLLAMA_HOST"  # the variable Ollama's own tools read
        return "VIDGEN_" + self.flag.replace("-", "_").upper()

    @property
    def annotation(self):
        return RESOURCE_TYPES[self.resource].model_fields[self.field].annotation

    @property
    def default(self):
        return RESOURCE_TYPES[self.resource].model_fields[self.field].default

    @property
    def description(self) -> str:
        info = RESOURCE_TYPES[self.resource].model_fields[self.field]
        return info.description or ""


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(key, name) for key, cls in RESOURCE_TYPES.items() for name in cls.model_fields
)


# Strings Dagster needs before any run: the schedule's cron is part of the definitions.
_READ_AT_LOAD = frozenset({"backfill_cron"})


def build_resources(overrides: dict[str, object] | None = None, environ: dict[str, str] | None = None) -> dict:
    """The resources, from defaults, then the environment, then `overrides` (flag -> value).

    Raises pydantic's ValidationError naming the field and the valid values for a bad choice
    or number, so a typo in a variable fails when the definitions load, not in the middle of a run.
    """
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    fields: dict[str, dict] = {key: {} for key in RESOURCE_TYPES}
    for s in SETTINGS:
        if s.flag in overrides and overrides[s.flag] is not None:
            fields[s.resource][s.field] = overrides[s.flag]
        elif s.env in environ:
            # An EnvVar resolves from the process environment at run time, so only a value read
            # from that environment may be deferred; a mapping passed in is taken as it is.
            deferred = environ is os.environ and s.annotation is str and s.field not in _READ_AT_LOAD
            fields[s.resource][s.field] = EnvVar(s.env) if deferred else environ[s.env]
    return {key: cls(**fields[key]) for key, cls in RESOURCE_TYPES.items()}


def resolved(resource: ConfigurableResource) -> ConfigurableResource:
    """A resource with its EnvVars replaced by their values, for use outside a Dagster run."""
    return resource.process_config_and_initialize()


def ensure_dagster_home(paths: Paths) -> Path:
    """DAGSTER_HOME, set to the data directory's instance when the user has not chosen one,
    so runs from the CLI and the UI land in the same Dagster instance, with vidgen's instance
    configuration (concurrency pools, run queue) installed when it has none."""
    from vidgen_assets.runs.instance_config import install_instance_config

    home = Path(os.environ.setdefault("DAGSTER_HOME", str(paths.dagster_home)))
    home.mkdir(parents=True, exist_ok=True)
    install_instance_config(home)
    return home
