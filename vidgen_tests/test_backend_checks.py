"""One contract for every backend (speech, transcription, text, pictures): a configured backend
that cannot run here fails its check with a BackendUnavailable that names what is missing and
the fix; it is never replaced by another backend."""

from __future__ import annotations

import re
import socket

import pytest

from vidgen_assets.doctor import check_configured
from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.resources import (
    PicturesResource,
    SpeechResource,
    StorageResource,
    TextModelResource,
    TranscriptionResource,
    build_resources,
)


def _closed_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def storage(tmp_path) -> StorageResource:
    return StorageResource(data_dir=str(tmp_path / "data"))


def test_speech_with_a_missing_voice_file_names_the_file(storage, tmp_path):
    voice = tmp_path / "voices" / "nobody.onnx"
    with pytest.raises(
        BackendUnavailable, match=rf"'piper' is unavailable: voice file {re.escape(str(voice))} not found"
    ):
        SpeechResource(voice=str(voice)).check(storage)


def test_transcription_with_a_missing_model_folder_names_the_folder(storage, tmp_path):
    folder = tmp_path / "no-whisper-here"
    with pytest.raises(
        BackendUnavailable,
        match=rf"'faster-whisper' is unavailable: model folder {re.escape(str(folder))} lacks model\.bin",
    ):
        TranscriptionResource(model=str(folder)).check(storage)
    with pytest.raises(
        BackendUnavailable,
        match="'whisper-timestamped' is unavailable: no local model configured. set VIDGEN_ASR_MODEL",
    ):
        TranscriptionResource(backend="whisper-timestamped").check(storage)


def test_text_with_ollama_on_a_closed_port_names_the_host(storage):
    host = _closed_url()
    with pytest.raises(
        BackendUnavailable, match=rf"'ollama' is unavailable: no server at {re.escape(host)}. start `ollama serve`"
    ):
        TextModelResource(backend="ollama", host=host).check(storage)


def test_pictures_from_a_server_on_a_closed_port_name_the_url(storage):
    url = _closed_url()
    for backend, server in (("automatic1111", "the AUTOMATIC1111 API"), ("comfyui", "ComfyUI")):
        with pytest.raises(
            BackendUnavailable, match=rf"'{backend}' is unavailable: {server} does not answer at {re.escape(url)}"
        ):
            PicturesResource(backend=backend, url=url).check(storage)


def test_pictures_with_a_missing_model_or_media_folder_name_it(storage, tmp_path):
    with pytest.raises(
        BackendUnavailable, match="'diffusers' is unavailable: no model folder configured. set VIDGEN_PICTURES_SD_MODEL"
    ):
        PicturesResource(backend="diffusers").check(storage)
    model = tmp_path / "no-sd-model"
    with pytest.raises(
        BackendUnavailable,
        match=rf"'diffusers' is unavailable: {re.escape(str(model))} is not a diffusers model folder",
    ):
        PicturesResource(backend="diffusers", sd_model=str(model)).check(storage)
    media = tmp_path / "no-media"
    with pytest.raises(
        BackendUnavailable, match=rf"'library' is unavailable: the media folder {re.escape(str(media))} does not exist"
    ):
        PicturesResource(media_dir=str(media)).check(storage)


def test_the_run_checks_the_configured_backends_and_stops_at_the_first_that_cannot_run(tmp_path):
    host = _closed_url()
    resources = build_resources({"data-dir": str(tmp_path / "data"), "llm": "ollama", "llm-host": host}, environ={})
    check_configured(resources, ["tts", "pictures"])  # the defaults run here
    with pytest.raises(BackendUnavailable, match=f"no server at {re.escape(host)}"):
        check_configured(resources, ["tts", "llm", "pictures"])
