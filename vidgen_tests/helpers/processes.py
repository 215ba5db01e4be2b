"""Servers the tests start as a user would (`dagster dev`, `vidgen serve`), and how to stop them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from vidgen_tests.helpers.paths import REPO


def graphql(port: int, query: str) -> dict:
    """Ask the Dagster webserver's GraphQL API, as the UI does."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def reset_signals() -> None:
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
        [
            str(Path(sys.executable).with_name("dagster")),
            "dev",
            "-w",
            "workspace.yaml",
            "-p",
            str(port),
            "-h",
            "127.0.0.1",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=reset_signals,
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
