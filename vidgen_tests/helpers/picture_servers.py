"""Loopback stand-ins for the AUTOMATIC1111 and ComfyUI servers, which cannot run here.

They listen on 127.0.0.1 on an ephemeral port, answer over real HTTP with the JSON the real
servers send (AUTOMATIC1111 modules/api/models.py; ComfyUI server.py and execution.py) and real
PNGs drawn with Pillow from the prompt and seed they were given. `faults` scripts misbehaviour,
one entry consumed per picture request; `calls` counts the requests served per path.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
import uuid
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image, ImageDraw


def draw_png(prompt: str, seed: int, width: int, height: int) -> bytes:
    """A real PNG whose colours depend on the prompt and the seed, like a generated picture."""
    digest = hashlib.sha256(f"{prompt}|{seed}".encode()).digest()
    image = Image.new("RGB", (width, height), tuple(digest[:3]))
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=tuple(digest[3:6]))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class _Answer(Exception):
    """Raised by a route to answer with this status and body."""

    def __init__(self, status: int, body: Any, content_type: str = "application/json"):
        self.status, self.body, self.content_type = status, body, content_type


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1; subclasses implement `route`."""

    def __init__(self, faults: list[str] | None = None):
        self.faults: deque[str] = deque(faults or ())
        self.calls: Counter[str] = Counter()
        self.bodies: list[dict] = []
        self.closing = threading.Event()  # set on exit: a held ("slow") request may end
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def _serve(self, method: str):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                owner.calls[f"{method} {parts.path}"] += 1
                try:
                    owner.route(method, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, body)
                    raise _Answer(404, {"detail": "Not Found"})
                except _Answer as answer:
                    data = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
                    try:
                        self.send_response(answer.status)
                        self.send_header("Content-Type", answer.content_type)
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client gave up waiting (timeout tests)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def next_fault(self) -> str:
        return self.faults.popleft() if self.faults else ""

    def route(self, method: str, path: str, query: dict, body: Any) -> None:
        raise NotImplementedError


class FakeAutomatic1111(LoopbackServer):
    """POST /sdapi/v1/txt2img and GET /sdapi/v1/options of the webui's API.

    Faults: "500", "slow", "no_images", "bad_base64", "not_png".
    """

    def route(self, method, path, query, body):
        if (method, path) == ("GET", "/sdapi/v1/options"):
            raise _Answer(200, {"sd_model_checkpoint": "v1-5-pruned-emaonly.safetensors [6ce0161689]"})
        if (method, path) != ("POST", "/sdapi/v1/txt2img"):
            return
        fields = ("prompt", "negative_prompt", "seed", "steps", "cfg_scale", "width", "height", "sampler_name")
        if not isinstance(body, dict) or any(key not in body for key in fields):
            raise _Answer(422, {"detail": [{"loc": ["body"], "msg": "field required", "type": "value_error.missing"}]})
        fault = self.next_fault()
        if fault == "500":
            raise _Answer(
                500,
                {
                    "error": "OutOfMemoryError",
                    "detail": "",
                    "body": "",
                    "errors": "CUDA out of memory. Tried to allocate 20.00 MiB",
                },
            )
        if fault == "slow":
            self.closing.wait()  # no answer until the server closes: longer than any client waits
        self.bodies.append(body)
        png = draw_png(body["prompt"], body["seed"], body["width"], body["height"])
        images = {
            "no_images": [],
            "bad_base64": ["this is not base64!"],
            "not_png": [base64.b64encode(b"GIF89a but not really").decode()],
        }.get(fault, [base64.b64encode(png).decode()])
        info = json.dumps({"prompt": body["prompt"], "seed": body["seed"], "all_seeds": [body["seed"]]})
        raise _Answer(200, {"images": images, "parameters": body, "info": info})


class FakeComfyUI(LoopbackServer):
    """POST /prompt, GET /history/{prompt_id}, GET /view and GET /system_stats of ComfyUI.

    A queued prompt shows in the history only from the second poll on, as a real run takes time.
    Faults: "500" (POST /prompt fails), "execution_error", "no_outputs", "not_png".
    """

    checkpoints = ("v1-5-pruned-emaonly.safetensors",)

    def __init__(self, faults: list[str] | None = None):
        super().__init__(faults)
        self.jobs: dict[str, dict] = {}
        self.files: dict[str, bytes] = {}

    def route(self, method, path, query, body):
        if (method, path) == ("GET", "/system_stats"):
            raise _Answer(200, {"system": {"os": "posix", "comfyui_version": "0.3.0"}, "devices": []})
        if (method, path) == ("POST", "/prompt"):
            self._queue(body)
        if method == "GET" and path.startswith("/history/"):
            job = self.jobs.get(path.removeprefix("/history/"))
            if job is None or job["polls"] < 1:
                if job is not None:
                    job["polls"] += 1
                raise _Answer(200, {})
            raise _Answer(200, {job["id"]: job["entry"]})
        if (method, path) == ("GET", "/view"):
            key = f"{query.get('type')}/{query.get('subfolder', '')}/{query.get('filename')}"
            if key not in self.files:
                raise _Answer(404, b"404: Not Found", "text/plain")
            raise _Answer(200, self.files[key], "image/png")

    def _queue(self, body):
        workflow = body.get("prompt") if isinstance(body, dict) else None
        if not isinstance(workflow, dict):
            raise _Answer(
                400,
                {
                    "error": {"type": "no_prompt", "message": "No prompt provided", "details": "", "extra_info": {}},
                    "node_errors": {},
                },
            )
        fault = self.next_fault()
        if fault == "500":
            raise _Answer(500, b"500 Internal Server Error", "text/plain")
        nodes = {node["class_type"]: (node_id, node["inputs"]) for node_id, node in workflow.items()}
        problem = self._validate(nodes)
        if problem:
            raise _Answer(
                400,
                {
                    "error": {
                        "type": "prompt_outputs_failed_validation",
                        "message": "Prompt outputs failed validation",
                        "details": problem,
                        "extra_info": {},
                    },
                    "node_errors": {
                        nodes.get("CheckpointLoaderSimple", ("?",))[0]: {
                            "errors": [{"type": "value_not_in_list", "message": problem}]
                        }
                    },
                },
            )
        self.bodies.append(workflow)
        prompt_id = str(uuid.uuid4())
        sampler = nodes["KSampler"][1]
        text = workflow[sampler["positive"][0]]["inputs"]["text"]
        latent = workflow[sampler["latent_image"][0]]["inputs"]
        filename = f"vidgen_{len(self.files) + 1:05d}_.png"
        self.files[f"output//{filename}"] = (
            b"not a png" if fault == "not_png" else draw_png(text, sampler["seed"], latent["width"], latent["height"])
        )
        outputs = (
            {}
            if fault in ("execution_error", "no_outputs")
            else {nodes["SaveImage"][0]: {"images": [{"filename": filename, "subfolder": "", "type": "output"}]}}
        )
        messages = [["execution_start", {"prompt_id": prompt_id, "timestamp": 0}]]
        if fault == "execution_error":
            messages.append(
                [
                    "execution_error",
                    {
                        "prompt_id": prompt_id,
                        "node_id": nodes["KSampler"][0],
                        "node_type": "KSampler",
                        "exception_message": "CUDA out of memory\n",
                        "exception_type": "torch.OutOfMemoryError",
                        "traceback": [],
                    },
                ]
            )
        status = {
            "status_str": "error" if fault == "execution_error" else "success",
            "completed": fault != "execution_error",
            "messages": messages,
        }
        self.jobs[prompt_id] = {
            "id": prompt_id,
            "polls": 0,
            "entry": {
                "prompt": [len(self.jobs), prompt_id, workflow, {}, [nodes["SaveImage"][0]]],
                "outputs": outputs,
                "status": status,
                "meta": {},
            },
        }
        raise _Answer(200, {"prompt_id": prompt_id, "number": len(self.jobs), "node_errors": {}})

    def _validate(self, nodes: dict) -> str:
        needed = ("CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage", "KSampler", "VAEDecode", "SaveImage")
        if missing := [name for name in needed if name not in nodes]:
            return f"this stand-in runs only the basic text-to-image graph; missing {missing}"
        ckpt = nodes["CheckpointLoaderSimple"][1]["ckpt_name"]
        if ckpt not in self.checkpoints:
            return f"Value not in list: ckpt_name: '{ckpt}' not in {list(self.checkpoints)}"
        sampler, latent = nodes["KSampler"][1], nodes["EmptyLatentImage"][1]
        for name, value in (("seed", sampler["seed"]), ("width", latent["width"]), ("height", latent["height"])):
            if not isinstance(value, int):
                return f"Failed to convert an input value to a INT value: {name}, {value!r}"
        return ""


def unused_url() -> str:
    """The URL of a loopback port where nothing listens."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def png_pixels(data: bytes) -> bytes:
    """The RGB pixels of a PNG, to compare a returned picture with what the server drew."""
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()
