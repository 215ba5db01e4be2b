"""Picture backends: one picture (or none) per chunk, chosen or generated from what it says."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Sequence

if TYPE_CHECKING:
    import PIL.Image


@dataclass(frozen=True)
class PictureRequest:
    prompt: str      # the chunk's image prompt (subject)
    style: str       # document-wide style
    seed: int
    width: int
    height: int
    text: str = ""   # the chunk's narration (the library matches on text + summary + prompt)
    summary: str = ""


@dataclass(frozen=True)
class Picture:
    image: "PIL.Image.Image"  # RGB, any size; the renderer composes it into the 1920x1080 frame
    source: str               # "openclipart", "media", "diffusers", "automatic1111", "comfyui"
    licence: str
    description: str
    similarity: float | None = None
    path: Path | None = None
    attribution: str = ""     # a credit line when the licence needs one


class PictureBackend(Protocol):
    name: str
    def check(self) -> str | None: ...   # None when usable, else what is missing and how to fix it
    def pictures(self, requests: Sequence[PictureRequest]) -> list[Picture | None]: ...  # one per request, in order; None = nothing suitable
