"""The player page of a paper, read from a real DuckDB file: each chunk with its frame, time,
on-screen text and prompt, and the paper's figures with their captions."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PIL import Image
from starlette.testclient import TestClient

from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.paths import Paths
from vidgen_assets.storage.tables import (
    ChunkRow,
    FigureRow,
    FrameRow,
    ImagePromptRow,
    SourceDocumentRow,
    SummaryRow,
    VideoRow,
)
from vidgen_assets.web.app import Site, create_app


def _png(path: Path, colour: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 36), colour).save(path)
    return path


def test_the_player_shows_the_storyboard_and_the_papers_figures_with_captions(tmp_path):
    paths = Paths(tmp_path / "data")
    art = paths.artifacts("a-paper")
    video = paths.video("a-paper")
    video.parent.mkdir(parents=True)
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")  # the page needs the file to exist, not to play
    figure = _png(art / "figures" / "figure-1.png", "white")
    frames = [_png(art / "frames" / f"{i:04d}.png", c) for i, c in enumerate(["navy", "teal"])]
    Database(paths.database).replace(
        "a-paper",
        {
            SourceDocumentRow: [
                SourceDocumentRow(
                    "/papers/a-paper.pdf", "pdf", "0" * 64, 1000, "A Paper on Extraction", 4, "", "[]", "{}"
                )
            ],
            VideoRow: [
                VideoRow(
                    str(video), 12.5, 1920, 1080, 14, str(video.with_suffix(".srt")), str(video.with_suffix(".vtt")), ""
                )
            ],
            FigureRow: [FigureRow(0, "Figure 1", "Precision against recall.", 3, str(figure))],
            ChunkRow: [
                ChunkRow(0, 0.0, 4.25, "A Paper on Extraction."),
                ChunkRow(1, 4.25, 12.5, "Figure 1 shows precision against recall."),
            ],
            SummaryRow: [SummaryRow(0, "A Paper on Extraction"), SummaryRow(1, "Precision falls as recall rises")],
            ImagePromptRow: [
                ImagePromptRow(0, "a library at dawn", "plain"),
                ImagePromptRow(1, "a balance scale", "plain", figure="Figure 1"),
            ],
            FrameRow: [FrameRow(i, str(f), s, e) for i, (f, s, e) in enumerate(zip(frames, [0.0, 4.25], [4.25, 12.5]))],
        },
    )
    client = TestClient(create_app(Site(paths, tmp_path / "dagster_home")))

    page = client.get("/videos/a-paper")
    assert page.status_code == 200
    html = page.text
    assert "A Paper on Extraction" in html and "paper (PDF)" in html
    assert 'data-start="4.25" data-end="12.5"' in html and "0:04 – 0:12" in html
    assert "Precision falls as recall rises" in html and "a balance scale" in html and "shows Figure 1" in html
    assert '<img src="/files/artifacts/a-paper/frames/0001.png"' in html
    assert "<strong>Figure 1</strong> (page 3): Precision against recall." in html
    assert client.get("/files/artifacts/a-paper/figures/figure-1.png").content == figure.read_bytes()
    assert 'src="/files/videos/a-paper.vtt" srclang="en" label="Subtitles" default' in html
    assert client.get("/videos/no-such-document").status_code == 404
    gallery = client.get("/").text
    assert 'href="/videos/a-paper"' in gallery and "0:12" in gallery


def test_the_gallery_shows_the_newest_video_first(tmp_path):
    """Newest by when the published MP4 was made, whatever the order of the rows or the names."""
    paths = Paths(tmp_path / "data")
    made_at = {"b-middle": 2_000_000_000, "a-oldest": 1_900_000_000, "c-newest": 2_100_000_000}
    db = Database(paths.database)
    for doc_id, when in made_at.items():
        video = paths.video(doc_id)
        video.parent.mkdir(parents=True, exist_ok=True)
        video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
        os.utime(video, (when, when))
        db.replace(doc_id, {VideoRow: [VideoRow(str(video), 10.0, 1920, 1080, 14, "", "", "")]})
    gallery = TestClient(create_app(Site(paths, tmp_path / "dagster_home"))).get("/").text
    assert re.findall(r'data-doc-id="([^"]+)"', gallery) == ["c-newest", "b-middle", "a-oldest"]
