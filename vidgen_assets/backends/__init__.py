"""The model backends of each step: speech, transcription, text and pictures.

Every backend keeps one contract, `Backend`: constructing it is cheap and checks nothing, and
`check()` returns None when it can run here, else raises `BackendUnavailable` naming what is
missing and how to fix it, without loading a model or drawing anything. The step's resource
checks the backend it builds (`resources.py`), so a run checks each backend once, in the step
that uses it, and a configured backend that cannot run fails that step instead of being
replaced by another.
"""

from __future__ import annotations

from typing import Protocol


class Backend(Protocol):
    name: str

    def check(self) -> None:
        """Raise BackendUnavailable (what is missing, and the fix) unless this backend can run here."""
        ...
