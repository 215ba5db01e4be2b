"""The lineage the UI draws is the lineage the code has: each asset declares as deps exactly the
assets whose tables or files it reads, watched while the real pipeline runs one asset at a time."""

import sys
from pathlib import Path

from dagster import DagsterInstance, materialize

from vidgen_assets.definitions import PARTITIONED_ASSETS, defs
from vidgen_assets.partitions import documents
from vidgen_assets.resources import build_resources
from vidgen_assets.storage.catalog import register
from vidgen_assets.storage.tables import TABLE_OWNERS
from vidgen_tests.helpers.documents import NOTE
from vidgen_tests.helpers.paths import RECORDING

_watching: list | None = None


def _audit(event: str, args: tuple) -> None:
    if _watching is None:
        return
    if event == "vidgen.storage.read":
        _watching.append(("table", args[0]))
    elif event == "open" and isinstance(args[0], (str, Path)) and (args[1] in (None, "r", "rb")):
        _watching.append(("file", str(Path(args[0]).resolve())))
    elif event == "subprocess.Popen":  # ffmpeg and ffprobe read our files in a child process
        _watching.extend(
            ("file", str(Path(a).resolve())) for a in args[1] if isinstance(a, (str, Path)) and "/" in str(a)
        )


_hooked = False


def _watch() -> None:
    """Install the audit hook on first use (it cannot be removed): importing this module for
    collection must not slow every later test's file opens."""
    global _hooked, _watching
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    _watching = []


def _files(root: Path) -> dict[str, int]:
    return {str(p.resolve()): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def _observed_deps(data_dir: Path, source: Path) -> dict[str, set[str]]:
    """Run each asset alone, in graph order; return the assets whose tables or files it read."""
    global _watching
    resources = build_resources()
    instance = DagsterInstance.ephemeral()
    doc_id = register(resources["storage"].database(), source)
    instance.add_dynamic_partitions(documents.name, [doc_id])
    owner_of_file: dict[str, str] = {}
    observed = {}
    for asset in PARTITIONED_ASSETS:
        name = asset.key.to_user_string()
        before = _files(data_dir)
        _watch()
        try:
            materialize([asset], partition_key=doc_id, resources=resources, instance=instance)
            seen, _watching = _watching, None
        finally:
            _watching = None
        for path, mtime in _files(data_dir).items():
            if before.get(path) != mtime and not path.endswith(".duckdb") and "/cache/" not in path:
                owner_of_file.setdefault(path, name)
        owners = {TABLE_OWNERS.get(what) for kind, what in seen if kind == "table"}
        owners |= {owner_of_file.get(what) for kind, what in seen if kind == "file"}
        observed[name] = owners - {None, "", name}
    return observed


def test_every_asset_declares_exactly_what_it_reads(data_dir, tmp_path):
    note = tmp_path / "rock-pools.md"
    note.write_text(NOTE)
    # A document and a recording take different branches (script vs. recognition).
    runs = [_observed_deps(data_dir, note), _observed_deps(data_dir, RECORDING)]
    graph = defs.resolve_asset_graph()
    for asset in PARTITIONED_ASSETS:
        name = asset.key.to_user_string()
        declared = {k.to_user_string() for k in graph.get(asset.key).parent_keys}
        for observed in runs:
            assert observed[name] <= declared, f"{name} reads {sorted(observed[name] - declared)} undeclared"
        read_ever = set.union(*(observed[name] for observed in runs))
        assert read_ever == declared, f"{name} declares {sorted(declared - read_ever)} but never reads it"
