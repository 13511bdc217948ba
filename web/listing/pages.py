"""Public pages of listings (issue 18, item 5): the list, and one listing's notice,
bidders by number and result. They show exactly what the public API returns
(docs/api-listing.md): numbers only until the decision, the reserve only once opened.
No script; Chinese first; times in Beijing time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import Role
from accounts.organisations import service as organisations
from listing import access, reads
from listing.auction import service as auction
from listing.errors import ListingNotFound
from listing.model import Listing, Phase, Status
from tender.queries import database_now
from web import pages
from web.db.database import acquire
from web.listing import bodies as b
from web.listing import desk
from web.listing import i18n as texts
from web.pdf.tender_notice import yuan
from web.services import services

ENV = pages.environment()
ENV.filters["yuan"] = yuan


async def list_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        now = await database_now(conn)
        found = [b.listing_body(x, now) for x in await reads.public(conn)]
    context: dict[str, Any] = {"actor": actor, "listings": found}
    return pages.render(request, "listing/list.html", texts.translate, context, env=ENV)


async def listing_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
        try:
            which = UUID(request.path_params["listing_id"])
            found = await reads.listing(conn, which)
        except (ValueError, ListingNotFound):
            context: dict[str, Any] = {"actor": actor, "listing": None}
            return pages.render(
                request, "listing/listing.html", texts.translate, context, status=404, env=ENV
            )
        now = await database_now(conn)
        admitted = found.auction_id is not None and await auction.admits(
            conn, actor, found.auction_id
        )
        shown = await reads.bidders(conn, None, found.id)  # the public's view, whoever asks
        names = {
            v.organisation_id: (await organisations.get_organisation(conn, v.organisation_id)).name
            for v in shown if v.organisation_id is not None
        }  # fmt: skip
    bidders = [
        {"number": v.number, "name": names.get(v.organisation_id) if v.organisation_id else None}
        for v in shown
    ]
    winner = next((x["name"] for x in bidders if x["number"] == found.winner_number), None)
    context = {
        "actor": actor, "listing": b.listing_body(found, now), "bidders": bidders,
        "winner": winner,
        # Links to the signed-in pages (web/listing/desk.py) for those who may use them.
        "desk": actor is not None and access.names_reader(actor, found),
        "bidder": actor is not None and actor.has_role(Role.BIDDER),
        "room": room_link(found, now, admitted=admitted),
    }  # fmt: skip
    return pages.render(request, "listing/listing.html", texts.translate, context, env=ENV)


def room_link(found: Listing, now: datetime, *, admitted: bool) -> str | None:
    """The auction room (/auctions/{id}, docs/formats/auction.md §1) while bids are taken:
    the listing period and the timed auction. Only for those the room admits — the
    auction's bidders and centre staff (``listing.auction.service.admits``); anyone else,
    a bidder not (yet) qualified included, would meet its 404 (the outside tester's
    finding 13)."""
    bidding = found.phase(now) is Phase.LISTING or found.status is Status.AUCTION
    if found.auction_id is None or not bidding or not admitted:
        return None
    return f"/auctions/{found.auction_id}"


def routes() -> list[BaseRoute]:
    """The listings' public pages, and the signed-in ones (web/listing/desk.py)."""
    return [
        Route("/listings", list_page, methods=["GET"]),
        Route("/listings/{listing_id}", listing_page, methods=["GET"]),
        *desk.routes(),
    ]
