"""Subtitle cues from word times: the reading rules, on a real recording and on a real paper's text."""

from __future__ import annotations

import re

import pdfplumber
import pytest

from vidgen_assets.backends.asr import FasterWhisperTranscriber
from vidgen_assets.errors import InputError
from vidgen_assets.media.audio import normalize_for_recognition
from vidgen_assets.media.subtitles import (
    Cue,
    ass_escape,
    build_cues,
    parse_srt,
    read_ass_change_times,
    write_ass,
    write_srt,
    write_vtt,
)
from vidgen_assets.timeline import Segment, Word

from vidgen_tests.conftest import FIXTURES
JFK = FIXTURES / "jfk.flac"
PAPER = FIXTURES / "open-information-extraction.pdf"


@pytest.fixture(scope="module")
def jfk_segments(tmp_path_factory) -> list[Segment]:
    tmp = tmp_path_factory.mktemp("jfk")
    wav = normalize_for_recognition(JFK, tmp / "jfk.wav")
    return FasterWhisperTranscriber(cache_dir=tmp / "cache").transcribe(wav).segments


@pytest.fixture(scope="module")
def paper_segments() -> list[Segment]:
    """The paper's abstract and introduction as narrated sentences, with plausible word times.

    Nothing is synthesized: each word lasts in proportion to its letters (about 14 characters
    a second, a usual narration pace), with short gaps between words and longer ones between
    sentences. Headings are segments without a full stop, as the narration script has them.
    """
    with pdfplumber.open(PAPER) as pdf:
        page = pdf.pages[0]
        columns = [
            page.crop((0, 0, page.width / 2, page.height)).extract_text(x_tolerance=1),
            page.crop((page.width / 2, 0, page.width, page.height)).extract_text(x_tolerance=1),
        ]
    left = columns[0][columns[0].index("Traditionally") : columns[0].index("IJCA")]
    right = columns[1][columns[1].index("Information Extraction (IE) has traditionally") :]
    text = re.sub(r"-\n(?=[a-z])", "", left + "\n" + right)
    text = text.replace("1 Introduction and Motivation", "\n1 Introduction and Motivation\n")
    sentences = []
    for block in text.split("\n1 Introduction and Motivation\n"):
        sentences += re.split(r"(?<=[.!?])\s+(?=[A-Z“])", " ".join(block.split()))
        sentences.append("1 Introduction and Motivation")
    sentences = [s for s in sentences[:-1] if s]

    segments, t = [], 0.4
    for sentence in sentences:
        words = []
        for token in sentence.split():
            duration = 0.07 * len(token) + 0.05
            words.append(Word(token, round(t, 3), round(t + duration, 3)))
            t += duration + 0.06
        segments.append(Segment(words[0].start_s, words[-1].end_s, sentence, tuple(words)))
        t += 0.45
    assert len(segments) > 25 and segments[-1].end_s > 150
    return segments


def assert_reading_rules(cues: list[Cue], segments: list[Segment], sentence_ends: set[int]) -> None:
    """The rules a viewer notices; `sentence_ends` are indices (in the word sequence) of sentence-final words."""
    words = [w.word for s in segments for w in s.words]
    assert [w for c in cues for w in c.text.split()] == words, "every word shown once, in order"
    total = segments[-1].end_s - segments[0].start_s
    position = 0
    for i, cue in enumerate(cues):
        assert 1 <= len(cue.lines) <= 2
        for line in cue.lines:
            assert len(line) <= 42 or " " not in line, line
            assert line == line.strip() and "  " not in line
        assert cue.end_s - cue.start_s <= 7.0 + 1e-9
        assert cue.end_s - cue.start_s >= 1.0 - 1e-9 or total < 1.0
        if i:
            assert cue.start_s >= cues[i - 1].end_s, "cues never overlap and are in order"
        count = len(cue.text.split())
        inner_ends = [k for k in range(position, position + count - 1) if k in sentence_ends]
        assert not inner_ends, f"cue crosses a sentence end: {cue.text!r}"
        position += count
        if len(cue.lines) == 2:
            longest_word = max(len(w) for w in cue.text.split())
            assert abs(len(cue.lines[0]) - len(cue.lines[1])) <= longest_word + 1, cue.lines


def _sentence_ends_by_punctuation(segments: list[Segment]) -> set[int]:
    words = [w.word for s in segments for w in s.words]
    return {i for i, w in enumerate(words) if re.search(r"[.!?]$", w)}


def _sentence_ends_by_segment(segments: list[Segment]) -> set[int]:
    ends, k = set(), -1
    for s in segments:
        k += len(s.words)
        ends.add(k)
    return ends


def test_cues_of_the_real_recording_follow_the_reading_rules(jfk_segments):
    cues = build_cues(jfk_segments)
    assert len(cues) >= 3  # 107 characters of speech cannot fit two 2-line cues of 42
    assert_reading_rules(cues, jfk_segments, _sentence_ends_by_punctuation(jfk_segments))
    assert cues[0].start_s == jfk_segments[0].words[0].start_s
    assert cues[-1].text.endswith("country.")


def test_recording_cues_prefer_to_end_at_commas(jfk_segments):
    cues = build_cues(jfk_segments)
    assert sum(c.text.endswith((",", ".", "!", "?")) for c in cues) >= len(cues) - 1


def test_cues_of_a_narrated_paper_follow_the_reading_rules(paper_segments):
    cues = build_cues(paper_segments)
    assert_reading_rules(cues, paper_segments, _sentence_ends_by_segment(paper_segments))
    assert any(len(c.lines) == 2 for c in cues)


def test_narrated_heading_without_full_stop_is_a_cue_of_its_own(paper_segments):
    cues = build_cues(paper_segments)
    assert "1 Introduction and Motivation" in [c.text for c in cues]


def test_cue_never_ends_mid_sentence_when_the_sentence_fits_one_cue(paper_segments):
    cues = build_cues(paper_segments)
    texts = [c.text for c in cues]
    for seg in paper_segments:
        if len(seg.text) <= 42 and seg.end_s - seg.start_s <= 7.0:
            assert seg.text in texts


def test_short_cue_is_extended_into_the_silence_after_it():
    segments = [
        Segment(0.0, 0.4, "Yes.", (Word("Yes.", 0.0, 0.4),)),
        Segment(3.0, 3.6, "Indeed it is.", (Word("Indeed", 3.0, 3.2), Word("it", 3.25, 3.35), Word("is.", 3.4, 3.6))),
    ]
    cues = build_cues(segments)
    assert [c.text for c in cues] == ["Yes.", "Indeed it is."]
    assert cues[0].end_s == pytest.approx(1.0)
    assert cues[1].end_s == pytest.approx(4.0)


def test_short_cue_never_overlaps_the_next_one():
    words = (Word("Stop.", 0.0, 0.3), Word("Now", 0.6, 0.9), Word("listen", 0.95, 1.4), Word("carefully.", 1.45, 2.2))
    cues = build_cues([Segment(0.0, 2.2, "Stop. Now listen carefully.", words, avg_logprob=-0.2)])
    for a, b in zip(cues, cues[1:]):
        assert a.end_s <= b.start_s
    assert all(c.end_s - c.start_s >= 1.0 for c in cues)


def test_long_sentence_without_punctuation_is_split_at_word_boundaries_within_seven_seconds():
    tokens = ("we kept walking along the river and talked about everything that had happened "
              "during the long summer we spent in the mountains with our old friends from school").split()
    words, t = [], 0.0
    for token in tokens:
        words.append(Word(token, round(t, 3), round(t + 0.5, 3)))
        t += 0.55
    seg = Segment(0.0, words[-1].end_s, " ".join(tokens), tuple(words), avg_logprob=-0.3)
    cues = build_cues([seg])
    assert len(cues) >= 3
    assert_reading_rules(cues, [seg], set())
    assert not any(c.text.split()[-1] in {"the", "a", "with", "from", "and"} for c in cues[:-1])


def test_segment_without_words_is_spread_over_its_span():
    seg = Segment(2.0, 14.0, "A sentence with no word timings that still needs to be shown on screen in readable pieces.")
    cues = build_cues([seg])
    assert cues[0].start_s == 2.0 and cues[-1].end_s == pytest.approx(14.0)
    assert " ".join(c.text for c in cues) == seg.text
    assert all(c.end_s - c.start_s <= 7.0 for c in cues)


def test_no_words_no_cues():
    assert build_cues([]) == []


def test_srt_round_trip_keeps_times_and_lines(jfk_segments, paper_segments, tmp_path):
    for segments in (jfk_segments, paper_segments):
        cues = build_cues(segments)
        path = write_srt(cues, tmp_path / "out.srt")
        back = parse_srt(path)
        assert [c.lines for c in back] == [c.lines for c in cues]
        for a, b in zip(back, cues):
            assert a.start_s == pytest.approx(b.start_s, abs=0.0006)
            assert a.end_s == pytest.approx(b.end_s, abs=0.0006)
    assert [p.name for p in tmp_path.iterdir()] == ["out.srt"], "no temporary file left behind"


def test_srt_file_is_numbered_with_comma_milliseconds(tmp_path):
    path = write_srt([Cue(1.5, 3.25, ("Hello",)), Cue(3661.0, 3662.001, ("two", "lines"))], tmp_path / "a.srt")
    assert path.read_text() == (
        "1\n00:00:01,500 --> 00:00:03,250\nHello\n\n2\n01:01:01,000 --> 01:01:02,001\ntwo\nlines\n"
    )


def test_parse_srt_reads_an_ordinary_srt_file(tmp_path):
    path = tmp_path / "other.srt"
    path.write_bytes(
        "\ufeff1\r\n00:00:00,250 --> 00:00:02,000\r\n<i>Hello</i> there\r\n\r\n"
        "2\r\n00:00:02,500 --> 00:00:04,75 X1:10 X2:20\r\nSecond  \r\nline two\r\n\r\n\r\n".encode("utf-8")
    )
    cues = parse_srt(path)
    assert cues == [
        Cue(0.25, 2.0, ("<i>Hello</i> there",)),
        Cue(2.5, 4.75, ("Second", "line two")),
    ]


def test_parse_srt_names_the_file_for_a_malformed_timing_line(tmp_path):
    path = tmp_path / "bad.srt"
    path.write_text("1\n00:00:01 --> later\nHello\n")
    with pytest.raises(InputError, match=r"bad\.srt.*malformed SRT timing"):
        parse_srt(path)


def test_vtt_has_header_dot_milliseconds_and_escaped_text(tmp_path):
    cues = [Cue(0.0, 1.2, ("Fish & chips",)), Cue(61.5, 63.0, ("a <b> c", "second line"))]
    text = write_vtt(cues, tmp_path / "a.vtt").read_text()
    assert text.startswith("WEBVTT\n\n")
    stamps = re.findall(r"^(\S+) --> (\S+)$", text, flags=re.M)
    assert stamps == [("00:00:00.000", "00:00:01.200"), ("00:01:01.500", "00:01:03.000")]
    assert "Fish &amp; chips" in text and "a &lt;b&gt; c\nsecond line" in text


def test_vtt_of_the_real_recording_lists_every_cue(jfk_segments, tmp_path):
    cues = build_cues(jfk_segments)
    text = write_vtt(cues, tmp_path / "jfk.vtt").read_text()
    blocks = text.split("\n\n")[1:]
    assert len([b for b in blocks if b.strip()]) == len(cues)
    for block in filter(str.strip, blocks):
        assert re.match(r"\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}\n", block)


# --- ASS scripts for burned-in captions (rendered for real in test_captions.py) ---------------


def ass_style(text: str) -> dict[str, str]:
    fields = [f.strip() for f in re.search(r"^\[V4\+ Styles\]\nFormat: (.*)$", text, flags=re.M).group(1).split(",")]
    values = re.search(r"^Style: (.*)$", text, flags=re.M).group(1).split(",")
    return dict(zip(fields, values))


def ass_events(text: str) -> list[tuple[str, str, str]]:
    """(start, end, text) of every Dialogue line."""
    return [(m[0], m[1], m[2]) for m in re.findall(r"^Dialogue: 0,([^,]+),([^,]+),Caption,,0,0,0,,(.*)$", text, flags=re.M)]


def centiseconds(stamp: str) -> int:
    h, m, s = stamp.split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 100)


def lit_word(event_text: str) -> str:
    return re.search(r"\{\\1c&H00D4FF&\}(.*?)\{\\1c&HFFFFFF&\}", event_text).group(1)


def test_ass_style_is_large_dejavu_white_with_outline_bottom_centre_inside_the_safe_area(tmp_path):
    text = write_ass([Cue(0.0, 1.0, ("Hello",))], tmp_path / "c.ass").read_text()
    assert "PlayResX: 1920\nPlayResY: 1080" in text and "WrapStyle: 2" in text
    style = ass_style(text)
    assert style["Fontname"] == "DejaVu Sans" and int(style["Fontsize"]) >= 50
    assert style["PrimaryColour"] == "&H00FFFFFF" and style["OutlineColour"] == "&H00000000"
    assert style["BorderStyle"] == "1" and float(style["Outline"]) >= 2 and float(style["Shadow"]) > 0
    assert style["Alignment"] == "2"  # bottom centre
    assert int(style["MarginV"]) >= 0.05 * 1080
    assert int(style["MarginL"]) >= 0.10 * 1920 and int(style["MarginR"]) >= 0.10 * 1920


def test_ass_sizes_follow_the_picture(tmp_path):
    small = ass_style(write_ass([Cue(0.0, 1.0, ("Hi",))], tmp_path / "a.ass", size=(1280, 720)).read_text())
    large = ass_style(write_ass([Cue(0.0, 1.0, ("Hi",))], tmp_path / "b.ass", size=(3840, 2160)).read_text())
    assert (int(small["Fontsize"]), int(small["MarginV"]), int(small["MarginL"])) == (36, 44, 128)
    assert (int(large["Fontsize"]), int(large["MarginV"]), int(large["MarginL"])) == (108, 130, 384)


def test_ass_has_one_event_per_cue_with_exactly_its_lines(jfk_segments, tmp_path):
    cues = build_cues(jfk_segments)
    events = ass_events(write_ass(cues, tmp_path / "jfk.ass").read_text())
    assert len(events) == len(cues)
    for (start, end, text), cue in zip(events, cues):
        assert text.split("\\N") == list(cue.lines)
        assert centiseconds(start) == round(cue.start_s * 100) and centiseconds(end) == round(cue.end_s * 100)


def test_highlight_writes_one_event_per_word_lit_in_turn_tiling_the_cue(jfk_segments, tmp_path):
    cues = build_cues(jfk_segments)
    words = [w for s in jfk_segments for w in s.words]
    events = ass_events(write_ass(cues, tmp_path / "jfk.ass", words, highlight=True).read_text())
    assert [lit_word(text) for _, _, text in events] == [w.word.strip() for w in words]
    k = 0
    for cue in cues:
        mine = events[k : k + len(cue.text.split())]
        k += len(mine)
        assert centiseconds(mine[0][0]) == round(cue.start_s * 100) and centiseconds(mine[-1][1]) == round(cue.end_s * 100)
        assert all(a[1] == b[0] for a, b in zip(mine, mine[1:])), "each word is lit until the next one starts"
        unlit = {re.sub(r"\{[^}]*\}", "", text) for _, _, text in mine}
        assert unlit == {"\\N".join(cue.lines)}, "every event shows the whole cue"


def test_highlight_changes_at_the_words_start_times(paper_segments, tmp_path):
    words = [w for s in paper_segments for w in s.words]
    cues = build_cues(paper_segments)
    events = ass_events(write_ass(cues, tmp_path / "paper.ass", words, highlight=True).read_text())
    cue_starts = {round(c.start_s * 100) for c in cues}
    assert len(events) == len(words)
    for (start, _, _), word in zip(events, words):
        assert centiseconds(start) == round(word.start_s * 100) or centiseconds(start) in cue_starts


def test_cue_without_word_times_is_lit_word_by_word_across_its_span(tmp_path):
    timed = Segment(0.0, 1.0, "Open extraction.", (Word("Open", 0.0, 0.4), Word("extraction.", 0.45, 1.0)))
    untimed = Segment(1.5, 5.0, "TextRunner reads the whole web once.")
    cues = build_cues([timed, untimed])
    words = [w for s in (timed, untimed) for w in s.words]
    events = ass_events(write_ass(cues, tmp_path / "c.ass", words, highlight=True).read_text())
    assert [lit_word(t) for _, _, t in events] == ["Open", "extraction.", "TextRunner", "reads", "the", "whole", "web", "once."]
    starts = [centiseconds(s) for s, _, _ in events]
    assert starts[:3] == [0, 45, 150] and starts == sorted(starts) and len(set(starts)) == len(starts)
    assert centiseconds(events[-1][1]) == 500
    assert starts[3] - starts[2] > starts[4] - starts[3], "a longer word is lit for longer"


def test_highlight_needs_the_words(tmp_path):
    with pytest.raises(ValueError, match="words"):
        write_ass([Cue(0.0, 1.0, ("Hi",))], tmp_path / "c.ass", highlight=True)
    assert list(tmp_path.iterdir()) == []


def test_ass_special_characters_are_escaped():
    assert ass_escape("{\\b1}bold") == "\\{\\\u2060b1\\}bold"
    assert ass_escape("a \\N b \\n c \\h") == "a \\\u2060N b \\\u2060n c \\\u2060h"
    assert ass_escape("plain, text: 100%") == "plain, text: 100%"


def test_cue_text_with_ass_syntax_is_written_escaped(tmp_path):
    cues = [Cue(0.0, 1.0, ("Set {\\fs200} then \\N",))]
    (event,) = ass_events(write_ass(cues, tmp_path / "c.ass").read_text())
    assert event[2] == "Set \\{\\\u2060fs200\\} then \\\u2060N"


def test_line_too_wide_for_the_safe_area_gets_a_smaller_font_only_for_its_cue(tmp_path):
    cues = [Cue(0.0, 1.0, ("W" * 42,)), Cue(1.0, 2.0, ("Typical caption of about forty characters",))]
    events = ass_events(write_ass(cues, tmp_path / "c.ass").read_text())
    size = int(re.match(r"\{\\fs(\d+)\}", events[0][2]).group(1))
    assert 30 < size < 54
    assert not events[1][2].startswith("{")


def test_change_times_are_every_event_start_and_end(tmp_path):
    cues = [Cue(0.5, 2.0, ("a",)), Cue(2.0, 3.25, ("b",)), Cue(4.0, 4.004, ("too short to show",)), Cue(5.0, 6.0, ("c",))]
    path = write_ass(cues, tmp_path / "c.ass")
    assert read_ass_change_times(path) == [0.5, 2.0, 3.25, 5.0, 6.0]
    assert [p.name for p in tmp_path.iterdir()] == ["c.ass"], "no temporary file left behind"


def test_change_times_of_a_malformed_script_name_the_file_and_line(tmp_path):
    path = tmp_path / "odd.ass"
    path.write_text("[Script Info]\n\n[Events]\nFormat: Layer, Start, End, Text\nDialogue: 0,0:00:01.00,soon,Hi\n")
    with pytest.raises(InputError, match=r"odd\.ass: line 5: malformed ASS time 'soon'"):
        read_ass_change_times(path)
    path.write_text("[Script Info]\n[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Hi\n")
    with pytest.raises(InputError, match=r"odd\.ass: line 3: Dialogue before an \[Events\] Format line"):
        read_ass_change_times(path)
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nAn SRT file\n")
    with pytest.raises(InputError, match=r"odd\.ass: is not an ASS script"):
        read_ass_change_times(path)
