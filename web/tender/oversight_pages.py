"""The centre's and the supervising department's tender pages (issue 15, item 1).

``/centre/tenders`` lists the tenders the staff's centre hosts (drafts included: a
committee is appointed before publication); ``/centre/tenders/{id}`` appoints each
lot's opening committee from the officials' registered keys, records and refunds bid
bonds, and links each lot's opening hall. ``/supervision/tenders`` and
``/supervision/tenders/{id}`` are the supervisor's: every roster in full (officials,
organisations, certificates, recipients) and the approval of exactly the roster shown,
by its SHA-256 (DESIGN.md, "Opening committee": appointed by the centre and approved by
the department, never by the agency). Bonds are read there, not changed.

Each tender page is for its own centre's staff or its own department's supervisors:
anyone else gets the 404 an unknown tender gets (tender/access.py). No script runs:
every action is a form with the session's CSRF token, calling one use case.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.errors import PermissionDenied
from accounts.model import Actor, OrgKind, Role
from accounts.organisations import service as organisations
from accounts.permissions import Action, is_allowed
from accounts.users import service as users
from tender import access, service
from tender.bonds import service as bonds
from tender.bonds.model import Bond
from tender.committee import officials as appointing
from tender.committee import service as committee
from tender.committee.model import Roster
from tender.errors import TenderInputInvalid, TenderNotFound
from tender.model import BIDDING_STATUSES, Tender, TenderStatus
from web import i18n
from web.services import services
from web.tender.i18n import has, translate
from web.tender.oversight_forms import bond_input, committee_choice, refund_reference, roster_choice
from web.tender.pages import _form, _names, _organisations, _redirect, _tender_id, page, render

CENTRE, SUPERVISION = "centre", "supervision"
# Committees change until the first bid freezes them (tender/committee/service.py).
CHANGEABLE = BIDDING_STATUSES | {TenderStatus.DRAFT}


_WHO = {Role.CENTRE_STAFF: "centre staff", Role.SUPERVISOR: "supervisors", Role.AGENCY: "agencies"}


def require_role(actor: Actor, role: Role) -> None:
    """A page of one role: anyone else is refused (403 permission_denied)."""
    if not actor.has_role(role):
        raise PermissionDenied(
            f"this page is for {_WHO.get(role, role)}",
            details={"action": "view_tenders", "resource": "tender"},
        )  # fmt: skip


def _mine(actor: Actor, tender: Tender, where: str) -> bool:
    """Staff of the centre hosting the tender, or a supervisor of its department."""
    if where == CENTRE:
        return access.is_host(actor, tender)
    return is_allowed(actor, Action.SUPERVISE_TENDER, access.resource(tender))


def _overseen(actor: Actor, tender: Tender, where: str) -> Tender:
    """The tender if the actor's centre hosts it (staff) or its department supervises
    it (supervisors); anyone else gets the unknown tender's 404 (tender/access.py)."""
    if not _mine(actor, tender, where):
        raise TenderNotFound("no tender you oversee has this id")
    return tender


async def _tender(conn: asyncpg.Connection, actor: Actor, request: Request, where: str) -> Tender:
    # A tender's page answers whoever may not see it with the unknown tender's 404
    # (docs/api-tenders.md, Permissions) — a role without this page too: a 403 here
    # would differ from an unknown id's answer.
    if not actor.has_role(Role.CENTRE_STAFF if where == CENTRE else Role.SUPERVISOR):
        raise TenderNotFound("no tender you oversee has this id")
    return _overseen(actor, await service.get_tender(conn, actor, _tender_id(request)), where)


def _lister(where: str) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
        require_role(actor, Role.CENTRE_STAFF if where == CENTRE else Role.SUPERVISOR)
        found = [t for t in await service.list_overseen(conn, actor) if _mine(actor, t, where)]
        return render(request, "oversight_list.html", actor=actor, tenders=found, where=where)

    handler.__name__ = f"{where}_tenders_page"
    return page(handler)


async def _bidder_names(conn: asyncpg.Connection, found: list[Bond]) -> dict[UUID, str]:
    """The name of each bond's bidder (read one by one: the form's list is a page)."""
    names: dict[UUID, str] = {}
    for bond in found:
        if bond.bidder_id not in names:
            org = await organisations.get_organisation(conn, bond.bidder_id)
            names[bond.bidder_id] = org.name
    return names


async def _people(conn: asyncpg.Connection, rosters: dict[str, Roster]) -> dict[UUID, str]:
    """Display names of every seated official and their organisations (staff and
    supervisors see who holds the shares; the public sees only the committee file)."""
    found: dict[UUID, str] = {}
    for roster in rosters.values():
        for seat in roster.seats:
            if seat.user_id not in found:
                found[seat.user_id] = (await users.get_user(conn, seat.user_id)).display_name
            if seat.organisation_id not in found:
                org = await organisations.get_organisation(conn, seat.organisation_id)
                found[seat.organisation_id] = org.name
    return found


async def _context(
    conn: asyncpg.Connection, actor: Actor, tender: Tender, where: str
) -> dict[str, Any]:
    rosters = await committee.read_rosters(conn, actor, tender.id)
    held = await bonds.list_bonds(conn, actor, tender.id)
    centre = where == CENTRE
    changeable = tender.status in CHANGEABLE
    records = centre and tender.status in bonds.RECORDING_STATUSES
    return {
        "tender": tender,
        "names": await _names(conn, tender),
        "where": where,
        "rosters": rosters,
        "people": await _people(conn, rosters),
        "officials": await appointing.appointable_officials(conn, actor, tender.id)
        if centre and changeable
        else [],
        "changeable": changeable,
        "bonds": held,
        "bidder_names": await _bidder_names(conn, held),
        "records_bonds": records,
        "bidders": await _organisations(conn, actor, OrgKind.BIDDER) if records else [],
    }


def _shower(where: str) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
        tender = await _tender(conn, actor, request, where)
        context = await _context(conn, actor, tender, where)
        return render(request, "oversight.html", actor=actor, **context)

    handler.__name__ = f"{where}_tender_page"
    return page(handler)


def _back(where: str, tender_id: UUID, anchor: str) -> Response:
    return _redirect(f"/{where}/tenders/{tender_id}#{anchor}")


def _field_refused(request: Request, actor: Actor, bad: TenderInputInvalid) -> Response:
    """The committee form's refusal naming the field to correct, in the page's language."""
    field = bad.details.get("field", "") if isinstance(bad.details, dict) else ""
    lang = i18n.negotiate(request)
    label = f"td.oversight.field.{field}"
    facts = [(translate(lang, "td.oversight.field"), translate(lang, label))] if has(label) else []
    return render(request, "error.html", 422, actor=actor, code=bad.code, facts=facts,
                  violations=[], back=request.url.path.rsplit("/lots/", 1)[0])  # fmt: skip


@page
async def appoint_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    tender = await _tender(conn, actor, request, CENTRE)
    try:
        k, chosen = committee_choice(await _form(request))
    except TenderInputInvalid as bad:
        return _field_refused(request, actor, bad)
    lot = str(request.path_params["lot"])
    await appointing.appoint_registered(
        conn, actor, tender.id, lot, k=k, user_ids=chosen, setup=services(request).tender_setup()
    )
    return _back(CENTRE, tender.id, f"lot-{lot}")


@page
async def approve_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    tender = await _tender(conn, actor, request, SUPERVISION)
    digest = roster_choice(await _form(request))
    lot = str(request.path_params["lot"])
    await committee.approve_committee(conn, actor, tender.id, lot, roster_sha256=digest)
    return _back(SUPERVISION, tender.id, f"lot-{lot}")


@page
async def record_bond_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    tender = await _tender(conn, actor, request, CENTRE)
    await bonds.record_bond(conn, actor, tender.id, bond_input(await _form(request)))
    return _back(CENTRE, tender.id, "bonds")


@page
async def refund_bond_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    tender = await _tender(conn, actor, request, CENTRE)
    try:
        bond_id = UUID(request.path_params["bond_id"])
    except ValueError:
        raise TenderNotFound("no such bond of this tender") from None
    reference = refund_reference(await _form(request))
    await bonds.refund_bond(conn, actor, tender.id, bond_id, reference=reference)
    return _back(CENTRE, tender.id, "bonds")


def routes() -> list[BaseRoute]:
    """The centre's and the supervisor's tender pages, for the one route list."""
    c, s = "/centre/tenders/{tender_id}", "/supervision/tenders/{tender_id}"
    return [
        Route("/centre/tenders", _lister(CENTRE), methods=["GET"]),
        Route(c, _shower(CENTRE), methods=["GET"]),
        Route(f"{c}/lots/{{lot}}/committee", appoint_page, methods=["POST"]),
        Route(f"{c}/bonds", record_bond_page, methods=["POST"]),
        Route(f"{c}/bonds/{{bond_id}}/refund", refund_bond_page, methods=["POST"]),
        Route("/supervision/tenders", _lister(SUPERVISION), methods=["GET"]),
        Route(s, _shower(SUPERVISION), methods=["GET"]),
        Route(f"{s}/lots/{{lot}}/committee/approve", approve_page, methods=["POST"]),
    ]
