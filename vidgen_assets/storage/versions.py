"""One version of every output.

An asset that writes files writes them into a new version directory
(artifacts/<doc_id>/<asset>/<version>/), commits the rows that name them in one transaction,
then removes the previous version. Until the commit the previous version's rows and files are
the current ones, so a failure or a kill at any point leaves them whole; what it leaves
behind (an uncommitted version, a hidden `.part` file) no row names, and `sweep` removes it
when the next run of the document starts. The video, its subtitles and thumbnail are also
published under videos/ by an atomic rename, after the commit.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.files import atomic_path
from vidgen_assets.storage.paths import Paths
from vidgen_assets.storage.tables import RECORDS, Record, VideoRow, columns

VERSION_NAME = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{6}$")


def version_name(now: datetime | None = None) -> str:
    """A new version's directory name: its UTC creation time (so names sort by age) and a
    random tail (so two processes never pick the same name)."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Version:
    """A version directory being written; `commit` makes it the current one."""

    db: Database
    doc_id: str
    asset: str
    directory: Path

    def commit(self, rows_by_type: Mapping[type[Record], Sequence[Record]]) -> None:
        """Replace the rows that name this asset's files, in one transaction, then remove the
        previous versions, and this one too if it holds no file (a Markdown source has no
        figures): no row can name it, and the next run would take it for a leftover."""
        self.db.replace(self.doc_id, rows_by_type)
        remove_other_versions(self.directory)
        if not any(self.directory.iterdir()):
            self.directory.rmdir()


def new_version(db: Database, paths: Paths, doc_id: str, asset: str) -> Version:
    """A fresh, empty version directory of `asset`'s files. Until its `commit`, the previous
    version stays current; one never committed (the step failed) is swept later."""
    directory = paths.versions(doc_id, asset) / version_name()
    directory.mkdir(parents=True)
    return Version(db, doc_id, asset, directory)


def remove_other_versions(current: Path) -> list[Path]:
    """Remove every version directory of the same asset except `current`."""
    removed = [v for v in current.parent.iterdir() if v != current and VERSION_NAME.match(v.name) and v.is_dir()]
    for old in removed:
        shutil.rmtree(old, ignore_errors=True)
    return removed


def named_paths(db: Database, doc_id: str) -> set[Path]:
    """Every file this document's rows name (columns `path` and `*_path` of every table)."""
    if not db.path.exists():
        return set()
    named = set()
    with db.connect(read_only=True) as con:
        for record in RECORDS:
            path_columns = [n for n, _ in columns(record) if n == "path" or n.endswith("_path")]
            for column in path_columns:
                rows = con.execute(
                    f"SELECT {column} FROM {record.TABLE} WHERE doc_id = ? AND {column} IS NOT NULL", [doc_id]
                ).fetchall()
                named.update(Path(value) for (value,) in rows)
    return named


def _is_partial(path: Path) -> bool:
    """What storage.files.atomic_path writes first and renames (`.name.XXXX.part.ext`)."""
    return path.name.startswith(".") and ".part" in path.name


def sweep(db: Database, paths: Paths, doc_id: str) -> list[Path]:
    """Remove what earlier runs of this document left behind: version directories that no row
    names and hidden partial files; publish the current video again if a run stopped between
    its commit and the publication. Call it only while no other run of the document is active.
    Returns what was removed."""
    named = {p.resolve() for p in named_paths(db, doc_id)}
    removed: list[Path] = []
    artifacts = paths.artifacts(doc_id)
    if artifacts.is_dir():
        for asset_dir in (d for d in artifacts.iterdir() if d.is_dir() and not _is_partial(d)):
            for version in asset_dir.iterdir():
                if (
                    VERSION_NAME.match(version.name)
                    and version.is_dir()
                    and not any(p.is_relative_to(version.resolve()) for p in named)
                ):
                    shutil.rmtree(version, ignore_errors=True)
                    removed.append(version)
        removed += _remove_partials(artifacts.rglob(".*"))
    if paths.videos.is_dir():
        removed += _remove_partials(paths.videos.glob(f".{doc_id}.*"))
    row = db.read_one(VideoRow, doc_id, lineage=False)
    if row is not None:
        publish_video(paths, doc_id, row)
    return removed


def _remove_partials(candidates: Iterator[Path]) -> list[Path]:
    removed = []
    for path in list(candidates):
        if not _is_partial(path) or not path.exists():
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def publish(source: Path, public: Path) -> Path:
    """Make `public` the same file as `source` (a hard link, else a copy), renamed into place,
    so a reader of `public` sees the old file or the new one, never a part of either."""
    if public.exists() and source.exists() and os.path.samefile(source, public):
        return public
    with atomic_path(public) as tmp:
        tmp.unlink()
        try:
            os.link(source, tmp)
        except OSError:  # another filesystem (videos/ may be a link), or no hard links there
            shutil.copyfile(source, tmp)
    return public


def publish_video(paths: Paths, doc_id: str, row: VideoRow) -> list[Path]:
    """Publish a video's files under videos/<doc_id>.*; the MP4 last, so a reader who finds
    the new video also finds its subtitles."""
    if not row.credits_path:  # this version's pictures need no attribution: no stale credits beside it
        paths.published(doc_id, ".credits.txt").unlink(missing_ok=True)
    files = [
        (row.srt_path, ".srt"),
        (row.vtt_path, ".vtt"),
        (row.thumbnail_path, ".jpg"),
        (row.credits_path, ".credits.txt"),
        (row.path, ".mp4"),
    ]
    return [publish(Path(src), paths.published(doc_id, suffix)) for src, suffix in files if src and Path(src).is_file()]
