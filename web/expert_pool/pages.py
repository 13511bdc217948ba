"""Pages of the expert pool: the pool (supervisors), invitations and the yearly record
(experts); the draws' pages are in web/draws/pages.py. Chinese first, English through
the switch.

Every form posts back to the page with the session's CSRF token (web/auth.py) and
calls one service; the page shows the domain error's message when one is refused.
Entropy is generated in the contributor's own browser by /expert-pool/entropy.js
(crypto.getRandomValues): the server never generates it.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor
from expert_pool.answers import service as service_answers
from expert_pool.errors import ExpertPoolError
from expert_pool.experts import service as service_experts
from expert_pool.experts.model import SearchFilter
from expert_pool.model import ExpertStatus
from expert_pool.records import service as service_records
from expert_pool.regions import DEFAULT_REGIONS
from expert_pool.specialties import default_specialties
from signing.draw.response import Decision
from web import errortext, i18n
from web.expert_pool.page_common import (
    ENTROPY_JS,
    SHANGHAI,
    _form,
    _parse_local,
    _redirect,
    page,
    render,
)
from web.services import services

# --- the pool ----------------------------------------------------------------------------


async def pool_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    q = request.query_params
    status = q.get("status") or None
    search = SearchFilter(
        specialty=q.get("specialty") or None,
        region=q.get("region") or None,
        status=ExpertStatus(status) if status in {s.value for s in ExpertStatus} else None,
        name=q.get("name") or None,
        after=q.get("cursor") or None,
        limit=50,
    )
    rows = await service_experts.search_experts(conn, actor, search)
    return render(
        request,
        "pool.html",
        actor=actor,
        rows=rows,
        query=dict(q),
        specialties=list(default_specialties().nodes.values()),
        regions=sorted(DEFAULT_REGIONS.regions.values(), key=lambda r: r.code),
        statuses=list(ExpertStatus),
        next_cursor=rows[-1].id if len(rows) == search.limit else None,
    )


# --- the expert ---------------------------------------------------------------------------


async def invitations_page(
    request: Request, conn: asyncpg.Connection, actor: Actor, message: str | None = None
) -> Response:
    items = await service_answers.my_invitations(conn, actor)
    expert_id = await service_answers.expert_id_of(conn, actor)
    statements = {
        item.draw_id: {d: service_answers.statement_for(item, expert_id, d) for d in Decision}
        for item in items
    }
    return render(
        request,
        "invitations.html",
        200 if message is None else 422,
        actor=actor,
        items=items,
        statements=statements,
        message=message,
        done=request.query_params.get("done"),
    )


async def answer_submit(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    form = await _form(request)
    draw_id = request.path_params["id"]
    try:
        statement = form.get("statement", "").encode("utf-8")
        signature = base64.b64decode(form.get("signature", "").strip(), validate=True)
        await service_answers.respond(
            conn, actor, draw_id, statement, signature, trust=services(request).trust_required()
        )
    except (ExpertPoolError, binascii.Error, ValueError) as refused:
        lang = i18n.negotiate(request)  # the message in the page's language (issue 15)
        return await invitations_page(request, conn, actor, errortext.text_for(refused, lang))
    return _redirect("/expert/invitations?done=1")


async def record_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    year = datetime.now(SHANGHAI).year
    view = await service_records.year_view(conn, actor, year)
    profile = await service_experts.my_profile(conn, actor)
    return render(request, "record.html", actor=actor, view=view, profile=profile, year=year)


async def record_submit(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    form = await _form(request)
    if form.get("remove"):
        await service_experts.remove_unavailable(conn, actor, UUID(form["remove"]))
    else:
        await service_experts.add_unavailable(
            conn,
            actor,
            _parse_local(form.get("start", "")),
            _parse_local(form.get("end", "")),
            form.get("note", ""),
        )
    return _redirect("/expert/record")


async def entropy_js(request: Request) -> Response:
    """The contributor's own client: 32 bytes from crypto.getRandomValues, as hex."""
    return Response(
        ENTROPY_JS.read_text(encoding="utf-8"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def routes() -> list[BaseRoute]:
    """The pool's and the experts' pages (the draws' pages: web/draws/pages.py)."""
    return [
        Route("/expert-pool", page(pool_page), methods=["GET"]),
        Route("/expert-pool/entropy.js", entropy_js, methods=["GET"]),
        Route("/expert/invitations", page(invitations_page), methods=["GET"]),
        Route("/expert/invitations/{id}", page(answer_submit), methods=["POST"]),
        Route("/expert/record", page(record_page), methods=["GET"]),
        Route("/expert/record", page(record_submit), methods=["POST"]),
    ]
