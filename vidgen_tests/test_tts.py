"""Speech synthesis on real sentences of the fixture paper: Piper (bundled voice) and espeak-ng."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from pydantic import ValidationError

from vidgen_assets.backends.tts import EspeakSynthesizer, PiperSynthesizer
from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.resources import SpeechResource, StorageResource
from vidgen_tests.helpers.paths import PAPER

PAUSE_S = 0.25


def abstract_sentences(count: int) -> list[str]:
    """The first sentences of the paper's abstract, as extracted from the PDF's left column."""
    with pdfplumber.open(PAPER) as pdf:
        page = pdf.pages[0]
        text = page.crop((0, 0, page.width / 2, page.height)).extract_text(x_tolerance=1)
    text = text[text.index("Traditionally") :]
    text = re.sub(r"\s+", " ", re.sub(r"(\w)-\n(\w)", r"\1\2", text))
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)[:count]


# Sentence 5 has "9,000,000", which espeak reads as several words: word timing must still match.
SENTENCES = abstract_sentences(6)[3:6]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), wav.getframerate()


@pytest.fixture(scope="module", params=["piper", "espeak"])
def spoken(request, tmp_path_factory):
    """(synthesizer, segments, samples, rate, progress calls, wav path) for SENTENCES."""
    synthesizer = {"piper": PiperSynthesizer, "espeak": EspeakSynthesizer}[request.param](sentence_pause_s=PAUSE_S)
    wav_path = tmp_path_factory.mktemp(request.param) / "narration.wav"
    calls: list[tuple[int, int]] = []
    segments = synthesizer.synthesize(SENTENCES, wav_path, progress=lambda done, total: calls.append((done, total)))
    samples, rate = read_wav(wav_path)
    return synthesizer, segments, samples, rate, calls, wav_path


def test_fixture_sentences_are_real_abstract_sentences():
    assert any("9,000,000" in s for s in SENTENCES)
    assert all(len(s.split()) >= 8 for s in SENTENCES)


def test_one_segment_per_sentence_with_its_text(spoken):
    _, segments, *_ = spoken
    assert [s.text for s in segments] == SENTENCES


def test_wav_length_equals_the_last_segment_end(spoken):
    _, segments, samples, rate, *_ = spoken
    assert abs(len(samples) / rate - segments[-1].end_s) <= 1 / rate + PAUSE_S


def test_segments_are_contiguous_and_increasing(spoken):
    _, segments, *_ = spoken
    assert segments[0].start_s == 0.0
    for before, after in zip(segments, segments[1:]):
        assert after.start_s == pytest.approx(before.end_s, abs=1e-9)
    assert all(s.end_s - s.start_s > 1.0 for s in segments)  # a whole spoken sentence each


def test_every_written_word_is_timed_in_order_inside_its_segment(spoken):
    _, segments, _, rate, *_ = spoken
    for segment in segments:
        assert [w.word for w in segment.words] == segment.text.split()
        previous_end = segment.start_s
        for word in segment.words:
            assert segment.start_s <= word.start_s <= word.end_s <= segment.end_s
            assert word.start_s >= previous_end - 1e-9
            previous_end = word.end_s
    # Words end before the pause that closes each segment (the last sentence has none after it).
    for segment in segments[:-1]:
        assert segment.words[-1].end_s <= segment.end_s - PAUSE_S + 1 / rate


def test_audio_is_speech_not_silence(spoken):
    _, segments, samples, rate, *_ = spoken
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 300
    for segment in segments:
        words = samples[int(segment.words[0].start_s * rate) : int(segment.words[-1].end_s * rate)]
        assert np.sqrt(np.mean(words.astype(np.float64) ** 2)) > 300


def test_pause_between_sentences_is_silent(spoken):
    _, segments, samples, rate, *_ = spoken
    for segment in segments[:-1]:
        pause = samples[int((segment.end_s - PAUSE_S) * rate) + 1 : int(segment.end_s * rate)]
        assert len(pause) > 0 and np.abs(pause).max() == 0


def test_progress_is_reported_once_per_sentence(spoken):
    *_, calls, _ = spoken
    assert calls == [(i + 1, len(SENTENCES)) for i in range(len(SENTENCES))]


def test_only_the_finished_wav_is_left_behind(spoken):
    *_, wav_path = spoken
    assert [p.name for p in wav_path.parent.iterdir()] == [wav_path.name]


def test_piper_names_its_bundled_voice():
    synthesizer = SpeechResource().synthesizer()
    assert synthesizer.name == "piper"
    assert synthesizer.voice == "en_US-joe-medium"


def test_piper_with_a_missing_voice_file_is_unavailable_and_names_it(tmp_path):
    missing = tmp_path / "nobody.onnx"
    with pytest.raises(BackendUnavailable, match="nobody.onnx"):
        PiperSynthesizer(voice_path=missing).check()


def test_both_synthesizers_can_run_here(tmp_path):
    storage = StorageResource(data_dir=str(tmp_path))
    assert SpeechResource(backend="piper").check(storage) is None
    assert SpeechResource(backend="espeak").check(storage) is None


def test_a_configured_voice_that_is_missing_is_the_problem_reported(tmp_path):
    with pytest.raises(BackendUnavailable, match=r"voice file .*nobody\.onnx not found"):
        SpeechResource(voice=str(tmp_path / "nobody.onnx")).check(StorageResource(data_dir=str(tmp_path)))


def test_unknown_synthesizer_is_refused_with_the_valid_names():
    with pytest.raises(ValidationError, match="'piper' or 'espeak'"):
        SpeechResource(backend="festival")
