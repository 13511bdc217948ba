"""The member's scoring room: one page per evaluation session (issue 12, item 1).

The page is a shell: its scripts (web/static/js/room*.js) speak the live session
(docs/formats/evaluation-session.md) and the JSON API with the member's own session
cookie, and sign in the browser with the signing bundle (web/jsbundle.py). This route
decides only whether to serve the shell: a signed-in user holding a seat of the
session now. It checks nothing the socket and the API do not check again
(DESIGN.md, "Trust model": the page is a convenience, the server decides).

What the shell carries that no API gives a member: the venues it may sign in at — the
session's main venue and the assisting venues its lot's draw picked — which the sign-in
command checks (evaluation_venue_invalid) but which are otherwise staff data. Only
their ids and names, to the seated member only (四不知: the member is on the committee
and learns them at the venue anyway).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evaluation.model import Phase, SessionState
from evaluation.sessions.errors import EvaluationSessionNotFound
from web import i18n, jsbundle, pages
from web.db.database import acquire
from web.evaluation import core
from web.evaluation import i18n_room as texts
from web.services import services


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context = {**jsbundle.template_context(), **context}
    return pages.render(request, f"evaluation/{template}", texts.translate, context, status=status)


async def _session(conn: asyncpg.Connection, raw: str) -> SessionState | None:
    try:
        return await core.load(conn, UUID(raw))
    except (ValueError, EvaluationSessionNotFound):
        return None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def room_page(request: Request) -> Response:
    """The room for a seated member; anyone else a refusal page (403/404)."""
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        state = await _session(conn, request.path_params["session_id"])
        member = None if state is None else state.member_of(actor.user_id)
        venues = [] if state is None or member is None else await core.venues(conn, state)
    if state is None:
        return _render(request, "room_refused.html", 404, actor=actor, reason="room.not_found")
    if member is None:
        return _render(request, "room_refused.html", 403, actor=actor, reason="room.not_member")
    lang = i18n.negotiate(request)
    return _render(
        request, "room.html", actor=actor, session_id=str(state.id),
        user_id=str(actor.user_id), seat_label=member.label,
        texts_json=_json(texts.script_texts(lang)),
        phases_json=_json({str(p): texts.translate(lang, f"ev.phase.{p}") for p in Phase}),
        venues_json=_json(venues),
    )  # fmt: skip


def routes() -> list[BaseRoute]:
    """The scoring room."""
    return [Route("/evaluations/{session_id}/room", room_page, methods=["GET"])]
