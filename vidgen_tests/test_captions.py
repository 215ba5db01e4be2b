"""Burned-in captions, rendered for real: write_ass -> assemble_video(burn_in=...) -> decoded frames.

Every check compares a captioned video with the same frames assembled without captions, so
what differs is exactly what the captions drew.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import ffmpeg
import pytest
from PIL import Image, ImageChops, ImageFilter

from vidgen_assets.errors import InputError
from vidgen_assets.media.captions import CaptionScript, write_ass
from vidgen_assets.media.cues import Cue, build_cues
from vidgen_assets.media.ffmpeg import FfmpegError, assemble_video, probe
from vidgen_assets.media.subtitle_files import write_srt
from vidgen_assets.timeline import Segment, Word
from vidgen_tests.helpers.ass import event_times
from vidgen_tests.helpers.video import (
    BOUNDARIES,
    DURATION,
    assert_each_image_on_screen_for_its_span,
    render_three,
    spans,
    video_packets,
    write_sine_wav,
)

W, H = 1920, 1080
SAFE_BOTTOM = H - round(0.05 * H)  # nothing may be drawn below this row (title-safe, EBU R 95)
BAND_TOP = round(0.75 * H)  # captions live in the bottom quarter
CHANGED = 48  # a pixel this much brighter or darker in any channel was drawn on

# (start, end, lines, words): cue A crosses the image switch at 1.3 s, A->B switches inside the
# second image's span, a gap follows B, C has two lines, D quotes ASS syntax that must stay text.
TIMELINE = [
    (
        0.30,
        2.20,
        ("Open extraction reads the web",),
        [
            ("Open", 0.30, 0.62),
            ("extraction", 0.70, 1.25),
            ("reads", 1.40, 1.70),
            ("the", 1.75, 1.85),
            ("web", 1.90, 2.15),
        ],
    ),
    (
        2.20,
        3.60,
        ("in a single pass,",),
        [("in", 2.20, 2.30), ("a", 2.35, 2.40), ("single", 2.45, 2.80), ("pass,", 2.85, 3.30)],
    ),
    (
        3.90,
        4.90,
        ("TextRunner needs", "no human input."),
        [
            ("TextRunner", 3.90, 4.30),
            ("needs", 4.32, 4.44),
            ("no", 4.46, 4.55),
            ("human", 4.60, 4.75),
            ("input.", 4.78, 4.88),
        ],
    ),
    (
        4.90,
        5.80,
        ("Braces {\\fs200} and \\N stay text",),
        [
            ("Braces", 4.90, 5.10),
            ("{\\fs200}", 5.12, 5.30),
            ("and", 5.32, 5.40),
            ("\\N", 5.42, 5.50),
            ("stay", 5.52, 5.65),
            ("text", 5.66, 5.78),
        ],
    ),
]
CUES = [Cue(start, end, lines) for start, end, lines, _ in TIMELINE]
WORDS = [Word(text, start, end) for *_, words in TIMELINE for text, start, end in words]


def frames_at(video: Path, times: list[float]) -> list[Image.Image]:
    """Full-size RGB pictures on screen at each time, as a player shows them (latest frame at or before)."""
    slots = sorted({round(t * 1000) for t in times})
    raw, _ = (
        ffmpeg.input(str(video))
        .video.filter("fps", fps=1000)
        .filter("select", "+".join(f"eq(n,{n})" for n in slots))
        .output("pipe:", format="rawvideo", pix_fmt="rgb24", fps_mode="passthrough")
        .run(capture_stdout=True, capture_stderr=True)
    )
    size = W * H * 3
    pictures = {n: Image.frombytes("RGB", (W, H), raw[i * size : (i + 1) * size]) for i, n in enumerate(slots)}
    assert len(raw) == size * len(slots), "a requested time is past the end of the video"
    return [pictures[round(t * 1000)] for t in times]


def changed(picture: Image.Image, reference: Image.Image) -> Image.Image:
    """Mask (L, 0/255) of the pixels where `picture` differs from `reference` by more than CHANGED."""
    r, g, b = ImageChops.difference(picture, reference).split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v > CHANGED else 0)


def grey_video_with_and_without(tmp_path: Path, cues: list[Cue], duration: float) -> tuple[Path, Path]:
    """One flat grey image over `duration` seconds, with `cues` burned in and without."""
    image = tmp_path / "grey.png"
    Image.new("RGB", (W, H), (60, 70, 80)).save(image)
    audio = write_sine_wav(tmp_path / "narration.wav", duration)
    out, plain_out = tmp_path / "v.mp4", tmp_path / "plain.mp4"
    assemble_video([(image, 0.0, duration)], audio, duration, None, out, burn_in=write_ass(cues, tmp_path / "c.ass"))
    assemble_video([(image, 0.0, duration)], audio, duration, None, plain_out)
    return out, plain_out


def drawn(picture: Image.Image, reference: Image.Image) -> Image.Image:
    """The changed pixels that have changed neighbours all round: caption strokes are several pixels
    wide, while the two encodes differ only in scattered single pixels on sharp edges elsewhere."""
    return changed(picture, reference).filter(ImageFilter.MinFilter(3))


def accent(picture: Image.Image, mask: Image.Image) -> Image.Image:
    """Mask of drawn pixels in the accent colour (#FFD400: red and green high, blue low)."""
    r, g, b = picture.split()
    yellow = ImageChops.multiply(
        ImageChops.multiply(r.point(lambda v: 255 if v > 190 else 0), g.point(lambda v: 255 if v > 150 else 0)),
        b.point(lambda v: 255 if v < 110 else 0),
    )
    return ImageChops.multiply(yellow, mask)


def bright(picture: Image.Image, mask: Image.Image) -> int:
    """How many drawn pixels are near-white (the caption text itself, not its outline)."""
    white = picture.convert("L").point(lambda v: 255 if v > 215 else 0)
    return ImageChops.multiply(white, mask).histogram()[255]


def count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def mean_difference(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> float:
    diff = ImageChops.difference(a.crop(box), b.crop(box)).convert("L")
    hist = diff.histogram()
    return sum(v * n for v, n in enumerate(hist)) / sum(hist)


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    """The same three images over the same narration: without captions, with, and with the word highlighted."""
    root = tmp_path_factory.mktemp("captions")
    images = render_three(root / "frames")
    audio = write_sine_wav(root / "narration.wav", DURATION)
    plain = root / "plain.mp4"
    captioned = root / "captioned.mp4"
    highlighted = root / "highlighted.mp4"
    assemble_video(spans(images), audio, DURATION, None, plain)
    srt = write_srt(CUES, root / "soft.srt")  # soft subtitles too, as the videos asset will ship them
    plain_script = write_ass(CUES, root / "plain.ass")
    assemble_video(spans(images), audio, DURATION, srt, captioned, burn_in=plain_script)
    script = write_ass(CUES, root / "words.ass", WORDS, highlight=True)
    assemble_video(spans(images), audio, DURATION, None, highlighted, burn_in=script)
    return {
        "plain": plain,
        "captioned": captioned,
        "highlighted": highlighted,
        "images": images,
        "root": root,
        "plain_script": plain_script,
        "words_script": script,
    }


@pytest.mark.parametrize("at_s", [0.8, 2.9, 4.4], ids=["one line", "one line, second image", "two lines"])
def test_caption_is_drawn_in_the_bottom_band_inside_the_safe_area(videos, at_s):
    captioned, plain = frames_at(videos["captioned"], [at_s]) + frames_at(videos["plain"], [at_s])
    mask = drawn(captioned, plain)
    left, top, right, bottom = mask.getbbox()
    assert top >= BAND_TOP and bottom <= SAFE_BOTTOM, (top, bottom)
    assert left >= 0.10 * W and right <= 0.90 * W, (left, right)
    assert bright(captioned, mask) > 1500, "white caption text is drawn"
    raw = changed(captioned, plain)
    assert count(raw.crop((0, SAFE_BOTTOM, W, H))) == 0, (
        "not a pixel below the safe margin, outline and shadow included"
    )
    assert count(raw.crop((0, 0, W, BAND_TOP))) < 50, "above the band, only scattered encoding noise"
    assert mean_difference(captioned, plain, (0, 0, W, BAND_TOP)) < 0.5, "the picture above the captions is untouched"


def test_two_line_cue_is_taller_than_one_line_and_keeps_the_same_bottom(videos):
    one, two, plain_one, plain_two = frames_at(videos["captioned"], [2.9, 4.4]) + frames_at(videos["plain"], [2.9, 4.4])
    _, top1, _, bottom1 = drawn(one, plain_one).getbbox()
    _, top2, _, bottom2 = drawn(two, plain_two).getbbox()
    assert abs(bottom1 - bottom2) <= 4
    assert 1.7 < (bottom2 - top2) / (bottom1 - top1) < 2.3


def test_caption_switches_exactly_at_a_cue_boundary_inside_an_image_span(videos):
    # 2.2 s: cue A gives way to cue B while the second image (1.3-4.0 s) stays on screen.
    before, after, a_mid, b_mid = frames_at(videos["captioned"], [2.199, 2.200, 2.0, 2.9])
    plain = frames_at(videos["plain"], [2.2])[0]
    assert count(drawn(before, a_mid)) == 0, "just before the switch cue A is on screen"
    assert count(drawn(after, b_mid)) == 0, "from the switch on cue B is on screen"
    assert count(drawn(after, before)) > 2000
    assert mean_difference(before, plain, (0, 0, W, BAND_TOP)) < 0.5
    assert mean_difference(after, plain, (0, 0, W, BAND_TOP)) < 0.5


def test_caption_disappears_at_the_cue_end_and_the_next_appears_at_its_start(videos):
    shown = frames_at(videos["captioned"], [3.599, 3.600, 3.899, 3.900])
    plain = frames_at(videos["plain"], [3.599, 3.600, 3.899, 3.900])
    assert [count(drawn(s, p)) > 2000 for s, p in zip(shown, plain)] == [True, False, False, True]


def test_caption_stays_on_screen_across_an_image_switch(videos):
    # Cue A (0.3-2.2 s) is drawn on the first image and, from 1.3 s, on the second.
    shown = frames_at(videos["captioned"], [1.299, 1.300])
    plain = frames_at(videos["plain"], [1.299, 1.300])
    boxes = [drawn(s, p).getbbox() for s, p in zip(shown, plain)]
    assert boxes[0] is not None and boxes[1] is not None
    assert all(abs(a - b) <= 3 for a, b in zip(*boxes)), boxes


def test_highlight_moves_to_the_next_word_at_its_start(videos):
    # "extraction" is lit until "reads" starts at 1.40 s.
    before, after = frames_at(videos["highlighted"], [1.399, 1.400])
    plain = frames_at(videos["plain"], [1.4])[0]
    lit_before = accent(before, drawn(before, plain)).getbbox()
    lit_after = accent(after, drawn(after, plain)).getbbox()
    assert lit_before is not None and lit_after is not None
    assert lit_before[2] < lit_after[0], "the lit word moves right, to the next word"
    box_before, box_after = drawn(before, plain).getbbox(), drawn(after, plain).getbbox()
    assert all(abs(a - b) <= 3 for a, b in zip(box_before, box_after)), "the cue itself does not move"


def test_first_word_is_lit_from_the_moment_the_cue_appears(videos):
    shown, plain = frames_at(videos["highlighted"], [0.300]) + frames_at(videos["plain"], [0.300])
    caption = drawn(shown, plain)
    left = caption.getbbox()[0]
    lit = accent(shown, caption).getbbox()
    assert lit is not None and lit[0] - left < 12, "the lit word is the first one"
    assert lit[2] < W / 2, "and only that word is lit"


def test_highlighted_video_draws_the_same_caption_as_the_plain_one_apart_from_colour(videos):
    plain = frames_at(videos["plain"], [2.9])[0]
    lit, unlit = frames_at(videos["highlighted"], [2.9]) + frames_at(videos["captioned"], [2.9])
    assert all(abs(a - b) <= 3 for a, b in zip(drawn(lit, plain).getbbox(), drawn(unlit, plain).getbbox()))
    assert count(accent(lit, drawn(lit, plain))) > 200 and count(accent(unlit, drawn(unlit, plain))) == 0


def test_ass_syntax_in_the_text_is_drawn_as_text(videos):
    # Unescaped, "{\fs200}" would draw the rest 200 px tall and "\N" would break the line.
    one_line, quoted, plain_one, plain_quoted = frames_at(videos["captioned"], [2.9, 5.3]) + frames_at(
        videos["plain"], [2.9, 5.3]
    )
    _, top1, right1, bottom1 = drawn(one_line, plain_one).getbbox()
    left2, top2, right2, bottom2 = drawn(quoted, plain_quoted).getbbox()
    assert abs((bottom2 - top2) - (bottom1 - top1)) <= 0.25 * (bottom1 - top1), "one line of ordinary size"
    assert right2 - left2 > 0.5 * W * 0.8 * 0.6, "all 32 characters are drawn, braces and backslash included"


def test_captioned_video_keeps_its_durations_and_image_switches(videos):
    info = probe(videos["highlighted"])
    for stream in (*info.of_type("video"), *info.of_type("audio")):
        assert stream.duration_s == pytest.approx(DURATION, abs=0.1), stream
    assert_each_image_on_screen_for_its_span(videos["highlighted"], videos["images"])


def test_captioned_video_decodes_cleanly_and_still_carries_soft_subtitles(videos):
    # -enc_time_base -1 keeps the file's own time base: by default ffmpeg re-times frames onto
    # its guessed frame rate (the average, a few per second here) and reports frames 20 ms
    # apart as colliding, which says nothing about the file.
    for video in (videos["captioned"], videos["highlighted"]):
        decode = subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(video), "-enc_time_base", "-1", "-f", "null", "-"],
            capture_output=True,
            text=True,
        )
        assert decode.returncode == 0 and decode.stderr.strip() == ""
    (subtitle,) = probe(videos["captioned"]).of_type("subtitle")
    assert subtitle.codec_name == "mov_text"


def test_frames_are_added_only_where_the_captions_change_and_only_images_start_with_keyframes(videos):
    changes = event_times(videos["words_script"].path)
    packets = video_packets(videos["highlighted"])
    expected = sorted({0.0, *BOUNDARIES, *(t for t in changes if 0 < t < DURATION - 0.001), DURATION - 0.001})
    assert [t for t, _ in packets] == pytest.approx(expected, abs=0.0005)
    assert [t for t, key in packets if key] == pytest.approx([0.0, *BOUNDARIES], abs=0.0005)


def test_caption_starting_where_millisecond_arithmetic_rounds_down_is_drawn_on_its_first_frame(tmp_path):
    # libass is asked for the captions at pts x 0.001 x 1000 truncated: at 8030 that is 8029.
    # Unguarded, the frame stamped at 8.03 s showed the previous cue until the video ended.
    out, plain_out = grey_video_with_and_without(
        tmp_path, [Cue(7.0, 8.03, ("A rather long first caption",)), Cue(8.03, 9.0, ("Two",))], 9.0
    )
    first, second = frames_at(out, [8.029, 8.030])
    plain = frames_at(plain_out, [8.03])[0]
    wide, narrow = drawn(first, plain).getbbox(), drawn(second, plain).getbbox()
    assert narrow[2] - narrow[0] < (wide[2] - wide[0]) / 3


def test_line_wider_than_the_safe_area_is_drawn_smaller_not_wrapped_or_cut(tmp_path):
    out, plain_out = grey_video_with_and_without(tmp_path, [Cue(0.0, 1.0, ("W" * 42,)), Cue(1.0, 2.0, ("Wide",))], 2.0)
    wide, normal = frames_at(out, [0.5, 1.5])
    plain = frames_at(plain_out, [0.5])[0]
    left, top, right, bottom = drawn(wide, plain).getbbox()
    _, top_n, _, bottom_n = drawn(normal, plain).getbbox()
    assert left >= 0.10 * W and right <= 0.90 * W
    assert right - left > 0.7 * W, "the line still fills the safe width"
    assert bottom - top < bottom_n - top_n + 6, "one line, no taller than an ordinary one"


def test_thirty_second_narration_with_highlight_adds_one_frame_per_word_and_cue_change(tmp_path):
    """158 words a minute over four images: the frame count is the number of moments the picture changes."""
    text = (
        "Traditionally, Information Extraction has focused on satisfying precise, narrow, pre-specified requests "
        "from small homogeneous corpora. Shifting to a new domain requires the user to name the target relations "
        "and to manually create new extraction rules or hand-tag new training examples. This manual labor scales "
        "linearly with the number of target relations. This paper introduces Open IE, a new extraction paradigm "
        "where the system makes a single data-driven pass over its corpus."
    )
    segments, t = [], 0.3
    for sentence in text.split(". "):
        words = []
        for token in sentence.split():
            words.append(Word(token, round(t, 3), round(t + 0.3, 3)))
            t += 0.38
        segments.append(Segment(words[0].start_s, words[-1].end_s, sentence, tuple(words)))
        t += 0.3
    duration = 30.0
    assert segments[-1].end_s < duration
    words = [w for s in segments for w in s.words]
    cues = build_cues(segments)
    script = write_ass(cues, tmp_path / "c.ass", words, highlight=True)
    images = render_three(tmp_path / "frames")
    edges = [0.0, 8.0, 15.5, 23.0, duration]
    frames = [(images[i % 3], a, b) for i, (a, b) in enumerate(zip(edges, edges[1:]))]
    out = assemble_video(
        frames, write_sine_wav(tmp_path / "n.wav", duration), duration, None, tmp_path / "v.mp4", burn_in=script
    )
    packets = video_packets(out.path)
    changes = {round(t * 1000) for t in event_times(script.path)}
    moments = {round(e * 1000) for e in edges[:-1]} | {c for c in changes if 0 < c < duration * 1000 - 1}
    assert len(packets) == len(moments) + 1  # + the closing repeat of the last image
    assert len(packets) <= len(words) + len(cues) + len(edges)
    print(f"30 s, {len(words)} words, {len(cues)} cues, 4 images: {len(packets)} video frames")


def test_missing_caption_script_is_an_input_error_and_writes_nothing(videos, tmp_path):
    images, audio = videos["images"], videos["root"] / "narration.wav"
    with pytest.raises(InputError, match=r"nowhere\.ass: caption script does not exist"):
        assemble_video(
            spans(images),
            audio,
            DURATION,
            None,
            tmp_path / "v.mp4",
            burn_in=CaptionScript(tmp_path / "nowhere.ass", (1.0, 2.0)),
        )
    assert list(tmp_path.iterdir()) == []


def test_ffmpeg_failure_with_captions_leaves_no_file(videos, tmp_path):
    odd = tmp_path / "odd.png"
    Image.new("RGB", (1921, 1081), "blue").save(odd)  # yuv420p needs even dimensions
    out = tmp_path / "out" / "v.mp4"
    with pytest.raises(FfmpegError, match="divisible by 2"):
        assemble_video(
            [(odd, 0.0, DURATION)],
            videos["root"] / "narration.wav",
            DURATION,
            None,
            out,
            burn_in=videos["plain_script"],
        )
    assert list(out.parent.iterdir()) == []
