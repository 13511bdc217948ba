"""JSON API of evaluation sessions (docs/api-evaluation.md, "Sessions"): schedule one,
read one as the viewer may see it, list a lot's, and read the signed report.

The session itself runs over the live-session WebSocket (``/api/v1/live/{id}``,
docs/formats/evaluation-session.md); these routes only find it and describe it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from accounts.errors import PermissionDenied
from accounts.model import Actor
from accounts.users import queries as users
from evaluation.clarifications.parties import Standing, Viewer, viewer
from evaluation.model import SessionState
from evaluation.sessions.views import started
from live import queries as live
from live import service as live_service
from live.model import MAX_SEQ, parse_after
from tender.errors import LotNotFound
from tender.service import get_tender
from web.auth import signed_in
from web.errors import RequestInvalid
from web.evaluation import core
from web.evaluation.bodies import (
    EventList,
    ScheduleBody,
    SessionBody,
    SessionList,
    events_body,
    session_body,
)
from web.evaluation.common import TAG, load_session, session_id
from web.http import ApiRoute, Handler, json_response, read_json
from web.services import services
from web.tender.common import lot_number, tender_id

EVENTS_PAGE = 500  # events per request; ask again with the last seq for more
_AFTER = f"'after' is a whole number from 0 to {MAX_SEQ}"


def _refused(what: str) -> PermissionDenied:
    return PermissionDenied(
        f"{what} is for the session's participants",
        details={"action": "view_evaluation", "resource": "evaluation"},
    )


async def _names(
    conn: asyncpg.Connection, state: SessionState, seen: Viewer, actor: Actor
) -> dict[UUID, str]:
    """Display names of the members this viewer may see named: all for overseers, its
    own for a member, none for anyone else."""
    wanted = [m.user_id for m in state.seated
              if seen.standing is Standing.OVERSEER or m.user_id == actor.user_id]  # fmt: skip
    names = {}
    for user_id in wanted:
        found = await users.user(conn, user_id)
        if found is not None:
            names[user_id] = found.display_name
    return names


async def describe(
    conn: asyncpg.Connection, actor: Actor, state: SessionState
) -> SessionBody | None:
    """The session as this actor may see it; None: not a participant."""
    seen = await viewer(conn, actor, state)
    if seen.standing is Standing.NONE:
        return None
    return session_body(state, seen, actor.user_id, await _names(conn, state, seen, actor))


async def schedule(request: Request) -> Response:
    body = await read_json(request, ScheduleBody)
    async with signed_in(request) as (conn, actor):
        await get_tender(conn, actor, body.tender_id)
        state = await core.schedule(
            conn, actor, body.tender_id, body.lot, main_venue_id=body.main_venue_id,
            representatives=body.representatives, starts_at=body.starts_at,
        )  # fmt: skip
        described = await describe(conn, actor, state)
    assert described is not None  # centre staff schedule: they oversee every session
    return json_response(described, 201)


async def get_session(request: Request) -> SessionBody:
    which = session_id(request)
    async with signed_in(request) as (conn, actor):
        state = await load_session(conn, which)
        described = await describe(conn, actor, state)
        if described is None:
            raise _refused("an evaluation session")
    return described


async def listed(conn: asyncpg.Connection, actor: Actor, state: SessionState) -> SessionBody | None:
    """The session as a lot's list shows it to this actor; None: left out.

    A member is listed its session only once it started: the list is asked by project,
    so answering before the start would tie the anonymous session to the project the
    committee learns only at the start (DESIGN.md, "Live sessions"; 四不知).
    """
    seen = await viewer(conn, actor, state)
    if seen.standing is Standing.NONE:
        return None
    if seen.standing is Standing.MEMBER and not started(state.phase):
        return None
    return session_body(state, seen, actor.user_id, await _names(conn, state, seen, actor))


async def lot_sessions(request: Request) -> SessionList:
    which, lot = tender_id(request), lot_number(request)
    async with signed_in(request) as (conn, actor):
        tender = await get_tender(conn, actor, which)  # a hidden draft is not found
        if tender.lot_id(lot) is None:
            raise LotNotFound(f"the tender has no lot {lot!r}")
        found = await core.for_lot(conn, which, lot)
        items = [d for s in found if (d := await listed(conn, actor, s)) is not None]
        if found and not items:
            raise _refused("a lot's evaluation sessions")
    return SessionList(items=items)


async def session_events(request: Request) -> EventList:
    which = session_id(request)
    raw = request.query_params.get("after", "0")
    try:
        after = parse_after(raw)
    except ValueError:
        raise RequestInvalid(str(_AFTER), details={"param": "after"}) from None
    kinds = services(request).live.kinds
    async with signed_in(request) as (conn, actor):
        await load_session(conn, which)
        session, audiences = await live_service.enter(conn, kinds, which, actor)
        if audiences is None:
            raise _refused("a session's events")
        found = await live.events_after(conn, session.id, after, EVENTS_PAGE)
    return events_body(found, audiences, after)


async def _report(request: Request, pdf: bool) -> bytes:
    which = session_id(request)
    async with signed_in(request) as (conn, actor):
        state = await load_session(conn, which)
        if pdf:
            return await core.report_pdf(conn, actor, state)
        return await core.report_json(conn, actor, state)


async def report_json(request: Request) -> Response:
    return Response(await _report(request, pdf=False), media_type="application/json")


async def report_pdf(request: Request) -> Response:
    return Response(await _report(request, pdf=True), media_type="application/pdf")


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary, tag=TAG, **extra
    )


E = "/evaluations/{session_id}"
ROUTES = [
    _route("POST", "/evaluations", schedule,
           "Centre staff schedule a lot's evaluation session (its draw complete)",
           body=ScheduleBody, response=SessionBody, status=201),
    _route("GET", E, get_session,
           "An evaluation session as the viewer may see it (phase, seats, the live session)",
           response=SessionBody),
    _route("GET", "/tenders/{tender_id}/lots/{lot}/evaluations", lot_sessions,
           "A lot's evaluation sessions (attempts) the viewer may see", response=SessionList),
    _route("GET", f"{E}/events", session_events,
           "The session's events so far that the viewer's audiences see (read-only)",
           response=EventList,
           query=(("after", int, "the last seq seen (default 0)", False),)),
    _route("GET", f"{E}/report", report_json,
           "The session's evaluation report (RFC 8785 JSON) for whoever may read it"),
    _route("GET", f"{E}/report.pdf", report_pdf, "The evaluation report as PDF",
           content_type="application/pdf"),
]  # fmt: skip
