"""`vidgen doctor`: the configuration in force, every backend, whether it can run on this
machine, and if not, why."""

from __future__ import annotations

import shutil
from typing import Callable, get_args

from vidgen_assets.resources import SETTINGS, build_resources, resolved


def _ffmpeg() -> str | None:
    return None if shutil.which("ffmpeg") and shutil.which("ffprobe") else "ffmpeg/ffprobe not on PATH (apt-get install ffmpeg)"


def _fonts() -> str | None:
    from vidgen_assets.media.render import FONT_DIR

    return None if FONT_DIR.is_dir() else f"fonts missing at {FONT_DIR} (apt-get install fonts-dejavu-core)"


# The step each model resource serves, as doctor names it.
STEPS = {"tts": "speech", "asr": "transcription", "llm": "text", "pictures": "pictures"}


def _problem_checks(resources: dict) -> dict[str, Callable]:
    """For each model resource, how to ask one of its variants what keeps it from running."""
    storage = resources["storage"]
    cache, picture_cache = storage.paths().cache, storage.paths().picture_cache
    db = storage.database()  # connects lazily: asking opens no database file
    return {
        "tts": lambda r: r.problem(),
        "asr": lambda r: r.problem(cache),
        "llm": lambda r: r.problem(cache),
        "pictures": lambda r: r.problem(db, picture_cache),
    }


def configured_problem(resources: dict, keys: list[str]) -> str | None:
    """The first configured backend among `keys` that cannot run here, and why; else None."""
    checks = _problem_checks(resources)
    for key in keys:
        problem = checks[key](resources[key])
        if problem:
            return problem
    return None


def _backend_checks(resources: dict) -> list[tuple[str, str, bool, Callable[[], str | None]]]:
    """(step, backend, configured?, check) for every backend of every step; check() returns
    None when the backend can run, else the reason."""
    rows = [("assembly", "ffmpeg", True, _ffmpeg), ("frames", "builtin", True, _fonts)]
    for key, check in _problem_checks(resources).items():
        chosen = resources[key]
        for name in get_args(type(chosen).model_fields["backend"].annotation):
            variant = type(chosen)(**{**chosen.model_dump(), "backend": name})
            rows.append((STEPS[key], name, name == chosen.backend, lambda v=variant, c=check: c(v)))
    return rows


def report(overrides: dict | None = None) -> tuple[list[str], bool]:
    """Lines to print, and whether every configured backend can run."""
    resources = {key: resolved(r) for key, r in build_resources(overrides).items()}
    lines = ["configuration:"]
    for s in SETTINGS:
        value = getattr(resources[s.resource], s.field)
        lines.append(f"  {s.env:30} {value!s:30} {'(default)' if value == s.default else ''}".rstrip())
    lines.append("backends:")
    ok = True
    for step, backend, chosen, check in _backend_checks(resources):
        try:
            problem = check()
        except Exception as exc:  # a broken install is itself the answer doctor must give
            problem = f"{type(exc).__name__}: {exc}"
        mark = "ok" if problem is None else ("FAIL" if chosen else "--")
        ok &= not (chosen and problem)
        lines.append(f"  {mark:4} {step:13} {backend:20} {'(configured) ' if chosen else ''}{problem or 'ready'}")
    return lines, ok
