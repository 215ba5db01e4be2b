"""Video assembly with real ffmpeg: frames rendered by the built-in renderer over a generated WAV."""

from __future__ import annotations

import struct
import subprocess

import ffmpeg
import pytest
from PIL import Image

from vidgen_assets.errors import InputError
from vidgen_assets.media.ffmpeg import FfmpegError, assemble_video, extract_thumbnail, probe
from vidgen_tests.helpers.video import (
    BOUNDARIES,
    DURATION,
    THUMB,
    assert_each_image_on_screen_for_its_span,
    distance,
    render_three,
    shown_at,
    small_copies,
    spans,
    video_packets,
    write_sine_wav,
)

SRT = """1
00:00:00,000 --> 00:00:01,300
Traditionally, information extraction has focused on narrow requests.

2
00:00:01,300 --> 00:00:04,000
TextRunner extracts tuples in a single pass.

3
00:00:04,000 --> 00:00:06,000
It needs no human input.
"""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("assembly")
    images = render_three(root / "frames")
    audio = write_sine_wav(root / "narration.wav", DURATION)
    srt = root / "subtitles.srt"
    srt.write_text(SRT, encoding="utf-8")
    return root, images, audio, srt


@pytest.fixture(scope="module")
def video(inputs):
    root, images, audio, srt = inputs
    out = root / "videos" / "doc.mp4"
    info = assemble_video(spans(images), audio, DURATION, srt, out)
    return out, info


def test_video_is_h264_yuv420p_with_aac_and_english_mov_text(video):
    out, info = video
    assert info.path == out and info.format_name.startswith("mov,mp4")
    (v,) = info.of_type("video")
    (a,) = info.of_type("audio")
    (s,) = info.of_type("subtitle")
    assert (v.codec_name, v.pix_fmt, v.width, v.height) == ("h264", "yuv420p", 1920, 1080)
    assert a.codec_name == "aac"
    assert s.codec_name == "mov_text"
    raw = ffmpeg.probe(str(out))
    subtitle = next(st for st in raw["streams"] if st["codec_type"] == "subtitle")
    assert subtitle["tags"]["language"] == "eng"


def test_video_and_audio_last_exactly_as_long_as_the_narration(video):
    _, info = video
    for stream in (*info.of_type("video"), *info.of_type("audio")):
        assert stream.duration_s == pytest.approx(DURATION, abs=0.1), stream


def test_moov_atom_comes_before_mdat_so_playback_starts_while_downloading(video):
    out, _ = video
    atoms = []
    with open(out, "rb") as fh:
        while header := fh.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:  # 64-bit size follows the type
                size = struct.unpack(">Q", fh.read(8))[0]
                fh.seek(size - 16, 1)
            else:
                fh.seek(size - 8, 1)
            atoms.append(kind.decode("latin-1"))
    assert atoms.index("moov") < atoms.index("mdat")


def test_each_image_is_on_screen_for_its_span(video, inputs):
    out, _ = video
    _, images, _, _ = inputs
    assert_each_image_on_screen_for_its_span(out, images)


def test_each_image_is_one_keyframe_stamped_at_its_span_start(video):
    out, _ = video
    packets = video_packets(out)
    assert [t for t, _ in packets[:3]] == pytest.approx([0.0, *BOUNDARIES], abs=0.001)
    assert [key for _, key in packets[:3]] == [True, True, True]


def test_image_switches_at_the_boundary_not_a_frame_later(video, inputs):
    out, _ = video
    _, images, _, _ = inputs
    times = [t for b in BOUNDARIES for t in (b - 0.001, b)]
    assert shown_at(out, times, images) == [0, 1, 1, 2]


def test_last_image_is_repeated_in_a_final_frame_ending_at_the_narration_end(video):
    # Without it the video stream ended a millisecond after the last image started (4.0 s, not 6.0 s).
    out, info = video
    (*_, (last_t, last_key)) = video_packets(out)
    assert last_t == pytest.approx(DURATION - 0.001, abs=0.001) and not last_key
    assert len(video_packets(out)) == 4
    assert info.of_type("video")[0].duration_s == pytest.approx(DURATION, abs=0.001)


def test_video_decodes_without_errors_and_reports_a_frame_rate(video):
    out, _ = video
    decode = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(out), "-f", "null", "-"], capture_output=True, text=True
    )
    assert decode.returncode == 0 and decode.stderr.strip() == ""
    raw = ffmpeg.probe(str(out), select_streams="v")
    (stream,) = raw["streams"]
    assert stream["avg_frame_rate"] != "0/0" and stream["r_frame_rate"] != "0/0"


def test_seeking_into_a_span_lands_on_the_keyframe_of_its_image(video):
    # A player seeks to the keyframe at or before the target, as ffprobe's read_intervals does.
    out, _ = video
    raw = ffmpeg.probe(str(out), select_streams="v", read_intervals="2.5%+#1", show_entries="packet=pts_time,flags")
    (packet,) = raw["packets"]
    assert float(packet["pts_time"]) == pytest.approx(BOUNDARIES[0], abs=0.001) and "K" in packet["flags"]


def test_subtitles_carry_the_srt_text(video):
    out, _ = video
    text, _ = (
        ffmpeg.input(str(out)).output("pipe:", format="srt", map="0:s").run(capture_stdout=True, capture_stderr=True)
    )
    assert "TextRunner extracts tuples in a single pass." in text.decode()
    assert "00:00:01,300 --> 00:00:04,000" in text.decode()


def test_frame_with_alpha_among_opaque_frames_keeps_every_span(inputs, tmp_path):
    # ffmpeg rebuilds its filter graph when the pixel format changes mid-stream; unguarded,
    # that made the whole video show the last image.
    _, images, audio, _ = inputs
    rgba = tmp_path / "frame1-rgba.png"
    with Image.open(images[1]) as im:
        im.convert("RGBA").save(rgba)
    mixed = [images[0], rgba, images[2]]
    out = tmp_path / "mixed.mp4"
    assemble_video(spans(mixed), audio, DURATION, None, out)
    assert_each_image_on_screen_for_its_span(out, mixed)


def test_last_image_is_held_until_the_narration_ends(inputs, tmp_path):
    _, images, audio, _ = inputs
    short = [(images[0], 0.0, 2.0), (images[1], 2.0, 5.2)]  # narration runs on to 6.0 s
    out = tmp_path / "held.mp4"
    info = assemble_video(short, audio, DURATION, None, out)
    assert info.of_type("video")[0].duration_s == pytest.approx(DURATION, abs=0.1)
    assert info.of_type("subtitle") == []
    assert_each_image_on_screen_for_its_span(out, images[:2], boundaries=(2.0,))
    assert shown_at(out, [5.5, DURATION - 0.002], images[:2]) == [1, 1]


def test_image_with_a_sub_millisecond_span_does_not_push_the_next_one_late(inputs, tmp_path):
    _, images, audio, _ = inputs
    blink = [(images[0], 0.0, 1.0), (images[1], 1.0, 1.0004), (images[2], 1.0004, DURATION)]
    out = tmp_path / "blink.mp4"
    assemble_video(blink, audio, DURATION, None, out)
    assert [t for t, _ in video_packets(out)] == pytest.approx([0.0, 1.0, DURATION - 0.001], abs=0.001)
    assert shown_at(out, [0.999, 1.0, 3.0], images) == [0, 2, 2]


def test_gap_between_spans_is_an_input_error_naming_the_frame(inputs, tmp_path):
    _, images, audio, _ = inputs
    gappy = [(images[0], 0.0, 1.3), (images[1], 1.5, 6.0)]
    with pytest.raises(InputError, match=r"frame1\.png.*starts at 1\.500 s"):
        assemble_video(gappy, audio, DURATION, None, tmp_path / "v.mp4")
    assert list(tmp_path.iterdir()) == []


def test_narration_much_shorter_than_the_frames_is_an_input_error(inputs, tmp_path):
    _, images, _, _ = inputs
    short_audio = write_sine_wav(tmp_path / "short.wav", 3.0)
    with pytest.raises(InputError, match=r"short\.wav.*lasts 3\.00 s"):
        assemble_video(spans(images), short_audio, DURATION, None, tmp_path / "v.mp4")


def test_frames_of_different_sizes_are_rejected_naming_the_odd_one(inputs, tmp_path):
    _, images, audio, _ = inputs
    small = tmp_path / "small.png"
    Image.new("RGB", (1280, 720), "red").save(small)
    with pytest.raises(InputError, match=r"small\.png.*1280x720.*1920x1080"):
        assemble_video(spans([images[0], small, images[2]]), audio, DURATION, None, tmp_path / "v.mp4")


def test_ffmpeg_failure_says_why_and_leaves_no_file(inputs, tmp_path):
    _, _, audio, _ = inputs
    odd = tmp_path / "odd.png"
    Image.new("RGB", (1921, 1081), "blue").save(odd)  # yuv420p needs even dimensions
    out = tmp_path / "out" / "v.mp4"
    with pytest.raises(FfmpegError) as caught:
        assemble_video([(odd, 0.0, DURATION)], audio, DURATION, None, out)
    message = str(caught.value)
    assert str(out) in message and "divisible by 2" in message
    assert list(out.parent.iterdir()) == []


def test_thumbnail_is_a_jpeg_of_the_frame_at_the_requested_time(video, inputs, tmp_path):
    out, _ = video
    _, images, _, _ = inputs
    thumb = extract_thumbnail(out, 2.0, tmp_path / "thumb.jpg")
    assert thumb.read_bytes()[:3] == b"\xff\xd8\xff"
    with Image.open(thumb) as im:
        assert im.format == "JPEG" and im.size == (640, 360)
        shown = im.convert("RGB").resize(THUMB, Image.Resampling.BOX)
    refs = small_copies(images)
    assert min(range(3), key=lambda i: distance(shown, refs[i])) == 1  # 2.0 s is in the second span
    assert probe(thumb).of_type("video")[0].codec_name == "mjpeg"


@pytest.mark.parametrize(("at_s", "image"), [(3.99, 1), (4.01, 2), (5.999, 2)])
def test_thumbnail_beside_a_switch_shows_the_image_on_screen_then(video, inputs, tmp_path, at_s, image):
    out, _ = video
    _, images, _, _ = inputs
    thumb = extract_thumbnail(out, at_s, tmp_path / "thumb.jpg")
    with Image.open(thumb) as im:
        shown = im.convert("RGB").resize(THUMB, Image.Resampling.BOX)
    refs = small_copies(images)
    assert min(range(3), key=lambda i: distance(shown, refs[i])) == image


def test_thumbnail_past_the_end_is_an_input_error(video, tmp_path):
    out, _ = video
    with pytest.raises(InputError, match="has no frame at 9.00 s"):
        extract_thumbnail(out, 9.0, tmp_path / "thumb.jpg")
