"""Refusing posts that another site's page makes the visitor's browser send (CSRF).

Without this, any page the local user visits could post a file into the inbox and start a run.
The rule is the one Go's net/http CrossOriginProtection follows, from the headers browsers add
and a page cannot forge:

- `Sec-Fetch-Site` (every current browser): only `same-origin` and `none` (the user's own
  action, such as a bookmark) pass; `same-site` is refused too, since another port on this
  machine is another program's page.
- No `Sec-Fetch-Site` but an `Origin` (older browsers): it must name this server, host and
  port as the request's Host says. `Origin: null` (a sandboxed or privacy-stripped page) fails.
- Neither header: not a browser (curl, a script, the tests), which no web page can steer,
  so it passes: vidgen serve has no log-in, and whoever can run curl here can write the inbox.

A reverse proxy in front of vidgen serve must pass the Host header through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

_TRUSTED_FETCH_SITES = {"same-origin", "none"}


def cross_site_refusal(headers: Mapping[str, str]) -> str | None:
    """Why a state-changing request with these headers is refused, or None if it may proceed.

    `headers` is case-insensitive, like Starlette's (`Headers`)."""
    fetch_site = headers.get("sec-fetch-site")
    origin = headers.get("origin")
    if fetch_site is not None:
        trusted = fetch_site.lower() in _TRUSTED_FETCH_SITES
    else:
        trusted = origin is None or _host_of(origin) == headers.get("host", "").lower()
    if trusted:
        return None
    sender = origin or f"Sec-Fetch-Site: {fetch_site}"
    return (
        f"it was sent by a page of another site ({sender}), not by this server's own Upload page; "
        "open the Upload page here and choose the file there"
    )


def _host_of(origin: str) -> str | None:
    """The host[:port] an Origin header names, as a Host header would spell it."""
    if origin == "null":
        return None
    try:
        parts = urlsplit(origin)
        port = parts.port  # ValueError for a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    hostname = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return hostname if port in (None, default) else f"{hostname}:{port}"
