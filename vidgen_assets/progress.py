"""Progress of long work, reported once and shown wherever someone is watching.

Assets report through a `StageProgress`; it writes to the Dagster log and informs any listener
in the same process (the CLI draws its progress bars from these calls). Backends take any
`ProgressCallback` (done, total), so they report without knowing who is watching.
"""

from __future__ import annotations

from typing import Callable, Protocol

ProgressCallback = Callable[[float, float], None]
"""Called with (work done, total work), in whatever unit the caller counts (items, seconds)."""


class Listener(Protocol):
    def stage(self, name: str) -> None: ...

    def advance(self, name: str, done: float, total: float) -> None: ...


_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


class StageProgress:
    """Per-stage reporter: logs about every tenth of the work, tells listeners every step."""

    def __init__(self, stage: str, log: Callable[[str], None] | None = None):
        self.stage = stage
        self._log = log
        self._last_logged = -1
        for listener in list(_listeners):
            listener.stage(stage)

    def __call__(self, done: float, total: float) -> None:
        for listener in list(_listeners):
            listener.advance(self.stage, done, total)
        if self._log and total:
            tenth = int(10 * done / total)
            if tenth != self._last_logged:
                self._last_logged = tenth
                self._log(f"{self.stage}: {done:g}/{total:g}")
