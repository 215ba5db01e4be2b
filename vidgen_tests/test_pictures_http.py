"""What both HTTP picture backends promise: bounded retries, then one clear error naming the URL."""

from __future__ import annotations

import pytest

from vidgen_assets.backends.pictures import PictureRequest
from vidgen_assets.backends.pictures.automatic1111 import Automatic1111Pictures
from vidgen_assets.backends.pictures.comfyui import ComfyUIPictures
from vidgen_assets.backends.pictures.generation import PictureGenerationError
from vidgen_assets.backends.pictures.http_client import RetryPolicy
from vidgen_assets.errors import BackendUnavailable
from vidgen_tests.helpers.picture_servers import FakeAutomatic1111, FakeComfyUI, unused_url

QUICK = RetryPolicy(attempts=3, backoff=0.01, timeout=10)
REQUEST = PictureRequest(prompt="a windmill", style="pencil sketch", seed=5, width=64, height=40)

# (server, backend class, the request that draws, what the backend says to fix when nothing answers)
BACKENDS = {
    "automatic1111": (FakeAutomatic1111, Automatic1111Pictures, "POST /sdapi/v1/txt2img", "--api"),
    "comfyui": (
        FakeComfyUI,
        lambda url, **kw: ComfyUIPictures(url, poll_interval=0.01, **kw),
        "POST /prompt",
        "start ComfyUI",
    ),
}


@pytest.fixture(params=sorted(BACKENDS))
def kind(request):
    return BACKENDS[request.param]


def test_a_server_error_is_retried_and_then_succeeds(kind):
    server_class, backend, drawing, _ = kind
    with server_class(faults=["500"]) as server:
        [picture] = backend(server.url, retry=QUICK).pictures([REQUEST])
    assert server.calls[drawing] == 2
    assert picture.image.size == (64, 40)


def test_a_server_that_keeps_failing_gives_a_clear_error_naming_the_url(kind):
    server_class, backend, drawing, _ = kind
    with server_class(faults=["500"] * 3) as server:
        with pytest.raises(PictureGenerationError, match="HTTP 500") as failure:
            backend(server.url, retry=QUICK).pictures([REQUEST])
    assert server.calls[drawing] == 3
    assert f"{server.url}{drawing.split()[1]}" in str(failure.value) and "3 attempts" in str(failure.value)


def test_an_unreachable_server_is_reported_with_its_url_and_the_fix(kind):
    _, backend, drawing, fix = kind
    url = unused_url()
    missing = backend(url, retry=RetryPolicy(attempts=2, backoff=0.01, timeout=2))
    with pytest.raises(BackendUnavailable) as unavailable:
        missing.check()
    assert url in str(unavailable.value) and fix in str(unavailable.value)
    with pytest.raises(BackendUnavailable, match="nothing answers at") as failure:
        missing.pictures([REQUEST])
    assert f"{url}{drawing.split()[1]}" in str(failure.value) and fix in str(failure.value)
