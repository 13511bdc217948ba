"""JSON API of alerts (docs/api-alerts.md): the list, one alert, and the three steps
of its lifecycle. Handlers are thin: parse, call one use case, serialise."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request

from supervision.alerts import service
from supervision.alerts.model import AlertStep
from web.auth import signed_in
from web.http import ApiRoute, Handler, read_json
from web.supervision.alerts import bodies as b
from web.tender.common import path_uuid


def _alert_id(request: Request) -> UUID:
    return path_uuid(request, "alert_id")


async def list_alerts(request: Request) -> b.AlertList:
    which = b.alert_filter(request)
    async with signed_in(request) as (conn, actor):
        found = await service.list_alerts(conn, actor, which)
    return b.AlertList(items=[b.alert_body(a) for a in found])


async def get_alert(request: Request) -> b.AlertBody:
    which = _alert_id(request)
    async with signed_in(request) as (conn, actor):
        return b.alert_body(await service.get_alert(conn, actor, which))


async def _take(request: Request, step: AlertStep, note: str | None) -> b.AlertBody:
    which = _alert_id(request)
    async with signed_in(request) as (conn, actor):
        return b.alert_body(await service.take_step(conn, actor, which, step, note=note))


async def acknowledge(request: Request) -> b.AlertBody:
    body = await read_json(request, b.AlertAcknowledge)
    return await _take(request, AlertStep.ACKNOWLEDGE, body.note)


async def escalate(request: Request) -> b.AlertBody:
    body = await read_json(request, b.AlertEscalate)
    return await _take(request, AlertStep.ESCALATE, body.note)


async def resolve(request: Request) -> b.AlertBody:
    body = await read_json(request, b.AlertResolve)
    return await _take(request, AlertStep.RESOLVE, body.resolution)


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary, tag="alerts",
        **extra,
    )  # fmt: skip


_A = "/alerts/{alert_id}"
ROUTES = [
    _route(
        "GET", "/alerts", list_alerts,
        "Alerts, newest first (centre staff: all; a supervisor: the department's and the centre's)",
        response=b.AlertList,
        query=(("state", str, "open, acknowledged, escalated or resolved", False),
               ("rule", str, "the rule that raised it", False),
               ("tender_id", str, "the tender it is about", False)),
    ),
    _route("GET", _A, get_alert, "One alert with its evidence and history", response=b.AlertBody),
    _route(
        "POST", f"{_A}/acknowledge", acknowledge,
        "Acknowledge an open alert (a supervisor of its department)",
        body=b.AlertAcknowledge, response=b.AlertBody,
    ),
    _route(
        "POST", f"{_A}/escalate", escalate,
        "Escalate an alert to the centre, with a note (a supervisor of its department)",
        body=b.AlertEscalate, response=b.AlertBody,
    ),
    _route(
        "POST", f"{_A}/resolve", resolve,
        "Resolve an alert with its resolution (its department; the centre once escalated)",
        body=b.AlertResolve, response=b.AlertBody,
    ),
]  # fmt: skip
