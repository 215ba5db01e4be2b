"""Pictures for frames: one interface, several backends chosen in the settings.

`library` picks existing pictures by meaning; `diffusers`, `automatic1111` and `comfyui`
generate them; `none` leaves the frame to the built-in renderer. Every backend takes the
chunk's image prompt, the document-wide style and a seed, and returns a picture that the
renderer composes into the 1920x1080 frame.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from vidgen_assets.backends import Backend

if TYPE_CHECKING:
    import PIL.Image


@dataclass(frozen=True)
class PictureRequest:
    prompt: str  # the chunk's image prompt (subject)
    style: str  # document-wide style
    seed: int
    width: int
    height: int
    text: str = ""  # the chunk's narration (the library matches on text + summary + prompt)
    summary: str = ""


@dataclass(frozen=True)
class Picture:
    image: PIL.Image.Image  # RGB, any size; the renderer composes it into the 1920x1080 frame
    source: str  # "openclipart", "media", "diffusers", "automatic1111", "comfyui"
    licence: str
    description: str
    similarity: float | None = None
    path: Path | None = None
    attribution: str = ""  # a credit line when the licence needs one
    from_cache: bool = False  # read from the disk cache of generated pictures, not drawn now


class PictureBackend(Backend, Protocol):
    # True: asked for one picture at a time, so the log follows a slow generator picture by
    # picture; False: asked once for all, as a library must be to never give two chunks one picture.
    one_at_a_time: bool

    def pictures(
        self, requests: Sequence[PictureRequest]
    ) -> list[Picture | None]: ...  # one per request, in order; None = nothing suitable


def ask_for_pictures(
    backend: PictureBackend, requests: Mapping[int, PictureRequest], log: Callable[[str], None] = lambda message: None
) -> dict[int, Picture | None]:
    """The backend's picture (or None) for each request, by the same key (a chunk index): one
    request at a time, each logged, when the backend asks for that, else all in one call."""
    if not requests:
        return {}
    if not backend.one_at_a_time:
        log(f"pictures: asking {backend.name} for {len(requests)} pictures")
        answers = backend.pictures(list(requests.values()))
        log(f"pictures: {sum(a is not None for a in answers)} of {len(requests)} found by {backend.name}")
        return dict(zip(requests, answers))
    out = {}
    for n, (key, request) in enumerate(requests.items(), 1):
        (picture,) = backend.pictures([request])
        out[key] = picture
        how = "from the cache" if picture is not None and picture.from_cache else "drawn by " + backend.name
        log(f"pictures: {n}/{len(requests)} {how}: {request.prompt}")
    return out
