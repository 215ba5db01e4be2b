"""Session fixtures for the web tests (conftest.py imports them): one video made from the example document, and
`vidgen serve` running over it on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from vidgen_tests.helpers.cli import run_vidgen
from vidgen_tests.helpers.paths import EXAMPLES
from vidgen_tests.helpers.processes import free_port, reset_signals, stop_process_group

EXAMPLE = EXAMPLES / "how-vidgen-works.md"
# Small, so the oversized-upload test sends little; documents under it still fit.
UPLOAD_LIMIT_MB = 1


@pytest.fixture(scope="session")
def example_video(tmp_path_factory) -> dict:
    """`vidgen make` on the example document, in a private data directory. A one-minute
    narration (a third of the whole) is enough to play, seek and caption, at a third of the cost."""
    data = tmp_path_factory.mktemp("web") / "data"
    # Reads the example, writes only under `data`.
    result = run_vidgen(data, "make", str(EXAMPLE), "--quiet", VIDGEN_TARGET_SECONDS="60")
    assert result.returncode == 0, result.stderr[-3000:]
    video = Path(result.stdout.strip().splitlines()[-1])
    return {"data": data, "video": video, "doc_id": video.stem}


@pytest.fixture(scope="session")
def site(example_video) -> dict:
    """`vidgen serve` over the example's data directory; yields its base URL."""
    port = free_port()
    data = example_video["data"]
    env = {**os.environ, "VIDGEN_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home")}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("vidgen")),
            "serve",
            "--port",
            str(port),
            "--max-upload-mb",
            str(UPLOAD_LIMIT_MB),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=reset_signals,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=10).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-3000:]
                assert time.monotonic() < deadline, "vidgen serve did not come up"
                time.sleep(0.3)
        yield {**example_video, "url": url}
    finally:
        stop_process_group(server)
