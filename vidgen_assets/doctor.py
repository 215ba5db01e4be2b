"""`vidgen doctor`: the configuration in force, every backend, whether it can run on this
machine, and if not, why."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import get_args

from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.resources import SETTINGS, build_resources, resolved


def _ffmpeg() -> None:
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        raise BackendUnavailable("ffmpeg", "ffmpeg/ffprobe not on PATH", "apt-get install ffmpeg")


def _fonts() -> None:
    from vidgen_assets.media.render import FONT_DIR

    if not FONT_DIR.is_dir():
        raise BackendUnavailable("builtin", f"fonts missing at {FONT_DIR}", "apt-get install fonts-dejavu-core")


# The step each model resource serves, as doctor names it.
STEPS = {"tts": "speech", "asr": "transcription", "llm": "text", "pictures": "pictures"}


def check_configured(resources: dict, keys: list[str]) -> None:
    """BackendUnavailable naming what is missing, for the first configured backend among `keys`
    that cannot run here."""
    for key in keys:
        resources[key].check(resources["storage"])


def _backend_checks(resources: dict) -> list[tuple[str, str, bool, Callable[[], None]]]:
    """(step, backend, configured?, check) for every backend of every step; check() raises
    BackendUnavailable when the backend cannot run here."""
    storage = resources["storage"]
    rows = [("assembly", "ffmpeg", True, _ffmpeg), ("frames", "builtin", True, _fonts)]
    for key, step in STEPS.items():
        chosen = resources[key]
        for name in get_args(type(chosen).model_fields["backend"].annotation):
            variant = type(chosen)(**{**chosen.model_dump(), "backend": name})
            rows.append((step, name, name == chosen.backend, lambda v=variant: v.check(storage)))
    return rows


@dataclass(frozen=True)
class SettingRow:
    variable: str  # the environment variable that sets it
    value: str
    default: bool


@dataclass(frozen=True)
class BackendRow:
    step: str
    backend: str
    configured: bool
    problem: str | None  # None when the backend can run here, else what is missing and the fix

    @property
    def mark(self) -> str:
        """ok | FAIL (configured and cannot run) | -- (not configured and cannot run)."""
        return "ok" if self.problem is None else ("FAIL" if self.configured else "--")

    @property
    def note(self) -> str:
        return self.problem or "ready"


@dataclass(frozen=True)
class Report:
    settings: list[SettingRow]
    backends: list[BackendRow]

    @property
    def ok(self) -> bool:
        """Whether every configured backend can run here."""
        return not any(row.configured and row.problem for row in self.backends)


def report(overrides: dict | None = None) -> Report:
    """The configuration in force and every backend's state, as rows (the CLI prints them with
    `format_report`, the health page shows them as tables)."""
    resources = {key: resolved(r) for key, r in build_resources(overrides).items()}
    settings = []
    for s in SETTINGS:
        value = getattr(resources[s.resource], s.field)
        settings.append(SettingRow(s.env, str(value), value == s.default))
    backends = []
    for step, backend, chosen, check in _backend_checks(resources):
        try:
            check()
            problem = None
        except BackendUnavailable as exc:
            problem = str(exc)
        except Exception as exc:  # a broken install is itself the answer doctor must give
            problem = f"{type(exc).__name__}: {exc}"
        backends.append(BackendRow(step, backend, chosen, problem))
    return Report(settings, backends)


def format_report(found: Report) -> list[str]:
    """`vidgen doctor`'s lines: the settings, then one line per backend."""
    lines = ["configuration:"]
    for s in found.settings:
        lines.append(f"  {s.variable:30} {s.value:30} {'(default)' if s.default else ''}".rstrip())
    lines.append("backends:")
    for b in found.backends:
        lines.append(f"  {b.mark:4} {b.step:13} {b.backend:20} {'(configured) ' if b.configured else ''}{b.note}")
    return lines
