"""Shared fixtures: the real paper and recording from ../shared/fixtures, and a private data dir."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from vidgen_assets.resources import SettingsResource

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
PAPER = FIXTURES / "open-information-extraction.pdf"
RECORDING = FIXTURES / "jfk.flac"
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
MAX_PAGES = SettingsResource().max_pages  # the default page limit


# Modules whose tests run the whole pipeline, a server, a browser or a real model for minutes:
# `make test-fast` (pytest -m "not slow") leaves them out for everyday work; `make test` and CI
# run everything.
SLOW_MODULES = frozenset({
    "test_load", "test_orchestration", "test_end_to_end", "test_versions_end_to_end", "test_concurrency",
    "test_checks", "test_recordings_end_to_end", "test_web_browser", "test_web_serving", "test_web_figures",
    "test_web_runs", "test_cli", "test_lineage", "test_document_runs", "test_bad_inputs", "test_asr",
    "test_captions", "test_ffmpeg", "test_llm", "test_frames", "test_pictures_diffusers", "test_tts",
})


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh VIDGEN_DATA_DIR (and DAGSTER_HOME) so tests never touch the user's data/."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("VIDGEN_DATA_DIR", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    (root / "dagster_home").mkdir()
    return root


@pytest.fixture(scope="session")
def read_paper(tmp_path_factory):
    """read_pdf of a fixture paper, once per test session: reading the five papers is the
    slowest part of the tests of what is built from them."""
    from vidgen_assets.sources.pdf import read_pdf

    documents = {}

    def read(path: Path):
        if path not in documents:
            documents[path] = read_pdf(path, tmp_path_factory.mktemp("figures"), MAX_PAGES)
        return documents[path]

    return read


@pytest.fixture
def paper_copy(tmp_path) -> Path:
    dst = tmp_path / "inputs" / PAPER.name
    dst.parent.mkdir(exist_ok=True)
    shutil.copy(PAPER, dst)
    return dst


def graphql(port: int, query: str) -> dict:
    """Ask the Dagster webserver's GraphQL API, as the UI does."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def _reset_signals() -> None:
    # A child of a script may inherit ignored SIGINT/SIGTERM and then never stop.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(server: subprocess.Popen, timeout_s: float = 30) -> None:
    """Stop a server started with start_new_session=True, and everything it started."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@contextmanager
def dagster_dev(data: Path, timeout_s: float = 240):
    """`dagster dev` (webserver and daemon) on a free loopback port over `data`; yields the port."""
    port = free_port()
    env = {**os.environ, "VIDGEN_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home")}
    (data / "dagster_home").mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster")), "dev", "-w", "workspace.yaml", "-p", str(port), "-h", "127.0.0.1"],
        cwd=Path(__file__).resolve().parents[1], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_reset_signals,
    )
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if graphql(port, "{ version }").get("version"):
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "dagster dev did not come up"
            time.sleep(2)
        yield port
    finally:
        stop_process_group(server)


# Session fixtures of the web tests (one video of the example, `vidgen serve` over it).
from vidgen_tests.web_fixtures import example_video, site  # noqa: E402,F401
