"""Small documents the tests write where they need a source that is quick to narrate, and the
one video of such a note that several modules share."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidgen_tests.helpers.cli import run_vidgen

NOTE = """# Rock pools at low tide

When the sea goes out, water stays behind in hollows of the rock. These rock pools are home to
crabs, anemones and small fish that must survive heat and salt until the tide returns.

Shore crabs hide under weed during the day. They come out to feed when the water covers them again.
"""


@pytest.fixture(scope="session")
def note_video(tmp_path_factory) -> dict:
    """`vidgen make --burn-in plain` on NOTE in a private data directory, once per session
    (conftest.py imports it): test_checks breaks its outputs and puts them back, test_cli runs
    it again with a backend down. Its captions are drawn into the picture for test_checks."""
    root = tmp_path_factory.mktemp("note")
    note = root / "rock-pools.md"
    note.write_text(NOTE)
    data = root / "data"
    result = run_vidgen(data, "make", str(note), "--quiet", "--burn-in", "plain")
    assert result.returncode == 0, result.stderr[-3000:]
    video = Path(result.stdout.strip().splitlines()[-1])
    return {"data": data, "note": note, "video": video, "doc_id": video.stem, "root": root}
