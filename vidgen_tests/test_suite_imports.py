"""The test suite's own shape: test modules share code through vidgen_tests/helpers and
conftest.py fixtures, never by importing one another (an import runs the other module's
top level, duplicates its fixtures per importer and once made a circle through conftest.py)."""

from __future__ import annotations

import ast

from vidgen_tests.helpers.paths import REPO


def _is_test_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def imported_test_modules(source: str, package: str) -> list[str]:
    """Test modules (test_*.py, conftest.py) that `source`, a module of `package`, imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if _is_test_module(a.name)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            if _is_test_module(base):
                found.append(base)
            found += [f"{base}.{a.name}" for a in node.names if _is_test_module(a.name)]
    return found


def test_the_import_check_sees_every_spelling_of_a_test_module_import():
    source = """
import vidgen_tests.test_cues
from vidgen_tests.test_asr import JFK_TEXT
from vidgen_tests import test_ffmpeg
from .conftest import PAPER
from . import test_lineage
def later():
    from vidgen_tests.test_end_to_end import run_vidgen
from vidgen_tests.helpers.cli import run_vidgen
"""
    assert imported_test_modules(source, "vidgen_tests") == [
        "vidgen_tests.test_cues",
        "vidgen_tests.test_asr",
        "vidgen_tests.test_ffmpeg",
        "vidgen_tests.conftest",
        "vidgen_tests.test_lineage",
        "vidgen_tests.test_end_to_end",
    ]


def test_no_test_module_helper_or_benchmark_imports_a_test_module():
    offenders = {}
    for path in sorted([*(REPO / "vidgen_tests").rglob("*.py"), *(REPO / "benchmarks").glob("*.py")]):
        package = ".".join(path.relative_to(REPO).parent.parts)
        if imports := imported_test_modules(path.read_text(), package):
            offenders[str(path.relative_to(REPO))] = imports
    assert offenders == {}, "share helpers through vidgen_tests/helpers or conftest.py fixtures"
