"""The command line as a user meets it: doctor's report, and a configured backend that is
unavailable failing the run with a message instead of being replaced."""

import hashlib
import socket
from pathlib import Path

from vidgen_tests.helpers.cli import run_vidgen


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_doctor_lists_every_backend_and_passes_with_the_embedded_defaults(data_dir):
    result = run_vidgen(data_dir, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for step, backend in [
        ("assembly", "ffmpeg"),
        ("speech", "piper"),
        ("speech", "espeak"),
        ("transcription", "faster-whisper"),
        ("transcription", "whisper-timestamped"),
        ("text", "embedded"),
        ("text", "ollama"),
        ("frames", "builtin"),
    ]:
        assert any(line.split()[1:3] == [step, backend] for line in lines), (step, backend)
    configured = [line for line in lines if "(configured)" in line]
    assert configured and all(line.split()[0] == "ok" for line in configured)
    # The configuration in force is printed too, with where each value comes from.
    assert any(line.split()[:2] == ["VIDGEN_LLM", "embedded"] for line in lines)


def test_doctor_fails_when_the_configured_backend_cannot_run(data_dir):
    host = f"http://127.0.0.1:{_closed_port()}"
    result = run_vidgen(data_dir, "doctor", VIDGEN_LLM="ollama", OLLAMA_HOST=host)
    assert result.returncode == 1
    failing = [line for line in result.stdout.splitlines() if line.split()[:1] == ["FAIL"]]
    assert len(failing) == 1 and "ollama" in failing[0] and host in failing[0]


def _every_file(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_an_unreachable_ollama_fails_the_run_before_it_changes_anything(note_video):
    """The issue's example: make a video (the session's short note), edit the source, run again
    with Ollama down. The backends a run needs are checked before it starts, so data/ stays
    exactly as it was: every file, byte for byte (the DuckDB file and the Dagster instance
    included), and the earlier video is never replaced by one made with another backend."""
    data, doc = note_video["data"], note_video["note"]
    written = doc.read_text()
    before = _every_file(data)
    assert f"videos/{note_video['doc_id']}.mp4" in before
    host = f"http://127.0.0.1:{_closed_port()}"
    try:
        doc.write_text(written + "\nThis note was edited. Its narration would change.\n")
        result = run_vidgen(data, "make", str(doc), "--quiet", VIDGEN_LLM="ollama", OLLAMA_HOST=host)
    finally:
        doc.write_text(written)  # the note is shared with test_checks
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "ollama" in last and host in last and "ollama serve" in last
    assert _every_file(data) == before
