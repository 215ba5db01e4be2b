"""Where the test inputs are: the real paper and recording in ../shared/fixtures, the examples."""

from __future__ import annotations

from pathlib import Path

from vidgen_assets.resources import SettingsResource

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO.parent / "shared" / "fixtures"
PAPER = FIXTURES / "open-information-extraction.pdf"
RECORDING = FIXTURES / "jfk.flac"
EXAMPLES = REPO / "data" / "examples"
MAX_PAGES = SettingsResource().max_pages  # the default page limit
