"""Pages of the market-party registry and credit (issue 14, item 2; docs/api-credit.md):
the public credit lists, and for supervisors and the centre the registry, a party's
record, every list entry and the appeals awaiting a decision. A party sees its own record
and appeals an entry from it. Chinese first, English through the switch; no script."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor
from signing.errors import EtenderError
from supervision.credit import records
from supervision.credit import service as credit
from supervision.credit.errors import CreditInputInvalid
from supervision.credit.model import FindingSource, ListKind
from supervision.parties.errors import PartyNotFound
from tender.queries import database_now
from web import pages
from web.auth import current_actor
from web.db.database import acquire
from web.errormap import status_for
from web.pdf.tender_notice import yuan
from web.services import services
from web.supervision.credit import i18n as i18n_credit
from web.tender.forms import local_input, parse_local, text

# The credit pages (issue 14): their texts, Beijing time and yuan.
_render = pages.feature_renderer("supervision/credit", i18n_credit, {"yuan": yuan})


def _refused(request: Request, actor: Actor | None, error: EtenderError) -> Response:
    return _render(
        request, "error.html", status_for(error), actor=actor, code=error.code,
        back=pages.back_link(request, "/credit"),
    )  # fmt: skip


_page = pages.signed_in_page(_refused)


def _uuid(request: Request, name: str) -> UUID:
    try:
        return UUID(request.path_params[name])
    except ValueError:
        raise PartyNotFound("no such record") from None


async def public_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        try:
            actor = await current_actor(request, conn)
        except EtenderError:
            actor = None
        now = await database_now(conn)
        lists = await records.public_lists(conn, now)
    return _render(
        request, "public.html", actor=actor, now=now,
        black=lists[ListKind.BLACK], red=lists[ListKind.RED],
    )  # fmt: skip


@_page
async def registry_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    query = request.query_params.get("q", "")[:100]
    found = await records.registry(conn, actor, search=query, limit=100)
    return _render(request, "registry.html", actor=actor, parties=found, q=query)


@_page
async def record_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "organisation_id")
    policy = services(request).credit_policy
    found = await records.party_record(conn, actor, which, policy, await database_now(conn))
    own = actor.organisation_id == which
    return _render(
        request, "record.html", actor=actor, record=found, own=own, lists=list(ListKind),
        sources=list(FindingSource), now_input=local_input(await database_now(conn)),
    )  # fmt: skip


@_page
async def entries_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    found = await records.all_entries(conn, actor)
    return _render(request, "entries.html", actor=actor, entries=found)


@_page
async def appeals_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    found = await records.pending_appeals(conn, actor)
    return _render(request, "appeals.html", actor=actor, appeals=found)


@_page
async def appeal_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "entry_id")
    form = await request.form(max_files=0, max_fields=10)
    grounds = str(form.get("grounds", ""))
    await credit.file_appeal(conn, actor, which, grounds, await database_now(conn))
    return RedirectResponse(f"/supervision/parties/{actor.organisation_id}", status_code=303)


@_page
async def decide_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "appeal_id")
    form = await request.form(max_files=0, max_fields=10)
    decision, reasons = form.get("decision", ""), form.get("reasons", "")
    await credit.decide_appeal(
        conn, actor, which, str(decision), str(reasons), await database_now(conn)
    )
    return RedirectResponse("/supervision/credit/appeals", status_code=303)


@_page
async def violation_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "organisation_id")
    form = await request.form(max_files=0, max_fields=10)
    await credit.record_violation(
        conn, actor, organisation_id=which, kind=text(form, "kind"),
        description=text(form, "description"),
        finding_source=text(form, "finding_source") or None,
        finding_ref=text(form, "finding_ref") or None,
        found_at=_moment(form, "found_at"), now=await database_now(conn),
    )  # fmt: skip
    return RedirectResponse(f"/supervision/parties/{which}", status_code=303)


@_page
async def entry_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "organisation_id")
    form = await request.form(max_files=0, max_fields=12)
    violation = _optional_uuid(text(form, "violation_id"), "violation_id")
    await credit.enter_list(
        conn, actor, organisation_id=which, list_kind=text(form, "list"),
        violation_id=violation,
        source=text(form, "source") or None, basis=text(form, "basis"),
        basis_ref=text(form, "basis_ref"), starts_at=_moment(form, "starts_at"),
        ends_at=_moment(form, "ends_at"), now=await database_now(conn),
    )  # fmt: skip
    return RedirectResponse(f"/supervision/parties/{which}", status_code=303)


def _optional_uuid(raw: str, name: str) -> UUID | None:
    try:
        return UUID(raw) if raw else None
    except ValueError:
        raise CreditInputInvalid(f"choose the {name}", details={"field": name}) from None


def _moment(form: FormData, name: str) -> datetime:
    """A ``datetime-local`` field in Beijing time, required."""
    found = parse_local(text(form, name), name)
    if found is None:
        raise CreditInputInvalid(f"{name} is a date and time", details={"field": name})
    return found


def routes() -> list[BaseRoute]:
    """The credit pages, for the one route list."""
    return [
        Route("/credit", public_page, methods=["GET"]),
        Route("/supervision/parties", registry_page, methods=["GET"]),
        Route("/supervision/parties/{organisation_id}", record_page, methods=["GET"]),
        Route("/supervision/credit/entries", entries_page, methods=["GET"]),
        Route("/supervision/credit/appeals", appeals_page, methods=["GET"]),
        Route("/supervision/credit/entries/{entry_id}/appeal", appeal_form, methods=["POST"]),
        Route("/supervision/credit/appeals/{appeal_id}/decision", decide_form, methods=["POST"]),
        Route(
            "/supervision/parties/{organisation_id}/violations", violation_form, methods=["POST"]
        ),
        Route("/supervision/parties/{organisation_id}/entries", entry_form, methods=["POST"]),
    ]
