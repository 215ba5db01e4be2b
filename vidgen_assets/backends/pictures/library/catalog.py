"""What the index needs from a collection of pictures: its files and a description of each."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Entry:
    """One file of a collection, with what tells whether it changed since it was indexed."""

    path: Path
    signature: str  # size and mtime of the file (and of its caption, if any)
    kind: str  # "svg" (drawn in the palette by lightness), "icon" (one-colour shapes), "image" or "clip"


@dataclass(frozen=True)
class Description:
    text: str  # what the picture shows, in words; this is what is embedded and matched
    licence: str
    attribution: str = ""  # a credit line when the licence asks for one
    name: str = ""  # what it shows in a word or two ("microscope"), embedded as well when given


class Collection(Protocol):
    source: str  # "openclipart", "openmoji", "tabler" or "media"
    root: Path

    def entries(self) -> list[Entry]: ...

    def describe(self, entry: Entry) -> Description: ...


class Folder:
    """A collection kept in one folder (subclasses add entries() and describe())."""

    source = ""
    missing = "the folder {root} does not exist"  # what problem() says when it is absent

    def __init__(self, root: Path):
        self.root = Path(root)

    def problem(self) -> str | None:
        return None if self.root.is_dir() else self.missing.format(root=self.root)


def signature_of(*paths: Path) -> str:
    """Size and modification time of each existing path: changes when any of them is rewritten."""
    parts = []
    for path in paths:
        if path.exists():
            stat = path.stat()
            parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
    return "/".join(parts)


def files_under(root: Path, skip_links: bool = False) -> list[Path]:
    """Every file below `root`, sorted, leaving out hidden files and folders (and links if asked)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if not name.startswith(".") and not (skip_links and path.is_symlink()):
                found.append(path)
    return sorted(found)


# The icon sets come from the npm registry; make install puts them here, inside the virtual
# environment, so every checkout that shares the environment shares them.
NPM_PICTURES_DIR = Path(sys.prefix) / "share" / "vidgen-pictures" / "node_modules"
NPM_INSTALL = f"npm install --prefix {NPM_PICTURES_DIR.parent}"
# The bundled collections' index, built once per environment by make install (see
# python -m vidgen_assets.backends.pictures.library) and shared by every data directory.
BUNDLED_INDEX = NPM_PICTURES_DIR.parent / "index.duckdb"


class NpmPackage(Folder):
    """A collection shipped as one npm package: its files and a JSON file describing them."""

    package = ""  # the npm package name
    pinned = ""  # the version make install installs
    svg_folder = ""  # where the package keeps the SVGs, named <stem>.svg
    kind = "svg"

    def __init__(self, root: Path | None = None):
        super().__init__(root or NPM_PICTURES_DIR / self.package)
        self.missing = f"the {self.source} pictures ({{root}}) are missing: run make install ({NPM_INSTALL} {self.package}@{self.pinned})"

    def stems(self) -> list[str]:
        """The file names (without .svg) of the pictures worth indexing."""
        raise NotImplementedError

    def entries(self) -> list[Entry]:
        # npm gives every file the same mtime, so the version is part of the signature.
        version = self.version()
        paths = [self.root / self.svg_folder / f"{stem}.svg" for stem in self.stems()]
        return sorted(
            (Entry(p, f"{version}/{signature_of(p)}", self.kind) for p in paths if p.exists()), key=lambda e: e.path
        )

    def version(self) -> str:
        """The installed version."""
        return str(json.loads((self.root / "package.json").read_text(encoding="utf-8")).get("version", ""))

    def data(self, relative: str):
        """One of the package's JSON files, parsed."""
        return json.loads((self.root / relative).read_text(encoding="utf-8"))
