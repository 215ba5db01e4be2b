"""What `vidgen serve` sends and accepts over real HTTP: byte ranges of the MP4 for seeking,
only files under videos/ and artifacts/, and uploads that are refused with a message and
leave nothing behind when they are bad."""

from __future__ import annotations

import http.client
import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from vidgen_assets.web.uploads import UploadRejected, safe_name, save_upload
from vidgen_tests.helpers.cli import q
from vidgen_tests.helpers.web import UPLOAD_LIMIT_MB

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and mtime: what a request must not change."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def raw_get(url: str, path: str) -> int:
    """Status of GET `path` sent exactly as written (no client-side cleaning of '..')."""
    parts = urlsplit(url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        con.request("GET", path)
        return con.getresponse().status
    finally:
        con.close()


def test_a_byte_range_of_the_mp4_is_answered_with_206_and_exactly_those_bytes(site):
    url = f"{site['url']}/files/videos/{site['video'].name}"
    body = site["video"].read_bytes()
    start, end = 1000, 54321
    response = requests.get(url, headers={"Range": f"bytes={start}-{end}"}, timeout=30)
    assert response.status_code == 206
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{len(body)}"
    assert response.content == body[start : end + 1]
    tail = requests.get(url, headers={"Range": "bytes=-100"}, timeout=30)
    assert tail.status_code == 206 and tail.content == body[-100:]
    whole = requests.get(url, timeout=30)
    assert whole.status_code == 200 and whole.headers["Content-Type"] == "video/mp4"
    assert whole.headers["Accept-Ranges"] == "bytes" and len(whole.content) == len(body)


def test_subtitles_are_served_as_webvtt_and_downloads_as_attachments(site):
    vtt = requests.get(f"{site['url']}/files/videos/{site['doc_id']}.vtt", timeout=30)
    assert vtt.status_code == 200 and vtt.headers["Content-Type"].startswith("text/vtt")
    assert vtt.text.startswith("WEBVTT")
    srt = requests.get(f"{site['url']}/files/videos/{site['doc_id']}.srt?download=1", timeout=30)
    assert srt.status_code == 200
    assert srt.headers["Content-Disposition"].startswith("attachment")
    assert f"{site['doc_id']}.srt" in srt.headers["Content-Disposition"]


def test_the_player_offers_the_mp4_and_the_webvtt_as_downloads_of_the_published_files(site):
    page = requests.get(f"{site['url']}/videos/{site['doc_id']}", timeout=30).text
    links = dict((label, href) for href, label in re.findall(r'<a href="([^"]+)" download>([A-Z0-9]+)</a>', page))
    for label, published in [("MP4", site["video"]), ("VTT", site["video"].with_suffix(".vtt"))]:
        response = requests.get(site["url"] + links[label], timeout=30)
        assert response.status_code == 200, label
        assert response.headers["Content-Disposition"].startswith("attachment"), label
        assert f'filename="{published.name}"' in response.headers["Content-Disposition"], label
        assert response.content == published.read_bytes(), label


@pytest.mark.parametrize(
    "path",
    [
        "/files/vidgen.duckdb",  # the data directory itself
        "/files/videos/../vidgen.duckdb",  # climbing out of videos/
        "/files/videos/%2e%2e/vidgen.duckdb",  # the same, percent-encoded
        "/files/videos/..%2fvidgen.duckdb",
        "/files/artifacts/../../../etc/passwd",
        "/files/videos/",  # no directory listings
        "/files/artifacts",
        "/files/inbox/",
        "/files/dagster_home/dagster.yaml",
        "/files/videos/%00.mp4",
    ],
)
def test_only_files_under_videos_and_artifacts_are_served(site, path):
    assert raw_get(site["url"], path) == 404


def test_hidden_files_are_not_served(site):
    partial = site["video"].with_name(f".{site['doc_id']}.part.mp4")  # what atomic_path writes first
    partial.write_bytes(b"half a video")
    try:
        assert raw_get(site["url"], f"/files/videos/{partial.name}") == 404
    finally:
        partial.unlink()


def test_a_frame_under_artifacts_is_served(site):
    frame = Path(q(site, "SELECT path FROM frames ORDER BY chunk_idx")[0][0])  # in the frames' version directory
    response = requests.get(f"{site['url']}/files/{frame.relative_to(site['data'])}", timeout=30)
    assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n"


def _post(site, name: str | None, content: bytes | None, filename_field: bool = True) -> requests.Response:
    files = {"file": (name, io.BytesIO(content), "application/octet-stream")} if name is not None else None
    return requests.post(
        f"{site['url']}/upload",
        files=files,
        data={"note": "x"} if files is None else None,
        timeout=60,
        allow_redirects=False,
    )


@pytest.mark.parametrize(
    "name, content, status, message",
    [
        ("big.txt", b"word " * (UPLOAD_LIMIT_MB * 250_000), 413, "larger than the limit"),
        ("paper.pdf", b"<html><script>alert(1)</script></html>", 400, "content does not match"),
        ("notes.md", b"\x89PNG\r\n\x1a\n\x00\x00binary", 400, "content does not match"),
        ("run.sh", b"#!/bin/sh\nrm -rf /\n", 400, "not accepted"),
        ("../escape.md", b"# up\n\nOne sentence.\n", 400, "must not contain a path"),
        ("..\\escape.md", b"# up\n\nOne sentence.\n", 400, "must not contain a path"),
        ("/etc/cron.d/x.md", b"# abs\n\nOne sentence.\n", 400, "must not contain a path"),
        (".hidden.md", b"# hidden\n\nOne sentence.\n", 400, "hidden"),
        ("empty.md", b"", 400, "is empty"),
        (None, None, 400, "no file was chosen"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_written(site, name, content, status, message):
    root = site["data"].parent
    before = tree(root)
    response = _post(site, name, content)
    assert response.status_code == status
    assert message in response.text and "Not uploaded" in response.text
    assert tree(root) == before, "a refused upload must leave every file as it was"


def test_an_upload_never_replaces_another_and_lands_only_in_the_inbox(site):
    inbox = site["data"] / "inbox"
    first = _post(site, "same name.md", b"# One\n\nThe first upload has this sentence.\n")
    second = _post(site, "same name.md", b"# Two\n\nThe second upload has another sentence.\n")
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == "/upload?added=same%20name.md"
    assert second.headers["location"] == "/upload?added=same%20name-2.md"
    assert (inbox / "same name.md").read_bytes().startswith(b"# One")
    assert (inbox / "same name-2.md").read_bytes().startswith(b"# Two")
    assert not [p for p in inbox.iterdir() if p.name.startswith(".upload-")], "no partial file is left"
    page = requests.get(f"{site['url']}{second.headers['location']}", timeout=30).text
    assert "same name-2.md" in page and "queued" in page


@pytest.mark.parametrize(
    "name, stored",
    [
        ("Résumé of a talk.MP3", "Résumé of a talk.mp3"),
        ("a;b|c$(x).pdf", "a-b-c-x.pdf"),
        ("report.tar.md", "report.tar.md"),
    ],
)
def test_unusual_characters_are_replaced_but_the_name_stays_recognisable(name, stored):
    assert safe_name(name) == stored


def test_an_oversized_stream_is_cut_off_and_leaves_no_partial_file(tmp_path):
    inbox = tmp_path / "inbox"
    with pytest.raises(UploadRejected, match="larger than the limit") as refused:
        save_upload(io.BytesIO(b"a" * 5000), "long.txt", inbox, max_bytes=4096)
    assert refused.value.status == 413
    assert os.listdir(inbox) == []
    saved = save_upload(io.BytesIO(PDF_BYTES), "paper.pdf", inbox, max_bytes=4096)
    assert saved == inbox / "paper.pdf" and saved.read_bytes() == PDF_BYTES


def test_an_upload_the_inbox_would_refuse_is_refused_at_once_and_utf16_text_is_taken(tmp_path):
    inbox = tmp_path / "inbox"
    with pytest.raises(UploadRejected) as refused:
        save_upload(io.BytesIO(b"# Links\n\nhttps://example.org\n"), "links.md", inbox, max_bytes=4096)
    assert (
        str(refused.value)
        == "'links.md' has no sentence to narrate (only headings, code, links or numbers); add some prose"
    )
    with pytest.raises(UploadRejected, match=r"'cut.pdf' is not a whole PDF \(no %%EOF marker at its end\)"):
        save_upload(io.BytesIO(PDF_BYTES[:-7]), "cut.pdf", inbox, max_bytes=4096)
    assert os.listdir(inbox) == []
    note = "# Notes\n\nThese notes were saved by an editor as UTF-16.\n".encode("utf-16")
    assert save_upload(io.BytesIO(note), "notes.md", inbox, max_bytes=4096).read_bytes() == note
