"""The alert pages (issue 14): the list with its filters, and one alert with its
evidence, history and the three actions — forms posting with the session's CSRF token,
no script. Chinese first, English through the switch (docs/api-alerts.md, "Pages")."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.errors import AccountsError, Unauthenticated
from accounts.model import Actor
from accounts.organisations import service as organisations
from supervision.alerts import service
from supervision.alerts.errors import AlertError, AlertNotFound
from supervision.alerts.model import FROM, AlertState, AlertStep, acting_role
from web import pages
from web.auth import current_actor
from web.db.database import acquire
from web.errormap import status_for
from web.errors import WebError
from web.http import refuse_nul_fields
from web.services import services
from web.supervision.alerts import i18n as i18n_alerts
from web.supervision.alerts.bodies import alert_filter

Page = Callable[[Request, asyncpg.Connection, Actor], Awaitable[Response]]
# Alerts' pages (issue 14): their texts, Beijing time and the evidence as JSON.
render = pages.feature_renderer(
    "supervision/alerts", i18n_alerts,
    {"json": lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)},
)  # fmt: skip
STEPS = {"acknowledge": AlertStep.ACKNOWLEDGE, "escalate": AlertStep.ESCALATE,
         "resolve": AlertStep.RESOLVE}  # fmt: skip
NOTE_FIELD = {"acknowledge": "note", "escalate": "note", "resolve": "resolution"}


def _page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    """Sign-in required; a refusal renders its error with its status."""

    async def endpoint(request: Request) -> Response:
        async with acquire(services(request).pools.main) as conn:
            try:
                actor = await current_actor(request, conn)
            except Unauthenticated:
                actor = None
            except WebError as refused:  # a form without the session's CSRF token
                return _refused(request, None, refused)
            if actor is None:
                return RedirectResponse("/login", status_code=303)
            try:
                return await handler(request, conn, actor)
            except (AlertError, AccountsError, WebError) as refused:
                return _refused(request, actor, refused)

    endpoint.__name__ = handler.__name__
    return endpoint


def _refused(
    request: Request, actor: Actor | None, error: AlertError | AccountsError | WebError
) -> Response:
    return render(
        request, "error.html", status_for(error), actor=actor, code=error.code,
    )  # fmt: skip


def _alert_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["alert_id"])
    except ValueError:
        raise AlertNotFound("no alert has this id") from None


@_page
async def list_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = alert_filter(request)
    found = await service.list_alerts(conn, actor, which)
    return render(
        request, "list.html", actor=actor, alerts=found, which=which,
        states=[str(s) for s in AlertState], rules=i18n_alerts.rules(),
    )  # fmt: skip


@_page
async def alert_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    found = await service.get_alert(conn, actor, _alert_id(request))
    may = acting_role(actor, found) is not None
    actions = [name for name, step in STEPS.items() if may and found.state in FROM[step]]
    if found.department_id is None and "escalate" in actions:
        actions.remove("escalate")  # the centre's own alert has no one above it
    department = None
    if found.department_id is not None:
        department = (await organisations.get_organisation(conn, found.department_id)).name
    return render(
        request, "alert.html", actor=actor, alert=found, actions=actions, department=department
    )


@_page
async def step_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _alert_id(request)
    name = request.path_params["step"]
    if name not in STEPS:
        raise AlertNotFound("no such step of an alert")
    form = await refuse_nul_fields(await request.form(max_files=0, max_fields=10))
    note = str(form.get(NOTE_FIELD[name], ""))
    await service.take_step(conn, actor, which, STEPS[name], note=note)
    return RedirectResponse(
        f"/supervision/alerts/{which}", status_code=303, headers={"Cache-Control": "no-store"}
    )


def routes() -> list[BaseRoute]:
    """The alert pages, for the one route list."""
    return [
        Route("/supervision/alerts", list_page, methods=["GET"]),
        Route("/supervision/alerts/{alert_id}", alert_page, methods=["GET"]),
        Route("/supervision/alerts/{alert_id}/{step}", step_page, methods=["POST"]),
    ]
