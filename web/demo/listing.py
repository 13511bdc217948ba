"""The demo's listing (issue 18): one land-use listing in its listing period with two
registered bidders — each with its deposit held and its bidder number — so that a
newcomer sees one at /listings, the centre's desk and a bidder's own page.

Every step goes through the listing's use cases, as the users would. DEMO ONLY: the
notice lasts a second (MLR Decree 39 wants 20 days; the listing's policy snapshot, shown
in its log entry, says so), so that the listing is in its listing period at once; the
period itself is the rule's 10 working days. The bidding engine is the platform's own
(listing.auction's ``AuctionService``, with the demo's receipt and log identities): the
listing's auction is in its listing period, its room at /auctions/{id}.
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
from tender.calendar import period_end
from tender.queries import database_now
from web.evaluation.demo_opening import Opener, actor

TITLE = "宣城市宣州区 2026-演示 号地块国有建设用地使用权（挂牌演示）"
# DEMO ONLY: a one-second notice, so that the listing period has begun when the demo is up.
DEMO_LISTING_POLICIES = ListingPolicies().with_values({"notice_period": "1s"})
BIDDERS = ("bidder1", "bidder2")


async def load_listing(conn: asyncpg.Connection, o: Opener) -> UUID:
    """Publish the demo listing, register, pay and qualify two bidders (call it inside
    the demo's one transaction)."""
    now = (await database_now(conn)).replace(microsecond=0)
    setup = ListingSetup(
        policies=DEMO_LISTING_POLICIES, calendar=o.setup.calendar, trust=o.ca.trust_store(),
        bidding=AuctionService(signer=o.sub.signer, log_identity=o.sub.log_identity),
        centre_code=o.setup.policies.centre_code,
    )  # fmt: skip
    starts = now + dt.timedelta(seconds=2)
    data = ListingInput(
        kind=ListingKind.LAND_USE, title=TITLE, seller_id=o.actors["tenderer"].organisation_id,
        starts_at=starts,
        ends_at=period_end(starts, DEMO_LISTING_POLICIES.listing_period, o.setup.calendar,
                           extend=False),
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
