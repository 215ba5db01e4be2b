"""ASS scripts for burned-in captions: style, events and word highlighting (rendered for real in test_captions.py)."""

from __future__ import annotations

import re

import pytest

from vidgen_assets.media.captions import ass_escape, write_ass
from vidgen_assets.media.cues import Cue, build_cues
from vidgen_assets.timeline import Segment, Word
from vidgen_tests.helpers.ass import ass_events, ass_style, centiseconds, event_times


def lit_word(event_text: str) -> str:
    return re.search(r"\{\\1c&H00D4FF&\}(.*?)\{\\1c&HFFFFFF&\}", event_text).group(1)


def test_ass_style_is_large_dejavu_white_with_outline_bottom_centre_inside_the_safe_area(tmp_path):
    text = write_ass([Cue(0.0, 1.0, ("Hello",))], tmp_path / "c.ass").path.read_text()
    assert "PlayResX: 1920\nPlayResY: 1080" in text and "WrapStyle: 2" in text
    style = ass_style(text)
    assert style["Fontname"] == "DejaVu Sans" and int(style["Fontsize"]) >= 50
    assert style["PrimaryColour"] == "&H00FFFFFF" and style["OutlineColour"] == "&H00000000"
    assert style["BorderStyle"] == "1" and float(style["Outline"]) >= 2 and float(style["Shadow"]) > 0
    assert style["Alignment"] == "2"  # bottom centre
    assert int(style["MarginV"]) >= 0.05 * 1080
    assert int(style["MarginL"]) >= 0.10 * 1920 and int(style["MarginR"]) >= 0.10 * 1920


def test_ass_sizes_follow_the_picture(tmp_path):
    small = ass_style(write_ass([Cue(0.0, 1.0, ("Hi",))], tmp_path / "a.ass", size=(1280, 720)).path.read_text())
    large = ass_style(write_ass([Cue(0.0, 1.0, ("Hi",))], tmp_path / "b.ass", size=(3840, 2160)).path.read_text())
    assert (int(small["Fontsize"]), int(small["MarginV"]), int(small["MarginL"])) == (36, 44, 128)
    assert (int(large["Fontsize"]), int(large["MarginV"]), int(large["MarginL"])) == (108, 130, 384)


def test_ass_has_one_event_per_cue_with_exactly_its_lines(jfk_segments, tmp_path):
    cues = build_cues(jfk_segments)
    events = ass_events(write_ass(cues, tmp_path / "jfk.ass").path.read_text())
    assert len(events) == len(cues)
    for (start, end, text), cue in zip(events, cues):
        assert text.split("\\N") == list(cue.lines)
        assert centiseconds(start) == round(cue.start_s * 100) and centiseconds(end) == round(cue.end_s * 100)


def test_highlight_writes_one_event_per_word_lit_in_turn_tiling_the_cue(jfk_segments, tmp_path):
    cues = build_cues(jfk_segments)
    words = [w for s in jfk_segments for w in s.words]
    events = ass_events(write_ass(cues, tmp_path / "jfk.ass", words, highlight=True).path.read_text())
    assert [lit_word(text) for _, _, text in events] == [w.word.strip() for w in words]
    k = 0
    for cue in cues:
        mine = events[k : k + len(cue.text.split())]
        k += len(mine)
        assert centiseconds(mine[0][0]) == round(cue.start_s * 100) and centiseconds(mine[-1][1]) == round(
            cue.end_s * 100
        )
        assert all(a[1] == b[0] for a, b in zip(mine, mine[1:])), "each word is lit until the next one starts"
        unlit = {re.sub(r"\{[^}]*\}", "", text) for _, _, text in mine}
        assert unlit == {"\\N".join(cue.lines)}, "every event shows the whole cue"


def test_highlight_changes_at_the_words_start_times(paper_segments, tmp_path):
    words = [w for s in paper_segments for w in s.words]
    cues = build_cues(paper_segments)
    events = ass_events(write_ass(cues, tmp_path / "paper.ass", words, highlight=True).path.read_text())
    # One event per word, from the word's own start: a cue's first word is lit as the cue
    # appears, which is when that word starts (build_cues starts every cue at a word).
    assert [centiseconds(start) for start, _, _ in events] == [round(w.start_s * 100) for w in words]


def test_cue_without_word_times_is_lit_word_by_word_across_its_span(tmp_path):
    timed = Segment(0.0, 1.0, "Open extraction.", (Word("Open", 0.0, 0.4), Word("extraction.", 0.45, 1.0)))
    untimed = Segment(1.5, 5.0, "TextRunner reads the whole web once.")
    cues = build_cues([timed, untimed])
    words = [w for s in (timed, untimed) for w in s.words]
    events = ass_events(write_ass(cues, tmp_path / "c.ass", words, highlight=True).path.read_text())
    assert [lit_word(t) for _, _, t in events] == [
        "Open",
        "extraction.",
        "TextRunner",
        "reads",
        "the",
        "whole",
        "web",
        "once.",
    ]
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
    (event,) = ass_events(write_ass(cues, tmp_path / "c.ass").path.read_text())
    assert event[2] == "Set \\{\\\u2060fs200\\} then \\\u2060N"


def test_line_too_wide_for_the_safe_area_gets_a_smaller_font_only_for_its_cue(tmp_path):
    cues = [Cue(0.0, 1.0, ("W" * 42,)), Cue(1.0, 2.0, ("Typical caption of about forty characters",))]
    events = ass_events(write_ass(cues, tmp_path / "c.ass").path.read_text())
    size = int(re.match(r"\{\\fs(\d+)\}", events[0][2]).group(1))
    assert 30 < size < 54
    assert not events[1][2].startswith("{")


def test_change_times_are_every_event_start_and_end(tmp_path):
    cues = [
        Cue(0.5, 2.0, ("a",)),
        Cue(2.0, 3.25, ("b",)),
        Cue(4.0, 4.004, ("too short to show",)),
        Cue(5.0, 6.0, ("c",)),
    ]
    script = write_ass(cues, tmp_path / "c.ass")
    assert script.change_times == (0.5, 2.0, 3.25, 5.0, 6.0)
    assert list(script.change_times) == event_times(script.path), "exactly the times of the script's events"
    assert [p.name for p in tmp_path.iterdir()] == ["c.ass"], "no temporary file left behind"


def test_change_times_of_a_highlighted_script_are_its_events_times(jfk_segments, tmp_path):
    words = [w for s in jfk_segments for w in s.words]
    script = write_ass(build_cues(jfk_segments), tmp_path / "jfk.ass", words, highlight=True)
    assert list(script.change_times) == event_times(script.path)
