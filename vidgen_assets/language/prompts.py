"""Image prompts: one document-wide visual style, and a chunk's subject in it.

A prompt is "<subject>, <style>": the subject in the chunk's own words (language/slides.py
picture_subject), the style fixed per document so the frames of one film look alike.
"""

from __future__ import annotations

import hashlib

# One style per film, chosen from fixed, known-good phrases so every frame shares it.
STYLE_MEDIUMS = (
    "clean flat vector illustration",
    "soft isometric 3D render",
    "minimalist line-art diagram",
    "muted watercolor illustration",
)
STYLE_PALETTES = (
    "deep blue and amber palette",
    "teal and coral palette",
    "charcoal and mint palette",
    "indigo and warm sand palette",
)
_STYLE_TAIL = "consistent soft lighting, no text"


def visual_style(title: str) -> str:
    """One style phrase for every image prompt of a document, so its frames look like one film.

    Deterministic from the title: a hash of it picks the medium and palette from fixed lists.
    Asked to choose from the same lists (JSON-schema enums), SmolLM2 picked the first medium
    and first palette for six unrelated titles, so a model's pick adds a call and no information.
    """
    digest = hashlib.sha256(" ".join(title.lower().split()).encode("utf-8")).digest()
    medium = STYLE_MEDIUMS[digest[0] % len(STYLE_MEDIUMS)]
    palette = STYLE_PALETTES[digest[1] % len(STYLE_PALETTES)]
    return f"{medium}, {palette}, {_STYLE_TAIL}"


def image_prompt(subject: str, style: str) -> str:
    """The prompt for a picture of `subject` in the document's `style`."""
    return f"{subject}, {style}"


def prompt_subject(prompt: str, style: str) -> str:
    """The thing an image prompt shows, without the style `image_prompt` added: what a picture
    library matches and a generator is asked for."""
    text = " ".join(prompt.split())
    if style and text.endswith(style):
        text = text[: -len(style)]
    return text.strip(" ,.") or prompt.strip()
