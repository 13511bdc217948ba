"""JSON API of what is kept around a session (docs/api-evaluation.md): clarifications
to bidders and their signed answers (Reg. 52), supervisors' notes (监督记录), and the
assisting venues' records handovers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from accounts.users import queries as users
from evaluation.clarifications import service as clarifications
from evaluation.clarifications.errors import ClarificationNotFound
from evaluation.notes import service as notes
from evaluation.venues import service as venues
from evaluation.venues.model import Handover
from tender.calendar import HolidayCalendar
from tender.errors import CalendarNotCovered
from tender.queries import database_now
from web.auth import signed_in
from web.evaluation import core
from web.evaluation.bodies import (
    AnswerBody,
    ClarificationBody,
    ClarificationList,
    HandoverBody,
    HandoverList,
    HandoverRequest,
    NoteList,
    b64,
    clarification_body,
    handover_body,
    note_body,
)
from web.evaluation.common import TAG, load_session, path_uuid, session_id
from web.http import ApiRoute, Handler, json_response, read_json
from web.services import services


async def list_clarifications(request: Request) -> ClarificationList:
    which = session_id(request)
    async with signed_in(request) as (conn, actor):
        state = await load_session(conn, which)
        found = await clarifications.list_clarifications(conn, actor, state)
    return ClarificationList(items=[clarification_body(c) for c in found])


async def answer_clarification(request: Request) -> ClarificationBody:
    which = session_id(request)
    asked = path_uuid(request, "clarification_id", ClarificationNotFound("no such clarification"))
    body = await read_json(request, AnswerBody)
    signature = b64(body.signature, "signature")
    trust = services(request).trust_required()
    async with signed_in(request) as (conn, actor):
        await load_session(conn, which)  # an unknown session is not found before anything
        done = await clarifications.answer_clarification(
            conn, actor, which, asked, answer=body.answer, signature=signature, trust=trust,
            load=core.load,
        )  # fmt: skip
    return clarification_body(done)


async def list_notes(request: Request) -> NoteList:
    which = session_id(request)
    async with signed_in(request) as (conn, actor):
        state = await load_session(conn, which)
        found = await notes.list_notes(conn, actor, state)
        items = []
        for n in found:
            author = await users.user(conn, n.author)
            items.append(note_body(n, None if author is None else author.display_name))
    return NoteList(items=items)


async def record_handover(request: Request) -> Response:
    which = session_id(request)
    venue_id: str = request.path_params["venue_id"]
    body = await read_json(request, HandoverRequest)
    calendar = services(request).setup.calendar
    async with signed_in(request) as (conn, actor):
        state = await load_session(conn, which)
        done = await venues.record_handover(
            conn, actor, state, venue_id, records_sha256=body.records_sha256, note=body.note,
            calendar=calendar,
        )  # fmt: skip
        now = await database_now(conn)
    return json_response(_handover(done, calendar, now), 201)


def _handover(done: Handover, calendar: HolidayCalendar, now: datetime) -> HandoverBody:
    try:
        due = done.due(calendar)
    except CalendarNotCovered:
        due = None
    return handover_body(done, due, now)


async def list_handovers(request: Request) -> HandoverList:
    which = session_id(request)
    calendar = services(request).setup.calendar
    async with signed_in(request) as (conn, actor):
        state = await load_session(conn, which)
        found = await venues.list_handovers(conn, actor, state)
        now = await database_now(conn)
    return HandoverList(items=[_handover(h, calendar, now) for h in found])


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary, tag=TAG, **extra
    )


E = "/evaluations/{session_id}"
ROUTES = [
    _route("GET", f"{E}/clarifications", list_clarifications,
           "Clarifications of a session: all for participants, a bidder's own for a bidder",
           response=ClarificationList),
    _route("POST", f"{E}/clarifications/{{clarification_id}}/answer", answer_clarification,
           "The bidder's one signed answer to a clarification (Reg. 52)",
           body=AnswerBody, response=ClarificationBody),
    _route("GET", f"{E}/notes", list_notes,
           "Supervisors' signed notes (the department's supervisors and centre staff)",
           response=NoteList),
    _route("GET", f"{E}/venues/handovers", list_handovers,
           "The assisting venues' records handovers (centre staff and supervisors)",
           response=HandoverList),
    _route("POST", f"{E}/venues/{{venue_id}}/handover", record_handover,
           "Centre staff record a venue's records handover after the close",
           body=HandoverRequest, response=HandoverBody, status=201),
]  # fmt: skip
