"""ffmpeg and ffprobe, through ffmpeg-python: the only module that runs them for video work."""

from __future__ import annotations

import re
import shutil
import struct
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import ffmpeg

from vidgen_assets.errors import BackendUnavailable, InputError, VidgenError
from vidgen_assets.media.captions import CAPTION_FONTS_DIR, CaptionScript
from vidgen_assets.storage.files import atomic_path, room_problem

# Spans may come from float arithmetic on word timings; closer than this counts as touching.
_SPAN_TOLERANCE_S = 0.001
# Narration this much shorter than the frames is a caller's mistake, not rounding: refuse it.
_AUDIO_SHORTFALL_LIMIT_S = 0.5
# Video timestamps are whole milliseconds: every image switches within 1 ms of its span start.
_TICKS_PER_S = 1000
# How every video is encoded: H.264 and AAC in an MP4 that starts playing while it downloads.
ENCODER_SETTINGS = MappingProxyType(
    {
        "c:v": "libx264",
        "preset": "veryfast",
        "tune": "stillimage",
        "pix_fmt": "yuv420p",
        "c:a": "aac",
        "aac_coder": "fast",
        "movflags": "+faststart",
    }
)
# "[libx264 @ 0x55d0c0ffee00] width not divisible by 2": a component saying what went wrong.
_COMPONENT_LINE = re.compile(r"^\[([^\]@]+?) @ 0x[0-9a-f]+\]\s*")
_T = TypeVar("_T")


class FfmpegError(InputError):
    """ffmpeg or ffprobe failed on a file; `stderr_line` is the line of its stderr that says why
    (the last one a named component wrote, else the last one), `stderr` all of it."""

    def __init__(self, path: Path, problem: str, stderr: bytes | str | None):
        self.stderr = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr or ""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        tagged = [line for line in lines if _COMPONENT_LINE.match(line)]
        self.stderr_line = _COMPONENT_LINE.sub(r"\1: ", tagged[-1] if tagged else lines[-1] if lines else "")
        super().__init__(path, f"{problem} ({self.stderr_line})" if self.stderr_line else problem)


def run(stream, path: Path, problem: str, *, loglevel: str = "error", stats: bool = False) -> tuple[bytes, bytes]:
    """Run an ffmpeg-python stream quietly (overwriting its output) and return its stdout and stderr.

    A failure is an FfmpegError naming `path` (the file the user would look at) and `problem`.
    """
    args = ["-hide_banner", "-nostdin", "-loglevel", loglevel, *(["-stats"] if stats else [])]
    stream = stream.global_args(*args).overwrite_output()
    return _reporting(lambda: stream.run(capture_stdout=True, capture_stderr=True), path, problem)


def _reporting(call: Callable[[], _T], path: Path, problem: str) -> _T:
    """`call()`, with ffmpeg's or ffprobe's failure turned into an FfmpegError."""
    try:
        return call()
    except ffmpeg.Error as exc:
        raise FfmpegError(path, problem, exc.stderr) from exc
    except FileNotFoundError as exc:  # ffmpeg-python starts the executable; the files are its arguments
        raise BackendUnavailable(
            "ffmpeg", "the ffmpeg or ffprobe executable is not on PATH", "install it: apt-get install ffmpeg"
        ) from exc


@dataclass(frozen=True)
class StreamInfo:
    index: int
    codec_type: str  # audio | video | subtitle | data
    codec_name: str
    duration_s: float | None
    width: int | None = None
    height: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    pix_fmt: str | None = None


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    format_name: str
    duration_s: float | None
    streams: tuple[StreamInfo, ...]

    def of_type(self, codec_type: str) -> list[StreamInfo]:
        return [s for s in self.streams if s.codec_type == codec_type]


def probe(path: Path, problem: str = "ffprobe cannot read it") -> MediaInfo:
    """Read container and stream facts with ffprobe; an unreadable file is an FfmpegError saying `problem`."""
    raw = _reporting(lambda: ffmpeg.probe(str(path)), path, problem)
    fmt = raw.get("format", {})
    streams = tuple(
        StreamInfo(
            index=int(s["index"]),
            codec_type=s.get("codec_type", ""),
            codec_name=s.get("codec_name", ""),
            duration_s=_float(s.get("duration")),
            width=s.get("width"),
            height=s.get("height"),
            sample_rate=int(s["sample_rate"]) if s.get("sample_rate") else None,
            channels=s.get("channels"),
            pix_fmt=s.get("pix_fmt"),
        )
        for s in raw.get("streams", [])
    )
    return MediaInfo(Path(path), fmt.get("format_name", ""), _float(fmt.get("duration")), streams)


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def assemble_video(
    frames: Sequence[tuple[Path, float, float]],
    audio: Path,
    duration_s: float,
    subtitles_srt: Path | None,
    out: Path,
    *,
    burn_in: CaptionScript | None = None,
) -> MediaInfo:
    """Encode frames over the narration into an MP4 (H.264 + AAC, faststart, mov_text subtitles).

    `frames` are (image, start_s, end_s) spans, contiguous from 0; each image is encoded once, as
    a keyframe stamped with its span start to the millisecond (variable frame rate), and the last
    one is held until `duration_s`. Both streams are cut to `duration_s` (audio a little short of
    it is padded with silence).

    `burn_in` is an ASS script (see captions.write_ass) drawn into the picture with libass.
    A frame exists only where one is stamped, so each image is then also repeated, as a
    non-key frame, at every moment inside its span where the captions change (the script's
    `change_times`): the picture changes exactly when the captions do, and nowhere else.
    """
    out = Path(out)
    if duration_s <= 0:
        raise InputError(audio, f"narration duration must be positive, got {duration_s}")
    schedule, end_tick = _frame_schedule(frames, duration_s, out)
    _check_same_size([p for p, _, _ in frames])
    _check_audio_covers(audio, duration_s)
    entries = schedule
    if burn_in is not None:
        if not burn_in.path.is_file():
            raise InputError(burn_in.path, "caption script does not exist")
        if not CAPTION_FONTS_DIR.is_dir():
            raise BackendUnavailable(
                "captions",
                f"font directory {CAPTION_FONTS_DIR} is missing",
                "install it: apt-get install fonts-dejavu-core",
            )
        changes = [round(t * _TICKS_PER_S) for t in burn_in.change_times]
        entries = _split_at_changes(schedule, end_tick, changes)

    with tempfile.TemporaryDirectory(prefix="vidgen-concat-") as tmp_dir:
        playlist = Path(tmp_dir) / "frames.ffconcat"
        playlist.write_text(_concat_playlist(entries, end_tick), encoding="utf-8")
        # reinit_filter=0: by default a frame whose pixel format differs from the first (an RGBA
        # PNG among RGB ones) rebuilds the filter graph and restarts every filter in it; with the
        # fps filter this module used before, that made the whole video show the last image.
        # One graph, whose format filter converts each image as it comes, is all that is needed.
        video = ffmpeg.input(str(playlist), format="concat", safe=0, reinit_filter=0).video.filter("format", "yuv420p")
        if burn_in is not None:
            # A private copy under a plain name: a path is spliced into the filter graph text,
            # where quotes, commas and brackets in a user's directory name would need escaping.
            script = Path(tmp_dir) / "captions.ass"
            shutil.copyfile(burn_in.path, script)
            video = _burn_captions(video, script)
        sound = ffmpeg.input(str(audio)).audio.filter("apad", whole_dur=f"{duration_s:.6f}")
        streams = [video, sound]
        options = {
            **ENCODER_SETTINGS,
            # One encoded frame per image, at its own timestamp: a constant 25 fps grid made x264
            # encode thousands of identical frames (measured 56 s against 5.6 s for 240 s of video).
            "fps_mode": "vfr",
            # B-frames reorder across images seconds apart: measured, decode times ran 4 s before
            # presentation times and the last image was coded as a B-frame after its repeat.
            "bf": 0,
            # Each image starts with a keyframe (not its closing repeat), so seeking anywhere
            # decodes a single frame.
            "force_key_frames": ",".join(_seconds(tick) for _, tick in schedule[:-1]),
            # -t, not -shortest: -shortest overshot the audio by 0.7 s when measured.
            "t": f"{duration_s:.6f}",
        }
        if subtitles_srt is not None:
            if not Path(subtitles_srt).is_file():
                raise InputError(subtitles_srt, "subtitle file does not exist")
            streams.append(ffmpeg.input(str(subtitles_srt))["s"])
            options.update({"c:s": "mov_text", "metadata:s:s:0": "language=eng"})
        with atomic_path(out) as tmp:
            try:
                run(ffmpeg.output(*streams, str(tmp), format="mp4", **options), out, "ffmpeg failed writing it")
            except FfmpegError as exc:
                if burn_in is not None and "No such filter: 'ass'" in exc.stderr:
                    raise BackendUnavailable(
                        "captions",
                        "this ffmpeg was built without libass (it has no 'ass' filter)",
                        "install an ffmpeg built with --enable-libass (Debian's and Ubuntu's are)",
                    ) from exc
                no_room = room_problem(tmp)
                if no_room:
                    raise VidgenError(f"{out}: cannot be written: {no_room}") from exc
                raise
    return probe(out)


def _burn_captions(video, script: Path):
    """Draw the ASS script into the picture, each frame with the captions of its own millisecond.

    The ass filter asks libass for the captions at pts x time base x 1000 truncated to whole
    ms, and in floating point some 1/1000 s ticks come out a hair low (8030 gives 8029.999...;
    about 1 in 250 multiples of 10 ms): the frame stamped where such a caption starts showed
    the caption before it, until the next frame (measured). So frames are looked up half a
    millisecond into their tick (1/2000 s time base, +1) and put back where they were after.
    """
    return (
        video.filter("settb", "1/2000")
        .filter("setpts", "PTS+1")
        .filter("ass", str(script), fontsdir=str(CAPTION_FONTS_DIR))
        .filter("setpts", "PTS-1")
        .filter("settb", f"1/{_TICKS_PER_S}")
    )


def extract_thumbnail(video: Path, at_s: float, out: Path, width: int = 640) -> Path:
    """Write the frame shown at `at_s` as a JPEG `width` pixels wide."""
    info = probe(video)
    if info.duration_s is not None and not 0 <= at_s < info.duration_s:
        raise InputError(video, f"has no frame at {at_s:.2f} s (it lasts {info.duration_s:.2f} s)")
    out = Path(out)
    with atomic_path(out) as tmp:
        # The frame on screen at at_s is the last one stamped at or before it, and in a variable
        # frame rate video it may have started long before: -ss drops it and shows the next image
        # (measured). So decode from the start, keep the frames up to at_s and let each overwrite
        # the file (update=1); reading stops a second past at_s. The input's time base keeps
        # frames a millisecond apart distinct: at the default 1/framerate the muxer rejected them.
        stream = (
            ffmpeg.input(str(video), t=f"{at_s + 1:.6f}")
            .video.filter("select", f"lte(t,{at_s:.6f})")
            .filter("scale", width, -2)
            .output(
                str(tmp),
                format="image2",
                vcodec="mjpeg",
                update=1,
                fps_mode="passthrough",
                enc_time_base=-1,
                **{"q:v": 3},
            )
        )
        run(stream, out, "ffmpeg failed writing it")
        if tmp.stat().st_size == 0:
            raise FfmpegError(out, f"ffmpeg decoded no frame at {at_s:.2f} s", None)
    return out


def _frame_schedule(
    frames: Sequence[tuple[Path, float, float]], duration_s: float, out: Path
) -> tuple[list[tuple[Path, int]], int]:
    """Check the spans tile 0..duration_s; return the (image, start tick) of each encoded frame and the end tick.

    The last image is repeated as a one-tick frame just before the end: the muxer gives the
    final frame a single tick, so without the repeat the video stream stopped where the last
    image started (measured 233.7 s of 240 s).
    """
    if not frames:
        raise InputError(out, "no frames to assemble this video from")
    expected_start = 0.0
    for i, (image, start, end) in enumerate(frames):
        image = Path(image)
        if not image.is_file():
            raise InputError(image, "frame image does not exist")
        if abs(start - expected_start) > _SPAN_TOLERANCE_S:
            raise InputError(
                image, f"frame {i} starts at {start:.3f} s but the previous span ends at {expected_start:.3f} s"
            )
        if end <= start:
            raise InputError(image, f"frame {i} has an empty span {start:.3f}-{end:.3f} s")
        if start >= duration_s:
            raise InputError(image, f"frame {i} starts at {start:.3f} s, after the narration ends ({duration_s:.3f} s)")
        expected_start = end
    end_tick = max(round(duration_s * _TICKS_PER_S), 2)
    schedule: list[tuple[Path, int]] = []
    for i, (image, start, _) in enumerate(frames):
        # Starts, not ends, place the frames, so rounding never accumulates; the first is at 0.
        tick = 0 if i == 0 else min(round(start * _TICKS_PER_S), end_tick - 2)
        if schedule and tick <= schedule[-1][1]:
            # A span shorter than a tick would put two frames on one timestamp, which ffmpeg
            # settled by moving the next image a tick late (measured); show only the later one.
            tick = schedule.pop()[1]
        schedule.append((Path(image).resolve(), tick))
    schedule.append((schedule[-1][0], end_tick - 1))
    return schedule, end_tick


def _split_at_changes(
    schedule: list[tuple[Path, int]], end_tick: int, change_ticks: list[int]
) -> list[tuple[Path, int]]:
    """The schedule with each image repeated at every change tick strictly inside its span.

    Changes at 0 or from the closing repeat on need no frame of their own: one is there already.
    """
    changes = sorted({t for t in change_ticks if 0 < t < end_tick - 1})
    entries: list[tuple[Path, int]] = []
    c = 0
    for i, (image, tick) in enumerate(schedule):
        entries.append((image, tick))
        next_tick = schedule[i + 1][1] if i + 1 < len(schedule) else end_tick
        while c < len(changes) and changes[c] <= tick:
            c += 1
        while c < len(changes) and changes[c] < next_tick:
            entries.append((image, changes[c]))
            c += 1
    return entries


def _concat_playlist(schedule: list[tuple[Path, int]], end_tick: int) -> str:
    """An ffconcat playlist placing each image at its tick.

    framerate=1000 gives each image a 1/1000 s time base: at the default 25 the demuxer rounds
    every start to 40 ms, and a file whose time base differs from the first one's is misplaced.
    """
    lines = ["ffconcat version 1.0"]
    ticks = [tick for _, tick in schedule] + [end_tick]
    for (image, tick), next_tick in zip(schedule, ticks[1:]):
        lines += [
            f"file {_concat_quote(image)}",
            f"option framerate {_TICKS_PER_S}",
            f"duration {_seconds(next_tick - tick)}",
        ]
    return "\n".join(lines) + "\n"


def _seconds(ticks: int) -> str:
    return f"{ticks // _TICKS_PER_S}.{ticks % _TICKS_PER_S:03d}"


def _concat_quote(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


def _check_same_size(images: list[Path]) -> None:
    """The encoder cannot change size mid-stream; name the first image that differs."""
    first = _image_size(images[0])
    for image in images[1:]:
        size = _image_size(image)
        if size != first:
            raise InputError(image, f"frame is {size[0]}x{size[1]} but the first frame is {first[0]}x{first[1]}")


def _image_size(image: Path) -> tuple[int, int]:
    with open(image, "rb") as fh:
        head = fh.read(24)
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    streams = probe(image).of_type("video")
    if not streams or not streams[0].width:
        raise InputError(image, "frame is not an image ffmpeg can read")
    return streams[0].width, streams[0].height


def _check_audio_covers(audio: Path, duration_s: float) -> None:
    info = probe(audio)
    streams = info.of_type("audio")
    if not streams:
        raise InputError(audio, "has no audio stream")
    length = streams[0].duration_s or info.duration_s
    if length is not None and length < duration_s - _AUDIO_SHORTFALL_LIMIT_S:
        raise InputError(audio, f"lasts {length:.2f} s, shorter than the {duration_s:.2f} s the frames cover")
