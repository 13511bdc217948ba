"""The listing and its bidding engine judge time by one clock, the database's
(docs/formats/auction.md §2; issue 18, item 2: "stamped with the database clock"), set
here through migration 0110's ``auction_clock`` — never a sleep on the wall clock."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from listing import conclusion, service
from listing.auction.errors import AuctionNotStarted, AuctionPhaseInvalid
from listing.model import Status
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


async def test_the_close_starts_the_countdown_by_the_database_clock_not_the_node_s(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, clock: asyncpg.Connection,
    now: dt.datetime,
) -> None:  # fmt: skip
    """§2: ``close`` hands the engine the clock a bid reads: a node whose own clock is past
    the end while the database's is not closes nothing; once the database's is, the
    countdown runs from the database's instant, not the node's."""
    listing = await published(conn, world, setup, now)
    numbers = await qualified_bidders(conn, world, listing, setup, now, 2)
    for bidder in world.bidders[:2]:
        await service.go_on(conn, bidder, listing.id, now=now)
    node_now = listing.ends_at + dt.timedelta(hours=1)
    await set_clock(clock, listing.ends_at - MICRO)
    with pytest.raises(AuctionPhaseInvalid):
        await conclusion.close(conn, world.agency, listing.id, setup, now=node_now)
    assert (await service.require(conn, listing.id)).status is Status.OPEN
    await set_clock(clock, listing.ends_at)
    closed = await conclusion.close(conn, world.agency, listing.id, setup, now=node_now)
    assert closed.status is Status.AUCTION
    row = await conn.fetchrow(
        "SELECT phase, ends_at, countdown_seconds FROM auctions WHERE id = $1", listing.auction_id
    )
    countdown = dt.timedelta(seconds=row["countdown_seconds"])
    assert (row["phase"], row["ends_at"]) == ("countdown", listing.ends_at + countdown)
    assert sorted(numbers) == sorted(
        await conn.fetchval(
            "SELECT array_agg(number) FROM auction_bidders WHERE auction_id = $1 AND in_countdown",
            listing.auction_id,
        )
    )
