"""Reading any dropped file (vidgen_assets/sources/read.py): its kind, the refusal of bad input,
and recordings checked but not read as documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from vidgen_assets.errors import InputError
from vidgen_assets.sources.kinds import AUDIO_EXTENSIONS, SUPPORTED_EXTENSIONS, detect_kind
from vidgen_assets.sources.read import read_document, read_source
from vidgen_tests.helpers.paths import MAX_PAGES, PAPER, RECORDING


@pytest.mark.parametrize(
    "name, kind",
    [
        ("a.pdf", "pdf"),
        ("a.PDF", "pdf"),
        ("a.md", "md"),
        ("a.markdown", "md"),
        ("a.txt", "txt"),
        ("a.wav", "audio"),
        ("a.flac", "audio"),
        ("a.opus", "audio"),
        ("a.mp4", "video"),
        ("a.MOV", "video"),
        ("a.png", "image"),
        ("a.jpeg", "image"),
        ("a.webp", "image"),
        ("idea.prompt", "prompt"),
    ],
)
def test_kind_is_decided_by_extension(tmp_path, name, kind):
    path = tmp_path / name
    path.write_bytes(b"x")
    assert detect_kind(path) == kind


def test_extension_sets_carry_the_dot_like_path_suffix():
    assert ".flac" in AUDIO_EXTENSIONS and ".prompt" in SUPPORTED_EXTENSIONS


def test_unsupported_extension_is_refused_with_the_supported_list(tmp_path):
    path = tmp_path / "notes.xyz"
    path.write_text("hello")
    with pytest.raises(InputError) as caught:
        detect_kind(path)
    message = str(caught.value)
    assert str(path) in message and "'.xyz'" in message and ".pdf" in message and ".md" in message


def _empty_pdf(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _scanned_pdf(path: Path) -> Path:
    Image.new("RGB", (600, 800), "white").save(path, "PDF")
    return path


def _garbage_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n" + b"\x8f not really a PDF at all \n" * 50)
    return path


def _truncated_pdf(path: Path) -> Path:
    path.write_bytes(PAPER.read_bytes()[:20_000])
    return path


def _long_pdf(path: Path) -> Path:
    shutil.copy(PAPER, path)
    return path


def _unsupported(path: Path) -> Path:
    path = path.with_suffix(".xyz")
    path.write_text("some text")
    return path


@pytest.mark.parametrize(
    "make, max_pages, problem",
    [
        (_empty_pdf, 60, "file is empty"),
        (_scanned_pdf, 60, "has no text layer (scanned?)"),
        (_garbage_pdf, 60, "not a readable PDF"),
        (_truncated_pdf, 60, "not a readable PDF"),
        (_long_pdf, 3, "has 7 pages; the limit is 3 (set VIDGEN_MAX_PAGES)"),
        (_unsupported, 60, "unsupported file type '.xyz'"),
    ],
    ids=["empty", "no-text-layer", "garbage", "truncated", "too-many-pages", "unsupported"],
)
def test_bad_input_raises_input_error_naming_the_file_and_writes_nothing(tmp_path, make, max_pages, problem):
    path = make(tmp_path / "paper.pdf")
    figures = tmp_path / "figures"
    with pytest.raises(InputError) as caught:
        read_document(path, figures, max_pages=max_pages)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "\n" not in message
    assert not figures.exists() or not any(figures.iterdir())


def test_recordings_are_not_read_as_documents(tmp_path):
    with pytest.raises(InputError, match="recording pipeline"):
        read_document(RECORDING, tmp_path / "figures", MAX_PAGES)


def test_recording_is_checked_and_titled_after_its_file_name(tmp_path):
    path = tmp_path / f"inaugural_address-1961{RECORDING.suffix}"
    shutil.copy(RECORDING, path)
    doc = read_source(path, tmp_path / "figures", max_pages=60, max_recording_seconds=600)
    assert doc.kind == "audio" and doc.title == "Inaugural address 1961"
    assert doc.sections == () and 10 < doc.metadata["duration_s"] < 12
    assert not (tmp_path / "figures").exists()


def test_recording_longer_than_the_limit_is_refused_naming_the_file(tmp_path):
    with pytest.raises(InputError) as caught:
        read_source(RECORDING, tmp_path / "figures", max_pages=60, max_recording_seconds=5)
    assert str(caught.value).startswith(f"{RECORDING}: is 0.2 minutes long; the limit is 0.1 minutes")


def test_paper_is_read_within_the_page_limit(tmp_path):
    with pytest.raises(InputError, match="has 7 pages; the limit is 6"):
        read_source(PAPER, tmp_path / "figures", max_pages=6, max_recording_seconds=600)
