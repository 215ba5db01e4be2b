"""Cost of the built-in renderer and of `assemble_video`, against plain ffmpeg encodes of the same length.

    .venv/bin/python benchmarks/assembly.py [--seconds 240] [--frames 38] [--fps 25]

Renders N frames with `render_frame` (seconds per frame), writes a 22.05 kHz mono WAV of the
given length (Piper's output format) and an SRT with one cue per frame, then times:
  assemble_video      the pipeline's assembly (concat demuxer + fps filter, H.264 + AAC + mov_text)
  baseline color      ffmpeg -f lavfi -i color ... -t SECONDS with the same codec settings
  baseline one image  one rendered frame looped (-loop 1) for SECONDS, same codec settings
and prints seconds, the ratios to both baselines, and the output's stream durations and size.
The color baseline is a lower bound (a flat picture costs x264 almost nothing); the looped
image is the fairer one.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import ffmpeg

from vidgen_assets.media.ffmpeg import assemble_video, probe
from vidgen_assets.media.frames import render_frame, style_for

# The same settings assemble_video uses, so the baselines differ only in where frames come from.
CODEC = {
    "c:v": "libx264",
    "preset": "veryfast",
    "tune": "stillimage",
    "pix_fmt": "yuv420p",
    "c:a": "aac",
    "aac_coder": "fast",
    "movflags": "+faststart",
}


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def srt_time(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def encode(video, audio_path: Path, seconds: float, out: Path) -> None:
    audio = ffmpeg.input(str(audio_path)).audio
    (
        ffmpeg.output(video, audio, str(out), t=f"{seconds:.6f}", **CODEC)
        .global_args("-hide_banner", "-nostdin", "-loglevel", "error")
        .overwrite_output()
        .run(capture_stdout=True, capture_stderr=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=240.0)
    parser.add_argument("--frames", type=int, default=38)
    parser.add_argument("--fps", type=int, default=25)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vidgen-assembly-bench-"))
    style = style_for("Open Information Extraction from the Web")
    render_times, images = [], []
    for i in range(args.frames):
        seconds, path = timed(
            lambda i=i: render_frame(
                f"Key point {i}: TextRunner extracts relational tuples from web text in a single pass",
                f"image prompt number {i} for the chunk about open extraction",
                style,
                work / f"frame{i:03d}.png",
            )
        )
        render_times.append(seconds)
        images.append(path)

    audio = work / "narration.wav"
    (
        ffmpeg.input(f"sine=frequency=220:duration={args.seconds}", format="lavfi")
        .output(str(audio), ar=22050, ac=1)
        .global_args("-hide_banner", "-nostdin", "-loglevel", "error")
        .overwrite_output()
        .run(capture_stdout=True, capture_stderr=True)
    )
    step = args.seconds / args.frames
    edges = [round(i * step, 3) for i in range(args.frames)] + [args.seconds]
    frames = [(img, start, end) for img, start, end in zip(images, edges, edges[1:])]
    srt = work / "subtitles.srt"
    srt.write_text(
        "".join(f"{i + 1}\n{srt_time(s)} --> {srt_time(e)}\nCue {i + 1}.\n\n" for i, (_, s, e) in enumerate(frames)),
        encoding="utf-8",
    )

    t_assemble, info = timed(lambda: assemble_video(frames, audio, args.seconds, srt, work / "assembled.mp4", fps=args.fps))
    t_color, _ = timed(
        lambda: encode(
            ffmpeg.input(f"color=c=gray:s=1920x1080:r={args.fps}", format="lavfi").video,
            audio,
            args.seconds,
            work / "baseline-color.mp4",
        )
    )
    t_image, _ = timed(
        lambda: encode(
            ffmpeg.input(str(images[0]), loop=1, framerate=args.fps).video,
            audio,
            args.seconds,
            work / "baseline-image.mp4",
        )
    )

    print(f"render_frame        {args.frames} frames: mean {statistics.mean(render_times):.3f} s, max {max(render_times):.3f} s per frame")
    print(f"assemble_video      {t_assemble:7.2f} s  ({args.seconds:.0f} s video, {args.frames} images, fps {args.fps})")
    print(f"baseline color      {t_color:7.2f} s  ratio {t_assemble / t_color:.2f}")
    print(f"baseline one image  {t_image:7.2f} s  ratio {t_assemble / t_image:.2f}")
    print(f"assembly / video length: {t_assemble / args.seconds:.4f}")
    durations = ", ".join(f"{s.codec_type} {s.codec_name} {s.duration_s:.3f} s" for s in info.streams)
    print(f"output: {durations}; {info.path.stat().st_size / 1e6:.1f} MB; baseline image {probe(work / 'baseline-image.mp4').duration_s:.3f} s")
    print(f"files left in {work}")


if __name__ == "__main__":
    main()
