"""The player page of a paper, read from a real DuckDB file: each chunk with its frame, time,
on-screen text and prompt, and the paper's figures with their captions."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from starlette.testclient import TestClient

from vidgen_assets.config import Paths
from vidgen_assets.storage.duckdb import Database
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
    Database(paths.database).replace_partition("a-paper", {
        "source_documents": [{"path": "/papers/a-paper.pdf", "kind": "pdf", "title": "A Paper on Extraction"}],
        "videos": [{"path": str(video), "duration_s": 12.5, "width": 1920, "height": 1080,
                    "srt_path": str(video.with_suffix(".srt")), "vtt_path": str(video.with_suffix(".vtt"))}],
        "figures": [{"idx": 0, "label": "Figure 1", "caption": "Precision against recall.", "page": 3,
                     "path": str(figure)}],
        "chunks": [{"idx": 0, "start_s": 0.0, "end_s": 4.25, "text": "A Paper on Extraction."},
                   {"idx": 1, "start_s": 4.25, "end_s": 12.5, "text": "Figure 1 shows precision against recall."}],
        "summaries": [{"chunk_idx": 0, "summary": "A Paper on Extraction"},
                      {"chunk_idx": 1, "summary": "Precision falls as recall rises"}],
        "image_prompts": [{"chunk_idx": 0, "prompt": "a library at dawn", "figure": None},
                          {"chunk_idx": 1, "prompt": "a balance scale", "figure": "Figure 1"}],
        "frames": [{"chunk_idx": i, "path": str(f), "start_s": s, "end_s": e}
                   for i, (f, s, e) in enumerate(zip(frames, [0.0, 4.25], [4.25, 12.5]))],
    })
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
