"""The user's collection: a folder of their own images and short clips.

A picture is described by a caption in a sidecar text file of the same name (`crab.jpg` with
`crab.txt`) or, failing that, by the words of its file name (`rock-pool_crab.jpg` is "rock pool
crab"). Names a camera gives (IMG_0042) say nothing and leave the picture undescribed, so it is
never chosen until it gets a caption.
"""

from __future__ import annotations

import re
from pathlib import Path

from vidgen_assets.backends.pictures.library.catalog import Description, Entry, Folder, files_under, signature_of

SOURCE = "media"
LICENCE = "the user's own (media folder)"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
CLIP_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"}
_CAPTION_CHARS = 600
_CAMERA_WORDS = {
    "img",
    "dsc",
    "dscn",
    "dscf",
    "pxl",
    "mvi",
    "vid",
    "gopr",
    "dji",
    "screenshot",
    "image",
    "photo",
    "video",
    "clip",
    "copy",
    "final",
    "edit",
}


class MediaFolder(Folder):
    """The images, SVGs and clips under one folder (recursively) as a collection for the index."""

    source = SOURCE
    missing = "the media folder {root} does not exist"

    def entries(self) -> list[Entry]:
        return [Entry(p, signature_of(p, caption_path(p)), kind) for p in files_under(self.root) if (kind := _kind(p))]

    def describe(self, entry: Entry) -> Description:
        caption = caption_path(entry.path)
        if caption.exists():
            text = " ".join(caption.read_text(encoding="utf-8", errors="replace").split())[:_CAPTION_CHARS]
        else:
            text = words_of_name(entry.path)
        return Description(text=text, licence=LICENCE)


def caption_path(path: Path) -> Path:
    return path.with_suffix(".txt")


def words_of_name(path: Path) -> str:
    """A file name as words, without numbers and the names cameras give files."""
    words = [w for w in re.split(r"[^A-Za-z]+", path.stem) if w]
    # Split camelCase ("shoreCrab") into words.
    words = [part for w in words for part in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", w)]
    kept = [w.lower() for w in words if w.lower() not in _CAMERA_WORDS and len(w) > 1]
    return " ".join(kept)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return "svg"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in CLIP_SUFFIXES:
        return "clip"
    return ""
