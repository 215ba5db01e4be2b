"""Progress of long work, reported once and shown wherever someone is watching.

Which stage a run is in comes from Dagster itself: `announce_stages` hears the run's step
events and tells every listener in the process when a stage's step starts (the CLI draws its
progress bars from these calls). Within a stage, assets report through a `StageProgress`, which
writes to the Dagster log and tells the listeners; backends take any `ProgressCallback` (done,
total), so they report without knowing who is watching.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dagster import EventLogEntry

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


def announce_stages(stages: Sequence[str]) -> Callable[[EventLogEntry], None]:
    """A listener for one run's events (DagsterInstance.add_event_listener): the start of the
    step of each of `stages` (step keys, the asset names) is announced to every listener."""
    from dagster import DagsterEventType

    def on_event(entry: EventLogEntry) -> None:
        event = entry.dagster_event
        if event is not None and event.event_type == DagsterEventType.STEP_START and event.step_key in stages:
            for listener in list(_listeners):
                listener.stage(event.step_key)

    return on_event


class StageProgress:
    """Per-stage reporter of the work within a stage: logs about every tenth of it, tells
    listeners every step."""

    def __init__(self, stage: str, log: Callable[[str], None] | None = None):
        self.stage = stage
        self._log = log
        self._last_logged = -1

    def __call__(self, done: float, total: float) -> None:
        for listener in list(_listeners):
            listener.advance(self.stage, done, total)
        if self._log and total:
            tenth = int(10 * done / total)
            if tenth != self._last_logged:
                self._last_logged = tenth
                self._log(f"{self.stage}: {done:g}/{total:g}")
