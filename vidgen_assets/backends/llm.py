"""Text models for summaries and image prompts: an embedded llama.cpp model shipped in a PyPI
package (the offline default) or a model served by Ollama.

Both answer in JSON constrained by a JSON schema (a llama.cpp grammar, Ollama's `format`), so
the caller gets a parsed dict or an error, never text fished out of a free-form reply.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from vidgen_assets.backends import Backend
from vidgen_assets.backends.packaged_models import DEFAULT_EMBEDDED_MODEL, embedded_model_path, offline
from vidgen_assets.backends.threads import Threads, threads_now
from vidgen_assets.errors import BackendUnavailable, VidgenError


class ModelOutputError(VidgenError):
    """The model's reply does not satisfy the requested schema (e.g. cut off by max_tokens)."""


class TextModel(Backend, Protocol):
    def generate_json(self, system: str, user: str, schema: dict, max_tokens: int = 128) -> dict:
        """Answer as a JSON object that satisfies `schema` (required keys and their types)."""
        ...

    def generate_field(self, system: str, user: str, max_tokens: int = 48, stop: Sequence[str] = ("\n",)) -> str:
        """Answer in plain text, cut at the first `stop` string: one field, no JSON."""
        ...


def validate_json(value: Any, schema: dict, source: str) -> dict:
    """Check `value` against the parts of `schema` we use: object, required keys, property types, enums."""
    if not isinstance(value, dict):
        raise ModelOutputError(f"{source}: expected a JSON object, got {type(value).__name__}")
    missing = [key for key in schema.get("required", ()) if key not in value]
    if missing:
        raise ModelOutputError(f"{source}: JSON answer lacks required keys {missing}")
    types = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}
    for key, spec in schema.get("properties", {}).items():
        if key not in value:
            continue
        expected = types.get(spec.get("type", ""))
        if expected is not None and not isinstance(value[key], expected):
            raise ModelOutputError(f"{source}: key {key!r} should be {spec['type']}, got {value[key]!r}")
        if "enum" in spec and value[key] not in spec["enum"]:
            raise ModelOutputError(f"{source}: key {key!r} = {value[key]!r} is not one of {spec['enum']}")
    return value


def _parse_json(text: str, schema: dict, source: str) -> dict:
    try:
        value = json.loads(text, strict=False)  # the grammar lets raw newlines into strings
    except json.JSONDecodeError as error:
        raise ModelOutputError(f"{source}: reply is not complete JSON ({error.msg}): {text[:80]!r}") from None
    return validate_json(value, schema, source)


class EmbeddedModel:
    """A small instruct model run in-process by llama.cpp on the CPU, loaded once per instance, on first use.

    Greedy decoding (temperature 0), so the same prompt gives the same answer. `cache_dir` holds
    models assembled from their packages (`packaged_models.embedded_model_path`). `n_threads`:
    a count, a callable asked before each prompt, or None for every core.
    """

    def __init__(
        self, model: str = DEFAULT_EMBEDDED_MODEL, n_threads: Threads | None = 2, seed: int = 0, *, cache_dir: Path
    ):
        self.name = f"embedded:{model}"
        self.model = model
        self.cache_dir = Path(cache_dir)
        self.seed = seed
        self._threads = n_threads
        self._llama: Any = None
        self._grammars: dict[str, Any] = {}
        self.last_usage: dict[str, float] = {}

    def check(self) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise BackendUnavailable(
                self.name, "llama-cpp-python is not installed", "pip install llama-cpp-python==0.3.36"
            )
        embedded_model_path(self.model, self.cache_dir)

    def _load(self) -> Any:
        """The model, loaded on first use."""
        if self._llama is None:
            offline()
            from llama_cpp import Llama

            # Prompt reading (batch) gets the same threads: llama-cpp-python's default is every core.
            threads = threads_now(self._threads)
            self._llama = Llama(
                model_path=str(embedded_model_path(self.model, self.cache_dir)),
                n_ctx=2048,
                n_threads=threads,
                n_threads_batch=threads,
                seed=self.seed,
                verbose=False,
            )
        return self._llama

    def format_prompt(self, system: str, user: str) -> str:
        """The chat prompt as the model was trained to read it.

        SmolLM2's GGUF carries its ChatML template, which we render. The Gemma 3 270M GGUF carries
        none, and llama-cpp-python's fallback formats drop the system message (garbage out), so
        Gemma's turn format is written here, with the instructions at the head of the user turn
        as Gemma's own template does.
        """
        template = self._load().metadata.get("tokenizer.chat_template")
        if template:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            formatter = Jinja2ChatFormatter(template, eos_token="", bos_token="")
            messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
            return formatter(messages=messages).prompt
        return f"<start_of_turn>user\n{system}\n\n{user}<end_of_turn>\n<start_of_turn>model\n"

    @property
    def threads(self) -> int:
        """The threads llama.cpp uses now."""
        from llama_cpp import llama_n_threads

        return llama_n_threads(self._load().ctx)

    def _complete(self, prompt: str, max_tokens: int, stop: Sequence[str], grammar: Any = None) -> str:
        threads = threads_now(self._threads)
        if threads != self.threads:  # another model step started or ended since the last prompt
            from llama_cpp import llama_set_n_threads

            llama_set_n_threads(self._llama.ctx, threads, threads)
        add_bos = self._llama.metadata.get("tokenizer.ggml.add_bos_token") == "true"
        tokens = self._llama.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)
        started = time.perf_counter()
        result = self._llama.create_completion(
            tokens, max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.1, stop=list(stop), grammar=grammar
        )
        usage = result["usage"]
        self.last_usage = {
            "prompt_tokens": usage["prompt_tokens"],
            "completion_tokens": usage["completion_tokens"],
            "seconds": time.perf_counter() - started,
        }
        return result["choices"][0]["text"]

    def generate_json(self, system: str, user: str, schema: dict, max_tokens: int = 128) -> dict:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            from llama_cpp import LlamaGrammar

            self._grammars[key] = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        text = self._complete(self.format_prompt(system, user), max_tokens, (), self._grammars[key])
        return _parse_json(text, schema, self.name)

    def generate_field(self, system: str, user: str, max_tokens: int = 48, stop: Sequence[str] = ("\n",)) -> str:
        # The end-of-turn markers stop generation too: a small model may close its turn early.
        stops = [*stop, "<|im_end|>", "<end_of_turn>"]
        return self._complete(self.format_prompt(system, user), max_tokens, stops).strip()


class OllamaModel:
    """A model served by Ollama, reached with the official client."""

    def __init__(self, host: str = "http://127.0.0.1:11434", model: str = "llama3.2", timeout_s: float = 300.0):
        self.name = f"ollama:{model}"
        self.host = host
        self.model = model
        self.timeout_s = timeout_s
        self._client: Any = None

    def check(self) -> None:
        """The server answers and has the model pulled."""
        self._call("show", self.model)

    def _call(self, method: str, *args, **kwargs):
        try:
            import ollama
        except ImportError:
            raise BackendUnavailable(
                "ollama", "the ollama client is not installed", "pip install ollama==0.6.3"
            ) from None
        import httpx

        if self._client is None:
            self._client = ollama.Client(host=self.host, timeout=self.timeout_s)
        try:
            return getattr(self._client, method)(*args, **kwargs)
        except (ConnectionError, httpx.TransportError):
            raise BackendUnavailable(
                "ollama", f"no server at {self.host}", "start `ollama serve` (or set the host)"
            ) from None
        except ollama.ResponseError as error:
            if error.status_code == 404:
                raise BackendUnavailable(
                    "ollama", f"model {self.model} not pulled", f"run `ollama pull {self.model}`"
                ) from None
            raise VidgenError(f"ollama at {self.host}: {error.error}") from None

    def _chat(self, system: str, user: str, max_tokens: int, format: Any = None, stop: Sequence[str] = ()) -> str:
        options: dict[str, Any] = {"temperature": 0, "seed": 0, "num_predict": max_tokens}
        if stop:
            options["stop"] = list(stop)
        response = self._call(
            "chat",
            model=self.model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            format=format,
            options=options,
        )
        return response.message.content or ""

    def generate_json(self, system: str, user: str, schema: dict, max_tokens: int = 128) -> dict:
        return _parse_json(self._chat(system, user, max_tokens, format=schema), schema, self.name)

    def generate_field(self, system: str, user: str, max_tokens: int = 48, stop: Sequence[str] = ("\n",)) -> str:
        return self._chat(system, user, max_tokens, stop=stop).strip()
