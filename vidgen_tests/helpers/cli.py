"""`vidgen` run as a user runs it, in a private data directory, and what it leaves there."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

VIDGEN = str(Path(sys.executable).with_name("vidgen"))


def run_vidgen(data: Path, *args: str, timeout: float = 1500, **extra_env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIDGEN_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home"), **extra_env}
    return subprocess.run([VIDGEN, *args], env=env, capture_output=True, text=True, timeout=timeout)


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def ffprobe_entries(path: Path, entries: str, *options: str) -> list[str]:
    """The values ffprobe shows for `entries` (its -show_entries, e.g. "packet=pts_time"), one
    line each; `options` go before the input (e.g. "-select_streams", "v")."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", *options, "-show_entries", entries, "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()


def q(made: dict, sql: str) -> list[tuple]:
    """Query the run's DuckDB file; the connection is closed at once so vidgen can write again."""
    con = duckdb.connect(str(made["data"] / "vidgen.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under `root` but Dagster's own records: equal snapshots mean nothing changed."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "dagster_home" not in p.parts
    }


def assert_refused(data: Path, path: Path, problem: str, **env: str) -> None:
    """`vidgen make path` exits 1 with one last line naming the file and the problem."""
    result = run_vidgen(data, "make", str(path), "--quiet", **env)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and result.stdout.strip() == "", result.stderr[-1500:]
    last = lines[-1]
    assert path.name in last, result.stderr[-1500:]
    # The reason must be said in words, not met by the file's name ("empty" in empty.pdf).
    reason = last.replace(str(path.resolve()), "").replace(str(path), "").replace(path.name, "")
    assert problem.lower() in reason.lower(), f"{last!r} does not say {problem!r} beyond the file's name"


def database_rows(data: Path) -> dict[str, list[tuple]] | None:
    """Every table's rows in the data directory's DuckDB file (None without one): what the
    database holds, whatever DuckDB does to the file's bytes when it opens it."""
    path = data / "vidgen.duckdb"
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in tables}
    finally:
        con.close()
