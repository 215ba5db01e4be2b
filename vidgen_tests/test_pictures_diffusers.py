"""The diffusers backend on a tiny random Stable Diffusion pipeline built from configs, as
diffusers' own fast tests do, saved to a folder and loaded back through the backend (no download)."""

from __future__ import annotations

import json

import pytest

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.stable_diffusion import StableDiffusionPictures
from vidgen_assets.errors import BackendUnavailable

FAST = {"steps": 2, "guidance_scale": 5.0}


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def request(prompt: str, seed: int = 42) -> PictureRequest:
    return PictureRequest(prompt=prompt, style="flat colours", seed=seed, width=64, height=64)


@pytest.fixture(scope="module")
def drawn(tiny_model):
    """One backend loaded through from_pretrained, offline, drawing four pictures in one call."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HF_HUB_OFFLINE", "1")
        backend = StableDiffusionPictures(tiny_model, **FAST)
        assert backend.check() is None
        return backend.pictures(
            [
                request("a red kite"),
                request("the harbour at night"),
                request("a red kite"),
                request("a red kite", seed=7),
            ]
        )


def test_a_local_model_folder_draws_one_picture_per_request(drawn):
    kite, harbour = drawn[:2]
    assert [p.image.size for p in drawn] == [(64, 64)] * 4
    assert all(p.image.mode == "RGB" and p.source == "diffusers" for p in drawn)
    assert kite.description == "a red kite, flat colours"
    assert kite.image.tobytes() != harbour.image.tobytes()
    assert len(kite.image.getcolors(64 * 64)) > 100  # a drawn picture, not a blank


def test_the_same_prompt_and_seed_draw_the_same_picture_and_another_seed_does_not(drawn):
    kite, _, again, reseeded = drawn
    assert kite.image.tobytes() == again.image.tobytes()
    assert kite.image.tobytes() != reseeded.image.tobytes()


def test_a_missing_model_folder_fails_with_what_to_set(tmp_path):
    backend = StableDiffusionPictures(tmp_path / "no-such-model", **FAST)
    with pytest.raises(BackendUnavailable, match="no-such-model.*no model_index.json.*sd_model"):
        backend.check()


def test_a_broken_model_folder_fails_naming_the_folder(tmp_path, offline):
    (tmp_path / "model_index.json").write_text(
        json.dumps({"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"]})
    )
    with pytest.raises(BackendUnavailable, match=f"cannot load the model in {tmp_path}"):
        StableDiffusionPictures(tmp_path, **FAST).pictures([request("a red kite")])


def test_a_gpu_that_is_configured_but_absent_is_an_error_not_a_fallback(tiny_model, offline):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(BackendUnavailable, match="no CUDA GPU"):
        StableDiffusionPictures(tiny_model, device="cuda", **FAST).pictures([request("a red kite")])
