"""The bundled collection: Debian's openclipart-svg (about 7,500 SVGs under /usr/share/openclipart).

Each SVG carries Dublin Core metadata: a title, subject keywords, its creator and a licence. The
package's copyright file dedicates the whole collection to the public domain; a picture whose
own metadata names another licence (two carry GPL-2.0) keeps that licence and a credit line.
Symbolic links (the package files some pictures under two folders) are skipped, so no picture
is indexed twice. So are the folders that show no thing: desktop themes' application icons
(named for programs: "kbabel", "ooo_setup", "14_text"), 1,400 star shapes, gradients, patterns,
buttons and LED digits; the icon sets answer for those concepts far better. Signs and symbols
(road and hazard signs, "low temperature", "high tension danger") are left out too: hand labels
found 1 of 29 offered fitting (benchmarks/pictures.py).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from vidgen_assets.backends.pictures.library.catalog import Description, Entry, Folder, files_under, signature_of

SOURCE = "openclipart"
COLLECTION_DIR = Path("/usr/share/openclipart/svg")
COPYRIGHT_FILE = Path("/usr/share/doc/openclipart-svg/copyright")
PACKAGE = "openclipart-svg"
PUBLIC_DOMAIN = "Public domain (Creative Commons Public Domain Dedication, Open Clip Art Library)"

_LICENCES = {
    "http://web.resource.org/cc/PublicDomain": PUBLIC_DOMAIN,
    "http://creativecommons.org/licenses/publicdomain/": PUBLIC_DOMAIN,
    "http://creativecommons.org/licenses/GPL/2.0/": "GPL-2.0",
}
_SKIPPED_FOLDERS = (
    "computer/icons",
    "computer/buttons",
    "shapes/stars",
    "special/gradients",
    "special/patterns",
    "signs_and_symbols",
)
_HEAD_BYTES = 1 << 16  # metadata sits near the top; a few files are megabytes of paths
# Titles that name an icon set or an author rather than what the picture shows.
_SET_TITLE = re.compile(r"part of|collection|theme|icons?\b|iconset|clip ?art by|^clipart|gramastar", re.I)
# About 50 files carry "HASH(0x8589f20)" as their title or among their keywords: the address of
# a Perl hash that the tool which wrote their metadata printed instead of its contents. It is not
# a word of the picture, and it made a keyboard, toy blocks and Einstein match "hash table".
_PERL_REFERENCE = re.compile(r"\b(?:hash|array|scalar)\(0x[0-9a-f]+\)", re.I)
_NOISE_WORDS = {"hash", "unsorted", "icons", "icon", "theme", "svg", "clipart", "clip", "art", "by", "openclipart"}


class OpenClipart(Folder):
    """The openclipart-svg files as a collection for the index."""

    source = SOURCE
    missing = f"the clip-art collection {{root}} is missing (apt-get install {PACKAGE}, or run make install)"

    def __init__(self, root: Path = COLLECTION_DIR):
        super().__init__(root)

    def entries(self) -> list[Entry]:
        return [
            Entry(p, signature_of(p), "svg")
            for p in files_under(self.root, skip_links=True)
            if p.suffix == ".svg" and not p.relative_to(self.root).as_posix().startswith(_SKIPPED_FOLDERS)
        ]

    def describe(self, entry: Entry) -> Description:
        with open(entry.path, "rb") as f:
            head = f.read(_HEAD_BYTES).decode("utf-8", "replace")
        meta = read_metadata(head)
        creator_words = set(_words(meta["creator"]))
        file_words = [w for w in _words(entry.path.stem) if not _by_creator(w, creator_words) and not w.isdigit()]
        title = _PERL_REFERENCE.sub("", meta["title"]).strip()
        parts = [" ".join(file_words)]
        if title and not _SET_TITLE.search(title) and _words(title) != file_words:
            parts.append(title)
        description = _PERL_REFERENCE.sub("", meta["description"]).strip()
        if description and "@" not in description:
            parts.append(description)
        keywords = _unique(
            w
            for k in meta["subjects"]
            for w in [_PERL_REFERENCE.sub("", k).replace("_", " ").strip().lower()]
            if w and w not in _NOISE_WORDS
        )
        folders = [
            p.replace("_", " ") for p in entry.path.parent.relative_to(self.root).parts if not p.endswith("-theme")
        ]
        text = "; ".join(p for p in parts if p)
        extra = ", ".join(_unique([*keywords, *folders]))
        if extra:
            text = f"{text} ({extra})" if text else extra
        licence = _LICENCES.get(meta["licence"], PUBLIC_DOMAIN)
        attribution = (
            ""
            if licence == PUBLIC_DOMAIN
            else f"{title or entry.path.stem} by {meta['creator'] or 'unknown'}, {licence}"
        )
        name = " ".join(file_words) or (title if not _SET_TITLE.search(title) else "")
        return Description(text=text, licence=licence, attribution=attribution, name=name)


def read_metadata(svg_head: str) -> dict:
    """Title, description, subject keywords, creator and licence URL from an SVG's cc:Work."""
    work = re.search(r"<cc:Work\b.*?</cc:Work>", svg_head, re.S)
    block = work.group(0) if work else ""

    def first(pattern: str) -> str:
        found = re.search(pattern, block, re.S)
        return " ".join(html.unescape(found.group(1)).split()) if found else ""

    subjects = re.search(r"<dc:subject>(.*?)</dc:subject>", block, re.S)
    return {
        # The work's own title comes before the publisher's and creator's agent titles.
        "title": first(r"^<cc:Work\b[^>]*>\s*<dc:title>(.*?)</dc:title>"),
        "description": first(r"<dc:description>(.*?)</dc:description>"),
        "subjects": [html.unescape(s).strip() for s in re.findall(r"<rdf:li>(.*?)</rdf:li>", subjects.group(1))]
        if subjects
        else [],
        "creator": first(r"<dc:creator>.*?<dc:title>(.*?)</dc:title>"),
        "licence": first(r'<cc:license rdf:resource="([^"]*)"'),
    }


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def _by_creator(word: str, creator_words: set[str]) -> bool:
    # File names end in the author's name, often cut short ("bali" for Balin).
    return word in creator_words or (len(word) >= 3 and any(c.startswith(word) for c in creator_words))


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))
