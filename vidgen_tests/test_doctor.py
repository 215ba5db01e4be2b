"""Doctor's report as rows, and its two readers: `vidgen doctor` prints them, the health page
shows them as tables. Neither reader parses the other's text."""

from __future__ import annotations

import html
import re
import socket

from starlette.testclient import TestClient

from vidgen_assets.cli import main
from vidgen_assets.doctor import report
from vidgen_assets.storage.paths import Paths
from vidgen_assets.web.app import Site, create_app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ollama_down(monkeypatch) -> str:
    host = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("VIDGEN_LLM", "ollama")
    monkeypatch.setenv("OLLAMA_HOST", host)
    return host


def test_report_rows_name_the_configured_backend_that_cannot_run(data_dir, monkeypatch):
    host = _ollama_down(monkeypatch)
    found = report()
    assert not found.ok
    failing = [row for row in found.backends if row.mark == "FAIL"]
    assert [(r.step, r.backend, r.configured) for r in failing] == [("text", "ollama", True)]
    assert f"no server at {host}" in failing[0].problem
    embedded = next(r for r in found.backends if r.backend == "embedded")
    assert not embedded.configured and embedded.problem is None and embedded.mark == "ok"
    settings = {s.variable: s for s in found.settings}
    assert settings["VIDGEN_LLM"].value == "ollama" and not settings["VIDGEN_LLM"].default
    assert settings["VIDGEN_DATA_DIR"].value == str(data_dir) and not settings["VIDGEN_DATA_DIR"].default
    assert settings["VIDGEN_CHUNK_SECONDS"].default


def test_vidgen_doctor_prints_one_line_per_row_and_fails_on_a_configured_problem(data_dir, monkeypatch, capsys):
    host = _ollama_down(monkeypatch)
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    found = report()
    backend_lines = lines[lines.index("backends:") + 1 :]
    assert len(backend_lines) == len(found.backends)
    for line, row in zip(backend_lines, found.backends):
        assert line.split()[:3] == [row.mark, row.step, row.backend] and line.endswith(row.note)
    (fail,) = [line for line in backend_lines if line.split()[0] == "FAIL"]
    assert "(configured)" in fail and host in fail
    assert any(line.split()[:2] == ["VIDGEN_LLM", "ollama"] and "(default)" not in line for line in lines)


def _table(page: str, table_id: str) -> list[list[str]]:
    """The cells of each row of the table `table_id`, as text, header row left out."""
    body = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


def test_the_health_page_shows_every_row_of_the_report(data_dir, monkeypatch):
    host = _ollama_down(monkeypatch)
    # A value wider than doctor's printed column: the page must show it whole.
    long_dir = data_dir / ("a-media-folder-with-a-name-longer-than-the-printed-column-" * 2)
    long_dir.mkdir()
    monkeypatch.setenv("VIDGEN_PICTURES_MEDIA_DIR", str(long_dir))
    paths = Paths(data_dir)
    client = TestClient(create_app(Site(paths, data_dir / "dagster_home")))
    page = client.get("/health")
    assert page.status_code == 200
    assert "A configured backend cannot run here" in page.text
    found = report()
    assert _table(page.text, "backends") == [
        [r.mark, r.step, r.backend, "yes" if r.configured else "", r.note] for r in found.backends
    ]
    assert any(host in row[4] and row[0] == "FAIL" for row in _table(page.text, "backends"))
    settings = _table(page.text, "settings")
    assert settings == [[s.variable, s.value, "default" if s.default else ""] for s in found.settings]
    assert ["VIDGEN_PICTURES_MEDIA_DIR", str(long_dir), ""] in settings
