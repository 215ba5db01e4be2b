"""The `library` picture backend (offline default): pictures chosen by meaning from collections.

The collections are the bundled ones (public-domain clip art from openclipart-svg, OpenMoji's
emoji and Tabler's icons) and, when given, the user's media folder, whose pictures win when they
match well. All are indexed in DuckDB on first use and brought up to date (new and changed
files only) on every call. Clip art and emoji are drawn in the document's palette, icons in its
ink of most contrast, so pictures by many authors look like one film; the user's photos keep
their colours, and a clip gives its middle frame (with `path` pointing at the clip).
A request's `style` only marks where its prompt's subject ends: the palette gives the library its one look.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from vidgen_assets.backends.embeddings import TextEmbedder, model_problem
from vidgen_assets.backends.pictures import Picture, PictureRequest
from vidgen_assets.backends.pictures.library.catalog import BUNDLED_INDEX, Collection
from vidgen_assets.backends.pictures.library.choice import THRESHOLD, Wanted, build_queries, choose
from vidgen_assets.backends.pictures.library.index import Match, join_shelves, load_shelf, update_index
from vidgen_assets.backends.pictures.library.media_folder import MediaFolder
from vidgen_assets.backends.pictures.library.openclipart import OpenClipart
from vidgen_assets.backends.pictures.library.openmoji import OpenMoji
from vidgen_assets.backends.pictures.library.raster import (
    DEFAULT_PALETTE,
    RGB,
    load_image,
    rasterise_svg,
    tint,
    tint_icon,
)
from vidgen_assets.backends.pictures.library.tabler import TablerIcons
from vidgen_assets.errors import BackendUnavailable, InputError, VidgenError
from vidgen_assets.media.ffmpeg import extract_thumbnail, probe
from vidgen_assets.progress import ProgressCallback
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.files import atomic_path


class LibraryPictures:
    """Chooses, for each request, the best-matching picture from the indexed collections."""

    name = "library"
    one_at_a_time = False

    def __init__(
        self,
        db: Database,
        cache_dir: Path,
        media_dir: Path | None = None,
        threshold: float = THRESHOLD,
        palette: Sequence[RGB] = DEFAULT_PALETTE,
        clipart_dir: Path | None = None,
        bundled: Sequence[Collection] | None = None,
        progress: ProgressCallback | None = None,
    ):
        """`bundled`: the collections to choose from besides the user's (default: every bundled
        set); `clipart_dir` alone makes that folder of openclipart-style SVGs the only one.
        `progress` hears (pictures embedded, pictures to embed) while the index is brought up to date."""
        self.db = db
        self.cache_dir = Path(cache_dir)
        self.threshold = threshold
        self.palette = tuple(tuple(c) for c in palette)
        # The default collections are indexed once per environment (by `make install`) into a
        # shared file, so a new data directory does not spend minutes embedding 10,000 pictures;
        # collections named by the caller, and the media folder, go into the data directory's.
        self.shared = None if bundled is not None or clipart_dir else Database(BUNDLED_INDEX)
        if bundled is None:
            bundled = [OpenClipart(clipart_dir)] if clipart_dir else bundled_collections()
        self.bundled = list(bundled)
        self.media = MediaFolder(media_dir) if media_dir else None
        self.embedder = TextEmbedder()
        self.skipped: list[str] = []  # pictures that matched but could not be drawn, and why
        self.progress = progress

    def check(self) -> None:
        problems = [c.problem() for c in self.bundled] + [model_problem(), self.media and self.media.problem()]
        if any(problems):
            raise BackendUnavailable(self.name, "; ".join(p for p in problems if p))

    def index(self):
        """Bring the picture index up to date; returns an IndexReport."""
        if self.shared is None:
            return update_index(self.db, self.embedder, self._collections(), self.progress)
        report = index_bundled(self.embedder, self.progress)
        if self.media:
            report = report + update_index(self.db, self.embedder, [self.media], self.progress)
        return report

    def pictures(self, requests: Sequence[PictureRequest]) -> list[Picture | None]:
        if not requests:
            return []
        self.index()
        if self.shared is None:
            shelf = load_shelf(self.db, [c.root for c in self._collections()])
        else:
            shelf = join_shelves(
                [
                    load_shelf(self.shared, [c.root for c in self.bundled]),
                    load_shelf(self.db, [self.media.root] if self.media else []),
                ]
            )
        queries = build_queries(self.embedder, [Wanted(r.text, r.summary, r.prompt, r.style) for r in requests])
        size = max(r.width for r in requests), max(r.height for r in requests)
        drawn: dict[Path, Image.Image | None] = {}

        def usable(match: Match) -> bool:
            if match.path not in drawn:
                drawn[match.path] = self._draw(match, size)
            return drawn[match.path] is not None

        chosen = choose(shelf, queries, self.threshold, usable, preferred_source="media")
        return [None if m is None else _picture(m, drawn[m.path]) for m in chosen]

    def _collections(self) -> list:
        return [*self.bundled, self.media] if self.media else list(self.bundled)

    def _draw(self, match: Match, size: tuple[int, int]) -> Image.Image | None:
        """The picture as RGB pixels (from the cache when drawn before), or None if it cannot be."""
        stat = match.path.stat() if match.path.exists() else None
        if stat is None:
            self.skipped.append(f"{match.path}: no longer exists")
            return None
        key = json.dumps([str(match.path), stat.st_size, stat.st_mtime_ns, size, self.palette, match.kind])
        cached = self.cache_dir / f"{hashlib.sha1(key.encode()).hexdigest()}.png"
        if cached.exists():
            with Image.open(cached) as image:
                return image.convert("RGB")
        try:
            image = self._render(match, size)
        except VidgenError as exc:
            self.skipped.append(str(exc))
            return None
        with atomic_path(cached) as tmp:
            image.save(tmp, format="PNG")
        return image

    def _render(self, match: Match, size: tuple[int, int]) -> Image.Image:
        if match.kind == "svg":
            return tint(rasterise_svg(match.path, *size), self.palette)
        if match.kind == "icon":
            return tint_icon(rasterise_svg(match.path, *size), self.palette)
        if match.kind == "clip":
            info = probe(match.path)
            if not info.of_type("video"):
                raise InputError(match.path, "has no video stream to take a picture from")
            still = self.cache_dir / f"{hashlib.sha1(str(match.path).encode()).hexdigest()}.still.jpg"
            extract_thumbnail(match.path, (info.duration_s or 0.0) / 2, still, width=size[0])
            image = load_image(still)
        else:
            image = load_image(match.path)
        image.thumbnail(size)
        return image


def index_bundled(embedder: TextEmbedder | None = None, progress: ProgressCallback | None = None):
    """Bring the shared index of the bundled collections up to date (make install does it once;
    afterwards it only looks for changed files, about a second)."""
    return update_index(Database(BUNDLED_INDEX), embedder or TextEmbedder(), bundled_collections(), progress)


def bundled_collections() -> list[Collection]:
    """The collections make install provides: openclipart-svg (Debian), OpenMoji and Tabler Icons (npm)."""
    return [OpenClipart(), OpenMoji(), TablerIcons()]


def _picture(match: Match, image: Image.Image) -> Picture:
    return Picture(
        image=image,
        source=match.source,
        licence=match.licence,
        description=match.description,
        similarity=match.similarity,
        path=match.path,
        attribution=match.attribution,
    )
