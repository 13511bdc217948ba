"""The listing and its bidding engine judge time by one clock, the database's
(docs/formats/auction.md §2; issue 18, item 2: "stamped with the database clock"), set
here through migration 0110's ``auction_clock`` — never a sleep on the wall clock."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from listing.auction.errors import AuctionNotStarted
from listing.service import ListingSetup
from signing.log.entry import format_time
from tests.listing.kit import bid, published, qualified_bidders, set_clock
from tests.tender.world import World

MICRO = dt.timedelta(microseconds=1)


async def test_a_bidder_qualified_in_the_notice_period_bids_from_the_listing_s_start(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, clock: asyncpg.Connection,
    now: dt.datetime,
) -> None:  # fmt: skip
    """§2, §5 rule 5: registered with the engine in the notice period (公告期), but a bid
    before the listing period's start is refused with the start, and changes nothing."""
    listing = await published(conn, world, setup, now)
    numbers = await qualified_bidders(conn, world, listing, setup, now, 1)
    assert listing.auction_id is not None
    await set_clock(clock, listing.starts_at - MICRO)
    with pytest.raises(AuctionNotStarted) as refused:
        await bid(conn, world, listing.auction_id, bidder=0, number=numbers[0], price_fen=10**8)
    assert refused.value.status == 409
    assert refused.value.details == {
        "starts_at": format_time(listing.starts_at),
        "now": format_time(listing.starts_at - MICRO),
    }
    row = await conn.fetchrow(
        "SELECT bids, listing_starts_at FROM auctions WHERE id = $1", listing.auction_id
    )
    assert (row["bids"], row["listing_starts_at"]) == (0, listing.starts_at)
    await set_clock(clock, listing.starts_at)
    placed = await bid(
        conn,
        world,
        listing.auction_id,
        bidder=0,
        number=numbers[0],
        price_fen=listing.start_price_fen,
    )
    assert (placed.n, placed.placed_at) == (1, listing.starts_at)
