"""Operations endpoints: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import msgspec
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response

from web.db.migrate import is_current
from web.http import ApiRoute, json_response


class Health(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    database: str | None = None
    migrations: str | None = None


async def healthz(request: Request) -> Health:
    """The process is up."""
    return Health(status="ok")


async def readyz(request: Request) -> Response:
    """The database answers and every migration is applied."""
    try:
        async with request.app.state.pool.acquire() as conn:
            current = await is_current(conn)
    except Exception:
        return json_response(Health(status="unavailable", database="unreachable"), 503)
    if not current:
        return json_response(Health(status="unavailable", migrations="pending"), 503)
    return json_response(Health(status="ok", database="ok", migrations="current"))


async def metrics(request: Request) -> Response:
    """Prometheus text exposition."""
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


ROUTES = [
    ApiRoute(
        method="GET",
        path="/healthz",
        handler=healthz,
        summary="Liveness",
        tag="operations",
        response=Health,
        auth=False,
    ),
    ApiRoute(
        method="GET",
        path="/readyz",
        handler=readyz,
        summary="Readiness",
        tag="operations",
        response=Health,
        auth=False,
    ),
    ApiRoute(
        method="GET",
        path="/metrics",
        handler=metrics,
        summary="Prometheus metrics",
        tag="operations",
        auth=False,
        content_type="text/plain",
    ),
]
