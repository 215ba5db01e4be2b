"""Pictures from a running AUTOMATIC1111 stable-diffusion-webui (started with `--api`).

One `POST /sdapi/v1/txt2img` per picture. The webui answers
`{"images": [base64 PNG], "parameters": {...}, "info": "<json>"}` (modules/api/models.py,
TextToImageResponse); `images` may be null or empty when generation was interrupted.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

import requests

from vidgen_assets.backends.pictures import Picture, PictureRequest
from vidgen_assets.backends.pictures.generation import (
    DEFAULT_NEGATIVE_PROMPT,
    PictureGenerationError,
    decode_picture,
    styled_prompt,
)
from vidgen_assets.backends.pictures.http_client import RetryPolicy, call, json_answer, probe

NAME = "automatic1111"
DEFAULT_URL = "http://127.0.0.1:7860"


class Automatic1111Pictures:
    """Draw each picture with the webui's txt2img API."""

    name = NAME
    one_at_a_time = True

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        checkpoint: str = "",
        steps: int = 25,
        cfg_scale: float = 7.0,
        sampler_name: str = "Euler a",
        negative_prompt: str = DEFAULT_NEGATIVE_PROMPT,
        retry: RetryPolicy = RetryPolicy(),
        session: requests.Session | None = None,
    ):
        self.url = url.rstrip("/")
        self.checkpoint = checkpoint  # "" keeps the model loaded in the webui
        self.steps = steps
        self.cfg_scale = cfg_scale
        self.sampler_name = sampler_name
        self.negative_prompt = negative_prompt
        self.retry = retry
        self._session = session or requests.Session()
        self._fix = (
            f"start the webui with --api so that it listens at {self.url}, or set the automatic1111 URL in the settings"
        )

    @property
    def identity(self) -> str:
        model = self.checkpoint or f"the model loaded at {self.url}"
        return (
            f"{model} sampler={self.sampler_name} steps={self.steps} cfg={self.cfg_scale:g} "
            f"negative={self.negative_prompt}"
        )

    def check(self) -> None:
        probe(self._session, f"{self.url}/sdapi/v1/options", NAME, "the AUTOMATIC1111 API", self._fix)

    def pictures(self, requests: Sequence[PictureRequest]) -> list[Picture | None]:
        return [self._draw(request) for request in requests]

    def _draw(self, request: PictureRequest) -> Picture:
        url = f"{self.url}/sdapi/v1/txt2img"
        payload = {
            "prompt": styled_prompt(request),
            "negative_prompt": self.negative_prompt,
            "seed": request.seed,
            "steps": self.steps,
            "cfg_scale": self.cfg_scale,
            "width": request.width,
            "height": request.height,
            "sampler_name": self.sampler_name,
            "batch_size": 1,
            "n_iter": 1,
            "send_images": True,
            "save_images": False,
        }
        if self.checkpoint:
            payload["override_settings"] = {"sd_model_checkpoint": self.checkpoint}
        response = call(self._session, "POST", url, backend=NAME, policy=self.retry, fix=self._fix, json=payload)
        answer = json_answer(response, NAME)
        images = answer.get("images") if isinstance(answer, dict) else None
        if not images or not isinstance(images[0], str):
            raise PictureGenerationError(f"{NAME}: {url} answered without an image: {str(answer)[:200]}")
        try:
            # Some webui versions prefix "data:image/png;base64,".
            data = base64.b64decode(images[0].split(",", 1)[-1], validate=True)
        except (binascii.Error, ValueError):
            raise PictureGenerationError(f"{NAME}: {url} answered with an image that is not valid base64") from None
        return decode_picture(data, request, NAME, url)
