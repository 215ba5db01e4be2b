"""OpenMoji (npm `openmoji`): about 2,500 colour emoji and icons, CC BY-SA 4.0, with annotations and tags.

Each emoji's description is its annotation ("microscope") with its Unicode and OpenMoji tags and
its subgroup. Skin-tone variants repeat their base emoji and are left out, as are the skin-tone
swatches, the brand logos (trademarks, whatever the drawing's licence) and the "emergency"
extras (pandemic signs: "temperature taking" answered for every chunk about temperature, and
none of 20 offered in the hand labels fitted; benchmarks/pictures.py). CC BY-SA asks for
credit: every picture carries a credit line naming its designer, for the video's credits file.
"""

from __future__ import annotations

from functools import cached_property

from vidgen_assets.backends.pictures.library.catalog import Description, Entry, NpmPackage

SOURCE = "openmoji"
LICENCE = "CC BY-SA 4.0"
_DATA = "data/openmoji.json"
_SKIPPED_GROUPS = {"component"}
_SKIPPED_SUBGROUPS = {"brand", "regional-indicator", "emergency"}


class OpenMoji(NpmPackage):
    """The OpenMoji colour SVGs as a collection for the index."""

    source = SOURCE
    package = "openmoji"
    pinned = "17.0.0"
    svg_folder = "color/svg"

    def stems(self) -> list[str]:
        return list(self._emoji)

    def describe(self, entry: Entry) -> Description:
        emoji = self._emoji[entry.path.stem]
        name = emoji["annotation"]
        tags = [t.strip() for field in ("tags", "openmoji_tags") for t in emoji[field].split(",")]
        extra = list(
            dict.fromkeys(
                [t.lower() for t in tags if t and t.lower() != name.lower()] + [emoji["subgroups"].replace("-", " ")]
            )
        )
        author = emoji["openmoji_author"] or "the OpenMoji designers"
        return Description(
            text=f"{name} ({', '.join(extra)})" if extra else name,
            licence=LICENCE,
            name=name,
            attribution=f"{name} by {author}, OpenMoji – the open-source emoji and icon project, {LICENCE}",
        )

    @cached_property
    def _emoji(self) -> dict[str, dict]:
        """The emoji worth indexing, by hexcode (the SVG's file name)."""
        return {
            e["hexcode"]: e
            for e in self.data(_DATA)
            if not e["skintone"] and e["group"] not in _SKIPPED_GROUPS and e["subgroups"] not in _SKIPPED_SUBGROUPS
        }
