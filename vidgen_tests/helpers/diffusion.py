"""A Stable Diffusion folder with random weights, built from configs as diffusers' own fast tests
do: loads through the real backend with no download, in seconds."""

from __future__ import annotations

from pathlib import Path


def tiny_clip_tokenizer():
    """A CLIP byte-pair tokenizer over single letters and digits plus two merges: enough for prompts."""
    from transformers import CLIPTokenizer

    symbols = list("abcdefghijklmnopqrstuvwxyz0123456789,.")
    tokens = ["<|startoftext|>", "<|endoftext|>"] + symbols + [f"{s}</w>" for s in symbols] + ["th", "the</w>"]
    return CLIPTokenizer(
        vocab={token: i for i, token in enumerate(tokens)}, merges=[("t", "h"), ("th", "e</w>")], model_max_length=77
    )


def make_tiny_stable_diffusion(folder: Path) -> Path:
    """A Stable Diffusion folder with random weights: UNet (32, 64), small VAE, CLIP of width 32."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
    )
    vae = AutoencoderKL(
        block_out_channels=(32, 64),
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            hidden_size=32,
            intermediate_size=37,
            num_attention_heads=4,
            num_hidden_layers=2,
            layer_norm_eps=1e-05,
            vocab_size=1000,
        )
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    pipeline = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tiny_clip_tokenizer(),
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.save_pretrained(folder)
    return folder
