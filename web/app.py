"""The ASGI application: factory, lifespan, middleware and the one route list."""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import background, jobs, logkey, routes
from web.db.database import open_pool, target_for
from web.errors import MethodNotAllowed, NotFound
from web.http import RefuseNul, error_response
from web.live.hub import Hub
from web.live_opening import OpeningHall
from web.settings import Settings

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class Metrics:
    """Prometheus collectors of one application instance."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "etender_http_requests",
            "HTTP requests served",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "etender_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
        )


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
        request_id = incoming if REQUEST_ID.match(incoming) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if scope["type"] != "http" or response_started:
                raise
            response = error_response(Request(scope), exc)
            status = response.status_code
            await response(scope, receive, send)
        finally:
            if scope["type"] == "http":
                self._observe(scope, status, time.perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        name = getattr(route, "path", None) or "unmatched"
        self.metrics.requests.labels(scope["method"], name, str(status)).inc()
        self.metrics.latency.labels(scope["method"], name).observe(seconds)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 in the one error body."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(request, MethodNotAllowed("this method is not allowed here"))
    return error_response(request, NotFound(f"no such resource: {request.url.path}"))


def create_app(settings: Settings, pool: asyncpg.Pool | None = None) -> Starlette:
    """Build the application; the lifespan opens (and closes) the pools unless given one."""
    assert jobs.JOB_NAMES  # the jobs register themselves on import

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = pool is None
        if pool is None:
            dsn = target_for(settings).app_dsn
            app.state.pool = await open_pool(dsn, max_size=settings.db_pool_size)
            try:  # the bulkhead of the bid-submission routes (settings.db_upload_pool_size)
                app.state.upload_pool = await open_pool(
                    dsn, min_size=1, max_size=settings.db_upload_pool_size
                )
            except BaseException:
                await app.state.pool.close()
                raise
        else:
            app.state.pool = app.state.upload_pool = pool
        app.state.live_hub = Hub(app.state.pool)
        await app.state.live_hub.start()
        tasks = background.start(app)
        try:
            yield
        finally:
            await background.stop(tasks)
            await app.state.live_hub.stop()
            if owned:
                await app.state.upload_pool.close()
                await app.state.pool.close()

    metrics = Metrics()
    app_routes: list[BaseRoute] = [
        *routes.all_routes(),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=app_routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception},
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.log_identity = logkey.load_or_create(settings)
    # Kinds of live session (opening hall, evaluation) register their handlers here.
    app.state.live_kinds = {}
    app.state.live_kinds["opening"] = OpeningHall(app)
    app.add_middleware(RefuseNul)  # inside the next: its refusal gets the one error body
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    return app
