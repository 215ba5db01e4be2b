"""Text models: the embedded llama.cpp model on a real chunk of the fixture paper, and the Ollama
client against a fake Ollama server speaking the documented HTTP API on 127.0.0.1."""

from __future__ import annotations

import json
import re
import socket

import pdfplumber
import pytest
from pydantic import ValidationError

from vidgen_assets.backends.llm import (
    EmbeddedModel,
    ModelOutputError,
    OllamaModel,
)
from vidgen_assets.errors import BackendUnavailable, VidgenError
from vidgen_assets.resources import StorageResource, TextModelResource
from vidgen_tests.helpers.ollama import FakeOllama
from vidgen_tests.helpers.paths import PAPER

SCHEMA = {
    "type": "object",
    "properties": {
        "topic": {"type": "string", "minLength": 3, "maxLength": 40},
        "kind": {"type": "string", "enum": ["method", "result", "background"]},
    },
    "required": ["topic", "kind"],
}


def abstract_chunk() -> str:
    """The abstract's first sentence, as extracted from the PDF's left column."""
    with pdfplumber.open(PAPER) as pdf:
        page = pdf.pages[0]
        text = page.crop((0, 0, page.width / 2, page.height)).extract_text(x_tolerance=1)
    text = re.sub(r"\s+", " ", re.sub(r"(\w)-\n(\w)", r"\1\2", text[text.index("Traditionally") :]))
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)[0]


@pytest.fixture(scope="module")
def smollm2(tmp_path_factory):
    return EmbeddedModel("smollm2", cache_dir=tmp_path_factory.mktemp("cache"))


def test_embedded_model_answers_schema_valid_json_for_a_paper_chunk(smollm2):
    chunk = abstract_chunk()
    assert chunk.startswith("Traditionally, Information Extraction (IE) has focused")
    answer = smollm2.generate_json(
        "You classify a passage of a research paper.", f"Passage: {chunk}", SCHEMA, max_tokens=40
    )
    assert set(answer) == {"topic", "kind"}
    assert 3 <= len(answer["topic"]) <= 40
    assert answer["kind"] in SCHEMA["properties"]["kind"]["enum"]


def test_embedded_model_is_deterministic(smollm2):
    ask = ("You answer briefly.", "Name the system introduced in: The paper introduces TEXTRUNNER.")
    assert smollm2.generate_field(*ask, max_tokens=12) == smollm2.generate_field(*ask, max_tokens=12)


def test_embedded_field_answer_stops_at_the_stop_string(smollm2):
    text = smollm2.generate_field(
        "You answer in one line.", f"Passage: {abstract_chunk()}\nTopic:", max_tokens=24, stop=("\n",)
    )
    assert text and "\n" not in text


def test_smollm2_prompt_uses_the_chat_template_from_its_gguf(smollm2):
    prompt = smollm2.format_prompt("SYSTEM TEXT", "USER TEXT")
    assert (
        prompt
        == "<|im_start|>system\nSYSTEM TEXT<|im_end|>\n<|im_start|>user\nUSER TEXT<|im_end|>\n<|im_start|>assistant\n"
    )


def test_gemma_prompt_keeps_the_instructions_in_gemma_turns(tmp_path):
    # The Gemma GGUF has no chat template, and llama-cpp-python's "gemma" format drops the
    # system message: the instructions must reach the model inside the user turn.
    gemma = EmbeddedModel("gemma3-270m", cache_dir=tmp_path)
    prompt = gemma.format_prompt("SYSTEM TEXT", "USER TEXT")
    assert prompt == "<start_of_turn>user\nSYSTEM TEXT\n\nUSER TEXT<end_of_turn>\n<start_of_turn>model\n"
    answer = gemma.generate_json(
        "You classify a passage of a research paper.", f"Passage: {abstract_chunk()}", SCHEMA, max_tokens=40
    )
    assert answer["kind"] in SCHEMA["properties"]["kind"]["enum"]


def test_unknown_embedded_model_and_backend_are_errors(tmp_path):
    with pytest.raises(VidgenError, match="gpt-5"):
        EmbeddedModel("gpt-5", cache_dir=tmp_path).check()
    with pytest.raises(ValidationError, match="'embedded' or 'ollama'"):
        TextModelResource(backend="openai")


def test_embedded_backend_can_run_here(tmp_path):
    storage = StorageResource(data_dir=str(tmp_path))
    assert TextModelResource().check(storage) is None
    assert TextModelResource(model="gemma3-270m").check(storage) is None


# --- Ollama, against a fake server that speaks the documented API over real HTTP ---------------


@pytest.fixture
def fake_ollama():
    server = FakeOllama({"llama3.2"}, {"topic": "open information extraction", "kind": "method"})
    yield server
    server.close()


def test_ollama_sends_the_schema_and_messages_and_returns_the_parsed_answer(fake_ollama):
    model = OllamaModel(host=fake_ollama.url, model="llama3.2")
    answer = model.generate_json("SYSTEM", "USER", SCHEMA, max_tokens=50)
    assert answer == {"topic": "open information extraction", "kind": "method"}
    path, request = fake_ollama.requests[-1]
    assert path == "/api/chat"
    assert request["model"] == "llama3.2"
    assert request["format"] == SCHEMA
    assert request["messages"] == [{"role": "system", "content": "SYSTEM"}, {"role": "user", "content": "USER"}]
    assert request["stream"] is False
    assert request["options"]["num_predict"] == 50
    assert request["options"]["temperature"] == 0


def test_ollama_answer_without_a_required_key_is_rejected(fake_ollama):
    fake_ollama.reply = {"topic": "open information extraction"}
    model = OllamaModel(host=fake_ollama.url, model="llama3.2")
    with pytest.raises(ModelOutputError, match="kind"):
        model.generate_json("SYSTEM", "USER", SCHEMA)


def test_ollama_model_not_pulled_is_unavailable_with_the_pull_command(fake_ollama):
    with pytest.raises(BackendUnavailable, match=r"model mistral not pulled.*ollama pull mistral"):
        OllamaModel(host=fake_ollama.url, model="mistral").check()
    assert fake_ollama.requests[-1] == ("/api/show", {"model": "mistral"})


def test_ollama_on_a_closed_port_is_unavailable_and_names_the_host():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        host = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(BackendUnavailable, match=re.escape(f"no server at {host}")) as error:
        OllamaModel(host=host, model="llama3.2").check()
    assert "ollama serve" in str(error.value)
    with pytest.raises(BackendUnavailable, match=re.escape(f"no server at {host}")):
        TextModelResource(backend="ollama", host=host).check(StorageResource(data_dir="unused"))


def test_ollama_field_answer_is_plain_text_with_stop_strings(fake_ollama):
    model = OllamaModel(host=fake_ollama.url, model="llama3.2")
    text = model.generate_field("SYSTEM", "USER", max_tokens=20, stop=("\n",))
    assert json.loads(text) == fake_ollama.reply  # the server's message content, unparsed
    _, request = fake_ollama.requests[-1]
    assert "format" not in request or request["format"] is None
    assert request["options"]["stop"] == ["\n"]
    assert request["options"]["num_predict"] == 20
