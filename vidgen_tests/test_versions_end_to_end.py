"""One version of every output, through `vidgen make` as a user runs it: killed (SIGKILL) in
narration_audio, frames and videos, out of room in the middle of assembly, and started twice
at once. After each, the previous version is whole; a run after them equals a clean run and
leaves nothing behind.

A small Markdown note keeps each run short; one-second chunks make every sentence its own
chunk, so a clean run and a re-run group the (slightly differently timed) speech alike.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from vidgen_assets.storage.versions import VERSION_NAME
from vidgen_tests.helpers.cli import VIDGEN, ffprobe

DOC_ID = "tide-pools"
FIRST = "# Tide pools\n\nWhen the sea goes out, water stays behind in hollows of the rock.\n"
EDITED = FIRST + "\nCrabs and small fish live there until the tide returns. Shore crabs hide under weed.\n"
SETTINGS = {"VIDGEN_CHUNK_SECONDS": "1"}
TABLE_OF = {"narration_audio": "narration_audio", "frames": "frames", "videos": "videos"}
# What the runs share but is no output of a document: the Dagster instance, model cache, locks.
NOT_OUTPUTS = ("dagster_home", "cache", "locks")


def start(data: Path, source: Path, pause: str | None = None, marker: Path | None = None) -> subprocess.Popen:
    """`vidgen make source`; with `pause`, one whose commit of that asset waits for `marker` to go."""
    env = {**os.environ, **SETTINGS, "VIDGEN_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home")}
    command = [VIDGEN, "make", str(source), "--quiet"]
    if pause:
        command = [sys.executable, "-m", "vidgen_tests.helpers.observed_storage", pause, str(marker), *command[1:]]
    return subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        cwd=Path(__file__).resolve().parents[1],
    )


def finish(proc: subprocess.Popen, timeout: float = 1500) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def wait_for_pause(proc: subprocess.Popen, marker: Path, timeout: float = 1500) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the run ended before its pause: {proc.stderr.read()[-3000:]}")
        assert time.monotonic() < deadline, "the run never reached its pause"
        time.sleep(0.2)


def kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def files(data: Path) -> dict[str, str]:
    """Every output file (relative path -> sha256), the DuckDB file aside."""
    return {
        str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.relative_to(data).parts[0] not in NOT_OUTPUTS and not p.name.startswith("vidgen.duckdb")
    }


def normalized(paths) -> list[str]:
    """Paths with version names replaced, to compare two runs' layouts."""
    return sorted("/".join("<version>" if VERSION_NAME.match(part) else part for part in Path(p).parts) for p in paths)


def rows(data: Path, table: str, columns: str = "*") -> list[tuple]:
    con = duckdb.connect(str(data / "vidgen.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT {columns} FROM {table} WHERE doc_id = ? ORDER BY ALL", [DOC_ID]).fetchall()
    finally:
        con.close()


def named_files(data: Path) -> set[Path]:
    named = set()
    for table, column in [
        ("figures", "path"),
        ("narration_audio", "path"),
        ("narration_audio", "timings_path"),
        ("frames", "path"),
        ("videos", "path"),
        ("videos", "srt_path"),
        ("videos", "vtt_path"),
        ("videos", "thumbnail_path"),
        ("videos", "credits_path"),
        ("videos", "captions_path"),
    ]:
        named |= {Path(p) for (p,) in rows(data, table, column) if p}
    return named


def versions(data: Path, asset: str) -> list[Path]:
    return sorted((data / "artifacts" / DOC_ID / asset).iterdir())


def plays(video: Path) -> float:
    """The video decodes from end to end without an error; returns its length in seconds."""
    decode = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(video), "-f", "null", "-"], capture_output=True, text=True
    )
    assert decode.returncode == 0 and decode.stderr == "", decode.stderr[-2000:]
    return float(ffprobe(video)["format"]["duration"])


def assert_previous_version_whole(data: Path, before_files: dict[str, str], before_rows: dict, asset: str) -> None:
    """`asset`'s rows and files, and the published video, are exactly what they were, every row
    names an existing file, and the video plays."""
    assert rows(data, TABLE_OF[asset]) == before_rows[asset], f"{asset}: rows of the new version mixed in"
    now = files(data)
    kept = [p for p in before_files if p.startswith((f"artifacts/{DOC_ID}/{asset}/", "videos/"))]
    assert kept and all(now.get(p) == before_files[p] for p in kept), f"{asset}: a file of the previous version changed"
    assert all(p.is_file() for p in named_files(data)), "a row names a missing file"
    assert abs(plays(data / "videos" / f"{DOC_ID}.mp4") - rows(data, "videos", "duration_s")[0][0]) < 0.1


def snapshot_rows(data: Path) -> dict[str, list[tuple]]:
    return {asset: rows(data, table) for asset, table in TABLE_OF.items()}


def text_rows(data: Path) -> dict[str, list[tuple]]:
    """What two runs of the same document must agree on (speech timing aside)."""
    return {
        "script": rows(data, "narration_scripts", "idx, text"),
        "segments": rows(data, "segments", "idx, text"),
        "words": rows(data, "words", "idx, word"),
        "chunks": rows(data, "chunks", "idx, text"),
        "summaries": rows(data, "summaries", "chunk_idx, summary"),
        "prompts": rows(data, "image_prompts", "chunk_idx, prompt, style"),
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict:
    """The edited note made in a fresh data directory, requested twice at once: the first
    `vidgen make` pauses before committing its narration while a second one starts."""
    root = tmp_path_factory.mktemp("clean")
    data, source, marker = root / "data", root / "tide-pools.md", root / "paused"
    source.write_text(EDITED)
    first = start(data, source, "narration_audio", marker)
    wait_for_pause(first, marker)
    second = finish(start(data, source))
    marker.unlink()
    return {"data": data, "first": finish(first), "second": second, "first_pid": first.pid}


def test_the_same_document_twice_at_once_refuses_the_second_and_makes_one_version(clean):
    code, out, err = clean["second"]
    assert code == 75 and out == ""
    last = err.strip().splitlines()[-1]
    assert f"{DOC_ID} is already being made by" in last and f"pid {clean['first_pid']}" in last and "make" in last
    code, out, err = clean["first"]
    assert code == 0, err[-3000:]
    assert Path(out.strip().splitlines()[-1]) == clean["data"] / "videos" / f"{DOC_ID}.mp4"
    for asset in ("narration_audio", "frames", "videos"):
        assert len(versions(clean["data"], asset)) == 1, asset
    assert versions(clean["data"], "source_documents") == []  # Markdown: no figure crops, no directory
    assert all(p.is_file() for p in named_files(clean["data"]))


def test_kills_and_a_full_disk_leave_the_previous_version_whole_and_a_rerun_equals_a_clean_run(clean, tmp_path):
    data, source, marker = tmp_path / "data", tmp_path / "tide-pools.md", tmp_path / "paused"
    source.write_text(FIRST)
    code, _, err = finish(start(data, source))
    assert code == 0, err[-3000:]
    source.write_text(EDITED)

    for asset in ("narration_audio", "frames", "videos"):
        before_files, before_rows = files(data), snapshot_rows(data)
        run = start(data, source, asset, marker)
        wait_for_pause(run, marker)  # every file of the new version written, its rows not committed
        kill(run)
        marker.unlink()
        assert_previous_version_whole(data, before_files, before_rows, asset)
        assert len(versions(data, asset)) == 2, "the killed run's version is left for the sweep"

    # Out of room in the middle of assembly: `videos` materialized alone (an in-memory Dagster
    # instance, so the only files written are the video's) under a 64 KiB file size limit.
    before_files, before_rows = files(data), snapshot_rows(data)
    limit = 64 * 1024
    full = subprocess.run(
        [sys.executable, "-c", DISK_FULL_RUN, DOC_ID],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **SETTINGS, "VIDGEN_DATA_DIR": str(data)},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    assert full.returncode != 0
    assert f"{DOC_ID}.mp4: cannot be written: it reached the file size limit of {limit} bytes" in full.stderr, (
        full.stderr[-3000:]
    )
    assert_previous_version_whole(data, before_files, before_rows, "videos")

    code, out, err = finish(start(data, source))
    assert code == 0, err[-3000:]
    leftovers = [p for p in data.rglob(".*") if p.relative_to(data).parts[0] not in NOT_OUTPUTS]
    assert leftovers == []
    for asset in ("narration_audio", "frames", "videos"):
        assert len(versions(data, asset)) == 1, asset
    assert versions(data, "source_documents") == []  # Markdown: no figure crops, no directory
    produced, clean_files = files(data), files(clean["data"])
    assert normalized(produced) == normalized(clean_files)
    assert text_rows(data) == text_rows(clean["data"])
    frame_hashes = [
        {Path(p).name: files_of[str(Path(p).relative_to(d))] for (p,) in rows(d, "frames", "path")}
        for d, files_of in ((data, produced), (clean["data"], clean_files))
    ]
    assert frame_hashes[0] == frame_hashes[1], "the same storyboard draws the same frames"
    # Every file under artifacts/ is one the rows name (or the frames' contact sheet beside them).
    named = {str(p.relative_to(data)) for p in named_files(data)}
    assert {p for p in produced if p.startswith("artifacts/") and not p.endswith("contact-sheet.jpg")} == named
    # The killed runs are failed in the Dagster instance, not shown as running forever.
    statuses = subprocess.run(
        [sys.executable, "-c", RUN_STATUSES, str(data / "dagster_home"), DOC_ID],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert statuses.count("SUCCESS") == 2 and statuses.count("FAILURE") == 3 and len(statuses) == 5, statuses


DISK_FULL_RUN = """
import sys
from dagster import DagsterInstance, materialize
from vidgen_assets.assets.videos import videos
from vidgen_assets.definitions import RESOURCES
from vidgen_assets.partitions import documents

instance = DagsterInstance.ephemeral()
instance.add_dynamic_partitions(documents.name, [sys.argv[1]])
materialize([videos], partition_key=sys.argv[1], instance=instance, resources=RESOURCES)
"""

RUN_STATUSES = """
import sys
from dagster import DagsterInstance, RunsFilter
with DagsterInstance.from_config(sys.argv[1]) as instance:
    for run in instance.get_runs(RunsFilter(tags={"dagster/partition": sys.argv[2]})):
        print(run.status.value)
"""
