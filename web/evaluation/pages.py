"""The evaluation pages: the expert's list of its sessions, and one session.

``/evaluations/{id}`` sends each user to its own view of the session (issue 12): a
seated member to the scoring room (``/room``), centre staff to the desk (``/desk``),
a supervisor of the tender's department to the observer view (``/observe``). Anyone
else with standing — the agency, the tenderer — keeps the read-only page, whose script
reads the JSON API (GET /api/v1/evaluations/{id} and its events); nothing is sent to
the session from it. The expert's list names the project only once the evaluation has
started (两随机、四不知).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from evaluation.model import Phase, SessionState
from evaluation.sessions.errors import EvaluationSessionNotFound
from evaluation.sessions.views import started
from tender.lifecycle import load
from web import i18n, pages
from web.db.database import acquire
from web.evaluation import core
from web.evaluation import i18n as texts
from web.services import services

SESSION_JS = Path(__file__).parents[1] / "templates" / "evaluation" / "session.js"


def _render(request: Request, template: str, **context: Any) -> HTMLResponse:
    return pages.render(request, f"evaluation/{template}", texts.translate, context)


async def _row(conn: asyncpg.Connection, actor: Actor, state: SessionState) -> dict[str, Any]:
    member = next((m for m in state.members if m.user_id == actor.user_id), None)
    project = None
    # 两随机、四不知: the committee learns the project when the host starts the session,
    # as the core's snapshot decides it (never in a sealed session).
    if started(state.phase):
        tender = await load(conn, state.tender_id)
        project = f"{tender.content.title} · {state.lot}"
    return {
        "id": str(state.id),
        "attempt": state.attempt,
        "phase": str(state.phase),
        "project": project,
        "seat": None if member is None else member.label,
    }


async def my_sessions(request: Request) -> Response:
    """The signed-in expert's sessions, newest attempt last."""
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        if not actor.has_role(Role.EXPERT):
            # Members are experts: another role has no evaluations (the error page,
            # docs/error-texts.md), not an empty list that reads as "none yet".
            raise PermissionDenied(
                "this page is for experts",
                details={"action": "view_evaluations", "resource": "evaluation"},
            )
        found = await core.of_member(conn, actor.user_id)
        rows = [await _row(conn, actor, s) for s in found]
    return _render(request, "sessions.html", actor=actor, rows=rows)


def own_view(actor: Actor, state: SessionState) -> str | None:
    """The page of the session made for this user, if any (issue 12): the room for a
    seated member, the desk for centre staff, the observer view for a supervisor of
    the tender's department."""
    if state.member_of(actor.user_id) is not None:
        return "room"
    if actor.has_role(Role.CENTRE_STAFF):
        return "desk"
    if state.department_id in actor.acting_for(Role.SUPERVISOR):
        return "observe"
    return None


async def session_page(request: Request) -> Response:
    """One session: each user's own view, else read-only (the script asks the API,
    which decides who may see it)."""
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            state: SessionState | None = await core.load(
                conn, UUID(request.path_params["session_id"])
            )
        except (ValueError, EvaluationSessionNotFound):
            state = None
    if state is not None and (view := own_view(actor, state)) is not None:
        return RedirectResponse(f"/evaluations/{state.id}/{view}", status_code=303)
    which = "" if state is None else str(state.id)
    lang = i18n.negotiate(request)
    phases = json.dumps(
        {str(p): texts.translate(lang, f"ev.phase.{p}") for p in Phase}, ensure_ascii=False
    )
    return _render(request, "session.html", actor=actor, session_id=which, phases=phases)


async def session_js(request: Request) -> Response:
    """The read-only page's script (no inline script: the CSP forbids it)."""
    return Response(
        SESSION_JS.read_text(encoding="utf-8"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def routes() -> list[BaseRoute]:
    """The evaluation pages."""
    return [
        Route("/expert/evaluations", my_sessions, methods=["GET"]),
        Route("/evaluations/{session_id}", session_page, methods=["GET"]),
        Route("/evaluation/session.js", session_js, methods=["GET"]),
    ]
