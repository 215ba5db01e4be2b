"""Three unmistakable frames over a sine tone, and how to tell which frame a video shows when."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import ffmpeg
from PIL import Image, ImageChops, ImageStat

from vidgen_assets.language.slides import Slide
from vidgen_assets.media.backgrounds import style_for
from vidgen_assets.media.render import render_frame

DURATION = 6.0
BOUNDARIES = (1.3, 4.0)
THUMB = (48, 27)  # frames are compared at this size: enough to tell three renders apart


def write_sine_wav(path: Path, seconds: float, rate: int = 22050) -> Path:
    samples = (int(8000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(int(seconds * rate)))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def render_three(directory: Path) -> list[Path]:
    """Three frames in three different styles, so each is unmistakable in a tiny thumbnail."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        render_frame(Slide(headline=point), f"prompt {i}", style_for(seed), directory / f"frame{i}.png")
        for i, (point, seed) in enumerate(
            [("Open extraction", "doc0"), ("Single pass over the corpus", "doc2"), ("No human input", "doc9")]
        )
    ]


def spans(images: list[Path]) -> list[tuple[Path, float, float]]:
    edges = (0.0, *BOUNDARIES, DURATION)
    return [(img, start, end) for img, start, end in zip(images, edges, edges[1:])]


def distance(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def small_copies(images: list[Path]) -> list[Image.Image]:
    copies = []
    for src in images:
        with Image.open(src) as im:
            copies.append(im.convert("RGB").resize(THUMB, Image.Resampling.BOX))
    return copies


def shown_at(video: Path, times: list[float], sources: list[Path]) -> list[int]:
    """The index of the source image on screen at each time, as a player shows it.

    ffmpeg's fps filter resamples the video onto a 1 ms grid, each slot holding the latest frame
    stamped at or before it; the slots at the requested times are compared with the sources.
    """
    refs = small_copies(sources)
    slots = sorted({round(t * 1000) for t in times})
    raw, _ = (
        ffmpeg.input(str(video))
        .video.filter("scale", *THUMB)
        .filter("fps", fps=1000)
        .filter("select", "+".join(f"eq(n,{n})" for n in slots))
        .output("pipe:", format="rawvideo", pix_fmt="rgb24", fps_mode="passthrough")
        .run(capture_stdout=True, capture_stderr=True)
    )
    size = THUMB[0] * THUMB[1] * 3
    frames = [Image.frombytes("RGB", THUMB, raw[i : i + size]) for i in range(0, len(raw), size)]
    assert len(frames) == len(slots), "a requested time is past the end of the video"
    label = {}
    for n, frame in zip(slots, frames):
        ranked = sorted((distance(frame, ref), i) for i, ref in enumerate(refs))
        assert ranked[0][0] < ranked[1][0] / 2, f"frame at {n / 1000:.3f} s resembles two sources"
        label[n] = ranked[0][1]
    return [label[round(t * 1000)] for t in times]


def video_packets(video: Path) -> list[tuple[float, bool]]:
    """(presentation time, is keyframe) of every encoded video frame, in presentation order."""
    raw = ffmpeg.probe(str(video), select_streams="v", show_entries="packet=pts_time,flags")
    return sorted((float(p["pts_time"]), "K" in p["flags"]) for p in raw["packets"])


def assert_each_image_on_screen_for_its_span(video: Path, sources: list[Path], boundaries=BOUNDARIES) -> None:
    """Mid-span, and 2 ms either side of every boundary, the video shows the span's own image."""
    edges = (0.0, *boundaries, DURATION)
    times, expected = [], []
    for i, (start, end) in enumerate(zip(edges, edges[1:])):
        for t in (start + 0.002, (start + end) / 2, end - 0.002):
            times.append(t)
            expected.append(i)
    assert shown_at(video, times, sources) == expected
