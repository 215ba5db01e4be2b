"""SRT and WebVTT files written from cues, and SRT files read back."""

from __future__ import annotations

import re

import pytest

from vidgen_assets.errors import InputError
from vidgen_assets.media.cues import Cue, build_cues
from vidgen_assets.media.subtitle_files import parse_srt, write_srt, write_vtt


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
