"""Pictures for frames: one interface, several backends chosen in the settings.

`library` picks existing pictures by meaning; `diffusers`, `automatic1111` and `comfyui`
generate them; `none` leaves the frame to the built-in renderer. Every backend takes the
chunk's image prompt, the document-wide style and a seed, and returns a picture that the
renderer composes into the 1920x1080 frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Sequence

from vidgen_assets.backends import Backend

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
    from_cache: bool = False  # read from the disk cache of generated pictures, not drawn now


class PictureBackend(Backend, Protocol):
    # True: asked for one picture at a time, so the log follows a slow generator picture by
    # picture; False: asked once for all, as a library must be to never give two chunks one picture.
    one_at_a_time: bool

    def pictures(self, requests: Sequence[PictureRequest]) -> list[Picture | None]: ...  # one per request, in order; None = nothing suitable
