"""The demo's listing (issue 18): one land-use listing in its listing period with two
registered bidders — each with its deposit held and its bidder number — so that a
newcomer sees one at /listings, the centre's desk and a bidder's own page.

Every step goes through the listing's use cases, as the users would. DEMO ONLY: the
notice lasts a second (MLR Decree 39 wants 20 days; the listing's policy snapshot, shown
in its log entry, says so), so that the listing is in its listing period at once; the
period itself is the rule's 10 working days — or, DEMO ONLY, 14 calendar days when those
10 reach a year the holiday calendar does not cover yet (from mid-December until the
operator adds next year's notice: the demo would otherwise not load). The bidding engine
is the platform's own (listing.auction's ``AuctionService``, with the demo's receipt and
log identities): the listing's auction is in its listing period, its room at
/auctions/{id}.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from listing import service
from listing.auction.service import AuctionService
from listing.model import DepositInput, ListingInput, ListingKind
from listing.policy import ListingPolicies
from listing.service import ListingSetup
from tender.bonds.model import BondKind
from tender.calendar import HolidayCalendar, period_end
from tender.errors import CalendarNotCovered
from tender.queries import database_now
from web.evaluation.demo_opening import Opener, actor

TITLE = "宣城市宣州区 2026-演示 号地块国有建设用地使用权（挂牌演示）"
# DEMO ONLY: a one-second notice, so that the listing period has begun when the demo is up.
DEMO_LISTING_POLICIES = ListingPolicies().with_values({"notice_period": "1s"})
BIDDERS = ("bidder1", "bidder2")


def demo_period(
    starts: dt.datetime, calendar: HolidayCalendar
) -> tuple[ListingPolicies, dt.datetime]:
    """The demo's policies and the listing's end: the rule's working days where the
    calendar covers them, else (DEMO ONLY) two calendar weeks, never a guessed year."""
    policies = DEMO_LISTING_POLICIES
    try:
        return policies, period_end(starts, policies.listing_period, calendar, extend=False)
    except CalendarNotCovered:
        policies = policies.with_values({"listing_period": "14d"})
        return policies, period_end(starts, policies.listing_period, calendar, extend=False)


async def load_listing(conn: asyncpg.Connection, o: Opener) -> UUID:
    """Publish the demo listing, register, pay and qualify two bidders (call it inside
    the demo's one transaction)."""
    now = (await database_now(conn)).replace(microsecond=0)
    starts = now + dt.timedelta(seconds=2)
    policies, ends = demo_period(starts, o.setup.calendar)
    setup = ListingSetup(
        policies=policies, calendar=o.setup.calendar, trust=o.ca.trust_store(),
        bidding=AuctionService(signer=o.sub.signer, log_identity=o.sub.log_identity),
        centre_code=o.setup.policies.centre_code,
    )  # fmt: skip
    data = ListingInput(
        kind=ListingKind.LAND_USE, title=TITLE, seller_id=o.actors["tenderer"].organisation_id,
        starts_at=starts,
        ends_at=ends,
        start_price_fen=38_600_000_00, increment_fen=500_000_00, deposit_fen=7_720_000_00,
        countdown_seconds=300, has_reserve=False, committee_k=2,
        officials=tuple(official.user_id for official in o.officials),
    )  # fmt: skip
    centre = o.actors["centre"]
    listing = await service.publish(conn, centre, data, setup, now=now)
    for n, name in enumerate(BIDDERS, start=1):
        registration = await service.register(conn, await actor(conn, name), listing.id, now=now)
        deposit = DepositInput(
            kind=BondKind.TRANSFER, amount_fen=listing.deposit_fen, paid_at=now,
            paying_account=f"6222 0202 0011 22{n:02d}",
        )  # fmt: skip
        await service.record_deposit(conn, centre, listing.id, registration.id, deposit, now=now)
        await service.qualify(
            conn, centre, listing.id, registration.id, qualified=True, reason=None,
            setup=setup, now=now,
        )  # fmt: skip
    return listing.id
