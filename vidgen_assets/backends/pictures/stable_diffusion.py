"""Pictures from a local Stable Diffusion model, through Hugging Face diffusers.

`sd_model` is a folder saved by diffusers (`save_pretrained`, with a `model_index.json`); it is
loaded with `local_files_only`, so nothing is ever fetched from a model hub. The pipeline runs
on CUDA in half precision when a GPU is present, otherwise on the CPU in full precision
(slow: minutes per picture for a full-size model). torch and diffusers are imported only here,
and only when the first picture is drawn.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vidgen_assets.backends.packaged_models import offline
from vidgen_assets.backends.pictures import Picture, PictureRequest
from vidgen_assets.backends.pictures.generation import (
    DEFAULT_NEGATIVE_PROMPT,
    generated_picture,
    snap_to_multiple_of_8,
    styled_prompt,
)
from vidgen_assets.errors import BackendUnavailable

NAME = "diffusers"


class StableDiffusionPictures:
    """Draw each picture with a diffusers text-to-image pipeline loaded from a local folder."""

    name = NAME
    one_at_a_time = True

    def __init__(
        self,
        sd_model: Path | None,
        *,
        steps: int = 25,
        guidance_scale: float = 7.0,
        negative_prompt: str = DEFAULT_NEGATIVE_PROMPT,
        device: str | None = None,
    ):
        self.sd_model = Path(sd_model) if sd_model else None  # None: not configured
        self.steps = steps
        self.guidance_scale = guidance_scale
        self.negative_prompt = negative_prompt
        self.device = device  # None: CUDA when present, otherwise CPU
        self._pipeline: Any = None

    @property
    def identity(self) -> str:
        return (
            f"{self.sd_model.resolve()} steps={self.steps} guidance={self.guidance_scale:g} "
            f"negative={self.negative_prompt}"
        )

    def check(self) -> None:
        missing = [
            package for package in ("torch", "diffusers", "transformers") if importlib.util.find_spec(package) is None
        ]
        if missing:
            raise BackendUnavailable(
                NAME, f"the Python packages {missing} are not installed", "pip install diffusers transformers"
            )
        if self.sd_model is None:
            raise BackendUnavailable(
                NAME, "no model folder configured", "set VIDGEN_PICTURES_SD_MODEL to a local Stable Diffusion folder"
            )
        if not (self.sd_model / "model_index.json").is_file():
            raise BackendUnavailable(
                NAME,
                f"{self.sd_model} is not a diffusers model folder (no model_index.json)",
                "set sd_model to a folder saved with save_pretrained, e.g. a downloaded stable-diffusion-v1-5 snapshot",
            )

    def pictures(self, requests: Sequence[PictureRequest]) -> list[Picture | None]:
        return [self._draw(request) for request in requests]

    def _draw(self, request: PictureRequest) -> Picture:
        import torch

        pipeline = self._load()
        device = pipeline.device.type
        result = pipeline(
            prompt=styled_prompt(request),
            negative_prompt=self.negative_prompt or None,
            width=snap_to_multiple_of_8(request.width),
            height=snap_to_multiple_of_8(request.height),
            num_inference_steps=self.steps,
            guidance_scale=self.guidance_scale,
            generator=torch.Generator(device=device).manual_seed(request.seed),
            output_type="pil",
        )
        return generated_picture(result.images[0], request, NAME)

    def _load(self) -> Any:
        if self._pipeline is not None:
            return self._pipeline
        import torch
        from diffusers import DiffusionPipeline

        device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise BackendUnavailable(
                NAME,
                f"device {device!r} is configured but torch sees no CUDA GPU",
                "install a CUDA build of torch and the GPU driver, or leave the device unset",
            )
        dtype = torch.float16 if device.startswith("cuda") else torch.float32
        offline()  # also for the tokenizer and text encoder transformers loads underneath
        try:
            # DiffusionPipeline reads model_index.json and builds the pipeline class it names
            # (SD 1.x, 2.x, XL...), all called with the same text-to-image arguments.
            pipeline = DiffusionPipeline.from_pretrained(str(self.sd_model), dtype=dtype, local_files_only=True)
        except (OSError, ValueError, KeyError) as error:
            raise BackendUnavailable(
                NAME,
                f"cannot load the model in {self.sd_model}: {error}",
                "check that the folder is a complete diffusers model",
            ) from None
        pipeline.set_progress_bar_config(disable=True)
        self._pipeline = pipeline.to(device)
        return self._pipeline
