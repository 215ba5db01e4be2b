"""Uploads come only from vidgen's own pages: a page of another site that makes the visitor's
browser post a file (a form it submits itself, or a fetch) is refused with 403 and nothing is
written, over real HTTP and in real headless Chromium; the app's own Upload page and a
non-browser client still upload."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import uvicorn
from playwright.sync_api import sync_playwright

from vidgen_assets.storage.paths import Paths
from vidgen_assets.web.app import Site, create_app
from vidgen_assets.web.cross_site import cross_site_refusal
from vidgen_tests.helpers.cli import snapshot
from vidgen_tests.helpers.processes import free_port

CHROMIUM = Path("/usr/bin/chromium")
NOTE = b"# A note\n\nThis note has a sentence to narrate.\n"


@pytest.mark.parametrize(
    "headers, refused",
    [
        ({}, False),  # curl, a script: no page steers it
        ({"origin": "http://127.0.0.1:8000"}, False),  # an older browser on our page
        ({"sec-fetch-site": "same-origin"}, False),  # our page, Origin left out
        ({"sec-fetch-site": "same-origin", "origin": "http://127.0.0.1:8000"}, False),
        ({"sec-fetch-site": "none"}, False),  # the user's own action
        ({"sec-fetch-site": "same-site", "origin": "http://127.0.0.1:9999"}, True),  # another port here
        ({"sec-fetch-site": "cross-site", "origin": "https://evil.example"}, True),
        ({"sec-fetch-site": "cross-site"}, True),
        ({"origin": "http://127.0.0.1:9999"}, True),  # older browser, another port
        ({"origin": "http://localhost:8000"}, True),  # same port, another host
        ({"origin": "https://evil.example"}, True),
        ({"origin": "null"}, True),  # sandboxed or no-referrer page
        ({"origin": "http://127.0.0.1:8000.evil.example"}, True),  # not a port
        ({"origin": "file://"}, True),
    ],
)
def test_a_post_is_refused_exactly_when_a_page_of_another_origin_sent_it(headers, refused):
    problem = cross_site_refusal({"host": "127.0.0.1:8000", **headers})
    assert (problem is not None) == refused, problem
    if refused:
        assert "another site" in problem and "Upload page" in problem


def test_origins_on_default_ports_match_a_host_without_a_port():
    assert cross_site_refusal({"host": "vidgen.lan", "origin": "http://vidgen.lan"}) is None
    assert cross_site_refusal({"host": "vidgen.lan", "origin": "https://vidgen.lan"}) is None
    assert cross_site_refusal({"host": "vidgen.lan", "origin": "http://vidgen.lan:8000"}) is not None
    assert cross_site_refusal({"host": "[::1]:8000", "origin": "http://[::1]:8000"}) is None


class _Recorder:
    """The real app, with the status of every answered POST noted, so a test knows a request
    the browser sent without showing it (a no-cors fetch) did reach the server."""

    def __init__(self, app):
        self.app, self.answered = app, []

    async def __call__(self, scope, receive, send):
        async def noting(message):
            if message["type"] == "http.response.start" and scope["method"] == "POST":
                self.answered.append((scope["path"], message["status"]))
            await send(message)

        await self.app(scope, receive, noting)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The upload site over an empty data directory, on a free loopback port."""
    data = tmp_path_factory.mktemp("cross-site") / "data"
    data.mkdir()
    app = _Recorder(create_app(Site(Paths(data), data / "dagster_home", max_upload_bytes=1_000_000)))
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the upload site did not come up"
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "port": port, "data": data, "inbox": data / "inbox", "app": app}
    uv.should_exit = True
    thread.join(timeout=10)


def _post(server, headers: dict[str, str]) -> requests.Response:
    return requests.post(
        f"{server['url']}/upload",
        files={"file": ("note.md", NOTE, "text/markdown")},
        headers=headers,
        timeout=30,
        allow_redirects=False,
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://127.0.0.1:1"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:1"},
    ],
)
def test_a_cross_site_post_is_answered_403_with_the_reason_and_writes_nothing(server, headers):
    before = snapshot(server["data"])
    response = _post(server, headers)
    assert response.status_code == 403
    assert "Not uploaded" in response.text and "another site" in response.text
    assert headers["Origin"] in response.text
    assert snapshot(server["data"]) == before


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, a script
        {"Sec-Fetch-Site": "same-origin"},
    ],
)
def test_a_same_origin_or_non_browser_post_is_taken(server, headers):
    own = {"Origin": server["url"]} if headers else {}
    response = _post(server, {**headers, **own})
    assert response.status_code == 303, response.text
    added = response.headers["location"].split("added=", 1)[1]
    assert (server["inbox"] / added).read_bytes() == NOTE


# --- in Chromium, from a page served on another origin --------------------------------------

ATTACK = """<!doctype html><title>a page elsewhere</title>
<form id="f" method="post" action="{upload}" enctype="multipart/form-data"><input type="file" name="file"></form>
<script>
  const file = new File([{note}], "planted.md", {{type: "text/markdown"}});
  if (location.hash === "#fetch") {{
    const body = new FormData(); body.append("file", file);
    fetch("{upload}", {{method: "POST", mode: "no-cors", body}}).finally(() => document.title = "sent");
  }} else {{
    const chosen = new DataTransfer(); chosen.items.add(file);
    document.querySelector("input").files = chosen.files;
    document.getElementById("f").submit();
  }}
</script>"""


@pytest.fixture(scope="module")
def attacker(server):
    """A second web server on another port, serving a page that posts a file to the upload URL
    as soon as it loads: as a form it submits itself, or (#fetch) as a no-cors fetch."""
    page = ATTACK.format(upload=f"{server['url']}/upload", note=json.dumps(NOTE.decode())).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is installed by `make install`")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.mark.slow  # a browser
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])  # same site, another port; another site
def test_a_form_another_origin_submits_in_chromium_is_refused_and_the_inbox_is_unchanged(
    server, attacker, browser, host
):
    before = snapshot(server["data"])
    page = browser.new_page()
    upload = f"{server['url']}/upload"
    with page.expect_response(lambda r: r.url == upload and r.request.method == "POST") as answer:
        page.goto(f"http://{host}:{attacker}/", wait_until="commit")
    assert answer.value.status == 403
    page.wait_for_url(upload)
    assert "another site" in page.locator("[role=alert]").inner_text()
    assert snapshot(server["data"]) == before
    page.close()


@pytest.mark.slow  # a browser
def test_a_no_cors_fetch_from_another_origin_in_chromium_is_refused_and_the_inbox_is_unchanged(
    server, attacker, browser
):
    before = snapshot(server["data"])
    answered = len(server["app"].answered)
    page = browser.new_page()
    page.goto(f"http://localhost:{attacker}/#fetch")
    page.wait_for_function("document.title === 'sent'", timeout=30_000)
    assert server["app"].answered[answered:] == [("/upload", 403)], "the fetch reached the server and was refused"
    assert snapshot(server["data"]) == before
    page.close()


@pytest.mark.slow  # a browser
def test_the_apps_own_upload_page_still_uploads_in_chromium(server, browser, tmp_path):
    doc = tmp_path / "own page.md"
    doc.write_bytes(NOTE)
    page = browser.new_page()
    page.goto(f"{server['url']}/upload")
    page.set_input_files("input[type=file]", str(doc))
    with page.expect_navigation(url="**/upload?added=*"):
        page.click("button[type=submit]")
    assert page.locator("tr[data-name='own page.md']").count() == 1
    assert (server["inbox"] / "own page.md").read_bytes() == NOTE
    page.close()
