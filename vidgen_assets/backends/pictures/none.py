"""The `none` backend: no pictures; every frame is the built-in renderer's alone."""

from __future__ import annotations

from collections.abc import Sequence

from vidgen_assets.backends.pictures import Picture, PictureRequest


class NoPictures:
    name = "none"
    one_at_a_time = False

    def check(self) -> None:
        return None

    def pictures(self, requests: Sequence[PictureRequest]) -> list[Picture | None]:
        return [None for _ in requests]
