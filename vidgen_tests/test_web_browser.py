"""The pages in real headless Chromium (Debian's package, driven by Playwright): the gallery
lists the example's video, its player loads, plays, seeks and shows subtitles, the storyboard
seeks the video, and an upload appears as queued. Screenshots are kept for a person to look at."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat
from playwright.sync_api import Page, sync_playwright

from vidgen_assets.doctor import report
from vidgen_tests.helpers.cli import ffprobe_entries, q

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make install`")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory, pytestconfig) -> Path:
    folder = tmp_path_factory.mktemp("web-screenshots")
    yield folder
    with pytestconfig.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(f"\nweb screenshots: {folder}")


@pytest.fixture(scope="module")
def page(site):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        yield context.new_page()
        browser.close()


def ffprobe_duration(path: Path) -> float:
    return float(ffprobe_entries(path, "format=duration")[0])


def open_player(page: Page, site) -> None:
    page.goto(f"{site['url']}/")
    page.click(f"a[data-doc-id='{site['doc_id']}']")
    page.wait_for_url(f"**/videos/{site['doc_id']}")
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=30_000)


def test_the_gallery_lists_the_made_video_with_its_title_and_length(page, site, screenshots):
    page.goto(f"{site['url']}/")
    card = page.locator(f"a[data-doc-id='{site['doc_id']}']")
    assert card.locator("h3").inner_text() == q(site, "SELECT title FROM source_documents")[0][0]
    length = ffprobe_duration(site["video"])
    assert card.locator(".length").inner_text() == f"{int(length) // 60}:{int(length) % 60:02d}"
    card.locator("img").evaluate("img => img.decode()")  # rejects when the thumbnail cannot be loaded
    page.screenshot(path=screenshots / "gallery.png")


def test_the_player_loads_the_video_with_the_length_ffprobe_measures_and_subtitle_cues(page, site, screenshots):
    open_player(page, site)
    state = page.evaluate("""() => new Promise(resolve => {
        const v = document.getElementById('player');
        const track = v.textTracks[0];
        const done = () => resolve({ready: v.readyState, duration: v.duration, mode: track.mode,
                                    cues: track.cues ? track.cues.length : 0, error: v.error && v.error.message});
        if (track.cues && track.cues.length) return done();
        v.querySelector('track').addEventListener('load', done);
        setTimeout(done, 20000);
    })""")
    assert state["error"] is None
    assert state["ready"] >= 1
    assert abs(state["duration"] - ffprobe_duration(site["video"])) <= 0.1, state
    assert state["mode"] == "showing" and state["cues"] > 0, state
    page.screenshot(path=screenshots / "player.png")


def test_the_video_plays_in_chromium(page, site):
    open_player(page, site)
    page.evaluate("""async () => { const v = document.getElementById('player'); v.muted = true; await v.play(); }""")
    # However slowly this machine decodes, the playhead must move on by itself.
    page.wait_for_function("document.getElementById('player').currentTime > 0.5", timeout=60_000)
    played = page.evaluate("""() => { const v = document.getElementById('player'); v.pause();
        return {time: v.currentTime, ready: v.readyState, error: v.error && v.error.message}; }""")
    assert played["error"] is None and played["time"] > 0.5, played


def shown_picture(page: Page) -> Image.Image:
    """What the video element shows now, drawn at 320x180."""
    url = page.evaluate("""() => { const v = document.getElementById('player'), c = document.createElement('canvas');
        c.width = 320; c.height = 180; c.getContext('2d').drawImage(v, 0, 0, 320, 180); return c.toDataURL(); }""")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")


def distance(a: Image.Image, frame: Path) -> float:
    b = Image.open(frame).convert("RGB").resize(a.size)
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_clicking_a_chunk_seeks_the_video_there_and_shows_its_frame(page, site, screenshots):
    open_player(page, site)
    beats = page.locator(".beat")
    count = beats.count()
    assert count >= 3
    frames = [Path(p) for (p,) in q(site, "SELECT path FROM frames ORDER BY chunk_idx")]
    assert len(frames) == count
    for n in (1, count // 2, count - 1):  # the last chunk's picture is held to the end
        beat = beats.nth(n)
        start = float(beat.get_attribute("data-start"))
        page.evaluate("""() => { window.seeked = false; document.getElementById('player')
            .addEventListener('seeked', () => window.seeked = true, {once: true}); }""")
        beat.click()
        page.wait_for_function("window.seeked === true", timeout=20_000)
        now = page.evaluate(
            "() => ({time: document.getElementById('player').currentTime, "
            "ready: document.getElementById('player').readyState})"
        )
        assert abs(now["time"] - start) < 0.002, (n, now, start)
        assert now["ready"] >= 2, "the picture at the new position is decoded"
        assert "active" in beat.get_attribute("class")
        picture = shown_picture(page)
        nearest = min(range(count), key=lambda i: distance(picture, frames[i]))
        assert nearest == n, f"chunk {n} clicked, the video shows chunk {nearest}'s frame"
    page.screenshot(path=screenshots / "player-after-seek.png")


def upload(page: Page, site, path: Path) -> None:
    page.goto(f"{site['url']}/upload")
    page.set_input_files("input[type=file]", str(path))
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_an_uploaded_text_document_is_listed_as_queued(page, site, screenshots, tmp_path):
    doc = tmp_path / "a short note.md"
    doc.write_text("# A short note\n\nThis note was uploaded from the browser. It has two sentences.\n")
    upload(page, site, doc)
    assert "/upload?added=" in page.url
    row = page.locator("tr[data-name='a short note.md']")
    assert row.get_attribute("data-state") == "queued"
    assert "queued" in row.inner_text()
    assert (site["data"] / "inbox" / "a short note.md").read_text() == doc.read_text()
    page.screenshot(path=screenshots / "upload.png", full_page=True)


def test_a_bad_upload_shows_its_message_on_the_page(page, site, screenshots, tmp_path):
    fake = tmp_path / "paper.pdf"
    fake.write_text("this is not a PDF")
    upload(page, site, fake)
    alert = page.locator("[role=alert]")
    assert "content does not match" in alert.inner_text()
    page.screenshot(path=screenshots / "upload-refused.png")


def test_the_health_page_shows_doctors_backends(page, site, screenshots):
    # Leave the upload page first: while an upload is queued it reloads itself every 5 s, which
    # aborts a navigation to /health (doctor's checks take seconds on a busy machine).
    page.goto("about:blank")
    page.goto(f"{site['url']}/health")
    rows = page.locator("#backends tr").all_inner_texts()[1:]
    assert any("assembly" in r and "ffmpeg" in r and r.startswith("ok") for r in rows), rows
    assert len(rows) == len(report().backends)
    settings = page.locator("#settings").inner_text()
    assert "VIDGEN_DATA_DIR" in settings and str(site["data"]) in settings
    page.screenshot(path=screenshots / "health.png")
