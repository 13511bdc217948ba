"""The signed-in pages of a project's other parties (issue 18, item 5), Chinese first,
English; no script:

- ``/procurement/{id}/quotations`` — an invited supplier's bidder in a negotiation: the
  rounds, its own quotations, and the form that quotes in the open round (sealed until
  the round closes: nobody else reads it, the agency included);
- ``POST /procurement/{id}/objections`` — anyone signed in objects to single source
  during its publicity, from the project's public page.

The forms call the same use cases as the JSON API (docs/api-procurement.md) and answer
303; a refusal renders the error page with its code and status, nothing changed.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor
from procurement import service
from procurement.errors import ProcurementInputInvalid, ProjectNotFound
from procurement.model import fen_from_yuan
from procurement.negotiation import service as negotiation
from procurement.single_source import service as single_source
from web.procurement.desk import page, render
from web.tender.forms import text


def _project_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["tender_id"])
    except ValueError:
        raise ProjectNotFound("no procurement project has this id") from None


@page
async def quotations_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _project_id(request)
    # Breaker F17: the page is an invited supplier's own, not the overseers' view of the
    # rounds (that is /negotiation): anyone else is refused, shown no form and no price.
    view = await negotiation.view(conn, actor, which, as_supplier=True)
    tender, _project, _ = await service.get_project(conn, actor, which)
    current = next((r for r in view.rounds if r.is_open), None)
    # One quotation per round, none once excluded (breaker F21, the form left shown).
    quoted = current is not None and any(q.round == current.number for q in view.quotations)
    quoting = current is not None and not quoted and not view.excluded and view.award is None
    return render(
        request, "quotations.html", actor=actor, tender=tender, view=view, current=current,
        quoting=quoting,
    )  # fmt: skip


@page
async def quote(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, form = _project_id(request), await request.form()
    raw = text(form, "round")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 2):
        raise ProcurementInputInvalid("a round's number is 1–99", details={"field": "round"})
    price = fen_from_yuan(text(form, "price_yuan"))
    await negotiation.submit_quotation(conn, actor, which, round=int(raw), price_fen=price)
    return RedirectResponse(f"/procurement/{which}/quotations", status_code=303)


@page
async def object_to(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _project_id(request)
    await single_source.file_objection(conn, actor, which, text(await request.form(), "text"))
    return RedirectResponse(f"/procurement/{which}#objections", status_code=303)


def routes() -> list[BaseRoute]:
    """A supplier's quotations page and its form; the objection form's route."""
    p = "/procurement/{tender_id}"
    return [
        Route(f"{p}/quotations", quotations_page, methods=["GET"]),
        Route(f"{p}/quotations", quote, methods=["POST"]),
        Route(f"{p}/objections", object_to, methods=["POST"]),
    ]
