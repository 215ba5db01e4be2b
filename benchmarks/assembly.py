"""Cost of the built-in renderer and of `assemble_video`, with and without burned-in captions,
against the constant-frame-rate assembly it replaced.

    .venv/bin/python benchmarks/assembly.py [--seconds 240] [--frames 38] [--fps 25]

Renders N frames with `render_frame` (seconds per frame), writes a 22.05 kHz mono WAV of the
given length (Piper's output format), narration words at 150 words a minute (paper sentences,
each word as long as its letters), their cues from `build_cues` as SRT and as ASS scripts (plain
and with the spoken word highlighted), then times, on the same inputs in the same run:
  assemble_video        the pipeline's assembly: one encoded frame per image (variable frame rate)
  + burn-in             the same with the cues drawn into the picture (a frame per cue change)
  + burn-in, highlight  the same with one event per word (a frame per word)
  constant fps          the assembly it replaced, kept here only as the baseline: the same concat
                        playlist through an fps filter, so x264 encodes seconds x fps frames
and prints seconds, the ratios to the plain assembly, each against the video's length (the
pipeline's budget is 0.5), and for each output the stream durations, frame counts, frame rates
and size.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import ffmpeg

from vidgen_assets.language.slides import Slide
from vidgen_assets.media.backgrounds import style_for
from vidgen_assets.media.captions import write_ass
from vidgen_assets.media.cues import build_cues
from vidgen_assets.media.ffmpeg import ENCODER_SETTINGS, assemble_video, probe
from vidgen_assets.media.render import render_frame
from vidgen_assets.media.subtitle_files import write_srt
from vidgen_assets.timeline import Segment, Word

SENTENCES = (
    "Traditionally, Information Extraction has focused on satisfying precise, narrow, pre-specified requests from small homogeneous corpora.",
    "Shifting to a new domain requires the user to name the target relations and to manually create new extraction rules or hand-tag new training examples.",
    "This manual labor scales linearly with the number of target relations.",
    "This paper introduces Open IE, a new extraction paradigm where the system makes a single data-driven pass over its corpus.",
    "It extracts a large set of relational tuples without requiring any human input.",
    "The paper also introduces TextRunner, a fully implemented, highly scalable Open IE system where the tuples are assigned a probability and indexed.",
)


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def assemble_constant_fps(frames, audio: Path, seconds: float, srt: Path, out: Path, fps: int) -> None:
    """The assembly before variable frame rate (commit 035e560): every image repeated on a fixed grid."""
    playlist = out.with_suffix(".ffconcat")
    lines = ["ffconcat version 1.0"]
    starts = [start for _, start, _ in frames] + [seconds]
    for (image, _, _), start, next_start in zip(frames, starts, starts[1:]):
        lines += [f"file '{Path(image).resolve()}'", f"duration {next_start - start:.6f}"]
    lines.append(f"file '{Path(frames[-1][0]).resolve()}'")  # else the last duration is ignored
    playlist.write_text("\n".join(lines) + "\n", encoding="utf-8")
    video = (
        ffmpeg.input(str(playlist), format="concat", safe=0, reinit_filter=0)
        .video.filter("format", "yuv420p")
        .filter("fps", fps=fps)
    )
    sound = ffmpeg.input(str(audio)).audio.filter("apad", whole_dur=f"{seconds:.6f}")
    subtitles = ffmpeg.input(str(srt))["s"]
    (
        ffmpeg.output(
            video,
            sound,
            subtitles,
            str(out),
            format="mp4",
            t=f"{seconds:.6f}",
            # assemble_video's own settings, so the baseline differs only in how frames are timed
            **ENCODER_SETTINGS,
            **{"c:s": "mov_text", "metadata:s:s:0": "language=eng"},
        )
        .global_args("-hide_banner", "-nostdin", "-loglevel", "error")
        .overwrite_output()
        .run(capture_stdout=True, capture_stderr=True)
    )


def narration_segments(seconds: float) -> list[Segment]:
    """Sentences read at 150 words a minute (2.5 words a second), looping until `seconds`."""
    segments, t, k = [], 0.3, 0
    while True:
        tokens = SENTENCES[k % len(SENTENCES)].split()
        letters = sum(len(w) for w in tokens)
        words = []
        for token in tokens:
            length = 0.4 * len(tokens) * len(token) / letters  # 0.4 s per word on average
            words.append(Word(token, round(t, 3), round(t + length * 0.85, 3)))
            t += length
        if words[-1].end_s > seconds - 0.2:
            return segments
        segments.append(Segment(words[0].start_s, words[-1].end_s, " ".join(tokens), tuple(words)))
        t += 0.35
        k += 1


def describe(path: Path) -> str:
    raw = ffmpeg.probe(str(path))
    parts = []
    for s in raw["streams"]:
        text = f"{s['codec_type']} {s['codec_name']} {float(s.get('duration', 'nan')):.3f} s"
        if s["codec_type"] == "video":
            text += f" ({s.get('nb_frames')} frames, avg_frame_rate {s['avg_frame_rate']}, r_frame_rate {s['r_frame_rate']})"
        parts.append(text)
    # The file's own time base: by default ffmpeg re-times onto the average frame rate and calls
    # caption frames tens of milliseconds apart colliding dts, which is not a decode error.
    decode = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-enc_time_base", "-1", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    errors = (
        "no decode errors"
        if decode.returncode == 0 and not decode.stderr.strip()
        else f"DECODE ERRORS: {decode.stderr.strip()[:200]}"
    )
    return f"{'; '.join(parts)}; {path.stat().st_size / 1e6:.1f} MB; {errors}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=240.0)
    parser.add_argument("--frames", type=int, default=38)
    parser.add_argument("--fps", type=int, default=25, help="frame rate of the constant-fps baseline")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vidgen-assembly-bench-"))
    style = style_for("Open Information Extraction from the Web")
    render_times, images = [], []
    for i in range(args.frames):
        seconds, path = timed(
            lambda i=i: render_frame(
                Slide(
                    "Abstract",
                    f"Key point {i}",
                    ("TextRunner extracts relational tuples from web text in a single pass",),
                ),
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
    segments = narration_segments(args.seconds)
    words = [w for seg in segments for w in seg.words]
    cues = build_cues(segments)
    srt = write_srt(cues, work / "subtitles.srt")
    ass_plain = write_ass(cues, work / "captions.ass")
    ass_words = write_ass(cues, work / "captions-highlight.ass", words, highlight=True)

    vfr_out, cfr_out = work / "assembled.mp4", work / "constant-fps.mp4"
    burn_out, word_out = work / "burned-in.mp4", work / "burned-in-highlight.mp4"
    t_vfr, _ = timed(lambda: assemble_video(frames, audio, args.seconds, srt, vfr_out))
    t_burn, _ = timed(lambda: assemble_video(frames, audio, args.seconds, srt, burn_out, burn_in=ass_plain))
    t_word, _ = timed(lambda: assemble_video(frames, audio, args.seconds, srt, word_out, burn_in=ass_words))
    t_cfr, _ = timed(lambda: assemble_constant_fps(frames, audio, args.seconds, srt, cfr_out, args.fps))

    print(f"narration       {len(words)} words, {len(cues)} cues over {args.seconds:.0f} s")
    print(
        f"render_frame    {args.frames} frames: mean {statistics.mean(render_times):.3f} s, max {max(render_times):.3f} s per frame"
    )
    print(
        f"assemble_video  {t_vfr:7.2f} s  = {t_vfr / args.seconds:.4f} x video length ({args.seconds:.0f} s video, {args.frames} images)"
    )
    print(
        f"+ burn-in       {t_burn:7.2f} s  = {t_burn / args.seconds:.4f} x video length, {t_burn / t_vfr:.1f} x assemble_video"
    )
    print(
        f"+ highlight     {t_word:7.2f} s  = {t_word / args.seconds:.4f} x video length, {t_word / t_vfr:.1f} x assemble_video"
    )
    print(f"constant {args.fps} fps {t_cfr:7.2f} s  = {t_cfr / args.seconds:.4f} x video length")
    print(f"speed-up        {t_cfr / t_vfr:7.1f} x  (constant fps / assemble_video)")
    print(f"assemble_video output:       {describe(vfr_out)}")
    print(f"burn-in output:              {describe(burn_out)}")
    print(f"burn-in + highlight output:  {describe(word_out)}")
    print(f"constant fps output:         {describe(cfr_out)}")
    print(f"probe: assemble_video container {probe(vfr_out).duration_s:.3f} s; files left in {work}")


if __name__ == "__main__":
    main()
