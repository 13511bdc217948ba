"""The bid as one statement under the row lock (migration 0125, ``auction_place_bid``):
it answers every rule of docs/formats/auction.md §5 as the rules as values do
(model.decide_bid), and what it writes — the bid, its log entry's exact bytes, its
events — is what the bid's terms make (§6.1, §8). No server, no signature: the statement
takes the form and the signer already checked (rules 1–3 come before it)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, cast
from uuid import UUID

import asyncpg

from accounts.model import OrgKind, Role
from listing.auction import queries
from listing.auction.errors import AuctionError
from listing.auction.model import AuctionBidder, AuctionSpec, BidderRow, BidRequest, decide_bid
from listing.auction.service import AuctionService, log_entry, place_bid
from tests.accounts import factory
from tests.listing.auction.kit import clock, set_clock

__all__ = ["clock"]

ENGINE = AuctionService(signer=cast(Any, None), log_identity=cast(Any, None))
SIGNER = "ab" * 32  # the statement stores the checked signer's hash; no check here


async def _user(conn: asyncpg.Connection) -> tuple[UUID, UUID]:
    org = await factory.make_organisation(conn, OrgKind.BIDDER)
    user = await factory.make_user(conn, org, Role.BIDDER, password=None)
    return user.id, org.id


def _request(number: str, seq: int, price: int, standing: int | None) -> BidRequest:
    return BidRequest(
        number=number, seq=seq, price_fen=price, standing_fen=standing,
        nonce=secrets.token_hex(16), signature=secrets.token_bytes(40),
    )  # fmt: skip


async def _expected(
    conn: asyncpg.Connection, auction_id: int, user: UUID, request: BidRequest, now: dt.datetime
) -> tuple[str, Any]:
    """What the rules as values say of this bid against the rows as they stand."""
    auction = await queries.get_auction(conn, auction_id)
    assert auction is not None
    bidder: BidderRow | None = await queries.bidder_of_account(conn, auction_id, user)
    if bidder is None or bidder.number != request.number:
        return "auction_bidder_unknown", None
    try:
        decision = decide_bid(auction, bidder, request, now)
    except AuctionError as exc:
        return exc.code, exc.details
    return "accepted", (decision.n, str(decision.phase), decision.ends_at)


async def _actual(
    conn: asyncpg.Connection, auction_id: int, user: UUID, request: BidRequest
) -> tuple[str, Any]:
    actor = cast(Any, type("A", (), {"user_id": user})())
    form = f"form of {request.nonce}".encode()
    try:
        bid, _ = await place_bid(conn, actor, auction_id, request, (form, SIGNER))
    except AuctionError as exc:
        return exc.code, exc.details
    entry = await conn.fetchval(
        "SELECT entry FROM log_queue WHERE id = $1"
        " UNION ALL SELECT entry FROM log_entries WHERE queued = $1",
        bid.log_queued,
    )
    # §8: the entry the statement wrote is, byte for byte, the one the stored bid makes.
    assert bytes(entry) == log_entry(bid).to_bytes()
    return "accepted", (bid.n, str(bid.phase), bid.ends_at)


async def test_the_one_statement_judges_every_rule_as_the_rules_as_values_do(
    pool: asyncpg.Pool, clock: asyncpg.Connection
) -> None:
    """Rules 4–12 in order, in the listing period and the countdown, by a fixed database
    clock: every answer (code and details, or the bid's number, phase and end) is the
    model's; refusals write nothing; an accepted bid's events are told as §6.1 says."""
    async with pool.acquire() as conn:
        (ua, oa), (ub, ob), (uc, oc), (ux, _) = [await _user(conn) for _ in range(4)]
        now: dt.datetime = await conn.fetchval("SELECT clock_timestamp()")
        start, end = now + dt.timedelta(hours=1), now + dt.timedelta(hours=2)
        spec = AuctionSpec(
            subject_kind="listing", subject_id=77, start_price_fen=100_000, increment_fen=1_000,
            listing_starts_at=start, listing_ends_at=end, countdown_seconds=60,
            bidders=(AuctionBidder(number="A001", account_id=ua, org_id=oa),
                     AuctionBidder(number="B001", account_id=ub, org_id=ob),
                     AuctionBidder(number="C001", account_id=uc, org_id=oc)),
        )  # fmt: skip
        async with conn.transaction():
            auction = await ENGINE.create(conn, spec, now=now)
        minute = dt.timedelta(minutes=1)
        cases: list[tuple[dt.datetime, UUID, BidRequest]] = [
            (start - minute, ua, _request("A001", 1, 100_000, None)),  # not started
            (start + minute, ux, _request("A001", 1, 100_000, None)),  # not a bidder
            (start + minute, ub, _request("A001", 1, 100_000, None)),  # another's number
            (start + minute, ua, _request("A001", 1, 99_999, None)),  # below the start
            (start + minute, ua, _request("A001", 1, 100_000, None)),  # accepted
            (start + minute, ua, _request("A001", 1, 101_000, 100_000)),  # replayed
            (start + minute, ua, _request("A001", 3, 101_000, 100_000)),  # out of order
            (start + minute, ua, _request("A001", 2, 101_000, 100_000)),  # leading
            (start + minute, ub, _request("B001", 1, 101_000, None)),  # stale
            (start + minute, ub, _request("B001", 1, 100_999, 100_000)),  # too low
            (start + minute, ub, _request("B001", 1, 101_000, 100_000)),  # accepted
            (end, uc, _request("C001", 1, 102_000, 101_000)),  # the listing's end
        ]
        answers = []
        for at, user, request in cases:
            await set_clock(clock, at)
            expected = await _expected(conn, auction, user, request, at)
            before = await conn.fetchval("SELECT count(*) FROM live_events")
            actual = await _actual(conn, auction, user, request)
            assert actual == expected, (request, at)
            if actual[0] != "accepted":
                assert await conn.fetchval("SELECT count(*) FROM live_events") == before
            answers.append(actual[0])
        await set_clock(clock, end)
        await ENGINE.go_on(conn, auction, frozenset({"A001", "B001"}), now=end)
        last = end + dt.timedelta(seconds=59, microseconds=999_999)  # its last microsecond
        for at, user, request in [
            (end, uc, _request("C001", 1, 102_000, 101_000)),  # not in the countdown
            (last, ua, _request("A001", 2, 102_000, 101_000)),  # restarts the countdown
            (last + dt.timedelta(seconds=60), ub, _request("B001", 2, 103_000, 102_000)),
        ]:
            await set_clock(clock, at)
            expected = await _expected(conn, auction, user, request, at)
            assert await _actual(conn, auction, user, request) == expected, (request, at)
            answers.append(expected[0])
        events = await conn.fetch(
            "SELECT kind, audience, data FROM live_events WHERE session_id = "
            "(SELECT live_session_id FROM auctions WHERE id = $1) AND kind LIKE 'bid.%'"
            " ORDER BY seq",
            auction,
        )
    assert answers.count("accepted") == 3
    assert "auction_bidder_not_in_countdown" in answers
    assert answers[-1] == "auction_ended"
    assert [(e["kind"], e["audience"]) for e in events] == [
        ("bid.placed", "all"), ("bid.accepted", f"user:{ua}"),
        ("bid.placed", "all"), ("bid.accepted", f"user:{ub}"), ("bid.outbid", f"user:{ua}"),
        ("bid.placed", "all"), ("bid.accepted", f"user:{ua}"), ("bid.outbid", f"user:{ub}"),
    ]  # fmt: skip
    assert "A001" not in str(events[5]["data"])  # the public sees no number (§6.1)
    assert "B001" not in str(events[4]["data"])
