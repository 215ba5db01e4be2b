"""`vidgen serve`: the gallery, the player with its storyboard, uploads and health, as pages.

The pages only read: DuckDB read-only and briefly (queries.py), the Dagster instance's run
records (runs.py), and the files under the data directory's videos/ and artifacts/. The one
thing they write is an upload into the inbox (uploads.py), and only when this site's own page
sent it (cross_site.py); the inbox sensor does the rest.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from vidgen_assets.doctor import report
from vidgen_assets.storage.duckdb import Database
from vidgen_assets.storage.paths import Paths
from vidgen_assets.web import queries
from vidgen_assets.web.cross_site import cross_site_refusal
from vidgen_assets.web.runs import inbox_progress
from vidgen_assets.web.uploads import ACCEPTED, UploadRejected, save_upload

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.filters["clock"] = lambda s: f"{int(s or 0) // 60}:{int(s or 0) % 60:02d}"
_KIND_LABELS = {
    "pdf": "paper (PDF)",
    "md": "Markdown",
    "txt": "text",
    "audio": "recording",
    "video": "recording (video)",
}
TEMPLATES.env.filters["kind_label"] = lambda kind: _KIND_LABELS.get(kind, kind or "document")
_MEDIA_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".mp4": "video/mp4"}
# Multipart headers and boundaries around the file: a body this much over the limit is still fine.
_FORM_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class Site:
    """What one running site serves: its data directory, Dagster instance and limits."""

    paths: Paths
    dagster_home: Path
    dagster_url: str = "http://127.0.0.1:3000"
    max_upload_bytes: int = 500_000_000

    def database(self) -> Database:
        # A page waits a little for a writer's short transaction, not the pipeline's two minutes.
        return Database(self.paths.database, busy_timeout_s=10.0)

    def url_of(self, path: Path | None) -> str:
        """The /files/ URL of a file under the data directory ('' when there is none)."""
        if path is None:
            return ""
        try:
            return "/files/" + quote(str(Path(path).resolve().relative_to(self.paths.root)))
        except ValueError:
            return ""

    def servable(self, relative: str) -> Path | None:
        """The file a /files/ URL names, if it may be served: a visible regular file under
        videos/ or artifacts/ (after following links), never a directory or anything else."""
        try:
            target = (self.paths.root / relative).resolve()
        except (OSError, ValueError):  # a NUL byte, a link loop
            return None
        for allowed in (self.paths.videos, self.paths.root / "artifacts"):
            allowed = allowed.resolve()
            if target.is_relative_to(allowed) and target.is_file():
                hidden = any(part.startswith(".") for part in target.relative_to(allowed).parts)
                return None if hidden else target
        return None


def _render(request: Request, template: str, status_code: int = 200, **context):
    site: Site = request.app.state.site
    return TEMPLATES.TemplateResponse(request, template, {"site": site, **context}, status_code=status_code)


def gallery(request: Request):
    return _render(request, "gallery.html", videos=queries.finished_videos(request.app.state.site.database()))


def player(request: Request):
    page = queries.video_page(request.app.state.site.database(), request.path_params["doc_id"])
    if page is None:
        raise HTTPException(404, "no finished video with this id")
    return _render(request, "player.html", page=page)


def files(request: Request):
    path = request.app.state.site.servable(request.path_params["path"])
    if path is None:
        raise HTTPException(404, "not found")
    media_type = _MEDIA_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    download = request.query_params.get("download") == "1"
    # FileResponse answers Range requests with 206 and advertises Accept-Ranges: bytes.
    return FileResponse(
        path,
        media_type=media_type,
        filename=path.name if download else None,
        content_disposition_type="attachment" if download else "inline",
    )


def _uploads_page(request: Request, status_code: int = 200, error: str = "", added: str = ""):
    site: Site = request.app.state.site
    uploads = inbox_progress(site.paths.inbox, site.database(), site.dagster_home)
    return _render(
        request,
        "upload.html",
        status_code,
        error=error,
        added=added,
        uploads=uploads,
        accepted=" ".join(sorted(ACCEPTED)),
        limit_mb=site.max_upload_bytes / 1e6,
    )


def upload_form(request: Request):
    return _uploads_page(request, added=request.query_params.get("added", ""))


def _limited(receive, limit: int, message: str):
    """`receive` that stops a body longer than `limit` before it is all read or spooled
    (a client may send no Content-Length, or a false one)."""
    seen = 0

    async def wrapped():
        nonlocal seen
        chunk = await receive()
        seen += len(chunk.get("body", b""))
        if seen > limit:
            raise UploadRejected(message, status=413)
        return chunk

    return wrapped


async def upload(request: Request):
    site: Site = request.app.state.site
    if refusal := cross_site_refusal(request.headers):  # before a byte of the body is read
        return await run_in_threadpool(_uploads_page, request, 403, refusal)
    limit = site.max_upload_bytes + _FORM_OVERHEAD
    too_large = f"the file is larger than the limit of {site.max_upload_bytes / 1e6:g} MB"
    try:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise UploadRejected(too_large, status=413)
        limited = Request(request.scope, _limited(request.receive, limit, too_large))
        async with limited.form(max_files=1, max_fields=4) as form:
            sent = form.get("file")
            if not isinstance(sent, UploadFile) or not sent.filename:
                raise UploadRejected("no file was chosen")
            saved = await run_in_threadpool(
                save_upload, sent.file, sent.filename, site.paths.inbox, site.max_upload_bytes
            )
    except UploadRejected as exc:
        return await run_in_threadpool(_uploads_page, request, exc.status, str(exc))
    except HTTPException as exc:  # a malformed multipart body
        return await run_in_threadpool(_uploads_page, request, 400, f"the upload could not be read: {exc.detail}")
    return RedirectResponse(f"/upload?added={quote(saved.name)}", status_code=303)


def health(request: Request):
    found = report()
    return _render(request, "health.html", settings=found.settings, rows=found.backends, ok=found.ok)


def create_app(site: Site) -> Starlette:
    app = Starlette(
        routes=[
            Route("/", gallery),
            Route("/videos/{doc_id}", player),
            Route("/files/{path:path}", files),
            Route("/upload", upload_form, methods=["GET"]),
            Route("/upload", upload, methods=["POST"]),
            Route("/health", health),
        ]
    )
    app.state.site = site
    return app


def serve(host: str, port: int, dagster_url: str, max_upload_bytes: int) -> None:
    """Run the site over the configured data directory until interrupted (uvicorn)."""
    import uvicorn

    from vidgen_assets.resources import build_resources, ensure_dagster_home, resolved

    paths = resolved(build_resources()["storage"]).paths()
    # The same instance `vidgen make` and `make ui` record runs in.
    site = Site(paths, ensure_dagster_home(paths), dagster_url.rstrip("/"), max_upload_bytes)
    uvicorn.run(create_app(site), host=host, port=port, log_level="info")
