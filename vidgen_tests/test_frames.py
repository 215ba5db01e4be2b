"""The frames asset with each picture backend: the real asset materialized over its upstream rows
in a temporary DuckDB; generators are a tiny random diffusers pipeline and loopback servers
speaking the AUTOMATIC1111 and ComfyUI APIs (they cannot run here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dagster import DagsterInstance, materialize
from PIL import Image, ImageChops, ImageDraw, ImageStat

from vidgen_assets.assets.frames import frames
from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.generation import styled_prompt
from vidgen_assets.errors import BackendUnavailable
from vidgen_assets.language.prompts import image_prompt, visual_style
from vidgen_assets.media.credits import credits_text, write_credits
from vidgen_assets.media.render import picture_box
from vidgen_assets.partitions import documents
from vidgen_assets.resources import build_resources
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.tables import ChunkRow, FigureRow, FrameRow, ImagePromptRow, SourceDocumentRow, SummaryRow
from vidgen_tests.helpers.picture_servers import FakeAutomatic1111, FakeComfyUI, draw_png, png_pixels, unused_url

DOC = "rock-pools"
TITLE = "Rock pools at low tide"
STYLE = visual_style(TITLE)
SIZE = (64, 48)  # pictures asked for: small, so the tiny pipeline and the servers draw quickly
CHUNKS = [
    "Rock pools at low tide. When the sea goes out, water stays behind in hollows of the rock.",
    "Shore crabs hide under stones and seaweed, and scuttle sideways when a stone is lifted.",
    "Sea anemones look like flowers, but their tentacles sting small shrimps that swim too close.",
    "Figure 1 shows where each animal lives on the shore.",
]
SUBJECTS = ["a rocky shore at low tide", "a shore crab under a stone", "a red sea anemone", "a map of the shore"]


def prompt(subject: str) -> str:
    return image_prompt(subject, STYLE)


def write_storyboard(root: Path, subjects=SUBJECTS) -> Database:
    """The rows frames reads, as the upstream assets write them: a note with one figure."""
    root.mkdir(parents=True, exist_ok=True)
    db = Database(root / "vidgen.duckdb")
    figure = root / "figure-1.png"
    image = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 360, 260), outline=(0, 0, 0), width=8)
    image.save(figure)
    db.replace(
        DOC,
        {
            SourceDocumentRow: [
                SourceDocumentRow(
                    str(root / "rock-pools.md"),
                    "md",
                    "9f" * 32,
                    400,
                    TITLE,
                    None,
                    " ".join(CHUNKS),
                    json.dumps([]),
                    json.dumps({}),
                )
            ],
            FigureRow: [FigureRow(0, "Figure 1", "Where the animals live.", 1, str(figure))],
            ChunkRow: [ChunkRow(i, 4.0 * i, 4.0 * i + 4, text) for i, text in enumerate(CHUNKS)],
            SummaryRow: [
                SummaryRow(i, s, "embedded", False)
                for i, s in enumerate(
                    ["Rock pools", "Crabs hide under stones.", "Anemones sting.", "Where animals live."]
                )
            ],
            ImagePromptRow: [
                ImagePromptRow(i, prompt(s), STYLE, "Figure 1" if i == 3 else None) for i, s in enumerate(subjects)
            ],
        },
    )
    return db


@pytest.fixture
def storyboard(tmp_path) -> tuple[Path, Database]:
    root = tmp_path / "data"
    return root, write_storyboard(root)


def make_frames(root: Path, **pictures) -> list[FrameRow]:
    overrides = {
        "data-dir": str(root),
        "pictures-width": SIZE[0],
        "pictures-height": SIZE[1],
        **{k.replace("_", "-"): v for k, v in pictures.items()},
    }
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(documents.name, [DOC])
    materialize([frames], partition_key=DOC, instance=instance, resources=build_resources(overrides, environ={}))
    return Database(root / "vidgen.duckdb").read(FrameRow, DOC)


def shown_in(frame_path: str, picture: Image.Image) -> float:
    """Mean difference (0-255) between the picture and the frame where the renderer puts it."""
    box = picture_box(picture.size)
    with Image.open(frame_path) as frame:
        region = frame.convert("RGB").crop(box)
    expected = picture.convert("RGB").resize(region.size, Image.Resampling.BICUBIC)
    return sum(ImageStat.Stat(ImageChops.difference(region, expected)).mean) / 3


def request(subject: str) -> PictureRequest:
    from vidgen_assets.backends.pictures.generation import document_seed

    return PictureRequest(subject, STYLE, document_seed("9f" * 32), *SIZE)


def test_automatic1111_pictures_are_drawn_for_each_chunk_without_a_figure_and_composed_into_its_frame(storyboard):
    root, _ = storyboard
    with FakeAutomatic1111() as server:
        rows = make_frames(root, pictures="automatic1111", pictures_url=server.url)
    title, crab, anemone, figure = rows
    assert server.calls["POST /sdapi/v1/txt2img"] == 2  # not for the title card nor the figure's chunk
    for row, subject in ((crab, SUBJECTS[1]), (anemone, SUBJECTS[2])):
        drawn = Image.frombytes(
            "RGB", SIZE, png_pixels(draw_png(styled_prompt(request(subject)), request(subject).seed, *SIZE))
        )
        assert shown_in(row.path, drawn) < 2
        assert row.picture_source == "automatic1111" and row.picture_description == styled_prompt(request(subject))
        assert Path(row.picture_path).is_file() and row.picture_similarity is None
    sent = {body["prompt"] for body in server.bodies}
    assert sent == {f"{SUBJECTS[1]}, {STYLE}", f"{SUBJECTS[2]}, {STYLE}"}  # the subject, not the setting
    assert len({body["seed"] for body in server.bodies}) == 1  # one seed for the whole document
    assert title.picture_source is None and figure.picture_source is None
    assert title.text.splitlines()[0] == TITLE and crab.text == "Crabs hide under stones."


def test_a_changed_prompt_redraws_only_its_own_picture(storyboard):
    root, _ = storyboard
    with FakeAutomatic1111() as server:
        make_frames(root, pictures="automatic1111", pictures_url=server.url)
        assert server.calls["POST /sdapi/v1/txt2img"] == 2
        make_frames(root, pictures="automatic1111", pictures_url=server.url)
        assert server.calls["POST /sdapi/v1/txt2img"] == 2  # everything from the cache
        write_storyboard(root, [*SUBJECTS[:2], "a green sea anemone", SUBJECTS[3]])
        rows = make_frames(root, pictures="automatic1111", pictures_url=server.url)
    assert server.calls["POST /sdapi/v1/txt2img"] == 3
    assert server.bodies[-1]["prompt"].startswith("a green sea anemone")
    assert rows[2].picture_description.startswith("a green sea anemone")


def test_comfyui_pictures_are_composed_into_the_frames(storyboard):
    root, _ = storyboard
    with FakeComfyUI() as server:
        rows = make_frames(root, pictures="comfyui", pictures_url=server.url)
    assert server.calls["POST /prompt"] == 2
    for row, subject in ((rows[1], SUBJECTS[1]), (rows[2], SUBJECTS[2])):
        drawn = Image.frombytes(
            "RGB", SIZE, png_pixels(draw_png(styled_prompt(request(subject)), request(subject).seed, *SIZE))
        )
        assert shown_in(row.path, drawn) < 2 and row.picture_source == "comfyui"


def test_diffusers_pictures_from_a_local_model_folder_are_composed_into_the_frames(storyboard, tiny_model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    root, _ = storyboard
    rows = make_frames(root, pictures="diffusers", pictures_sd_model=str(tiny_model), pictures_steps=2)
    for row in rows[1:3]:
        assert row.picture_source == "diffusers"
        with Image.open(row.picture_path) as cached:
            picture = cached.convert("RGB")
        assert picture.size == SIZE and len(picture.getcolors(SIZE[0] * SIZE[1]) or ()) > 100  # drawn, not flat
        assert shown_in(row.path, picture) < 2


def test_the_library_puts_the_users_matching_photo_into_the_frame_and_records_where_it_came_from(storyboard, tmp_path):
    root, _ = storyboard
    media = tmp_path / "media"
    media.mkdir()
    photo = Image.new("RGB", (320, 240), (200, 120, 60))
    ImageDraw.Draw(photo).ellipse((80, 60, 240, 180), fill=(40, 90, 40))
    photo.save(media / "IMG_0042.png")
    (media / "IMG_0042.txt").write_text("A green shore crab hiding under a stone at low tide, claws raised.\n")
    rows = make_frames(root, pictures="library", pictures_media_dir=str(media))
    title, crab, anemone, figure = rows
    assert crab.picture_source == "media" and crab.picture_path == str(media / "IMG_0042.png")
    assert crab.picture_similarity is not None and crab.picture_similarity >= 0.45
    with Image.open(crab.path) as frame:
        assert frame.size == (1920, 1080) and frame.text["picture_source"] == "media"
    assert shown_in(crab.path, photo) < 2  # the photo itself, fitted into the picture box
    assert title.picture_source is None and figure.picture_source is None  # title card and paper figure
    # Never the same picture twice in one video: the anemone chunk gets a picture, not the crab's.
    assert anemone.picture_path is not None, anemone
    assert anemone.picture_path != crab.picture_path


def test_none_keeps_the_renderers_frames(storyboard):
    root, _ = storyboard
    rows = make_frames(root, pictures="none")
    assert len(rows) == 4 and all(r.picture_source is None for r in rows)
    with Image.open(rows[1].path) as frame:
        assert frame.size == (1920, 1080) and "picture_source" not in frame.text
        assert frame.text["key_point"] == "Crabs hide under stones."


@pytest.mark.parametrize("backend", ["automatic1111", "comfyui"])
def test_a_configured_server_that_does_not_answer_fails_frames_naming_its_url(storyboard, backend):
    root, db = storyboard
    url = unused_url()
    with pytest.raises(BackendUnavailable, match=url.replace(".", r"\.")):
        make_frames(root, pictures=backend, pictures_url=url)
    assert db.read(FrameRow, DOC) == []  # nothing written, nothing silently drawn without pictures


def test_a_diffusers_backend_without_a_model_folder_fails_frames_saying_what_to_set(storyboard, tmp_path):
    root, _ = storyboard
    with pytest.raises(BackendUnavailable, match="no model_index.json"):
        make_frames(root, pictures="diffusers", pictures_sd_model=str(tmp_path / "missing"))


def test_the_title_card_shows_the_authors_or_a_key_phrase_never_the_title_twice(storyboard):
    root, db = storyboard
    rows = make_frames(root, pictures="none")
    with Image.open(rows[0].path) as card:
        subtitle = card.text["subtitle"]
    assert subtitle and subtitle.lower() not in TITLE.lower() and subtitle in CHUNKS[0]
    row = db.read_one(SourceDocumentRow, DOC)
    db.replace(
        DOC,
        {
            SourceDocumentRow: [
                SourceDocumentRow(**{**row.__dict__, "metadata": json.dumps({"Author": "Ann Tide, Ben Shore"})})
            ]
        },
    )
    rows = make_frames(root, pictures="none")
    with Image.open(rows[0].path) as card:
        assert card.text["subtitle"] == "Ann Tide, Ben Shore"


def test_credits_list_only_the_pictures_whose_licence_asks_for_attribution(tmp_path):
    rows = [
        FrameRow(
            1,
            "a.png",
            65.0,
            70.0,
            picture_source="openmoji",
            picture_licence="CC BY-SA 4.0",
            picture_description="crab",
            picture_attribution="OpenMoji, openmoji.org",
        ),
        FrameRow(
            2,
            "b.png",
            70.0,
            75.0,
            picture_source="openclipart",
            picture_licence="Public domain",
            picture_description="anemone",
        ),
    ]
    text = credits_text(rows)
    assert "1:05  crab: OpenMoji, openmoji.org (CC BY-SA 4.0; openmoji)" in text and "anemone" not in text
    assert credits_text(rows[1:]) == ""
    path = tmp_path / "videos" / "rock-pools.credits.txt"
    path.parent.mkdir()
    assert write_credits(rows, path) == path and path.read_text(encoding="utf-8") == text
    assert write_credits(rows[1:], path) is None and not path.exists()  # no stale credits for another run
