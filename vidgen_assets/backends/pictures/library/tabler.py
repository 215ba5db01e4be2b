"""Tabler Icons (npm `@tabler/icons`): about 5,000 outline icons, MIT, each with a category and tags.

Icons are one-colour strokes: they are drawn in the palette's ink of most contrast (kind "icon"),
not by lightness like clip art. Left out: brand logos (trademarks), letters, numbers and arrows
(they show no thing), and the crossed-out "-off" variants, which would otherwise answer for the
very thing they negate ("microscope-off" for a chunk about a microscope). Also left out, because
hand labels found them puns far more often than not (benchmarks/pictures.py): the Sport and Map
icons (0 of 30 and 4 of 34 offered fitted: a billiard ball or a swimming pool for rock pools, a
flag for a wheat's flag leaf) and the level gauges, icons drawn only as numbered levels
("cell-signal-1" to "-5": phone signal bars for every chunk about biological cells).
"""

from __future__ import annotations

from functools import cached_property

from vidgen_assets.backends.pictures.library.catalog import Description, Entry, NpmPackage

SOURCE = "tabler"
LICENCE = "MIT"
_DATA = "icons.json"
_SKIPPED_CATEGORIES = {"Brand", "Letters", "Numbers", "Arrows", "Badges", "Extensions", "Laundry", "Sport", "Map"}


class TablerIcons(NpmPackage):
    """The Tabler outline icons as a collection for the index."""

    source = SOURCE
    package = "@tabler/icons"
    pinned = "3.51.0"
    svg_folder = "icons/outline"
    kind = "icon"

    def stems(self) -> list[str]:
        return list(self._icons)

    def describe(self, entry: Entry) -> Description:
        icon = self._icons[entry.path.stem]
        name = " ".join(w for w in entry.path.stem.split("-") if not w.isdigit())  # "a-b-2" is a second "a b"
        tags = [str(t).replace("-", " ").lower() for t in icon.get("tags", [])]  # some tags are numbers (404)
        extra = list(
            dict.fromkeys(
                [t for t in tags if t and t != name] + ([icon["category"].lower()] if icon.get("category") else [])
            )
        )
        return Description(
            text=f"{name} ({', '.join(extra)})" if extra else name,
            licence=LICENCE,
            name=name,
            attribution=f"{name} icon from Tabler Icons, {self.copyright}, {LICENCE}",
        )

    @cached_property
    def copyright(self) -> str:
        """The MIT licence's copyright line, which every copy must keep."""
        for line in (self.root / "LICENSE").read_text(encoding="utf-8").splitlines():
            if line.startswith("Copyright"):
                return line.strip()
        return "Copyright Paweł Kuna"

    @cached_property
    def _icons(self) -> dict[str, dict]:
        icons = self.data(_DATA)
        gauges = level_gauges(icons)
        return {
            name: icon
            for name, icon in icons.items()
            if "outline" in icon.get("styles", {})
            and icon.get("category") not in _SKIPPED_CATEGORIES
            and not name.endswith("-off")
            and name not in gauges
        }


def level_gauges(names) -> set[str]:
    """Icons that exist only as numbered levels of one gauge ("cell-signal-1" ... "-5", with no
    plain "cell-signal"): they show how much of something, not a thing. "cpu-2" beside "cpu" is
    a second drawing of a thing and stays."""
    families: dict[str, list[str]] = {}
    for name in names:
        families.setdefault("-".join(w for w in name.split("-") if not w.isdigit()), []).append(name)
    return {n for base, members in families.items() if base not in members and len(members) > 1 for n in members}
