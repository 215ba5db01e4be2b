"""Errors a user can act on: each names the file or backend at fault and, where known, the fix."""

from __future__ import annotations

from pathlib import Path


class VidgenError(Exception):
    """Base class: the message is shown to the user as one line."""


class InputError(VidgenError):
    """The dropped file cannot be turned into a video (empty, corrupt, unsupported, too long)."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class BackendUnavailable(VidgenError):
    """A configured backend cannot run here. Never silently replaced by another backend."""

    def __init__(self, backend: str, missing: str, fix: str = ""):
        self.backend = backend
        self.missing = missing
        self.fix = fix
        message = f"backend {backend!r} is unavailable: {missing}"
        super().__init__(f"{message}. {fix}" if fix else message)


class StorageBusy(VidgenError):
    """The DuckDB file is held by another program for longer than we are willing to wait."""


class DocumentBusy(VidgenError):
    """Another run of the same document is active: runs of one document never overlap."""

    def __init__(self, doc_id: str, holder: str):
        self.doc_id = doc_id
        self.holder = holder
        super().__init__(f"{doc_id} is already being made by {holder}; run it again when that run has finished")


class CheckFailed(VidgenError):
    """A blocking asset check failed: the run stopped before `videos`, the previous video stays."""

    def __init__(self, doc_id: str, failed: list[tuple[str, str]]):
        self.doc_id = doc_id
        self.failed = failed  # (asset, check)
        names = ", ".join(f"{check} (on {asset})" for asset, check in failed)
        super().__init__(
            f"{doc_id}: blocking check {names} failed; the run stopped before videos "
            "and the previous video, if any, is unchanged (details in the Dagster run log)"
        )
