"""A run's storage watched or stopped from inside the run, for tests and benchmarks.

Production code carries no test hooks: a test injects this `storage` resource instead, into a
`vidgen make` (`cli.main(resources=...)`, or `python -m vidgen_tests.helpers.observed_storage`)
or into a job's definitions (vidgen_tests/helpers/load.py). Its databases count the connections that
waited for the DuckDB file, and can stop the commit of one asset's new version: every file of
the version is written, its rows not yet (Version.commit writes them with Database.replace).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from vidgen_assets.resources import StorageResource
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.tables import Record

WAITS = {"count": 0, "seconds": 0.0}  # this process's connections that waited for the file, and how long


def count_wait(seconds: float) -> None:
    WAITS["count"] += 1
    WAITS["seconds"] += seconds


class ObservedDatabase(Database):
    """A Database that counts its waits and, before writing rows of table `pause_in`, creates
    `marker` and waits until the test deletes it (or kills the process)."""

    def __init__(self, path: Path, pause_in: str = "", marker: str = ""):
        super().__init__(path, on_wait=count_wait)
        self.pause_in, self.marker = pause_in, Path(marker) if marker else None

    def replace(self, doc_id: str, rows_by_type: Mapping[type[Record], Sequence[Record]]) -> None:
        if self.marker and any(record.TABLE == self.pause_in for record in rows_by_type):
            self.marker.touch()
            while self.marker.exists():
                time.sleep(0.05)
        super().replace(doc_id, rows_by_type)


class ObservedStorage(StorageResource):
    """The data directory, its databases observed: `pause_in` names the asset (its table) whose
    commit waits for `pause_marker` to be deleted; empty, nothing waits."""

    pause_in: str = ""
    pause_marker: str = ""

    def database(self) -> Database:
        return ObservedDatabase(self.paths().database, self.pause_in, self.pause_marker)


def paused_vidgen(asset: str, marker: str, argv: list[str]) -> int:
    """The `vidgen` command line (`argv`: make FILE ...) with its commit of `asset` paused."""
    from vidgen_assets.cli import main
    from vidgen_assets.resources import build_resources, resolved

    data_dir = resolved(build_resources()["storage"]).data_dir
    return main(argv, resources={"storage": ObservedStorage(data_dir=data_dir, pause_in=asset, pause_marker=marker)})


if __name__ == "__main__":  # python -m vidgen_tests.helpers.observed_storage ASSET MARKER make FILE [flags]
    sys.exit(paused_vidgen(sys.argv[1], sys.argv[2], sys.argv[3:]))
