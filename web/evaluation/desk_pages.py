"""The host's and venue staff's desk, and the supervisor's observer view (issue 12, item 2).

``/evaluations/{id}/desk`` — centre staff. The host (any centre staff user: they host
the main venue, docs/formats/evaluation-session.md §3) opens the sign-in, confirms
identities at the main venue, starts, pauses and resumes, and handles replacements;
a staff user assigned to one of the session's assisting venues (副场, docs/api-expert-
pool.md "Venue staff") gets that venue's desk: who signed in there, the identity check,
who is present there, fault reports. The server decides every command anyway
(``evaluation_venue_staff_only``); the page only offers what the user may do.

``/evaluations/{id}/observe`` — a supervisor of the tender's department: the session
live (nothing sealed reaches a supervisor: commitments only), the approval of
replacements, and its own signed notes (docs/api-evaluation.md "Supervisors' notes").

Both pages are HTML shells; their scripts (web/static/js/desk.js, observe.js) open the
live session through web/static/js/live.js with the session cookie and render what it
sends. Strings reach the scripts as a data attribute (the CSP forbids inline script).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor, Role
from evaluation.model import SessionState
from evaluation.sessions import service as sessions
from evaluation.sessions.errors import EvaluationSessionNotFound
from expert_pool.venues import queries as venue_queries
from tender.lifecycle import load as load_tender
from web import i18n, pages
from web.db.database import acquire
from web.evaluation import core
from web.evaluation import i18n_desk as texts
from web.jsbundle import template_context as bundle_context
from web.services import services
from web.supervision.records.pages import record_panel


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = i18n.negotiate(request)
    script_texts = json.dumps(texts.script_texts(lang), ensure_ascii=False)
    context = {"script_texts": script_texts, **context}
    return pages.render(request, f"evaluation/{template}", texts.translate, context, status=status)


def _bids_json(state: SessionState) -> str:
    """The session's bids by id with their bidders' names, for the scripts to name the
    bids results speak of: staff and supervisors see the briefing anyway (§5)."""
    bids = [{"bid": str(b.bid_id), "bidder": b.bidder, "name": b.name} for b in state.bids]
    return json.dumps({"bids": bids}, ensure_ascii=False)


def is_supervisor_of(actor: Actor, state: SessionState) -> bool:
    """A supervisor whose grant covers the tender's department (the observer)."""
    return state.department_id in actor.acting_for(Role.SUPERVISOR)


async def _venues(
    conn: asyncpg.Connection, actor: Actor, state: SessionState
) -> list[dict[str, Any]]:
    """The session's venues (core.venues), each with whether the actor confirms
    identities there: a venue's own assigned staff at an assisting venue (§3); the main
    venue is the host's."""
    out = await core.venues(conn, state)
    for venue in out:
        venue["mine"] = not venue["main"] and await venue_queries.is_staff(
            conn, venue["id"], actor.user_id
        )
    return out


async def _load(request: Request) -> tuple[Actor, SessionState] | Response:
    """The signed-in actor and the session, or the response that replaces the page."""
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            state = await core.load(conn, UUID(request.path_params["session_id"]))
        except (ValueError, EvaluationSessionNotFound):
            return _render(request, "desk_error.html", 404, actor=actor,
                           code="evaluation_session_not_found")  # fmt: skip
    return actor, state


async def desk_page(request: Request) -> Response:
    """The host's desk, or a venue's desk for staff assigned to an assisting venue."""
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    actor, state = loaded
    if not actor.has_role(Role.CENTRE_STAFF):
        # Not centre staff: the session page sends each user to its own view.
        return RedirectResponse(f"/evaluations/{state.id}", status_code=303)
    async with acquire(services(request).pools.main) as conn:
        venues = await _venues(conn, actor, state)
    mine = [v for v in venues if v["mine"]]
    # A user assigned to one of this session's assisting venues works that venue's desk
    # (``?view=host`` for the host's: any centre staff user hosts, §3); anyone else of
    # the centre's staff hosts.
    mode = "venue" if mine and request.query_params.get("view") != "host" else "host"
    return _render(
        request, "desk.html", actor=actor, session_id=str(state.id), user_id=str(actor.user_id),
        mode=mode, venues=venues, my_venues=mine,
        venues_json=json.dumps(venues, ensure_ascii=False), bids_json=_bids_json(state),
    )  # fmt: skip


async def observe_page(request: Request) -> Response:
    """The supervisor's observer view of the session."""
    loaded = await _load(request)
    if isinstance(loaded, Response):
        return loaded
    actor, state = loaded
    if not is_supervisor_of(actor, state):
        return RedirectResponse(f"/evaluations/{state.id}", status_code=303)
    async with acquire(services(request).pools.main) as conn:
        venues = await _venues(conn, actor, state)
    # Supervision records attached to the session (web/supervision/records/pages.py).
    panel = record_panel(
        i18n.negotiate(request), actor, tender_id=state.tender_id,
        department_id=state.department_id, attached="evaluation", lot=state.lot,
        session=state.id,
    )  # fmt: skip
    return _render(
        request, "observe.html", actor=actor, session_id=str(state.id),
        venues_json=json.dumps(venues, ensure_ascii=False),
        user_id=str(actor.user_id), bundle=bundle_context()["bundle"],
        bids_json=_bids_json(state), panel=panel,
    )  # fmt: skip


async def overseen_page(request: Request) -> Response:
    """The sessions centre staff (every department's) and supervisors (their
    departments') follow, open ones first: the workspace links here."""
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        departments: list[UUID] | None = None
        if not actor.has_role(Role.CENTRE_STAFF):
            departments = sorted(actor.acting_for(Role.SUPERVISOR))
            if not departments:
                return RedirectResponse("/home", status_code=303)
        rows = []
        for found in await sessions.recent_sessions(conn, departments):
            tender = await load_tender(conn, found.tender_id)
            rows.append(
                {"id": str(found.id), "project": f"{tender.content.title} · {found.lot}",
                 "code": tender.code, "attempt": found.attempt,
                 "phase": str(found.phase), "starts_at": found.starts_at}
            )  # fmt: skip
    view = "desk" if departments is None else "observe"
    return _render(request, "desk_sessions.html", actor=actor, rows=rows, view=view)


def routes() -> list[BaseRoute]:
    """The desk and the observer view, and the list that leads to them."""
    return [
        Route("/evaluations", overseen_page, methods=["GET"]),
        Route("/evaluations/{session_id}/desk", desk_page, methods=["GET"]),
        Route("/evaluations/{session_id}/observe", observe_page, methods=["GET"]),
    ]
