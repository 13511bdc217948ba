"""Signed-in pages of listings (issue 18, item 1), Chinese first, English; no script:

- ``/listings/{id}/registrations`` — the centre's desk: every registration with its
  organisation (the centre checks qualification, so it sees names: listing/access.py),
  the deposit recorded (or corrected, with a reason), qualified or refused, a refund
  recorded;
- ``/listings/{id}/registration`` — a bidder's own: register, its number once qualified,
  its status and deposit, the request to go on to the timed auction.

The forms post to these pages' own routes, which call the same use cases as the JSON API
(docs/api-listing.md) and answer 303 back to the page; a refusal renders the error page
with its code and status, nothing changed (web/pages.signed_in_page).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor
from accounts.organisations import service as organisations
from listing import access, conclusion, reads, service
from listing.errors import ListingBidderNotFound, ListingInputInvalid, ListingNotFound
from listing.model import DepositInput, DepositStatus, Qualification, Registration
from signing.errors import EtenderError
from tender.bonds.model import BondKind
from tender.queries import database_now
from web import pages
from web.errormap import status_for
from web.listing import bodies as b
from web.listing import i18n as texts
from web.pdf.tender_notice import yuan
from web.services import services
from web.tender.forms import local_input, parse_local, text

_render = pages.feature_renderer("listing", texts, {"yuan": yuan})


def _refused(request: Request, actor: Actor | None, error: EtenderError) -> Response:
    return _render(
        request, "error.html", status_for(error), actor=actor, code=error.code,
        back=pages.back_link(request, "/listings"),
    )  # fmt: skip


_page = pages.signed_in_page(_refused)


def _uuid(request: Request, name: str) -> UUID:
    try:
        return UUID(request.path_params[name])
    except ValueError:
        if name == "listing_id":
            raise ListingNotFound("no listing has this id") from None
        raise ListingBidderNotFound("no such registration on this listing") from None


def _back(listing_id: UUID, page: str) -> RedirectResponse:
    return RedirectResponse(f"/listings/{listing_id}/{page}", status_code=303)


# --- the centre's desk ---


@_page
async def desk_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "listing_id")
    found = await reads.registrations(conn, actor, which)  # centre and supervisors only
    listing = await reads.listing(conn, which)
    now = await database_now(conn)
    rows: list[dict[str, Any]] = []
    for registration in found:
        org = await organisations.get_organisation(conn, registration.organisation_id)
        rows.append({"r": registration, "name": org.name, "credit_code": org.credit_code,
                     "paid_input": local_input(registration.paid_at)})  # fmt: skip
    return _render(
        request, "registrations.html", actor=actor, listing=b.listing_body(listing, now),
        rows=rows, now_input=local_input(now), kinds=list(BondKind),
        centre=access.of_centre(actor, listing),  # supervisors read; the centre acts
    )  # fmt: skip


def _deposit(form: Any) -> DepositInput:
    try:
        kind = BondKind(text(form, "kind"))
        amount = int(text(form, "amount_fen"))
    except ValueError:
        raise ListingInputInvalid("choose the kind and give the amount in fen",
                                  details={"field": "amount_fen"}) from None  # fmt: skip
    paid_at = parse_local(text(form, "paid_at"), "paid_at")
    if paid_at is None:
        raise ListingInputInvalid("paid_at is a date and time", details={"field": "paid_at"})
    reference = text(form, "reference") or None
    transfer = kind is BondKind.TRANSFER
    return DepositInput(
        kind=kind, amount_fen=amount, paid_at=paid_at,
        paying_account=reference if transfer else None,
        guarantee_no=None if transfer else reference,
    )  # fmt: skip


@_page
async def deposit_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, registration = _uuid(request, "listing_id"), _uuid(request, "registration_id")
    deposit = _deposit(await request.form(max_files=0, max_fields=8))
    await service.record_deposit(
        conn, actor, which, registration, deposit, now=await database_now(conn)
    )
    return _back(which, "registrations")


@_page
async def correct_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, registration = _uuid(request, "listing_id"), _uuid(request, "registration_id")
    form = await request.form(max_files=0, max_fields=9)
    try:
        version = int(text(form, "deposit_version"))
    except ValueError:
        raise ListingInputInvalid("the form names the record it corrects",
                                  details={"field": "deposit_version"}) from None  # fmt: skip
    await service.correct_deposit(
        conn, actor, which, registration, _deposit(form), version=version,
        reason=text(form, "reason"), now=await database_now(conn),
    )  # fmt: skip
    return _back(which, "registrations")


@_page
async def qualify_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, registration = _uuid(request, "listing_id"), _uuid(request, "registration_id")
    form = await request.form(max_files=0, max_fields=4)
    decision = text(form, "decision")
    if decision not in ("qualify", "refuse"):  # never a refusal by a missing choice
        raise ListingInputInvalid("choose qualify or refuse", details={"field": "decision"})
    await service.qualify(
        conn, actor, which, registration, qualified=decision == "qualify",
        reason=text(form, "reason") or None, setup=services(request).listing_setup(),
        now=await database_now(conn),
    )  # fmt: skip
    return _back(which, "registrations")


@_page
async def refund_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which, registration = _uuid(request, "listing_id"), _uuid(request, "registration_id")
    form = await request.form(max_files=0, max_fields=4)
    await conclusion.refund_deposit(
        conn, actor, which, registration, text(form, "reference"), now=await database_now(conn)
    )
    return _back(which, "registrations")


# --- a bidder's own registration ---


@_page
async def mine_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "listing_id")
    listing = await reads.listing(conn, which)
    mine: Registration | None
    try:
        mine = await reads.own_registration(conn, actor, which)  # bidders only
    except ListingBidderNotFound:
        mine = None
    return _render(
        request, "mine.html", actor=actor, mine=mine,
        listing=b.listing_body(listing, await database_now(conn)),
        qualified=mine is not None and mine.qualification is Qualification.QUALIFIED,
        deposit_none=DepositStatus.NONE,
    )  # fmt: skip


@_page
async def register_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "listing_id")
    await request.form(max_files=0, max_fields=2)  # the CSRF token only
    await service.register(conn, actor, which, now=await database_now(conn))
    return _back(which, "registration")


@_page
async def go_on_form(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = _uuid(request, "listing_id")
    await request.form(max_files=0, max_fields=2)
    await service.go_on(conn, actor, which, now=await database_now(conn))
    return _back(which, "registration")


def routes() -> list[BaseRoute]:
    """The listings' signed-in pages and their forms."""
    one, reg = "/listings/{listing_id}", "/listings/{listing_id}/registrations/{registration_id}"
    return [
        Route(one + "/registrations", desk_page, methods=["GET"]),
        Route(reg + "/deposit", deposit_form, methods=["POST"]),
        Route(reg + "/deposit/corrections", correct_form, methods=["POST"]),
        Route(reg + "/qualification", qualify_form, methods=["POST"]),
        Route(reg + "/refund", refund_form, methods=["POST"]),
        Route(one + "/registration", mine_page, methods=["GET"]),
        Route(one + "/registration", register_form, methods=["POST"]),
        Route(one + "/go-on", go_on_form, methods=["POST"]),
    ]
