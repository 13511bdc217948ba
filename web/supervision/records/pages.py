"""The supervisor's observer view of a lot's opening, and the "file a record" panel
of the observer pages (issue 14, item 3; docs/api-supervision-records.md "Pages").

``/tenders/{tender_id}/supervision-records`` — the records attached to the tender as a
whole and "file a record" on it (same panel, attached to the tender).

``/tenders/{tender_id}/lots/{lot}/opening-observe`` — a supervisor of the tender's
department: the opening hall live through the hall's own page body and script
(web/templates/opening/hall_body.html, /opening/hall.js — nothing sealed reaches it:
no bidder before the deadline, no price before the record), the records attached to
the opening, and "file a record" signed in the browser
(web/static/js/supervision-record.js). The evaluation session's observer view
(web/evaluation/desk_pages.py) carries the same panel, attached to the session.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor, Role
from tender.errors import TenderError, TenderNotFound
from tender.lifecycle import load
from web import errortext, i18n, pages
from web.db.database import acquire
from web.errormap import status_for
from web.jsbundle import template_context as bundle_context
from web.opening import pages as opening_pages
from web.services import services
from web.supervision.records import i18n as texts


def record_panel(
    lang: str,
    actor: Actor,
    *,
    tender_id: UUID,
    department_id: UUID,
    attached: str,
    lot: str | None = None,
    session: UUID | None = None,
) -> dict[str, Any]:
    """The panel's context (templates/supervision/records/panel.html, as ``panel``)."""
    panel_texts = texts.panel_texts(lang, attached)
    return {
        "tender": str(tender_id), "department": str(department_id), "attached": attached,
        "lot": lot, "session": None if session is None else str(session),
        "user": str(actor.user_id), "bundle": bundle_context()["bundle"], "texts": panel_texts,
        "texts_json": json.dumps(panel_texts, ensure_ascii=False),
    }  # fmt: skip


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return pages.render(
        request, f"supervision/records/{template}", texts.translate, context, status=status
    )


async def opening_observe_page(request: Request) -> Response:
    """The opening's observer view: the department's supervisors only (else 403)."""
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            tender, lot, session = await opening_pages.hall_of(conn, request, actor)
        except TenderError as refused:
            message = errortext.text_for(refused, i18n.negotiate(request))
            return _render(request, "refused.html", status_for(refused), actor=actor,
                           message=message)  # fmt: skip
        department = tender.content.department_id
        if department is None or department not in actor.acting_for(Role.SUPERVISOR):
            message = texts.translate(i18n.negotiate(request), "obs.opening.refused")
            return _render(request, "refused.html", 403, actor=actor, message=message)
    panel = record_panel(
        i18n.negotiate(request), actor, tender_id=tender.id, department_id=department,
        attached="opening", lot=lot,
    )  # fmt: skip
    return _render(request, "opening_observe.html", actor=actor, tender=tender, lot=lot,
                   session_id=str(session), host=False, panel=panel)  # fmt: skip


async def tender_records_page(request: Request) -> Response:
    """A tender's records page: the records attached to the tender and "file a record"
    on it, for the department's supervisors (else 403; an unknown tender 404)."""
    lang = i18n.negotiate(request)
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            tender = await load(conn, UUID(request.path_params["tender_id"]))
        except (ValueError, TenderError):
            refused = TenderNotFound("no tender has this id")
            message = errortext.text_for(refused, lang)
            return _render(request, "refused.html", 404, actor=actor, message=message)
        department = tender.content.department_id
        if department is None or department not in actor.acting_for(Role.SUPERVISOR):
            message = texts.translate(lang, "rec.refused")
            return _render(request, "refused.html", 403, actor=actor, message=message)
    panel = record_panel(
        lang, actor, tender_id=tender.id, department_id=department, attached="tender"
    )
    return _render(request, "tender_records.html", actor=actor, tender=tender, panel=panel)


def routes() -> list[BaseRoute]:
    """The opening's observer view and a tender's records page."""
    return [
        Route(
            "/tenders/{tender_id}/supervision-records", tender_records_page, methods=["GET"]
        ),
        Route(
            "/tenders/{tender_id}/lots/{lot}/opening-observe", opening_observe_page,
            methods=["GET"],
        ),
    ]  # fmt: skip
