"""Operations endpoints: liveness, readiness, Prometheus metrics.

The metrics are for operations only (issue 9, item 11): with ``ETENDER_METRICS_TOKEN``
set, to a bearer of that token (compared in constant time), from anywhere; without it,
to loopback clients only, and not through a proxy that says it forwards (a reverse
proxy on the same host would otherwise make every client look local).
"""

from __future__ import annotations

import hmac
import ipaddress

import msgspec
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response

from web.db.database import acquire
from web.db.migrate import is_current
from web.errors import MetricsForbidden
from web.http import ApiRoute, json_response
from web.services import services


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
        async with acquire(services(request).pools.main) as conn:
            current = await is_current(conn)
    except Exception:
        return json_response(Health(status="unavailable", database="unreachable"), 503)
    if not current:
        return json_response(Health(status="unavailable", migrations="pending"), 503)
    return json_response(Health(status="ok", database="ok", migrations="current"))


FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def _metrics_allowed(request: Request) -> bool:
    token: str | None = services(request).settings.metrics_token
    if token:
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            presented.strip().encode(), token.encode()
        )
    if any(name in request.headers for name in FORWARDING_HEADERS):
        return False
    host = request.client.host if request.client is not None else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def metrics(request: Request) -> Response:
    """Prometheus text exposition, for operations only."""
    if not _metrics_allowed(request):
        raise MetricsForbidden(
            "the metrics are served to the operations token (ETENDER_METRICS_TOKEN) or, "
            "when none is set, to loopback clients only"
        )
    body = generate_latest(services(request).metrics.registry)
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
        summary="Prometheus metrics (the operations token, or loopback clients)",
        tag="operations",
        auth=False,
        content_type="text/plain",
    ),
]
