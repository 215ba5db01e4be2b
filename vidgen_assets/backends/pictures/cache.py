"""A disk cache around any image generator, so that re-running a document redraws only what changed.

Each picture is stored as a PNG named by the hash of what shaped it: the backend, its model and
settings (`identity`), the prompt, the style, the seed and the size. The PNG carries its own
description and licence in text chunks, so a cached picture needs nothing else to be reused.
Generating is slow and deterministic for a given key; reading a PNG is fast.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, PngImagePlugin

from vidgen_assets.backends.pictures import Picture, PictureRequest
from vidgen_assets.backends.pictures.generation import PictureGenerator
from vidgen_assets.errors import VidgenError
from vidgen_assets.storage.files import atomic_path


class CachedPictures:
    """`backend`, asking it only for the pictures not already under `cache_dir`."""

    def __init__(self, backend: PictureGenerator, cache_dir: Path):
        self.backend = backend
        self.name = backend.name
        self.cache_dir = Path(cache_dir)

    one_at_a_time = True  # generators are slow: each picture is logged as it comes

    def check(self) -> None:
        self.backend.check()

    def key(self, request: PictureRequest) -> str:
        shaped_by = {
            "backend": self.backend.name,
            "model": self.backend.identity,
            "prompt": request.prompt,
            "style": request.style,
            "seed": request.seed,
            "size": [request.width, request.height],
        }
        return hashlib.sha256(json.dumps(shaped_by, sort_keys=True).encode("utf-8")).hexdigest()

    def path_for(self, request: PictureRequest) -> Path:
        key = self.key(request)
        return self.cache_dir / key[:2] / f"{key}.png"

    def pictures(self, requests: Sequence[PictureRequest]) -> list[Picture | None]:
        paths = [self.path_for(request) for request in requests]
        found: list[Picture | None] = [_read(path) for path in paths]
        missing = [i for i, picture in enumerate(found) if picture is None]
        if missing:
            drawn = self.backend.pictures([requests[i] for i in missing])
            if len(drawn) != len(missing):
                raise VidgenError(f"{self.name}: asked for {len(missing)} pictures, got {len(drawn)}")
            for i, picture in zip(missing, drawn):
                found[i] = _write(picture, paths[i]) if picture is not None else None
        return found


def _write(picture: Picture, path: Path) -> Picture:
    info = PngImagePlugin.PngInfo()
    for key, value in (
        ("source", picture.source),
        ("licence", picture.licence),
        ("description", picture.description),
        ("attribution", picture.attribution),
    ):
        info.add_itxt(key, value)
    with atomic_path(path) as tmp:
        picture.image.save(tmp, format="PNG", pnginfo=info)
    return Picture(
        image=picture.image,
        source=picture.source,
        licence=picture.licence,
        description=picture.description,
        similarity=picture.similarity,
        path=path,
        attribution=picture.attribution,
    )


def _read(path: Path) -> Picture | None:
    if not path.is_file():
        return None
    try:
        with Image.open(path) as opened:
            opened.load()
            text = dict(opened.text)
            image = opened.convert("RGB")
    except OSError:
        return None  # an unreadable entry is drawn again and replaced
    return Picture(
        image=image,
        source=text.get("source", ""),
        licence=text.get("licence", ""),
        description=text.get("description", ""),
        path=path,
        attribution=text.get("attribution", ""),
        from_cache=True,
    )
