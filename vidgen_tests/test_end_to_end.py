"""The real paper all the way to a finished video through `vidgen make`, as a user runs it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from vidgen_tests.helpers.cli import assert_refused, ffprobe, q, run_vidgen, snapshot
from vidgen_tests.helpers.paths import PAPER
from vidgen_tests.helpers.processes import dagster_dev, graphql


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """`vidgen make` on a copy of the fixture paper, in a private data directory."""
    root = tmp_path_factory.mktemp("e2e")
    data, inputs = root / "data", root / "inputs"
    inputs.mkdir()
    paper = inputs / PAPER.name
    shutil.copy(PAPER, paper)
    result = run_vidgen(data, "make", str(paper), "--quiet")
    assert result.returncode == 0, result.stderr[-3000:]
    video = Path(result.stdout.strip().splitlines()[-1])
    return {"data": data, "video": video, "inputs": inputs}


def test_the_last_line_of_stdout_is_the_video_path(made):
    assert made["video"] == made["data"] / "videos" / "open-information-extraction.mp4"
    assert made["video"].is_file()


def test_video_streams_are_h264_aac_with_a_subtitle_track(made):
    info = ffprobe(made["video"])
    by_type = {s["codec_type"]: s for s in info["streams"]}
    assert by_type["video"]["codec_name"] == "h264" and by_type["video"]["pix_fmt"] == "yuv420p"
    assert (by_type["video"]["width"], by_type["video"]["height"]) == (1920, 1080)
    assert by_type["audio"]["codec_name"] == "aac"
    assert by_type["subtitle"]["codec_name"] == "mov_text"


def test_video_and_audio_last_as_long_as_the_narration(made):
    narration = q(made, "SELECT duration_s FROM narration_audio")[0][0]
    assert 150 <= narration <= 330, "the default script targets 3 to 5 minutes"
    for stream in ffprobe(made["video"])["streams"]:
        if stream["codec_type"] in ("video", "audio"):
            assert abs(float(stream["duration"]) - narration) <= 0.1, stream["codec_type"]


def test_subtitle_files_sit_beside_the_video(made):
    srt = made["video"].with_suffix(".srt").read_text()
    vtt = made["video"].with_suffix(".vtt").read_text()
    assert "-->" in srt and vtt.startswith("WEBVTT")
    assert "TextRunner" in srt
    assert made["video"].with_suffix(".jpg").stat().st_size > 5000


def test_source_document_rows_hold_the_paper(made):
    title, kind, text = q(made, "SELECT title, kind, text FROM source_documents")[0]
    assert kind == "pdf" and title == "Open Information Extraction from the Web"
    assert "Traditionally, Information Extraction (IE) has focused on satisfying precise, narrow" in text
    figures = q(made, "SELECT label, path FROM figures")
    assert figures and all(Path(p).is_file() for _, p in figures)


def test_script_is_spoken_style(made):
    sentences = [t for (t,) in q(made, "SELECT text FROM narration_scripts ORDER BY idx")]
    assert sentences[0].startswith("Open Information Extraction from the Web")
    joined = " ".join(sentences)
    assert "[" not in joined and "http" not in joined and "et al." not in joined


def test_segments_and_words_are_timed_in_order(made):
    segs = q(made, "SELECT idx, start_s, end_s, text FROM segments ORDER BY idx")
    script = q(made, "SELECT count(*) FROM narration_scripts")[0][0]
    assert len(segs) == script
    for (_, a0, a1, _), (_, b0, b1, _) in zip(segs, segs[1:]):
        assert a0 < a1 <= b0 < b1
    words = q(made, "SELECT start_s, end_s FROM words ORDER BY idx")
    assert len(words) > 300
    assert all(s <= e for s, e in words) and all(a[0] <= b[0] for a, b in zip(words, words[1:]))


def test_chunks_are_short_beats_ending_at_sentence_ends(made):
    chunks = q(made, "SELECT idx, start_s, end_s, text FROM chunks ORDER BY idx")
    assert len(chunks) >= 15
    assert chunks[0][1] == 0.0
    for (_, _, end, text), nxt in zip(chunks, chunks[1:]):
        assert end == nxt[1]
        assert text.rstrip()[-1] in ".!?\"')"


def test_every_chunk_has_a_summary_a_prompt_and_a_full_hd_frame(made):
    n = q(made, "SELECT count(*) FROM chunks")[0][0]
    summaries = q(made, "SELECT summary FROM summaries")
    prompts = q(made, "SELECT prompt, style FROM image_prompts")
    frames = q(made, "SELECT path FROM frames ORDER BY chunk_idx, part")
    assert len(summaries) == len(prompts) == n
    assert q(made, "SELECT count(DISTINCT chunk_idx) FROM frames")[0][0] == n
    assert all(s.strip() for (s,) in summaries)
    assert len({style for _, style in prompts}) == 1, "one document-wide style"
    for (path,) in frames:
        with Image.open(path) as img:
            assert img.size == (1920, 1080)
            assert img.text.get("prompt")


def test_every_figure_and_table_of_the_paper_is_shown_in_a_frame(made):
    extracted = {label for (label,) in q(made, "SELECT label FROM figures WHERE path IS NOT NULL")}
    shown = {label for (label,) in q(made, "SELECT figure FROM frames WHERE figure IS NOT NULL")}
    assert extracted == {"Figure 1", "Table 1"}
    assert shown == extracted


def test_no_word_on_screen_is_missing_from_the_source(made):
    ((text, title, metadata),) = q(made, "SELECT text, title, metadata FROM source_documents")
    source = re.findall(r"[a-z]+|[0-9]+", f"{title} {text} {metadata}".lower())
    shown = q(made, "SELECT text, text_source FROM frames")
    assert {source for _, source in shown} == {"extractive"}
    words = {w for screen, _ in shown for w in re.findall(r"[a-z]+|[0-9]+", screen.lower())}
    assert len(words) > 200
    assert words - set(source) == set()


def test_no_frame_talks_about_the_paper(made):
    lines = [line for (text,) in q(made, "SELECT text FROM frames") for line in text.splitlines()]
    assert [line for line in lines if re.match(r"(?i)(in )?(this|the|our) (paper|passage|work|article)\b", line)] == []


def test_videos_row_describes_the_file_that_is_published(made):
    path, duration, width, height = q(made, "SELECT path, duration_s, width, height FROM videos")[0]
    assert (width, height) == (1920, 1080) and duration > 100
    # The row names the file in the video's version directory; videos/ holds the same file.
    assert Path(path).parent.parent == made["data"] / "artifacts" / "open-information-extraction" / "videos"
    assert os.path.samefile(path, made["video"])


def test_rematerializing_replaces_rows_instead_of_duplicating_them(made):
    """The paper made again with a one-minute narration: a quarter of the first run's speech to
    synthesize, and fewer sentences and chunks than it left, so a row of the first run that
    survived would show beside the new ones."""
    sentences_before = q(made, "SELECT count(*) FROM narration_scripts")[0][0]
    chunks_before = q(made, "SELECT count(*) FROM chunks")[0][0]
    result = run_vidgen(made["data"], "make", str(made["inputs"] / PAPER.name), "--quiet", VIDGEN_TARGET_SECONDS="60")
    assert result.returncode == 0, result.stderr[-2000:]
    assert q(made, "SELECT count(*) FROM narration_scripts")[0][0] < sentences_before
    chunks = [i for (i,) in q(made, "SELECT idx FROM chunks ORDER BY idx")]
    assert len(chunks) < chunks_before
    assert chunks == list(range(len(chunks)))
    for table in ("summaries", "image_prompts"):
        assert [i for (i,) in q(made, f"SELECT chunk_idx FROM {table} ORDER BY chunk_idx")] == chunks, table
    # Fewer chunks for the same figures: a chunk may now show two (its frame's part 1).
    frames = q(made, "SELECT chunk_idx, part FROM frames")
    assert len(set(frames)) == len(frames) and sorted({i for i, _ in frames}) == chunks
    assert q(made, "SELECT count(*) FROM narration_scripts")[0][0] == q(made, "SELECT count(*) FROM segments")[0][0]
    for table in ("source_documents", "narration_audio", "transcripts", "videos"):
        assert q(made, f"SELECT count(*) FROM {table}")[0][0] == 1, table
    versions = list((made["data"] / "artifacts" / "open-information-extraction" / "frames").iterdir())
    assert len(versions) == 1, "the earlier run's frames must not linger"
    assert sorted(versions[0].glob("*.png")) == sorted(Path(p) for (p,) in q(made, "SELECT path FROM frames"))


def _bad_inputs(folder: Path) -> list[tuple[Path, str]]:
    from PIL import Image as PILImage

    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    scanned = folder / "scanned.pdf"
    PILImage.new("RGB", (600, 800), "white").save(scanned, "PDF")
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(PAPER.read_bytes()[:3000])
    odd = folder / "notes.docx"
    odd.write_bytes(b"PK\x03\x04 not really")
    return [(empty, "is empty"), (scanned, "has no text layer"), (corrupt, "not a readable PDF"), (odd, "unsupported")]


def test_bad_input_fails_with_one_line_naming_the_file_and_touches_nothing(made, tmp_path):
    before = snapshot(made["data"])
    for path, problem in _bad_inputs(tmp_path):
        assert_refused(made["data"], path, problem)
    assert snapshot(made["data"]) == before


def test_a_pdf_over_the_page_limit_is_refused(made):
    before = snapshot(made["data"])
    assert_refused(made["data"], made["inputs"] / PAPER.name, "limit", VIDGEN_MAX_PAGES="3")
    assert snapshot(made["data"]) == before


def test_dagster_dev_shows_the_partition_and_materializations_the_cli_made(made):
    with dagster_dev(made["data"]) as port:
        node = graphql(
            port, '{ assetNodeOrError(assetKey: {path: ["videos"]}) { ... on AssetNode { partitionKeys } } }'
        )["assetNodeOrError"]
        assert "open-information-extraction" in node["partitionKeys"]
        asset = graphql(
            port,
            '{ assetOrError(assetKey: {path: ["videos"]}) '
            "{ ... on Asset { assetMaterializations(limit: 5) { partition } } } }",
        )["assetOrError"]
        assert {"partition": "open-information-extraction"} in asset["assetMaterializations"]
