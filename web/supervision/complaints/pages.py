"""The complaints pages (Reg. 60-62; docs/api-complaints.md), Chinese first, English:

- ``/complaints`` — the department's desk (its supervisors: the complaints to their
  departments; centre staff: all), or a party's own complaints;
- ``/tenders/{tender_id}/complaints/new`` — a party files a complaint, signed in the
  browser with the signing module (web/jsbundle.py);
- ``/complaints/{complaint_id}`` — one complaint: its deadlines in working days, its
  signed steps; the department's supervisor signs the next step there, the
  complainant may withdraw.

The pages are rendered on the server; web/static/js/complaints.js builds the exact
canonical statement of the form, signs it and sends it to the JSON API (the CSP
forbids inline script: data reaches the script in data attributes).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Role
from signing.canonical import sha256_hex
from supervision.complaints import service
from supervision.complaints.errors import ComplaintError
from supervision.complaints.model import DEPARTMENT_STEPS, Matter, Step
from tender.errors import TenderNotFound
from tender.lifecycle import load
from tender.results import common
from tender.results import source_queries as sources
from web import i18n, pages
from web.db.database import acquire
from web.jsbundle import template_context as bundle_context
from web.services import services
from web.supervision.complaints import i18n as texts


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = i18n.negotiate(request)
    context = {
        "script_texts": json.dumps(texts.script_texts(lang), ensure_ascii=False),
        "bundle": bundle_context()["bundle"], **context,
    }  # fmt: skip
    return pages.render(
        request, f"supervision/complaints/{template}", texts.translate, context, status=status
    )


def _error(request: Request, actor: Any, code: str) -> HTMLResponse:
    """The code's message in the page's language (web/errortext/)."""
    return _render(request, "error.html", 404, actor=actor, code=code)


async def list_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        found = await service.list_complaints(conn, actor)
    desk = actor.has_role(Role.SUPERVISOR) or actor.has_role(Role.CENTRE_STAFF)
    return _render(request, "list.html", actor=actor, complaints=found, desk=desk)


async def new_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            tender = await load(conn, UUID(request.path_params["tender_id"]))
            common.require_public(tender)
        except (ValueError, TenderNotFound):
            return _error(request, actor, "tender_not_found")
        mine = await sources.organisation(conn, actor.organisation_id)
        department = await sources.organisation(conn, tender.content.department_id)
    assert mine is not None
    assert department is not None
    return _render(
        request, "new.html", actor=actor, tender=tender, matters=list(Matter),
        user_id=str(actor.user_id), complainant=mine["credit_code"],
        department=department["credit_code"],
    )  # fmt: skip


async def detail_page(request: Request) -> Response:
    built = services(request)
    async with acquire(built.pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            which = UUID(request.path_params["complaint_id"])
            complaint, steps = await service.get_complaint(conn, actor, which)
            statement, _ = await service.signed_statement(conn, actor, which, 0)
        except (ValueError, ComplaintError):
            return _error(request, actor, "complaint_not_found")
        tender = await load(conn, complaint.tender_id)
        department = await sources.organisation(conn, complaint.department_id)
        complainant = await sources.organisation(conn, complaint.complainant_id)
    assert department is not None
    assert complainant is not None
    is_department = complaint.department_id in actor.acting_for(Role.SUPERVISOR)
    is_complainant = actor.organisation_id == complaint.complainant_id
    served = service.deadlines(complaint, steps, built.complaint_policy, built.setup)
    deadlines = {
        name: {"at": datetime.fromisoformat(due["at"]) if due["at"] else None,
               "iso": due["at"] or "", "exact": due["exact"]}
        for name, due in served.items()
    }  # fmt: skip
    return _render(
        request, "detail.html", actor=actor, complaint=complaint, steps=steps, tender=tender,
        deadlines=deadlines, user_id=str(actor.user_id), complaint_sha256=sha256_hex(statement),
        department_code=department["credit_code"], complainant_code=complainant["credit_code"],
        complainant_name=complainant["name"], is_department=is_department,
        is_complainant=is_complainant and complaint.status.is_open,
        department_steps=[s for s in Step if s in DEPARTMENT_STEPS],
    )  # fmt: skip


def routes() -> list[BaseRoute]:
    return [
        Route("/complaints", list_page, methods=["GET"]),
        Route("/complaints/{complaint_id}", detail_page, methods=["GET"]),
        Route("/tenders/{tender_id}/complaints/new", new_page, methods=["GET"]),
    ]
