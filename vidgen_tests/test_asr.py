"""Transcription with word timestamps: faster-whisper on real speech, whisper-timestamped on a tiny model."""

from __future__ import annotations

import json
import socket
import wave
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from vidgen_assets.backends.asr import (
    FasterWhisperTranscriber,
    Transcript,
    WhisperTimestampedTranscriber,
    split_at_pauses,
)
from vidgen_assets.backends.packaged_models import WHISPER_BASE_PACKAGES, assemble_whisper_base
from vidgen_assets.errors import BackendUnavailable, InputError
from vidgen_assets.resources import StorageResource, TranscriptionResource
from vidgen_assets.timeline import Segment, Word
from vidgen_tests.helpers.paths import RECORDING as JFK
from vidgen_tests.helpers.speech import JFK_TEXT, make_tiny_checkpoint, word_error_rate


def test_word_error_rate_counts_substitutions_insertions_and_deletions():
    assert word_error_rate("Ask not, what!", "ask NOT what") == 0
    assert word_error_rate("a b c d", "a x c") == pytest.approx(0.5)
    assert word_error_rate("a b", "a b c d") == pytest.approx(1.0)


@pytest.fixture(scope="module")
def model_cache(whisper_cache) -> Path:
    """The session's model folder (conftest.py): jfk_transcript assembled whisper-base there."""
    return whisper_cache


@pytest.fixture(scope="module")
def faster(model_cache) -> FasterWhisperTranscriber:
    return FasterWhisperTranscriber(cache_dir=model_cache)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: models must come from local files."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _all_words(transcript: Transcript) -> list[Word]:
    return [w for s in transcript.segments for w in s.words]


# --- faster-whisper (the default) -------------------------------------------------------------


def test_faster_whisper_transcribes_the_recording_within_ten_percent_word_error(jfk_transcript):
    transcript, _ = jfk_transcript
    assert word_error_rate(JFK_TEXT, transcript.text) <= 0.10, transcript.text
    assert transcript.language == "en"
    assert (transcript.backend, transcript.model) == ("faster-whisper", "whisper-base")
    assert transcript.duration_s == pytest.approx(11.0, abs=0.01)


def test_faster_whisper_word_times_increase_and_stay_inside_the_audio(jfk_transcript):
    transcript, _ = jfk_transcript
    words = _all_words(transcript)
    assert len(words) >= 20
    assert word_error_rate(JFK_TEXT, " ".join(w.word for w in words)) <= 0.10
    for a, b in zip(words, words[1:]):
        assert a.start_s <= b.start_s and a.end_s <= b.start_s + 1e-6
    for w in words:
        assert 0 <= w.start_s <= w.end_s <= transcript.duration_s
        assert 0 <= w.probability <= 1
        assert w.word == w.word.strip() and w.word


def test_faster_whisper_segments_carry_recognizer_scores(jfk_transcript):
    transcript, _ = jfk_transcript
    for seg in transcript.segments:
        assert isinstance(seg, Segment) and seg.text and seg.words
        assert seg.start_s <= seg.words[0].start_s and seg.words[-1].end_s <= seg.end_s
        assert seg.avg_logprob is not None and seg.avg_logprob < 0
        assert seg.compression_ratio is not None and seg.compression_ratio > 0
        assert seg.no_speech_prob is not None and 0 <= seg.no_speech_prob <= 1
        # confidence is documented as the mean word probability
        assert seg.confidence == pytest.approx(sum(w.probability for w in seg.words) / len(seg.words))
        assert all(type(v) is float for v in (seg.start_s, seg.end_s, seg.avg_logprob, seg.confidence))


def test_faster_whisper_reports_progress_up_to_the_whole_duration(jfk_transcript):
    transcript, calls = jfk_transcript
    assert len(calls) >= len(transcript.segments)
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == pytest.approx(transcript.duration_s)
    assert {t for _, t in calls} == {transcript.duration_s}


def test_transcribing_in_short_windows_cut_at_pauses_loses_no_words(model_cache, jfk_wav):
    windowed = FasterWhisperTranscriber(cache_dir=model_cache, window_s=6.0).transcribe(jfk_wav)
    assert word_error_rate(JFK_TEXT, windowed.text) <= 0.10, windowed.text
    words = _all_words(windowed)
    assert all(a.start_s <= b.start_s for a, b in zip(words, words[1:]))
    assert words[-1].end_s > 9.0  # times of the second window are offset to the recording


def test_windows_tile_the_recording_and_cut_where_it_is_quiet(jfk_wav):
    with wave.open(str(jfk_wav)) as w:
        whole = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    pieces = list(split_at_pauses(jfk_wav, window_s=6.0))
    assert len(pieces) == 2
    assert np.array_equal(np.concatenate([p for _, p in pieces]), whole)
    cut = int(pieces[1][0] * 16_000)
    assert pieces[1][0] == pytest.approx(len(pieces[0][1]) / 16_000)
    around_cut = np.sqrt(np.mean(whole[cut - 1600 : cut + 1600] ** 2))
    assert around_cut < 0.25 * np.sqrt(np.mean(whole**2)), "cut lands in a pause, not in a word"


def test_whisper_base_is_assembled_once_from_its_packages_and_verified(faster, jfk_transcript, model_cache):
    folder = model_cache / "whisper-base"
    manifest = json.loads((folder / "vidgen-model.json").read_text())
    assert set(manifest["packages"]) == set(WHISPER_BASE_PACKAGES)
    assert (folder / "model.bin").stat().st_size == manifest["size"] > 100_000_000
    assert {"config.json", "tokenizer.json"} <= {p.name for p in folder.iterdir()}
    before = (folder / "model.bin").stat().st_mtime_ns
    assert assemble_whisper_base(model_cache) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == before, "reused, not rebuilt"
    assert not [p for p in model_cache.iterdir() if p.name.startswith(".")], "no temporary folder left"


def test_model_folder_without_model_files_is_reported_not_replaced(tmp_path):
    transcriber = FasterWhisperTranscriber(cache_dir=tmp_path, model_dir=tmp_path)
    with pytest.raises(BackendUnavailable, match=r"faster-whisper.*lacks model\.bin"):
        transcriber.check()
    with pytest.raises(BackendUnavailable, match=r"lacks model\.bin"):
        TranscriptionResource(model=str(tmp_path)).check(StorageResource(data_dir=str(tmp_path)))


def test_faster_whisper_refuses_a_file_that_is_not_16khz_mono_wav(faster):
    with pytest.raises(InputError, match=r"jfk\.flac: is not a PCM WAV file"):
        faster.transcribe(JFK)


def test_doctor_reports_the_default_backend_available(tmp_path):
    assert TranscriptionResource().check(StorageResource(data_dir=str(tmp_path))) is None


def test_unknown_backend_is_refused_with_the_valid_names():
    with pytest.raises(ValidationError, match="'faster-whisper' or 'whisper-timestamped'"):
        TranscriptionResource(backend="vosk")


# --- whisper-timestamped ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory) -> Path:
    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "tiny-random.pt")


def test_whisper_timestamped_maps_its_output_to_segments_and_words(tiny_checkpoint, jfk_wav, no_network):
    calls: list[tuple[float, float]] = []
    transcriber = WhisperTimestampedTranscriber(tiny_checkpoint, temperature=0.0)
    transcript = transcriber.transcribe(jfk_wav, progress=lambda d, t: calls.append((d, t)))
    # A random model's words mean nothing; their structure and timing must still hold.
    assert (transcript.backend, transcript.model) == ("whisper-timestamped", str(tiny_checkpoint))
    assert transcript.duration_s == pytest.approx(11.0, abs=0.01)
    assert isinstance(transcript.language, str) and transcript.language
    assert transcript.segments
    previous_end = 0.0
    for seg in transcript.segments:
        assert isinstance(seg, Segment) and seg.text and seg.words
        assert all(isinstance(w, Word) for w in seg.words)
        assert 0 <= seg.start_s <= seg.end_s <= transcript.duration_s
        assert seg.start_s >= previous_end - 1e-6
        previous_end = seg.end_s
        for w in seg.words:
            assert seg.start_s - 1e-6 <= w.start_s <= w.end_s <= seg.end_s + 1e-6
            assert w.probability is None or 0 <= w.probability <= 1
        assert seg.avg_logprob is not None and seg.no_speech_prob is not None
        assert seg.confidence is not None and 0 <= seg.confidence <= 1
    assert calls and calls[-1] == (pytest.approx(11.0), pytest.approx(11.0))


def test_whisper_timestamped_refuses_a_model_name(no_network):
    for name in ("base", "openai/whisper-small"):
        with pytest.raises(BackendUnavailable) as err:
            WhisperTimestampedTranscriber(name).check()
        assert str(err.value) == (
            f"backend 'whisper-timestamped' is unavailable: model '{name}' is a name, not a local file; "
            "this machine cannot download models. pass the path of a Whisper .pt checkpoint or a "
            "Hugging Face model folder"
        )
    with pytest.raises(BackendUnavailable, match="is a name, not a local file"):
        TranscriptionResource(backend="whisper-timestamped", model="base").check(StorageResource(data_dir="unused"))


def test_whisper_timestamped_refuses_a_folder_without_weights(tmp_path):
    with pytest.raises(BackendUnavailable, match="holds no pytorch_model.bin or whisper.ckpt"):
        WhisperTimestampedTranscriber(tmp_path).check()


def test_whisper_timestamped_doctor_check_passes_with_a_local_checkpoint(tiny_checkpoint):
    resource = TranscriptionResource(backend="whisper-timestamped", model=str(tiny_checkpoint))
    assert resource.check(StorageResource(data_dir="unused")) is None


def test_whisper_timestamped_asked_for_cuda_without_a_gpu_says_so(tiny_checkpoint):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(BackendUnavailable) as error:
        WhisperTimestampedTranscriber(tiny_checkpoint, device="cuda").check()
    message = str(error.value)
    assert message and "torch sees no GPU" in message and "set device to 'cpu'" in message


def test_silence_gives_an_empty_transcript_with_unknown_language(tmp_path, faster, tiny_checkpoint):
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16_000)
        w.writeframes(b"\0\0" * 16_000 * 4)
    for transcriber in (faster, WhisperTimestampedTranscriber(tiny_checkpoint)):
        transcript = transcriber.transcribe(silence)
        assert transcript.segments == [] and transcript.language == ""
        assert transcript.duration_s == pytest.approx(4.0)


def test_whisper_timestamped_reports_a_file_that_is_not_a_checkpoint(tmp_path, jfk_wav):
    bogus = tmp_path / "model.pt"
    bogus.write_text("not a checkpoint")
    with pytest.raises(BackendUnavailable, match=r"cannot load model .*model\.pt"):
        WhisperTimestampedTranscriber(bogus).transcribe(jfk_wav)


def test_faster_whisper_asked_for_cuda_without_a_gpu_says_so(model_cache):
    import ctranslate2

    if ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a GPU")
    with pytest.raises(BackendUnavailable) as error:
        FasterWhisperTranscriber(cache_dir=model_cache, device="cuda").check()
    message = str(error.value)
    assert message and "sees no GPU" in message and "set device to 'cpu'" in message
