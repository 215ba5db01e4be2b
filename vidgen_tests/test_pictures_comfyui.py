"""The comfyui backend against a loopback server speaking ComfyUI's /prompt, /history and /view."""

from __future__ import annotations

import json

import pytest

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.comfyui import DEFAULT_WORKFLOW, ComfyUIPictures
from vidgen_assets.backends.pictures.generation import PictureGenerationError
from vidgen_assets.backends.pictures.http_client import RetryPolicy
from vidgen_assets.errors import InputError
from vidgen_tests.helpers.picture_servers import FakeComfyUI, draw_png, png_pixels, unused_url

QUEUE = "POST /prompt"
QUICK = RetryPolicy(attempts=3, backoff=0.01, timeout=10)
ORCHARD = PictureRequest(prompt="an orchard in bloom", style="woodcut print", seed=77, width=64, height=48)


def backend(server, **settings) -> ComfyUIPictures:
    return ComfyUIPictures(server.url, retry=QUICK, poll_interval=0.01, **settings)


def test_the_basic_workflow_is_queued_polled_and_its_image_fetched():
    with FakeComfyUI() as server:
        assert backend(server).check() is None
        [picture] = backend(server, steps=9, cfg=5.5).pictures([ORCHARD])

    workflow = server.bodies[0]
    sampler = next(node["inputs"] for node in workflow.values() if node["class_type"] == "KSampler")
    positive = workflow[sampler["positive"][0]]["inputs"]["text"]
    assert positive == "an orchard in bloom, woodcut print"
    assert (sampler["seed"], sampler["steps"], sampler["cfg"]) == (77, 9, 5.5)
    assert [node["class_type"] for node in workflow.values()] == [
        node["class_type"] for node in DEFAULT_WORKFLOW.values()
    ]
    history_polls = sum(n for call, n in server.calls.items() if call.startswith("GET /history/"))
    assert history_polls == 2  # the run was not finished at the first look
    assert server.calls["GET /view"] == 1
    assert picture.source == "comfyui" and picture.image.size == (64, 48)
    assert picture.image.tobytes() == png_pixels(draw_png(positive, 77, 64, 48))


def test_a_users_workflow_gets_its_placeholders_filled(tmp_path):
    workflow = {
        "10": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
        "11": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}, highly detailed", "clip": ["10", 1]}},
        "12": {"class_type": "CLIPTextEncode", "inputs": {"text": "photo", "clip": ["10", 1]}},
        "13": {
            "class_type": "EmptyLatentImage",
            "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1},
        },
        "14": {
            "class_type": "KSampler",
            "inputs": {
                "seed": "{{seed}}",
                "steps": 30,
                "cfg": 4,
                "sampler_name": "dpmpp_2m",
                "scheduler": "karras",
                "denoise": 1,
                "model": ["10", 0],
                "positive": ["11", 0],
                "negative": ["12", 0],
                "latent_image": ["13", 0],
            },
        },
        "15": {"class_type": "VAEDecode", "inputs": {"samples": ["14", 0], "vae": ["10", 2]}},
        "16": {"class_type": "SaveImage", "inputs": {"filename_prefix": "mine", "images": ["15", 0]}},
    }
    path = tmp_path / "workflow_api.json"
    path.write_text(json.dumps(workflow))
    with FakeComfyUI() as server:
        [picture] = backend(server, workflow=path).pictures([ORCHARD])

    sent = server.bodies[0]
    assert sent["11"]["inputs"]["text"] == "an orchard in bloom, woodcut print, highly detailed"
    assert sent["14"]["inputs"]["seed"] == 77 and sent["14"]["inputs"]["sampler_name"] == "dpmpp_2m"
    assert (sent["13"]["inputs"]["width"], sent["13"]["inputs"]["height"]) == (64, 48)
    assert sent["10"]["inputs"]["ckpt_name"] == "v1-5-pruned-emaonly.safetensors"
    assert picture.image.size == (64, 48)


@pytest.mark.parametrize(
    "content, problem",
    [
        (
            {"1": {"class_type": "KSampler", "inputs": {"seed": 1, "text": "{{prompt}}"}}},
            r"lacks the placeholders \['\{\{seed\}\}'\]",
        ),
        (
            {"1": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "text": "{{prompt}} {{mood}}"}}},
            "unknown placeholders",
        ),
        ({"nodes": [], "links": []}, "API format"),
        ("{not json", "not JSON"),
    ],
)
def test_a_bad_workflow_file_is_refused_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "workflow.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(InputError, match=problem) as failure:
        ComfyUIPictures(unused_url(), workflow=path)
    assert failure.value.path == path


def test_an_unknown_checkpoint_is_refused_at_once_with_the_servers_reason():
    with FakeComfyUI() as server:
        with pytest.raises(PictureGenerationError, match="HTTP 400") as failure:
            backend(server, checkpoint="missing.safetensors").pictures([ORCHARD])
    assert server.calls[QUEUE] == 1
    assert "missing.safetensors" in str(failure.value) and "checkpoint name" in str(failure.value)


@pytest.mark.parametrize(
    "fault, problem",
    [
        ("execution_error", "workflow failed on the server.*KSampler: CUDA out of memory"),
        ("no_outputs", "finished without an image"),
        ("not_png", "did not return a readable image"),
    ],
)
def test_a_run_without_a_usable_image_is_a_clear_error(fault, problem):
    with FakeComfyUI(faults=[fault]) as server:
        with pytest.raises(PictureGenerationError, match=problem) as failure:
            backend(server).pictures([ORCHARD])
    assert server.url in str(failure.value)


def test_a_run_that_does_not_finish_in_time_is_a_clear_error():
    with FakeComfyUI() as server:
        with pytest.raises(PictureGenerationError, match="no picture after 0 s") as failure:
            backend(server, max_wait=0).pictures([ORCHARD])
    assert f"{server.url}/history/" in str(failure.value)
