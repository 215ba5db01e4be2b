"""One version of every output, on real files and a real DuckDB file: a new version becomes
current only with its rows, the previous one stays whole until then, and the sweep removes
what an interrupted run left behind, for one document only."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.files import atomic_path
from vidgen_assets.storage.paths import FrameFiles, Paths, VideoFiles
from vidgen_assets.storage.tables import FrameRow, VideoRow
from vidgen_assets.storage.versions import (
    VERSION_NAME,
    named_paths,
    new_version,
    publish,
    publish_video,
    sweep,
    version_name,
)


def _write_frames(paths: Paths, db: Database, doc_id: str, colours: list[str], commit: bool = True):
    version = new_version(db, paths, doc_id, "frames")
    files = FrameFiles(version.directory)
    rows = []
    for i, colour in enumerate(colours):
        files.frame(i).write_text(colour)
        rows.append(FrameRow(i, str(files.frame(i)), float(i), float(i + 1)))
    if commit:
        version.commit({FrameRow: rows})
    return version


def _frame_texts(db: Database, doc_id: str) -> list[str]:
    return [Path(r.path).read_text() for r in db.read(FrameRow, doc_id)]


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_version_names_sort_by_creation_time_and_never_repeat():
    t = datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    names = [version_name(t + timedelta(microseconds=n)) for n in range(50)]
    assert names == sorted(names) and all(VERSION_NAME.match(n) for n in names)
    assert len({version_name(t) for _ in range(50)}) == 50


def test_a_commit_switches_files_and_rows_together_and_removes_the_previous_version(tmp_path):
    paths, db = Paths(tmp_path), Database(tmp_path / "v.duckdb")
    first = _write_frames(paths, db, "doc", ["red", "green", "blue"])
    second = _write_frames(paths, db, "doc", ["cyan", "magenta"])
    assert _frame_texts(db, "doc") == ["cyan", "magenta"]
    assert not first.directory.exists()
    assert [p.name for p in paths.versions("doc", "frames").iterdir()] == [second.directory.name]


def test_a_committed_version_that_holds_no_file_leaves_no_directory_for_the_next_sweep(tmp_path):
    """A Markdown source's source_documents version has no figure crops: no row names it."""
    paths, db = Paths(tmp_path), Database(tmp_path / "v.duckdb")
    figures = _write_frames(paths, db, "doc", ["red"])
    empty = _write_frames(paths, db, "doc", [])
    assert not figures.directory.exists() and not empty.directory.exists()
    assert db.read(FrameRow, "doc") == [] and sweep(db, paths, "doc") == []


def test_an_uncommitted_version_leaves_the_previous_one_current_and_whole(tmp_path):
    paths, db = Paths(tmp_path), Database(tmp_path / "v.duckdb")
    first = _write_frames(paths, db, "doc", ["red", "green", "blue"])
    before = _tree(first.directory)
    broken = _write_frames(paths, db, "doc", ["cyan"], commit=False)  # the step failed or was killed
    assert _frame_texts(db, "doc") == ["red", "green", "blue"]
    assert _tree(first.directory) == before and broken.directory.exists()


def test_the_sweep_removes_unnamed_versions_and_partial_files_of_that_document_only(tmp_path):
    paths, db = Paths(tmp_path), Database(tmp_path / "v.duckdb")
    kept = _write_frames(paths, db, "doc", ["red", "green"])
    other = _write_frames(paths, db, "other", ["grey"])
    left = [_write_frames(paths, db, d, ["x"], commit=False).directory for d in ("doc", "other")]
    # A kill inside atomic_path leaves its hidden temporary file, here and under videos/.
    for folder in (kept.directory, paths.artifacts("doc"), paths.videos):
        folder.mkdir(parents=True, exist_ok=True)
    partials = [
        kept.directory / ".0002.abcd1234.part.png",
        paths.artifacts("doc") / ".x.part",
        paths.videos / ".doc.abcd1234.part.mp4",
    ]
    for p in partials:
        p.write_text("half")
    (paths.videos / ".other.abcd1234.part.mp4").write_text("half of another document's video")

    removed = sweep(db, paths, "doc")

    assert set(removed) == {left[0], *partials}
    assert _frame_texts(db, "doc") == ["red", "green"] and kept.directory.is_dir()
    assert left[1].is_dir() and other.directory.is_dir(), "another document's leftovers are its own run's business"
    assert (paths.videos / ".other.abcd1234.part.mp4").exists()
    assert sweep(db, paths, "doc") == []


def test_rows_name_every_versioned_file(tmp_path):
    paths, db = Paths(tmp_path), Database(tmp_path / "v.duckdb")
    version = new_version(db, paths, "doc", "videos")
    files = VideoFiles(version.directory, "doc")
    version.commit(
        {
            VideoRow: [
                VideoRow(
                    str(files.mp4),
                    1.0,
                    2,
                    2,
                    1,
                    str(files.srt),
                    str(files.vtt),
                    str(files.thumbnail),
                    str(files.captions),
                )
            ]
        }
    )
    assert named_paths(db, "doc") == {files.mp4, files.srt, files.vtt, files.thumbnail, files.captions}


def test_publishing_replaces_the_public_file_whole_and_an_open_reader_keeps_the_old_one(tmp_path):
    old, new, public = tmp_path / "old.mp4", tmp_path / "new.mp4", tmp_path / "videos" / "doc.mp4"
    old.write_bytes(b"old video" * 1000)
    new.write_bytes(b"new video" * 1000)
    publish(old, public)
    assert os.path.samefile(old, public), "a hard link, not a second copy"
    with open(public, "rb") as watching:
        publish(new, public)
        assert watching.read() == b"old video" * 1000
    assert public.read_bytes() == b"new video" * 1000
    assert sorted(p.name for p in public.parent.iterdir()) == ["doc.mp4"]


def test_the_sweep_publishes_the_committed_video_when_a_run_stopped_before_publishing(tmp_path):
    paths, db = Paths(tmp_path), Database(tmp_path / "v.duckdb")
    rows = []
    for content in ("first", "second"):
        version = new_version(db, paths, "doc", "videos")
        files = VideoFiles(version.directory, "doc")
        for f in (files.mp4, files.srt, files.vtt, files.thumbnail):
            f.write_text(f"{content} {f.suffix}")
        rows.append(VideoRow(str(files.mp4), 1.0, 2, 2, 1, str(files.srt), str(files.vtt), str(files.thumbnail)))
        version.commit({VideoRow: rows[-1:]})
        if content == "first":
            publish_video(paths, "doc", rows[-1])
    # The second version is committed, but the run died before publishing it.
    assert paths.video("doc").read_text() == "first .mp4"
    sweep(db, paths, "doc")
    for suffix in (".mp4", ".srt", ".vtt", ".jpg"):
        assert paths.published("doc", suffix).read_text() == f"second {suffix}"


def _killed_while_writing(target: Path) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"RIFF half a file")
        os.kill(os.getpid(), signal.SIGKILL)


def test_the_partial_file_of_a_process_killed_inside_atomic_path_is_swept(tmp_path):
    paths, db = Paths(tmp_path), Database(tmp_path / "v.duckdb")
    current = _write_frames(paths, db, "doc", ["red"])
    child = multiprocessing.get_context("fork").Process(
        target=_killed_while_writing, args=(current.directory / "0001.png",)
    )
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    (partial,) = [p for p in current.directory.iterdir() if p.name.startswith(".")]
    assert sweep(db, paths, "doc") == [partial]
    assert _tree(current.directory) == ["0000.png"]
