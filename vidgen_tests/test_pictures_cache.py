"""The picture cache: re-running a document redraws only what changed (counted at the server)."""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.automatic1111 import Automatic1111Pictures
from vidgen_assets.backends.pictures.cache import CachedPictures
from vidgen_assets.backends.pictures.comfyui import ComfyUIPictures
from vidgen_assets.backends.pictures.generation import document_seed
from vidgen_assets.backends.pictures.http_client import RetryPolicy
from vidgen_tests.helpers.picture_servers import FakeAutomatic1111, FakeComfyUI

TXT2IMG = "POST /sdapi/v1/txt2img"
QUICK = RetryPolicy(attempts=2, backoff=0.01, timeout=10)
SEED = document_seed("sha256-of-a-paper")
STORYBOARD = [
    PictureRequest(prompt=subject, style="ink drawing", seed=SEED, width=80, height=48)
    for subject in ("a telescope", "a map of stars", "a comet")
]


def cached(server, cache_dir, **settings) -> CachedPictures:
    return CachedPictures(Automatic1111Pictures(server.url, retry=QUICK, **settings), cache_dir)


def test_rerunning_a_document_draws_nothing_again(tmp_path):
    with FakeAutomatic1111() as server:
        first = cached(server, tmp_path).pictures(STORYBOARD)
        assert server.calls[TXT2IMG] == 3
        again = cached(server, tmp_path).pictures(STORYBOARD)
        assert server.calls[TXT2IMG] == 3

    for drawn, reused in zip(first, again):
        assert reused.image.tobytes() == drawn.image.tobytes()
        assert reused.path == drawn.path and reused.path.parent.parent == tmp_path
        assert (reused.source, reused.description, reused.licence) == (drawn.source, drawn.description, drawn.licence)
    assert Image.open(first[0].path).text["description"] == "a telescope, ink drawing"


def test_changing_one_prompt_redraws_only_that_picture(tmp_path):
    edited = [STORYBOARD[0], replace(STORYBOARD[1], prompt="a chart of constellations"), STORYBOARD[2]]
    with FakeAutomatic1111() as server:
        before = cached(server, tmp_path).pictures(STORYBOARD)
        after = cached(server, tmp_path).pictures(edited)
        assert server.calls[TXT2IMG] == 4
    assert [body["prompt"] for body in server.bodies][-1] == "a chart of constellations, ink drawing"
    assert after[0].path == before[0].path and after[2].path == before[2].path
    assert after[1].path != before[1].path


def test_a_new_seed_style_size_or_setting_redraws(tmp_path):
    telescope = STORYBOARD[0]
    with FakeAutomatic1111() as server:
        cached(server, tmp_path).pictures([telescope])
        cached(server, tmp_path).pictures([replace(telescope, seed=document_seed("another paper"))])
        cached(server, tmp_path).pictures([replace(telescope, style="oil painting")])
        cached(server, tmp_path).pictures([replace(telescope, width=96)])
        cached(server, tmp_path, steps=40).pictures([telescope])
        assert server.calls[TXT2IMG] == 5
        cached(server, tmp_path, steps=40).pictures([telescope])
        assert server.calls[TXT2IMG] == 5


def test_the_same_request_to_another_backend_is_not_taken_from_the_cache(tmp_path):
    with FakeAutomatic1111() as webui, FakeComfyUI() as comfy:
        cached(webui, tmp_path).pictures(STORYBOARD[:1])
        CachedPictures(ComfyUIPictures(comfy.url, retry=QUICK, poll_interval=0.01), tmp_path).pictures(STORYBOARD[:1])
        assert (webui.calls[TXT2IMG], comfy.calls["POST /prompt"]) == (1, 1)


def test_an_unreadable_cache_entry_is_drawn_again(tmp_path):
    with FakeAutomatic1111() as server:
        [picture] = cached(server, tmp_path).pictures(STORYBOARD[:1])
        picture.path.write_bytes(b"truncated")
        [again] = cached(server, tmp_path).pictures(STORYBOARD[:1])
        assert server.calls[TXT2IMG] == 2
    assert again.image.tobytes() == picture.image.tobytes()
