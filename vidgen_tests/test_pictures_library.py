"""The `library` picture backend on small real collections: real embeddings, DuckDB, resvg, ffmpeg."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vidgen_assets.backends.embeddings import TextEmbedder
from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.library.backend import LibraryPictures
from vidgen_assets.backends.pictures.library.catalog import Entry
from vidgen_assets.backends.pictures.library.choice import RELIEF, THRESHOLD, Query, name_words, narration_acronyms
from vidgen_assets.backends.pictures.library.index import update_index
from vidgen_assets.backends.pictures.library.media_folder import MediaFolder, words_of_name
from vidgen_assets.backends.pictures.library.openclipart import COLLECTION_DIR, PUBLIC_DOMAIN, OpenClipart
from vidgen_assets.backends.pictures.library.raster import rasterise_svg, tint
from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.storage.duckdb import Database

CRAB_TEXT = (
    "Shore crabs hide under stones and seaweed, and when a stone is lifted they scuttle sideways and raise their claws."
)
TAX_TEXT = "The amended statute changes how capital gains are reported on the annual tax return from next April."

SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
     xmlns:cc="http://web.resource.org/cc/" xmlns:dc="http://purl.org/dc/elements/1.1/" width="200pt" height="150pt" viewBox="0 0 200 150">
  <metadata><rdf:RDF><cc:Work rdf:about="">
    <dc:title>{title}</dc:title><dc:description></dc:description>
    <dc:subject><rdf:Bag>{subjects}</rdf:Bag></dc:subject>
    <dc:creator><cc:Agent><dc:title>Ann Artist</dc:title></cc:Agent></dc:creator>
    <cc:license rdf:resource="{licence}"/>
  </cc:Work></rdf:RDF></metadata>
  <rect x="10" y="10" width="180" height="130" fill="{fill}" stroke="#000000" stroke-width="6"/>
  <circle cx="100" cy="75" r="40" fill="#ffffff"/>
</svg>
"""
CLIPART = {
    "animals/crab_ann_artist_01.svg": ("Red crab", ["crab", "animal", "sea"], "#d02020"),
    "transportation/bicycle_ann_artist_01.svg": ("Bicycle", ["bicycle", "vehicle"], "#2040d0"),
    "food/teapot_ann_artist_01.svg": ("Teapot", ["tea", "kitchen"], "#20a040"),
    "music/violin_ann_artist_01.svg": ("Violin", ["music", "instrument"], "#a06020"),
    "plants/oak_tree_ann_artist_01.svg": ("Oak tree", ["tree", "plant"], "#208020"),
}
PD = "http://web.resource.org/cc/PublicDomain"


def write_svg(path: Path, title: str, subjects: list[str], fill: str, licence: str = PD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    items = "".join(f"<rdf:li>{s}</rdf:li>" for s in subjects)
    path.write_text(SVG.format(title=title, subjects=items, fill=fill, licence=licence), encoding="utf-8")
    return path


@pytest.fixture
def clipart(tmp_path) -> Path:
    root = tmp_path / "clipart"
    for name, (title, subjects, fill) in CLIPART.items():
        write_svg(root / name, title, subjects, fill)
    return root


def library(tmp_path: Path, clipart: Path, media: Path | None = None, **options) -> LibraryPictures:
    return LibraryPictures(
        Database(tmp_path / "vidgen.duckdb"), tmp_path / "cache", media_dir=media, clipart_dir=clipart, **options
    )


def request(text: str, prompt: str = "", summary: str = "") -> PictureRequest:
    return PictureRequest(prompt=prompt, style="flat", seed=1, width=640, height=360, text=text, summary=summary)


def test_chunk_about_shore_crabs_gets_the_crab_and_an_unrelated_chunk_gets_nothing(tmp_path, clipart):
    crab, tax = library(tmp_path, clipart).pictures([request(CRAB_TEXT), request(TAX_TEXT)])
    assert crab is not None and "crab" in crab.description
    assert crab.source == "openclipart" and crab.licence == PUBLIC_DOMAIN and crab.attribution == ""
    assert crab.path == clipart / "animals/crab_ann_artist_01.svg"
    assert crab.image.mode == "RGB" and max(crab.image.size) > 100
    assert tax is None


def test_every_picture_given_clears_the_threshold_and_a_strict_threshold_gives_none(tmp_path, clipart):
    texts = [
        CRAB_TEXT,
        "She rode her bicycle to work along the canal.",
        "A violin and a cello played the duet.",
        TAX_TEXT,
    ]
    # Four unrelated texts are four documents: asked together, each would be judged against a
    # "document" about crabs, bicycles, music and tax.
    given = [library(tmp_path, clipart).pictures([request(t)])[0] for t in texts]
    assert [p is not None for p in given] == [True, True, True, False]
    # A picture under the threshold is allowed only by an acronym of its chunk ("DNA").
    for text, picture in zip(texts, given):
        if picture:
            specific = name_words(picture.description) & narration_acronyms(
                Query(np.zeros((1, 384)), ("text",), (text,))
            )
            assert picture.similarity >= (THRESHOLD - RELIEF if specific else THRESHOLD)
    assert library(tmp_path, clipart, threshold=0.95).pictures([request(t) for t in texts]) == [None] * 4
    # The tax chunk does have a best picture; only the threshold keeps it off the screen.
    assert library(tmp_path, clipart, threshold=-1.0).pictures([request(TAX_TEXT)])[0] is not None


def test_video_frames_get_a_film_strip_not_a_picture_frame(tmp_path):
    root = tmp_path / "clipart"
    write_svg(root / "office/picture_frame_ann_artist_01.svg", "Picture frame", ["frame", "office"], "#c0a060")
    write_svg(
        root / "media/film_frames_ann_artist_01.svg", "Film frames", ["cinema", "film", "movie", "frames"], "#303030"
    )
    write_svg(root / "animals/crab_ann_artist_01.svg", "Red crab", ["crab", "animal", "sea"], "#d02020")
    text = "Frames are rendered at the size of the final video and saved as ordinary image files."
    (frames,) = library(tmp_path, root).pictures([request(text)])
    assert frames is not None and frames.path.name == "film_frames_ann_artist_01.svg"


def test_no_picture_is_used_twice_in_one_video(tmp_path, clipart):
    texts = [CRAB_TEXT, "A crab raises its claws.", "Crabs again: the crab walks sideways."]
    given = library(tmp_path, clipart, threshold=-1.0).pictures([request(t) for t in texts])
    paths = [p.path for p in given if p]
    assert len(paths) == 3 and len(set(paths)) == 3
    assert sum("crab" in p.description for p in given) == 1


def test_one_drawing_filed_under_two_folders_is_still_used_once(tmp_path, clipart):
    copy = clipart / "nature" / "crab_ann_artist_01.svg"
    copy.parent.mkdir()
    shutil.copy(clipart / "animals" / "crab_ann_artist_01.svg", copy)  # a real file, not a link
    texts = [CRAB_TEXT, "A crab raises its claws."]
    given = library(tmp_path, clipart, threshold=-1.0).pictures([request(t) for t in texts])
    assert all(given) and sum("crab" in p.description for p in given) == 1


def test_the_index_is_incremental(tmp_path, clipart):
    db, embedder = Database(tmp_path / "vidgen.duckdb"), TextEmbedder()
    collection = OpenClipart(clipart)
    heard = []
    first = update_index(db, embedder, [collection], lambda done, total: heard.append((done, total)))
    assert (first.added, first.changed, first.removed, first.unchanged) == (5, 0, 0, 0)
    assert heard == [(5, 5)]
    again = update_index(db, embedder, [collection])
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 5)

    write_svg(clipart / "animals/gull_ann_artist_01.svg", "Gull", ["bird", "sea"], "#cccccc")
    teapot = clipart / "food/teapot_ann_artist_01.svg"
    write_svg(teapot, "Teapot and cups", ["tea", "kitchen"], "#20a040")
    os.utime(teapot, ns=(1, 1))  # a rewritten file's mtime changes even within one clock tick
    (clipart / "music/violin_ann_artist_01.svg").unlink()
    third = update_index(db, embedder, [collection])
    assert (third.added, third.changed, third.removed, third.unchanged) == (1, 1, 1, 3)
    with db.connect(read_only=True) as con:
        descriptions = [d for (d,) in con.execute("SELECT description FROM illustrations ORDER BY path").fetchall()]
    assert any(d.startswith("gull") for d in descriptions) and not any("violin" in d for d in descriptions)
    assert any("Teapot and cups" in d for d in descriptions)


def test_an_index_made_before_pictures_had_names_is_brought_up_to_date(tmp_path, clipart):
    db, embedder = Database(tmp_path / "vidgen.duckdb"), TextEmbedder()
    update_index(db, embedder, [OpenClipart(clipart)])
    with db.connect() as con:  # as the first index release wrote it
        con.execute("ALTER TABLE illustrations DROP COLUMN name_embedding; ALTER TABLE illustrations DROP COLUMN name")
        con.execute("UPDATE illustrations SET model = ?", [embedder.name])
    report = update_index(db, embedder, [OpenClipart(clipart)])
    assert (report.added, report.changed, report.unchanged) == (0, 5, 0)
    with db.connect(read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM illustrations WHERE name = 'crab' AND name_embedding IS NOT NULL"
        ).fetchone() == (1,)


def test_the_users_own_picture_wins_when_it_matches_well(tmp_path, clipart):
    media = tmp_path / "media"
    media.mkdir()
    Image.new("RGB", (320, 240), (200, 120, 60)).save(media / "IMG_0042.jpg")
    (media / "IMG_0042.txt").write_text("A green shore crab on a rock at low tide, claws raised.\n")
    Image.new("RGB", (320, 240), (30, 60, 90)).save(media / "DSC_0001.jpg")  # no caption: never chosen
    lib = library(tmp_path, clipart, media)
    crab, tax = lib.pictures([request(CRAB_TEXT), request(TAX_TEXT)])
    assert crab.source == "media" and crab.path == media / "IMG_0042.jpg"
    # Photos keep their own colours (give or take JPEG's rounding).
    assert np.abs(np.subtract(crab.image.getpixel((10, 10)), (200, 120, 60))).max() <= 2
    assert tax is None


def test_a_captioned_clip_gives_its_middle_frame(tmp_path, clipart):
    media = tmp_path / "media"
    media.mkdir()
    clip = media / "gull.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=0x3050a0:s=320x240:d=2",
            "-pix_fmt",
            "yuv420p",
            str(clip),
        ],
        check=True,
    )
    (media / "gull.txt").write_text("A herring gull standing on the harbour wall.")
    (gull,) = library(tmp_path, clipart, media).pictures(
        [request("Gulls walk along the harbour wall looking for scraps of fish.")]
    )
    assert gull.source == "media" and gull.path == clip
    r, g, b = gull.image.getpixel((gull.image.width // 2, gull.image.height // 2))
    assert abs(r - 0x30) < 12 and abs(g - 0x50) < 12 and abs(b - 0xA0) < 12


def test_a_media_name_without_a_caption_is_described_by_its_words():
    assert words_of_name(Path("rock-pool_shoreCrab 2.jpg")) == "rock pool shore crab"
    assert words_of_name(Path("IMG_20240612_0042.jpg")) == ""
    assert MediaFolder(Path("/nowhere/at/all")).problem() == "the media folder /nowhere/at/all does not exist"


def test_tinted_clip_art_is_drawn_only_in_the_palette(tmp_path):
    svg = write_svg(tmp_path / "crab.svg", "Crab", ["crab"], "#d02020")
    palette = ((10, 20, 30), (200, 40, 40), (250, 240, 200))
    drawn = rasterise_svg(svg, 400, 400)
    assert max(drawn.size) == 400  # the drawing fills the box, keeping its 4:3 shape
    tinted = np.asarray(tint(drawn, palette), dtype=np.float32)
    opaque = np.asarray(drawn.getchannel("A")) == 255
    # Every opaque pixel lies on the segment from the dark ink to the light ink; only the
    # antialiased rim mixes with the background.
    dark, light = np.array(palette[1], np.float32), np.array(palette[2], np.float32)
    t = np.clip(((tinted - dark) @ (light - dark)) / ((light - dark) @ (light - dark)), 0, 1)
    distance = np.linalg.norm(tinted - (dark + t[..., None] * (light - dark)), axis=-1)
    assert opaque.mean() > 0.9 and distance[opaque].max() < 3
    # The white circle is the light ink, the black outline the dark ink.
    assert tuple(tinted[drawn.height // 2, drawn.width // 2].astype(int)) == palette[2]
    assert tuple(tinted[drawn.height // 2, 8].astype(int)) == palette[1]
    transparent = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert tint(transparent, palette).getpixel((0, 0)) == palette[0]


def test_a_missing_collection_or_folder_says_what_to_install(tmp_path):
    lib = LibraryPictures(
        Database(tmp_path / "v.duckdb"), tmp_path / "cache", media_dir=tmp_path / "nope", clipart_dir=tmp_path / "none"
    )
    with pytest.raises(BackendUnavailable) as unavailable:
        lib.check()
    problem = str(unavailable.value)
    assert "apt-get install openclipart-svg" in problem and "media folder" in problem


def test_gpl_clip_art_keeps_its_licence_and_a_credit_line(tmp_path):
    root = tmp_path / "clipart"
    svg = write_svg(
        root / "tux_ann_artist.svg", "Tux", ["penguin"], "#000000", "http://creativecommons.org/licenses/GPL/2.0/"
    )
    described = OpenClipart(root).describe(OpenClipart(root).entries()[0])
    assert described.licence == "GPL-2.0" and described.attribution == "Tux by Ann Artist, GPL-2.0"
    assert described.text.startswith("tux") and "penguin" in described.text and "ann" not in described.text
    assert svg.exists()


@pytest.mark.skipif(not COLLECTION_DIR.is_dir(), reason="openclipart-svg is not installed (make install)")
def test_a_chunk_about_a_bicycle_gets_a_bicycle_from_openclipart(tmp_path):
    # A slice of the real collection keeps the test short; the full index is benchmarks/pictures.py.
    subset = tmp_path / "openclipart"
    for folder in ("transportation/vehicles", "animals/birds", "recreation/sports"):
        shutil.copytree(COLLECTION_DIR / folder, subset / folder, symlinks=True)
    # A chunk about bicycles; one about a trip that mentions them ("we cycled to the lake on our
    # old bicycles", 0.54) no longer reaches the threshold.
    (picture,) = library(tmp_path, subset).pictures(
        [request("A bicycle has two wheels, pedals, a chain and handlebars.")]
    )
    assert picture is not None and ("bicycle" in picture.description or "bike" in picture.description)
    assert picture.licence == PUBLIC_DOMAIN


def test_the_bundled_collections_are_indexed_once_per_environment_not_per_data_directory(tmp_path):
    """make install builds the shared index; a fresh data directory only checks it for changes
    (about a second) instead of embedding ten thousand pictures again, and keeps none of it."""
    db = Database(tmp_path / "vidgen.duckdb")
    library = LibraryPictures(db, tmp_path / "cache")
    report = library.index()
    assert report.added == 0 and report.changed == 0 and report.unchanged > 8000
    [picture] = library.pictures(
        [
            PictureRequest(
                prompt="a shore crab",
                style="",
                seed=0,
                width=64,
                height=48,
                text="Shore crabs hide under rocks when the tide goes out.",
                summary="Crabs shelter under rocks",
            )
        ]
    )
    assert picture is not None and "crab" in picture.description.lower()
    with db.connect(read_only=True) as con:
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "illustrations" not in tables


# --- Puns, through the real bundled library (built by make install) ---------------------------
# Each list is one document as the pipeline asks for it: the chunks' narrations, key phrases as
# the summary and central phrases as the prompt. Every chunk below once got a pun: phone signal
# bars for cells, a horse for "Ca" waves, a billiard ball for rock pools, the animal for "seal".
GLIAL_REVIEW = [
    (
        "Astrocytes, the most numerous glial cells of the brain, signal to each other through waves of calcium.",
        "glial cells",
    ),
    ("This rise in intracellular Ca2+ then spreads to neighbouring cells, one after another.", "intracellular Ca2+"),
    ("Ca waves can travel a few hundred micrometres and can involve dozens of astrocytes.", "Ca waves"),
    ("Two routes carry the signal between cells.", "cells"),
    ("In the second, the stimulated cell releases ATP into the extracellular space.", "stimulated cell"),
    ("Calcium waves are easy to study under the microscope with fluorescent dyes.", "microscope"),
]
ROCK_POOL_SURVEY = [
    ("Between April and September we surveyed forty pools on two rocky shores.", "surveyed forty pools"),
    ("Each pool was visited at low water on a spring tide.", "pool"),
    ("Blennies and rock gobies sheltered under ledges in the deeper pools.", "deeper pools"),
    ("Limpets seal themselves to the rock with a ring of mucus when the tide is out.", "Limpets seal"),
    ("Shore crabs were the commonest large animal in the sheltered pools.", "Shore crabs"),
]
PHONE_WORDS = ("phone", "mobile", "signal", "antenna", "cellular", "reception")
needs_bundled = pytest.mark.skipif(
    not COLLECTION_DIR.is_dir(), reason="the bundled collections are not installed (make install)"
)


def bundled_pictures(tmp_path: Path, chunks: list[tuple[str, str]]) -> list:
    library = LibraryPictures(Database(tmp_path / "vidgen.duckdb"), tmp_path / "cache")
    return library.pictures([request(text, prompt=phrase, summary=phrase) for text, phrase in chunks])


@needs_bundled
def test_a_biology_review_about_cells_gets_no_phone_icon_and_ca_waves_no_horse(tmp_path):
    pictures = bundled_pictures(tmp_path, GLIAL_REVIEW)
    descriptions = [p.description.lower() for p in pictures if p]
    assert not [d for d in descriptions if any(w in d for w in PHONE_WORDS)]
    assert not [d for d in descriptions if "horse" in d or "equine" in d]
    # Not by giving nothing: the chunk about the microscope gets one.
    assert pictures[-1] is not None and "microscope" in pictures[-1].description


@needs_bundled
def test_a_rock_pool_survey_gets_no_billiard_ball_and_sealing_limpets_no_seal(tmp_path):
    pictures = bundled_pictures(tmp_path, ROCK_POOL_SURVEY)
    descriptions = [p.description.lower() for p in pictures if p]
    assert not [d for d in descriptions if any(w in d for w in ("billiard", "8 ball", "snooker", "swimming pool"))]
    limpets = pictures[3]
    assert limpets is None or "seal" not in name_words(limpets.description)
    assert pictures[4] is not None and "crab" in pictures[4].description


def test_perl_references_in_clip_art_metadata_are_not_words_of_the_picture():
    # Real files of Debian's openclipart-svg whose title or keywords read "HASH(0x...)": once they
    # made a keyboard and toy blocks match a narration about hash tables.
    collection = OpenClipart()
    for name, expected in (
        ("computer/hardware/computer_keyboard_01.svg", "computer keyboard (hardware, computer)"),
        ("recreation/holiday/sunshine_matthew_gates_01.svg", "sunshine; Sunshine (holiday, sunny, crepuscular, sun"),
    ):
        path = COLLECTION_DIR / name
        assert "hash(0x" in path.read_text(encoding="utf-8", errors="replace").lower()
        description = collection.describe(Entry(path, "", "svg")).text
        assert description.startswith(expected) and "0x" not in description
