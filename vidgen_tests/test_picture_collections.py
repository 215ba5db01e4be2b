"""The npm icon sets (OpenMoji, Tabler) as picture collections: indexed with their licences, drawn in one look."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from vidgen_assets.backends.embeddings import TextEmbedder
from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.library.backend import LibraryPictures
from vidgen_assets.backends.pictures.library.index import update_index
from vidgen_assets.backends.pictures.library.openmoji import OpenMoji
from vidgen_assets.backends.pictures.library.raster import rasterise_svg, tint_icon
from vidgen_assets.backends.pictures.library.tabler import TablerIcons
from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.storage.duckdb import Database

# An OpenMoji-like colour drawing: a black outline round a coloured fill.
EMOJI_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 72 72"><circle cx="36" cy="36" r="24" fill="{fill}"
 stroke="#000" stroke-width="2"/></svg>"""
# Tabler's outline icons are strokes in currentColor on nothing.
ICON_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" fill="none"
 stroke="currentColor" stroke-width="2"><path stroke="none" d="M0 0h24v24H0z" fill="none"/><path d="{d}"/></svg>"""


def emoji(
    hexcode, annotation, tags="", group="animals-nature", subgroup="animal-marine", skintone="", author="Ann Artist"
):
    return {
        "hexcode": hexcode,
        "annotation": annotation,
        "tags": tags,
        "openmoji_tags": "",
        "group": group,
        "subgroups": subgroup,
        "skintone": skintone,
        "openmoji_author": author,
    }


def make_openmoji(root: Path) -> Path:
    entries = [
        emoji("1F980", "crab", "cancer, zodiac", author="Kai Müller"),
        emoji("1F41D", "honeybee", "bee, insect", subgroup="animal-bug"),
        emoji("1F44B-1F3FD", "waving hand: medium skin tone", skintone=3, group="people-body", subgroup="hand"),
        emoji("E040", "Firefox", group="extras-openmoji", subgroup="brand"),
    ]
    (root / "data").mkdir(parents=True)
    (root / "color" / "svg").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "openmoji", "version": "17.0.0"}))
    (root / "data" / "openmoji.json").write_text(json.dumps(entries))
    for e, fill in zip(entries, ("#d02020", "#f0c020", "#c08050", "#f08000")):
        (root / "color" / "svg" / f"{e['hexcode']}.svg").write_text(EMOJI_SVG.format(fill=fill))
    return root


def make_tabler(root: Path) -> Path:
    icons = {
        "microscope": ("Health", ["science", "laboratory", "biology"], "M5 21h14M9 11l3 3l6 -6"),
        "microscope-off": ("Health", ["science", "laboratory"], "M5 21h14M3 3l18 18"),
        "database": ("Database", ["storage", "data", "table"], "M12 6m-8 0a8 3 0 1 0 16 0a8 3 0 1 0 -16 0"),
        "brand-github": ("Brand", ["git", "code"], "M9 19c-4.3 1.4 -4.3 -2.5 -6 -3"),
    }
    (root / "icons" / "outline").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "@tabler/icons", "version": "3.51.0"}))
    (root / "LICENSE").write_text("MIT License\n\nCopyright (c) 2020-2026 Paweł Kuna\n")
    (root / "icons.json").write_text(
        json.dumps(
            {
                name: {"name": name, "category": category, "tags": tags, "styles": {"outline": {}}}
                for name, (category, tags, _) in icons.items()
            }
        )
    )
    for name, (_, _, d) in icons.items():
        (root / "icons" / "outline" / f"{name}.svg").write_text(ICON_SVG.format(d=d))
    return root


@pytest.fixture
def icon_sets(tmp_path) -> tuple[OpenMoji, TablerIcons]:
    return OpenMoji(make_openmoji(tmp_path / "openmoji")), TablerIcons(make_tabler(tmp_path / "tabler"))


def test_the_icon_sets_are_indexed_with_their_licences_and_credit_lines(tmp_path, icon_sets):
    db = Database(tmp_path / "vidgen.duckdb")
    report = update_index(db, TextEmbedder(), icon_sets)
    # Skin-tone variants, brand logos and crossed-out "-off" icons are left out.
    assert (report.added, report.unchanged) == (4, 0)
    with db.connect(read_only=True) as con:
        rows = {
            Path(p).stem: (src, kind, lic, att, d)
            for p, src, kind, lic, att, d in con.execute(
                "SELECT path, source, kind, licence, attribution, description FROM illustrations"
            ).fetchall()
        }
    assert set(rows) == {"1F980", "1F41D", "microscope", "database"}
    source, kind, licence, attribution, description = rows["1F980"]
    assert (source, kind, licence) == ("openmoji", "svg", "CC BY-SA 4.0")
    assert description.startswith("crab (") and "zodiac" in description
    assert attribution.startswith("crab by Kai Müller, OpenMoji") and attribution.endswith("CC BY-SA 4.0")
    source, kind, licence, attribution, description = rows["microscope"]
    assert (source, kind, licence) == ("tabler", "icon", "MIT")
    assert "laboratory" in description and "Copyright (c) 2020-2026 Paweł Kuna" in attribution
    again = update_index(db, TextEmbedder(), icon_sets)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 4)


def test_a_new_package_version_reindexes_its_pictures(tmp_path, icon_sets):
    db = Database(tmp_path / "vidgen.duckdb")
    openmoji, tabler = icon_sets
    update_index(db, TextEmbedder(), icon_sets)
    # npm gives every file the same mtime, so only the version tells an upgrade apart.
    (tabler.root / "package.json").write_text(json.dumps({"name": "@tabler/icons", "version": "3.52.0"}))
    report = update_index(db, TextEmbedder(), icon_sets)
    assert (report.added, report.changed, report.unchanged) == (0, 2, 2)


def test_a_chunk_gets_the_icon_that_shows_its_subject_with_its_credit(tmp_path, icon_sets):
    library = LibraryPictures(Database(tmp_path / "vidgen.duckdb"), tmp_path / "cache", bundled=icon_sets)
    texts = [
        ("Each sample was examined under a microscope in the laboratory.", "a microscope"),
        ("Honeybees carry pollen back to the hive.", "a honeybee on a flower"),
        ("The amended statute changes how capital gains are reported.", "a tax form"),
    ]
    requests = [
        PictureRequest(f"{p} in a research laboratory, close-up, flat style", "flat style", 1, 640, 360, text=t)
        for t, p in texts
    ]
    microscope, bee, tax = library.pictures(requests)
    assert (
        microscope.path.name == "microscope.svg"
        and microscope.licence == "MIT"
        and "Paweł Kuna" in microscope.attribution
    )
    assert bee.path.name == "1F41D.svg" and bee.licence == "CC BY-SA 4.0" and "OpenMoji" in bee.attribution
    assert tax is None


def test_an_icon_is_drawn_in_the_ink_that_stands_out_from_the_background(tmp_path):
    svg = tmp_path / "database.svg"
    svg.write_text(ICON_SVG.format(d="M4 6h16M4 12h16M4 18h16"))
    palette = ((16, 24, 40), (58, 96, 140), (250, 246, 235))
    drawn = tint_icon(rasterise_svg(svg, 400, 400), palette)
    colours = {tuple(c) for c in np.asarray(drawn).reshape(-1, 3)}
    # Strokes are the light ink on the dark background (a black line would vanish by lightness);
    # between them only the antialiased mix of the two.
    assert palette[0] in colours and palette[2] in colours and palette[1] not in colours
    light = np.array(palette[2]) - np.array(palette[0])
    mix = (np.asarray(drawn, dtype=np.float32) - palette[0]) @ light / (light @ light)
    assert np.abs(np.asarray(drawn) - (np.array(palette[0]) + mix[..., None] * light)).max() < 2


def test_real_icon_sets_give_concept_pictures_for_a_paper(tmp_path):
    # A slice of each real package keeps the test short; the full index is benchmarks/pictures.py.
    slices = []
    for collection, _folder, names in (
        (OpenMoji(), "color/svg", ["1F52C", "1F9EC", "1F980", "1F41D", "1F5BC", "1F4CA", "1F9E0"]),
        (
            TablerIcons(),
            "icons/outline",
            ["microscope", "dna", "database", "chart-bar", "network", "brain", "frame", "movie"],
        ),
    ):
        root = tmp_path / collection.package
        shutil.copytree(
            collection.root,
            root,
            ignore=lambda d, files, names=names: [f for f in files if f.endswith(".svg") and Path(f).stem not in names],
        )
        slices.append(type(collection)(root))
    library = LibraryPictures(Database(tmp_path / "vidgen.duckdb"), tmp_path / "cache", bundled=slices)
    # Chunks whose narration is about the thing. Sentences that merely name it are refused now:
    # "Leaf samples were sequenced to compare the DNA of heat-tolerant and sensitive wheat lines"
    # (DNA 0.535) and "The extracted tuples are stored in a database and indexed" (0.511).
    texts = [
        "The DNA of each wheat line was sequenced to find the genes behind heat tolerance.",
        "The database stores the extracted tuples and answers queries from its indexes.",
    ]
    dna, database = library.pictures([PictureRequest("", "", 1, 640, 360, text=t) for t in texts])
    assert dna is not None and "dna" in dna.description.lower()
    assert database is not None and "database" in database.description.lower()


def test_a_missing_icon_set_says_how_to_install_it(tmp_path):
    library = LibraryPictures(
        Database(tmp_path / "v.duckdb"),
        tmp_path / "cache",
        bundled=[OpenMoji(tmp_path / "no-openmoji"), TablerIcons(tmp_path / "no-tabler")],
    )
    with pytest.raises(BackendUnavailable) as unavailable:
        library.check()
    problem = str(unavailable.value)
    assert "make install" in problem and "openmoji@17.0.0" in problem and "@tabler/icons@3.51.0" in problem
