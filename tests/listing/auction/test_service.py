"""The contract the listing package codes to (PLAN.md: create, add_bidder, go_on, state),
against a real PostgreSQL: terms refused whole, the phases' rules, the database's clock."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import asyncpg
import pytest

from accounts.model import OrgKind, Role
from listing.auction.errors import AuctionPhaseInvalid, AuctionSpecInvalid
from listing.auction.model import AuctionBidder, AuctionSpec, Phase
from listing.auction.service import AuctionService
from tests.accounts import factory

ENGINE = AuctionService(signer=cast(Any, None), log_identity=cast(Any, None))


async def _bidder(conn: asyncpg.Connection, number: str) -> AuctionBidder:
    org = await factory.make_organisation(conn, OrgKind.BIDDER)
    user = await factory.make_user(conn, org, Role.BIDDER, password=None)
    return AuctionBidder(number=number, account_id=user.id, org_id=org.id)


async def _auction(
    conn: asyncpg.Connection, *bidders: AuctionBidder, subject: int = 9
) -> tuple[int, dt.datetime]:
    now: dt.datetime = await conn.fetchval("SELECT clock_timestamp()")
    spec = AuctionSpec(
        subject_kind="listing", subject_id=subject, start_price_fen=100_000, increment_fen=1_000,
        listing_starts_at=now, listing_ends_at=now + dt.timedelta(hours=1), countdown_seconds=60,
        bidders=bidders,
    )  # fmt: skip
    async with conn.transaction():
        return await ENGINE.create(conn, spec, now=now), spec.listing_ends_at


async def test_go_on_starts_a_countdown_among_two_and_ends_with_fewer(pool: asyncpg.Pool) -> None:
    """§2: the countdown runs countdown_seconds from go_on's time; one bidder left, it ends."""
    async with pool.acquire() as conn:
        a, b = await _bidder(conn, "A001"), await _bidder(conn, "A002")
        auction, listing_end = await _auction(conn, a, b)
        with pytest.raises(AuctionPhaseInvalid):  # the listing period is not over
            await ENGINE.go_on(
                conn,
                auction,
                frozenset({"A001", "A002"}),
                now=listing_end - dt.timedelta(seconds=1),
            )
        state = await ENGINE.go_on(conn, auction, frozenset({"A001", "A002"}), now=listing_end)
        assert (state.phase, state.ends_at) == (
            Phase.COUNTDOWN,
            listing_end + dt.timedelta(seconds=60),
        )
        with pytest.raises(AuctionPhaseInvalid):  # twice
            await ENGINE.go_on(conn, auction, frozenset({"A001", "A002"}), now=listing_end)
        with pytest.raises(AuctionPhaseInvalid):  # registration is over
            async with conn.transaction():
                await ENGINE.add_bidder(conn, auction, await _bidder(conn, "A003"))
        other, end = await _auction(conn, await _bidder(conn, "B001"), subject=10)
        ended = await ENGINE.go_on(conn, other, frozenset({"B001"}), now=end)
        assert ended.phase is Phase.ENDED
        assert (await ENGINE.state(conn, other)).phase is Phase.ENDED


async def test_bad_terms_are_refused_and_nothing_is_created(pool: asyncpg.Pool) -> None:
    """A bidder twice, an unknown number going on, one auction per subject."""
    async with pool.acquire() as conn:
        a = await _bidder(conn, "A001")
        before = await conn.fetchval("SELECT count(*) FROM auctions")
        with pytest.raises(AuctionSpecInvalid):
            await _auction(
                conn, a, AuctionBidder(number="A002", account_id=a.account_id, org_id=a.org_id)
            )
        assert await conn.fetchval("SELECT count(*) FROM auctions") == before
        auction, end = await _auction(conn, a)
        with pytest.raises(AuctionSpecInvalid):
            await _auction(conn)  # the same subject again
        async with conn.transaction():
            await ENGINE.add_bidder(conn, auction, await _bidder(conn, "A002"))
        with pytest.raises(AuctionSpecInvalid):
            await ENGINE.go_on(conn, auction, frozenset({"A001", "Z999"}), now=end)
        assert (await ENGINE.state(conn, auction)).phase is Phase.LISTING
