"""Subtitle cues from word times: the reading rules, on a real recording and on a real paper's text."""

from __future__ import annotations

import re

import pytest

from vidgen_assets.media.cues import Cue, build_cues
from vidgen_assets.timeline import Segment, Word
from vidgen_tests.helpers.narration import timed_segments


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


# Short sentences (the paper's own are nearly all longer than one cue), between long ones.
SHORT_AMONG_LONG = [
    "TextRunner reads the web once.",
    "It needs no hand-tagged examples.",
    "Traditionally, Information Extraction has focused on satisfying precise, narrow, "
    "pre-specified requests from small homogeneous corpora.",
    "Precision stays high.",
    "Recall grows with the corpus.",
    "The extractor labels its own training data and learns from it which tuples are trustworthy.",
    "Open extraction scales.",
]


def test_cue_never_ends_mid_sentence_when_the_sentence_fits_one_cue(paper_segments):
    segments = timed_segments(SHORT_AMONG_LONG + [seg.text for seg in paper_segments])
    texts = [c.text for c in build_cues(segments)]
    fitting = [seg.text for seg in segments if len(seg.text) <= 42 and seg.end_s - seg.start_s <= 7.0]
    assert len(fitting) == 6  # five short sentences here, and the paper's heading
    assert [text for text in fitting if text not in texts] == []


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
    tokens = (
        "we kept walking along the river and talked about everything that had happened "
        "during the long summer we spent in the mountains with our old friends from school"
    ).split()
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
    seg = Segment(
        2.0, 14.0, "A sentence with no word timings that still needs to be shown on screen in readable pieces."
    )
    cues = build_cues([seg])
    assert cues[0].start_s == 2.0 and cues[-1].end_s == pytest.approx(14.0)
    assert " ".join(c.text for c in cues) == seg.text
    assert all(c.end_s - c.start_s <= 7.0 for c in cues)


def test_no_words_no_cues():
    assert build_cues([]) == []
