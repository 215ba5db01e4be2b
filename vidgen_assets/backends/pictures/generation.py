"""What the image generators (diffusers, AUTOMATIC1111, ComfyUI) share: one seed per document,
the prompt joined with the document's style, and turning the bytes they return into a Picture.

The frames of one film look alike because every frame of a document is drawn with the same seed
and the same style; only the subject changes from chunk to chunk.
"""

from __future__ import annotations

import hashlib
import io
from typing import Protocol

from PIL import Image, UnidentifiedImageError

from vidgen_assets.backends.pictures import Picture, PictureBackend, PictureRequest
from vidgen_assets.errors import VidgenError

# What nobody wants in an illustration behind narration.
DEFAULT_NEGATIVE_PROMPT = "text, letters, watermark, signature, logo, blurry, lowres, jpeg artifacts, deformed"

# Generated pictures carry no third-party copyright; the model's own licence still applies to use.
GENERATED_LICENCE = "generated (subject to the model's licence)"

# 2**31 - 1: the largest seed every backend accepts (AUTOMATIC1111 takes at most 2**32 - 1,
# torch and ComfyUI take more).
_MAX_SEED = 0x7FFFFFFF


class PictureGenerationError(VidgenError):
    """An image generator answered, but not with a picture (server error, malformed answer)."""


class PictureGenerator(PictureBackend, Protocol):
    """A backend that draws pictures rather than choosing them."""

    @property
    def identity(self) -> str:
        """The model and settings that shape a picture besides the request: part of the cache key."""
        ...


def document_seed(doc_hash: str) -> int:
    """The one seed for every frame of a document, derived from the document's content hash."""
    if not doc_hash:
        raise ValueError("document_seed needs the document's hash")
    digest = hashlib.sha256(doc_hash.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % _MAX_SEED


def styled_prompt(request: PictureRequest) -> str:
    """The text a generator draws: the chunk's subject, then the document-wide style."""
    subject = request.prompt.strip()
    style = request.style.strip()
    if not subject:
        raise PictureGenerationError("an image prompt is empty: nothing to draw")
    return f"{subject}, {style}" if style else subject


def snap_to_multiple_of_8(size: int) -> int:
    """Stable Diffusion models work in latents 8 times smaller than the picture."""
    return max(8, size - size % 8)


def decode_picture(data: bytes, request: PictureRequest, source: str, where: str) -> Picture:
    """Turn image bytes from a generator into an RGB Picture, or say where the bad bytes came from."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise PictureGenerationError(f"{source}: {where} did not return a readable image ({error})") from None
    return generated_picture(image, request, source)


def generated_picture(image: Image.Image, request: PictureRequest, source: str) -> Picture:
    return Picture(
        image=image.convert("RGB"), source=source, licence=GENERATED_LICENCE, description=styled_prompt(request)
    )
