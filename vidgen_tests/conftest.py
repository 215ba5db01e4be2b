"""Shared fixtures: the real paper and recording from ../shared/fixtures, and a private data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
PAPER = FIXTURES / "open-information-extraction.pdf"
RECORDING = FIXTURES / "jfk.flac"
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh VIDGEN_DATA_DIR (and DAGSTER_HOME) so tests never touch the user's data/."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("VIDGEN_DATA_DIR", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    (root / "dagster_home").mkdir()
    return root


@pytest.fixture
def paper_copy(tmp_path) -> Path:
    dst = tmp_path / "inputs" / PAPER.name
    dst.parent.mkdir(exist_ok=True)
    shutil.copy(PAPER, dst)
    return dst
