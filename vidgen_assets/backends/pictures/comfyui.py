"""Pictures from a running ComfyUI server, through its HTTP API.

For each picture: `POST /prompt` with an API-format workflow, then `GET /history/{prompt_id}`
until the run has outputs (the history is `{}` while it is queued or running), then
`GET /view?filename=&subfolder=&type=` for the first saved image.

The built-in workflow is CheckpointLoaderSimple -> CLIPTextEncode (positive, negative) ->
EmptyLatentImage -> KSampler -> VAEDecode -> SaveImage. Users may supply their own workflow,
exported from ComfyUI with "Save (API format)", in which these placeholders are filled in:

    {{prompt}}  {{negative_prompt}}  {{seed}}  {{width}}  {{height}}  {{checkpoint}}  {{steps}}  {{cfg}}

A string that is exactly one placeholder becomes the value itself (a number for seed, width,
height, steps, cfg); a placeholder inside a longer string is replaced by its text. A user's
workflow must contain {{prompt}} and {{seed}}, or every frame would show the same picture.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from vidgen_assets.backends.pictures import Picture, PictureRequest
from vidgen_assets.backends.pictures.generation import (
    DEFAULT_NEGATIVE_PROMPT,
    PictureGenerationError,
    decode_picture,
    styled_prompt,
)
from vidgen_assets.backends.pictures.http_client import RetryPolicy, call, json_answer, probe
from vidgen_assets.errors import InputError

NAME = "comfyui"
DEFAULT_URL = "http://127.0.0.1:8188"
PLACEHOLDERS = ("prompt", "negative_prompt", "seed", "width", "height", "checkpoint", "steps", "cfg")
REQUIRED_PLACEHOLDERS = ("prompt", "seed")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")

DEFAULT_WORKFLOW: dict[str, dict] = {
    "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["1", 1]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["1", 1]}},
    "4": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1}},
    "5": {
        "class_type": "KSampler",
        "inputs": {
            "seed": "{{seed}}",
            "steps": "{{steps}}",
            "cfg": "{{cfg}}",
            "sampler_name": "euler",
            "scheduler": "normal",
            "denoise": 1.0,
            "model": ["1", 0],
            "positive": ["2", 0],
            "negative": ["3", 0],
            "latent_image": ["4", 0],
        },
    },
    "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
    "7": {"class_type": "SaveImage", "inputs": {"filename_prefix": "vidgen", "images": ["6", 0]}},
}


def load_workflow(path: Path) -> dict[str, dict]:
    """Read a user's API-format workflow and check that its placeholders make sense."""
    try:
        workflow = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(path, f"cannot read the ComfyUI workflow ({error.strerror})") from None
    except ValueError as error:
        raise InputError(path, f"the ComfyUI workflow is not JSON ({error})") from None
    if (
        not isinstance(workflow, dict)
        or "nodes" in workflow
        or not all(isinstance(node, dict) and "class_type" in node for node in workflow.values())
    ):
        raise InputError(path, 'not an API-format ComfyUI workflow: export it with "Save (API format)"')
    used = set(_PLACEHOLDER.findall(json.dumps(workflow)))
    if unknown := sorted(used - set(PLACEHOLDERS)):
        raise InputError(path, f"unknown placeholders {unknown}; known ones are {list(PLACEHOLDERS)}")
    if missing := [name for name in REQUIRED_PLACEHOLDERS if name not in used]:
        raise InputError(path, f"the workflow lacks the placeholders {[f'{{{{{name}}}}}' for name in missing]}")
    return workflow


def fill_workflow(workflow: Any, values: dict[str, Any]) -> Any:
    """A copy of `workflow` with every {{placeholder}} replaced by its value."""
    if isinstance(workflow, dict):
        return {key: fill_workflow(value, values) for key, value in workflow.items()}
    if isinstance(workflow, list):
        return [fill_workflow(value, values) for value in workflow]
    if isinstance(workflow, str):
        whole = _PLACEHOLDER.fullmatch(workflow)
        if whole:
            return values[whole.group(1)]
        return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), workflow)
    return workflow


class ComfyUIPictures:
    """Draw each picture by queueing a workflow on a ComfyUI server."""

    name = NAME
    one_at_a_time = True

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        checkpoint: str = "v1-5-pruned-emaonly.safetensors",
        workflow: Path | None = None,
        steps: int = 25,
        cfg: float = 7.0,
        negative_prompt: str = DEFAULT_NEGATIVE_PROMPT,
        retry: RetryPolicy = RetryPolicy(timeout=30.0),
        poll_interval: float = 0.5,
        max_wait: float = 900.0,
        session: requests.Session | None = None,
    ):
        self.url = url.rstrip("/")
        self.checkpoint = checkpoint
        self.workflow_path = Path(workflow) if workflow else None
        self.steps = steps
        self.cfg = cfg
        self.negative_prompt = negative_prompt
        self.retry = retry
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        self._session = session or requests.Session()
        self._workflow = load_workflow(self.workflow_path) if self.workflow_path else DEFAULT_WORKFLOW
        self._fix = f"start ComfyUI so that it listens at {self.url}, or set the comfyui URL in the settings"

    @property
    def identity(self) -> str:
        workflow = hashlib.sha256(json.dumps(self._workflow, sort_keys=True).encode()).hexdigest()[:16]
        return (
            f"{self.checkpoint} workflow={workflow} steps={self.steps} cfg={self.cfg:g} negative={self.negative_prompt}"
        )

    def check(self) -> None:
        probe(self._session, f"{self.url}/system_stats", NAME, "ComfyUI", self._fix)

    def pictures(self, requests: Sequence[PictureRequest]) -> list[Picture | None]:
        return [self._draw(request) for request in requests]

    def _draw(self, request: PictureRequest) -> Picture:
        workflow = fill_workflow(
            self._workflow,
            {
                "prompt": styled_prompt(request),
                "negative_prompt": self.negative_prompt,
                "seed": request.seed,
                "width": request.width,
                "height": request.height,
                "checkpoint": self.checkpoint,
                "steps": self.steps,
                "cfg": self.cfg,
            },
        )
        prompt_id = self._queue(workflow)
        image = _first_image(self._wait_for_outputs(prompt_id), f"{self.url}/history/{prompt_id}")
        url = f"{self.url}/view"
        response = self._get(url, params={key: image.get(key, "") for key in ("filename", "subfolder", "type")})
        return decode_picture(response.content, request, NAME, f"{url}?filename={image.get('filename')}")

    def _queue(self, workflow: dict) -> str:
        url = f"{self.url}/prompt"
        try:
            response = call(
                self._session,
                "POST",
                url,
                backend=NAME,
                policy=self.retry,
                fix=self._fix,
                json={"prompt": workflow, "client_id": str(uuid.uuid4())},
            )
        except PictureGenerationError as error:
            # A 400 carries {"error": {...}, "node_errors": {...}}: the workflow does not fit the server.
            raise PictureGenerationError(f"{error} (check the checkpoint name and the workflow's nodes)") from None
        answer = json_answer(response, NAME)
        if not isinstance(answer, dict) or not isinstance(answer.get("prompt_id"), str):
            raise PictureGenerationError(f"{NAME}: {url} answered without a prompt_id: {str(answer)[:200]}")
        return answer["prompt_id"]

    def _wait_for_outputs(self, prompt_id: str) -> dict:
        url = f"{self.url}/history/{prompt_id}"
        deadline = time.monotonic() + self.max_wait
        while True:
            history = json_answer(self._get(url), NAME)
            entry = history.get(prompt_id) if isinstance(history, dict) else None
            if isinstance(entry, dict):
                status = entry.get("status") or {}
                if status.get("status_str") == "error":
                    raise PictureGenerationError(
                        f"{NAME}: the workflow failed on the server ({url}): {_error_messages(status)}"
                    )
                if entry.get("outputs") or status.get("completed"):
                    return entry.get("outputs") or {}
            if time.monotonic() > deadline:
                raise PictureGenerationError(f"{NAME}: no picture after {self.max_wait:g} s waiting at {url}")
            time.sleep(self.poll_interval)

    def _get(self, url: str, **kwargs: Any) -> requests.Response:
        return call(self._session, "GET", url, backend=NAME, policy=self.retry, fix=self._fix, **kwargs)


def _first_image(outputs: dict, where: str) -> dict:
    """The first saved image among a run's outputs (previews have type "temp")."""
    images = [
        image
        for node in outputs.values()
        if isinstance(node, dict)
        for image in node.get("images") or ()
        if isinstance(image, dict) and image.get("filename")
    ]
    images.sort(key=lambda image: image.get("type") != "output")
    if not images:
        raise PictureGenerationError(
            f"{NAME}: the run finished without an image ({where}); does the workflow end in a SaveImage node?"
        )
    return images[0]


def _error_messages(status: dict) -> str:
    for kind, data in status.get("messages") or ():
        if kind == "execution_error" and isinstance(data, dict):
            return f"{data.get('node_type', '?')}: {data.get('exception_message', '').strip()}"
    return "no message"
