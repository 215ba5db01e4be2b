"""Shared fixtures: the real paper and recording from ../shared/fixtures, and a private data dir."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

# Session fixtures: one video of a short note (test_checks, test_cli); of the web tests, one video
# of the example and `vidgen serve` over it.
from vidgen_tests.helpers.documents import note_video  # noqa: F401
from vidgen_tests.helpers.paths import MAX_PAGES, PAPER, RECORDING
from vidgen_tests.helpers.web import example_video, site  # noqa: F401

# Modules whose tests run the whole pipeline, a server, a browser or a real model for minutes:
# `make test-fast` (pytest -m "not slow") leaves them out for everyday work; `make test` and CI
# run everything.
SLOW_MODULES = frozenset(
    {
        "test_load",
        "test_orchestration",
        "test_end_to_end",
        "test_versions_end_to_end",
        "test_concurrency",
        "test_checks",
        "test_recordings_end_to_end",
        "test_web_browser",
        "test_web_serving",
        "test_web_figures",
        "test_web_runs",
        "test_cli",
        "test_lineage",
        "test_document_runs",
        "test_bad_inputs",
        "test_asr",
        "test_captions",
        "test_ffmpeg",
        "test_llm",
        "test_frames",
        "test_pictures_diffusers",
        "test_tts",
        # Whisper on the real recording (once per session, but a model run all the same).
        "test_cues",
        "test_caption_script",
        "test_subtitle_files",
        # Loopback servers that speak AUTOMATIC1111's and ComfyUI's protocols, timeouts included.
        "test_pictures_automatic1111",
        "test_pictures_comfyui",
    }
)


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


@pytest.fixture(scope="session")
def whisper_cache(tmp_path_factory) -> Path:
    """The faster-whisper model folder, assembled from its packages once per session."""
    return tmp_path_factory.mktemp("whisper-cache")


@pytest.fixture(scope="session")
def jfk_wav(tmp_path_factory) -> Path:
    from vidgen_assets.media.audio import normalize_for_recognition

    return normalize_for_recognition(RECORDING, tmp_path_factory.mktemp("jfk") / "jfk.wav")


@pytest.fixture(scope="session")
def jfk_transcript(whisper_cache, jfk_wav):
    """(Transcript, progress calls) of the JFK recording by the default recognizer, once per
    session: several modules read its segments, and transcribing takes seconds each time."""
    from vidgen_assets.backends.asr import FasterWhisperTranscriber

    calls: list[tuple[float, float]] = []
    transcript = FasterWhisperTranscriber(cache_dir=whisper_cache).transcribe(
        jfk_wav, progress=lambda done, total: calls.append((done, total))
    )
    return transcript, calls


@pytest.fixture(scope="session")
def jfk_segments(jfk_transcript):
    return jfk_transcript[0].segments


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A Stable Diffusion folder with random weights (helpers/diffusion.py), built once."""
    from vidgen_tests.helpers.diffusion import make_tiny_stable_diffusion

    return make_tiny_stable_diffusion(tmp_path_factory.mktemp("tiny-sd"))


@pytest.fixture(scope="session")
def paper_segments():
    """The paper's abstract and introduction as narrated sentences, with plausible word times
    (helpers/narration.py: nothing is synthesized). Headings are segments without a full
    stop, as the narration script has them."""
    import pdfplumber

    from vidgen_tests.helpers.narration import timed_segments

    with pdfplumber.open(PAPER) as pdf:
        page = pdf.pages[0]
        columns = [
            page.crop((0, 0, page.width / 2, page.height)).extract_text(x_tolerance=1),
            page.crop((page.width / 2, 0, page.width, page.height)).extract_text(x_tolerance=1),
        ]
    left = columns[0][columns[0].index("Traditionally") : columns[0].index("IJCA")]
    right = columns[1][columns[1].index("Information Extraction (IE) has traditionally") :]
    text = re.sub(r"-\n(?=[a-z])", "", left + "\n" + right)
    text = text.replace("1 Introduction and Motivation", "\n1 Introduction and Motivation\n")
    sentences = []
    for block in text.split("\n1 Introduction and Motivation\n"):
        sentences += re.split(r"(?<=[.!?])\s+(?=[A-Z“])", " ".join(block.split()))
        sentences.append("1 Introduction and Motivation")
    segments = timed_segments([s for s in sentences[:-1] if s])
    assert len(segments) > 25 and segments[-1].end_s > 150
    return segments
