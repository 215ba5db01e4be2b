"""The diffusers backend on a tiny random Stable Diffusion pipeline built from configs, as
diffusers' own fast tests do, saved to a folder and loaded back through the backend (no download)."""

from __future__ import annotations

import json

import pytest

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.stable_diffusion import StableDiffusionPictures
from vidgen_assets.errors import BackendUnavailable

FAST = {"steps": 2, "guidance_scale": 5.0}


def tiny_clip_tokenizer():
    """A CLIP byte-pair tokenizer over single letters and digits plus two merges: enough for prompts."""
    from transformers import CLIPTokenizer

    symbols = list("abcdefghijklmnopqrstuvwxyz0123456789,.")
    tokens = ["<|startoftext|>", "<|endoftext|>"] + symbols + [f"{s}</w>" for s in symbols] + ["th", "the</w>"]
    return CLIPTokenizer(vocab={token: i for i, token in enumerate(tokens)}, merges=[("t", "h"), ("th", "e</w>")],
                         model_max_length=77)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A Stable Diffusion folder with random weights: UNet (32, 64), small VAE, CLIP of width 32."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=32, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32)
    vae = AutoencoderKL(
        block_out_channels=(32, 64), in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"), up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"))
    text_encoder = CLIPTextModel(CLIPTextConfig(
        bos_token_id=0, eos_token_id=1, pad_token_id=1, hidden_size=32, intermediate_size=37, num_attention_heads=4,
        num_hidden_layers=2, layer_norm_eps=1e-05, vocab_size=1000))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1)
    pipeline = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tiny_clip_tokenizer(), unet=unet,
                                       scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                       requires_safety_checker=False)
    folder = tmp_path_factory.mktemp("tiny-sd")
    pipeline.save_pretrained(folder)
    return folder


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
        return backend.pictures([request("a red kite"), request("the harbour at night"),
                                 request("a red kite"), request("a red kite", seed=7)])


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
    (tmp_path / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionPipeline",
                                                           "unet": ["diffusers", "UNet2DConditionModel"]}))
    with pytest.raises(BackendUnavailable, match=f"cannot load the model in {tmp_path}"):
        StableDiffusionPictures(tmp_path, **FAST).pictures([request("a red kite")])


def test_a_gpu_that_is_configured_but_absent_is_an_error_not_a_fallback(tiny_model, offline):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(BackendUnavailable, match="no CUDA GPU"):
        StableDiffusionPictures(tiny_model, device="cuda", **FAST).pictures([request("a red kite")])
