"""The agency's answers to objections to the candidates, in a page (issue 15, item 1;
Reg. 54: objections to the publicised candidates are answered within 3 days, and the
lot's award waits until they are).

``/agency/objections`` lists, for every public tender of the agency, the objections
bidders filed and their answers. An answer is a signed
``etender-candidate-objection-answer-v1`` statement (docs/api-results.md): the page's
script (web/static/js/staff-objections.js) builds its canonical bytes in the browser,
signs them with the agency user's browser key through the signing module
(docs/browser-signing.md) and sends them to the documented
``POST /api/v1/tenders/{id}/candidate-objections/{objection_id}/answer`` — the server
never holds the key. The page gives the script what the statement must carry (the
tender, lot, objection id, the SHA-256 of the objection's statement bytes and the
agency's credit code), read through tender.results.objections, which decides who reads.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor, Role
from accounts.organisations import service as organisations
from signing.canonical import sha256_hex
from tender import access, service
from tender.results import objections
from web.jsbundle import template_context
from web.tender.oversight_pages import require_role
from web.tender.pages import page, render


async def _tender_objections(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID
) -> list[dict[str, Any]]:
    found = []
    for objection in await objections.list_objections(conn, actor, tender_id):
        _, signed = await objections.get_objection(conn, actor, tender_id, objection.id)
        bidder = await organisations.get_organisation(conn, objection.organisation_id)
        found.append({
            "objection": objection,
            "bidder": bidder.name,
            "statement_sha256": sha256_hex(bytes(signed["statement"])),
        })  # fmt: skip
    return found


@page
async def objections_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    require_role(actor, Role.AGENCY)
    tenders = []
    for tender in await service.list_mine(conn, actor):
        if not (tender.is_public and access.is_agency(actor, tender)):
            continue
        found = await _tender_objections(conn, actor, tender.id)
        if found:
            agency = await organisations.get_organisation(conn, tender.agency_id)
            tenders.append({"tender": tender, "objections": found, "agency": agency.credit_code})
    context: dict[str, Any] = {"tenders": tenders, **template_context()}
    return render(request, "objections.html", actor=actor, **context)


def routes() -> list[BaseRoute]:
    """The agency's objections page, for the one route list."""
    return [Route("/agency/objections", objections_page, methods=["GET"])]
