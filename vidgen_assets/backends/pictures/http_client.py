"""HTTP calls to image servers (AUTOMATIC1111, ComfyUI): bounded retries with backoff, and one
clear error naming the URL when the server cannot be reached or keeps failing.

Connection failures, timeouts, HTTP 429 and 5xx are retried (a server busy loading a model
answers like that for a while); any other 4xx is the request's fault and is reported at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

from vidgen_assets.backends.pictures.generation import PictureGenerationError
from vidgen_assets.errors import BackendUnavailable


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # tries in all, the first one included
    backoff: float = 1.0  # seconds before the second try, doubled before each further one
    timeout: float = 300.0  # seconds to wait for one answer (generating on a CPU is slow)

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.backoff < 0 or self.timeout <= 0:
            raise ValueError(f"invalid retry policy {self}")


def _worth_retrying(status: int) -> bool:
    return status == 429 or status >= 500


def call(
    session: requests.Session, method: str, url: str, *, backend: str, policy: RetryPolicy, fix: str, **kwargs: Any
) -> requests.Response:
    """Send one request, retrying as the policy allows; return a 2xx response or raise.

    Raises BackendUnavailable when nothing answers at `url` (with `fix` telling the user what to
    do), PictureGenerationError when the server answers with an error or too slowly.
    """
    failure = ""
    for attempt in range(policy.attempts):
        if attempt:
            time.sleep(policy.backoff * 2 ** (attempt - 1))
        try:
            response = session.request(method, url, timeout=policy.timeout, **kwargs)
        except requests.ConnectionError as error:
            failure = f"connection failed ({type(error).__name__})"
            continue
        except requests.Timeout:
            failure = f"no answer within {policy.timeout:g} s"
            continue
        if response.ok:
            return response
        failure = f"HTTP {response.status_code}: {_body_excerpt(response)}"
        if not _worth_retrying(response.status_code):
            raise PictureGenerationError(f"{backend}: {method} {url} was refused with {failure}")
    tries = f"after {policy.attempts} attempt{'s' if policy.attempts > 1 else ''}"
    if failure.startswith("connection failed"):
        raise BackendUnavailable(backend, f"nothing answers at {url} {tries}: {failure}", fix)
    raise PictureGenerationError(f"{backend}: {method} {url} failed {tries}: {failure}")


def probe(session: requests.Session, url: str, backend: str, server: str, fix: str) -> None:
    """For a backend's check(): BackendUnavailable, saying what is wrong and how to fix it,
    unless `url` answers."""
    try:
        session.get(url, timeout=10).raise_for_status()
    except requests.RequestException as error:
        raise BackendUnavailable(backend, f"{server} does not answer at {url} ({type(error).__name__})", fix) from None


def json_answer(response: requests.Response, backend: str) -> Any:
    """The JSON body of a response, or an error naming the URL that sent something else."""
    try:
        return response.json()
    except ValueError:
        raise PictureGenerationError(
            f"{backend}: {response.request.method} {response.url} answered with something that is not JSON: "
            f"{_body_excerpt(response)}"
        ) from None


def _body_excerpt(response: requests.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return (text[:200] + "...") if len(text) > 200 else (text or "(empty body)")
