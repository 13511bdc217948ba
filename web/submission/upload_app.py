"""The upload workers' application: ``GET``/``PUT /api/v1/uploads/{id}`` and nothing else.

Issue 17 item 4 (docs/performance.md, "The deadline rush"): during a rush the site's
event loop spent its iterations parsing 200 upload bodies, so a light request waited
7–14 × its idle p99. `etender serve` therefore starts upload workers
(web/cli/upload_workers.py) — separate processes, each with its own event loop and one
small database pool — on their own port; the API hands out their address as an
upload's ``upload_url`` (docs/formats/upload.md §2.2). The handlers are the site's
(web/submission/routes.py), so authentication, per-object authorisation, the writer
lease (several processes safe, tender/submission/lease.py) and every refusal are the
same bytes on both.

A browser page served by the site PUTs here cross-origin when the address differs from
the site's origin (another port): :class:`UploadCors` admits the site's origin only,
with credentials (the session cookie is host-scoped, so it reaches another port of the
same host), and lets the page read ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator

import asyncpg
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tender.blobs.pgstore import PgBlobStore
from web.error_pages import error_answer
from web.errors import MethodNotAllowed, NotFound
from web.http import RefuseNul, new_request_id, with_request_headers
from web.origin import origin_of
from web.services import build_services, services
from web.settings import Settings
from web.submission import routes

ALLOWED_METHODS = "GET, PUT"
ALLOWED_HEADERS = "accept, authorization, content-type, x-csrf-token, x-request-id"
EXPOSED_HEADERS = "retry-after, x-request-id"
PREFLIGHT_MAX_AGE = "600"
UPLOAD_PATH = "/api/v1/uploads/{upload_id}"


class UploadCors:
    """CORS for the site's own pages and nobody else (the Fetch standard's CORS protocol):
    a preflight from the site's origin is answered 204; every answer to it carries
    ``Access-Control-Allow-Origin`` with credentials allowed."""

    def __init__(self, app: ASGIApp, origin: str) -> None:
        self.app = app
        self.origin = origin.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if headers.get(b"origin") != self.origin:
            await self.app(scope, receive, send)  # same-origin or a program: no CORS
            return
        cors = [
            (b"access-control-allow-origin", self.origin),
            (b"access-control-allow-credentials", b"true"),
            (b"vary", b"Origin"),
        ]
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            preflight = [
                *cors,
                (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
                (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
                (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
            ]
            await send({"type": "http.response.start", "status": 204, "headers": preflight})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                exposed = [(b"access-control-expose-headers", EXPOSED_HEADERS.encode())]
                message = {**message, "headers": [*message.get("headers", []), *cors, *exposed]}
            await send(message)

        await self.app(scope, receive, with_cors)


class ErrorBodies:
    """The one error body for anything a handler raises, and a request id on every answer
    (as the site's request context does, web/app.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["request_id"] = secrets.token_hex(8)
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if started:
                raise
            await error_answer(Request(scope), exc)(scope, receive, tracking)


class RequestIds:
    """The site's request id and ``nosniff`` on every answer (docs/api-auth.md, "Errors"),
    the id also where the error body reads it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = new_request_id(incoming)
        scope.setdefault("state", {})["request_id"] = request_id

        async def with_ids(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_request_headers(message, request_id)}
            await send(message)

        await self.app(scope, receive, with_ids)


async def _not_here(request: Request, exc: Exception) -> Response:
    """Anything but an upload is the site's: 404 (405 for another method on an upload)."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        refused = MethodNotAllowed(
            f"{request.method} is not allowed here", details={"allowed": ["GET", "PUT"]}
        )
        answer = error_answer(request, refused)
        answer.headers["Allow"] = ALLOWED_METHODS
        return answer
    return error_answer(
        request, NotFound(f"the upload address serves uploads only: {request.url.path}")
    )


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "role": "upload"})


def create_upload_app(settings: Settings, pool: asyncpg.Pool | None = None) -> Starlette:
    """An upload worker's application: one pool of ``db_upload_pool_size`` connections
    (or the given one: a test's)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        built = services(app)
        await built.pools.open(settings, upload_only=True)
        try:
            yield
        finally:
            await built.pools.close()
            if isinstance(built.blobs, PgBlobStore):  # its own connections (issue 17 item 7)
                await built.blobs.close()

    served = [r.to_starlette() for r in routes.ROUTES if r.path == UPLOAD_PATH]
    app = Starlette(
        routes=[*served, Route("/healthz", healthz, methods=["GET"])],
        lifespan=lifespan,
        exception_handlers={HTTPException: _not_here},
    )
    app.state.services = build_services(settings, kinds={}, pool=pool)
    # A path with a trailing slash is no upload: 404, never a redirect built from the
    # request's Host header (an outside tester's finding, session 13).
    app.router.redirect_slashes = False
    app.add_middleware(RefuseNul)
    app.add_middleware(ErrorBodies)
    app.add_middleware(UploadCors, origin=origin_of(settings.public_url))
    app.add_middleware(RequestIds)
    return app
