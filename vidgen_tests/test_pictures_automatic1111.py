"""The automatic1111 backend against a loopback server speaking the webui's txt2img API."""

from __future__ import annotations

import pytest

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.automatic1111 import Automatic1111Pictures
from vidgen_assets.backends.pictures.generation import PictureGenerationError
from vidgen_assets.backends.pictures.http_client import RetryPolicy
from vidgen_tests.helpers.picture_servers import FakeAutomatic1111, draw_png, png_pixels

TXT2IMG = "POST /sdapi/v1/txt2img"
QUICK = RetryPolicy(attempts=3, backoff=0.01, timeout=10)
LIGHTHOUSE = PictureRequest(
    prompt="a lighthouse on a cliff", style="watercolour, soft light", seed=1234, width=96, height=64
)


def backend(server, retry: RetryPolicy = QUICK) -> Automatic1111Pictures:
    return Automatic1111Pictures(server.url, steps=12, cfg_scale=6.5, sampler_name="DPM++ 2M", retry=retry)


def test_picture_is_drawn_from_the_styled_prompt_seed_and_size():
    with FakeAutomatic1111() as server:
        assert backend(server).check() is None
        [picture] = backend(server).pictures([LIGHTHOUSE])

    sent = server.bodies[0]
    assert sent["prompt"] == "a lighthouse on a cliff, watercolour, soft light"
    assert (sent["seed"], sent["width"], sent["height"]) == (1234, 96, 64)
    assert (sent["steps"], sent["cfg_scale"], sent["sampler_name"]) == (12, 6.5, "DPM++ 2M")
    assert "watermark" in sent["negative_prompt"]
    assert picture.source == "automatic1111" and picture.image.mode == "RGB"
    assert picture.image.size == (96, 64)
    assert picture.image.tobytes() == png_pixels(draw_png(sent["prompt"], 1234, 96, 64))
    assert picture.description == sent["prompt"]


# The held request never answers, so any timeout fails it; the answered one must fit in the
# timeout even on a busy machine, hence seconds rather than a fraction of one.
PATIENT = RetryPolicy(attempts=2, backoff=0.01, timeout=3)


def test_a_slow_answer_times_out_and_is_retried():
    with FakeAutomatic1111(faults=["slow"]) as server:
        [picture] = backend(server, PATIENT).pictures([LIGHTHOUSE])
    assert server.calls[TXT2IMG] == 2
    assert picture.image.size == (96, 64)


def test_a_server_that_never_answers_in_time_gives_a_clear_error():
    with FakeAutomatic1111(faults=["slow", "slow"]) as server:
        with pytest.raises(PictureGenerationError, match=r"no answer within 3 s") as failure:
            backend(server, PATIENT).pictures([LIGHTHOUSE])
    assert f"{server.url}/sdapi/v1/txt2img" in str(failure.value)


@pytest.mark.parametrize(
    "fault, problem",
    [
        ("no_images", "answered without an image"),
        ("bad_base64", "not valid base64"),
        ("not_png", "did not return a readable image"),
    ],
)
def test_a_malformed_answer_is_a_clear_error_and_not_retried(fault, problem):
    with FakeAutomatic1111(faults=[fault]) as server:
        with pytest.raises(PictureGenerationError, match=problem) as failure:
            backend(server).pictures([LIGHTHOUSE])
    assert server.calls[TXT2IMG] == 1
    assert f"{server.url}/sdapi/v1/txt2img" in str(failure.value)


def test_a_configured_checkpoint_is_requested_for_each_picture():
    with FakeAutomatic1111() as server:
        Automatic1111Pictures(server.url, checkpoint="sd_xl_base_1.0.safetensors", retry=QUICK).pictures([LIGHTHOUSE])
    assert server.bodies[0]["override_settings"] == {"sd_model_checkpoint": "sd_xl_base_1.0.safetensors"}
