"""The ASGI application: factory, lifespan, middleware and the one route list."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import msgspec
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evaluation.room.session import EvaluationRoom
from listing.auction.room import AuctionRoom
from live.kinds import registry
from tender.blobs.pgstore import PgBlobStore
from tender.opening.session import OpeningHall
from web import background, features, jsbundle
from web.error_pages import error_answer
from web.errors import MethodNotAllowed, NotFound, WebSocketRefused
from web.form_body import FormBodyMiddleware
from web.http import (
    JSON_TYPE,
    ErrorBody,
    ErrorDetail,
    RefuseNul,
    new_request_id,
    with_request_headers,
)
from web.metrics import Metrics
from web.notifications import setup as notifications_setup
from web.services import build_services, check_platform_keys, services
from web.settings import Settings

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"


class RequestContextMiddleware:
    """Request id, timing, metrics, and the one error body for anything unhandled."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = new_request_id(incoming)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "websocket.accept":
                response_started = True
            elif message["type"] == "websocket.close" and not response_started:
                await _deny_websocket(scope, send, request_id, message)
                return
            if message["type"] in RESPONSE_STARTS:
                response_started = True
                status = message["status"]
                message = {**message, "headers": with_request_headers(message, request_id)}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if scope["type"] != "http" or response_started:
                raise
            response = error_answer(Request(scope), exc)
            await response(scope, receive, send_wrapper)
        finally:
            if scope["type"] == "http":
                self._observe(scope, status, time.perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        name = metric_route(getattr(route, "path", None) or "unmatched")
        if name == BIDDER_ACTIVITY:
            if status >= 500:  # a failure is no bid; operators still see it
                self.metrics.requests.labels(scope["method"], name, "5xx").inc()
            return
        self.metrics.requests.labels(scope["method"], name, str(status)).inc()
        self.metrics.latency.labels(scope["method"], name).observe(seconds)


# Routes whose request count tells who takes part in a tender: uploads, bids, receipts
# and the freeze entry (their number before the deadline is the bid count, DESIGN.md
# "Trust model" 1), bonds, objections and tender-document downloads (the number of
# potential bidders is secret, Tendering Law art. 22), bid files. Any counter moving
# once per such request would publish it (issue 9, item 11), so they get one label,
# and only their server errors are counted; no latency.
BIDDER_ACTIVITY = "bidder-activity"
BIDDER_SEGMENTS = frozenset(
    {"uploads", "bid", "bids", "bid-files", "bonds", "download", "downloads", "objections",
     "freeze-entry", "receipts"}
)  # fmt: skip


def metric_route(template: str) -> str:
    """The route label of a path template: the template, or :data:`BIDDER_ACTIVITY`."""
    return BIDDER_ACTIVITY if BIDDER_SEGMENTS.intersection(template.split("/")) else template


RESPONSE_STARTS = ("http.response.start", "websocket.http.response.start")


async def _deny_websocket(scope: Scope, send: Send, request_id: str, close: Message) -> None:
    """A WebSocket refused before its handshake: an HTTP 403 with our headers and the
    one error body where the server can send one (ASGI "websocket.http.response"),
    else the server's own bare 403 (the ``close`` as sent)."""
    if "websocket.http.response" not in (scope.get("extensions") or {}):
        await send(close)
        return
    refused = WebSocketRefused("no WebSocket is served at this path")
    detail = ErrorDetail(code=refused.code, message=refused.message, request_id=request_id)
    body = msgspec.json.encode(ErrorBody(error=detail))
    start: Message = {
        "type": "websocket.http.response.start",
        "status": refused.status,
        "headers": [(b"content-type", JSON_TYPE.encode()), (b"content-length", b"%d" % len(body))],
    }
    await send({**start, "headers": with_request_headers(start, request_id)})
    await send({"type": "websocket.http.response.body", "body": body, "more_body": False})


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path (RFC 9110 §15.5.6: a 405
    lists them in ``Allow``). One path may have several routes, one per method."""
    probe: Scope = {"type": "http", "path": request.url.path, "root_path": "", "method": "GET"}
    methods: set[str] = set()
    for route in request.app.router.routes:
        if route.matches(probe)[0] is Match.NONE:
            continue
        if isinstance(route, Route):
            methods |= route.methods or set()
        elif isinstance(route, Mount) and isinstance(route.app, StaticFiles):
            methods |= {"GET", "HEAD"}
    return sorted(methods)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 in the one error body (a page for a browser,
    web/error_pages.py); a 405 says what is allowed."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        allowed = allowed_methods(request)
        refused = MethodNotAllowed(
            f"{request.method} is not allowed here", details={"allowed": allowed}
        )
        response = error_answer(request, refused)
        response.headers["Allow"] = ", ".join(allowed)
        return response
    return error_answer(request, NotFound(f"no such resource: {request.url.path}"))


def create_app(settings: Settings, pool: asyncpg.Pool | None = None) -> Starlette:
    """Build the application and its services; the lifespan opens (and closes) the
    pools and the live hub, unless a pool is given."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        built = services(app)
        await built.pools.open(settings)
        try:
            if pool is None:
                # Issue 17 item 7: a node whose keys are not the platform's stops here
                # (an app handed a pool is a test's, on keys of its own making).
                await check_platform_keys(built)
                # Issue 12 item 3: a started platform logs the signing bundle it serves
                # and publishes its SHA-256. An app handed a pool (the tests' own,
                # on a log they inspect) does not; tests call publish themselves.
                await jsbundle.publish(built.pools.main)
                # The opening's workers start now, off the event loop, so the first
                # opening pays no process start (tender/opening/workers.py). Tests' apps
                # (handed a pool) start them at their first part instead.
                warming = asyncio.get_running_loop().run_in_executor(
                    None, built.opening_workers.warm
                )
                warming.add_done_callback(lambda done: done.exception())
            await built.live.start(built.pools.main)
            try:
                tasks = background.start(app, features.JOBS)
                try:
                    yield
                finally:
                    await background.stop(tasks)
            finally:
                await built.live.stop()
        finally:
            await asyncio.to_thread(built.opening_workers.close)
            await built.pools.close()
            if isinstance(built.blobs, PgBlobStore):
                await built.blobs.close()

    app_routes: list[BaseRoute] = [
        *features.all_routes(),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=app_routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception},
    )
    # Every service is built here, before the first request (web/services.py). Kinds of
    # live session (the opening hall, the evaluation room) are listed with them; each
    # takes what it needs of the services as of each use (the trust store's refresh).
    kinds = registry(
        [
            OpeningHall(opening=lambda: services(app).opening()),
            EvaluationRoom(trust=lambda: services(app).trust_required()),
            AuctionRoom(trust=lambda: services(app).trust_required()),
        ]
    )
    built = build_services(settings, kinds=kinds, pool=pool)
    app.state.services = built
    notifications_setup.plug_in(settings)  # the SMS and WeChat channels (issue 15)
    # Inner to outer: NUL refused in any text (it reads the body as replayed by the
    # next); a form body arrives in full before any handler takes a pooled connection
    # (web/form_body.py); the request context wraps everything and gives refusals the
    # one error body.
    app.add_middleware(RefuseNul)
    app.add_middleware(FormBodyMiddleware, settings=settings)
    app.add_middleware(RequestContextMiddleware, metrics=built.metrics)
    return app
