"""All SQL of auctions: the auction row (its lock decides), bidders, bids."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from listing.auction.errors import AuctionSpecInvalid
from listing.auction.model import (
    Auction,
    AuctionBidder,
    AuctionSpec,
    Bid,
    BidderRow,
    BidRequest,
    Phase,
)

_AUCTION = """
id, subject_kind, subject_id, start_price_fen, increment_fen, listing_starts_at,
listing_ends_at, countdown_seconds, phase, ends_at, standing_price_fen, standing_number, bids,
live_session_id
"""


def _auction(row: asyncpg.Record) -> Auction:
    return Auction(**{**dict(row), "phase": Phase(row["phase"])})


INSERT_AUCTION = f"""
INSERT INTO auctions (subject_kind, subject_id, start_price_fen, increment_fen,
                      listing_ends_at, countdown_seconds, ends_at, live_session_id,
                      listing_starts_at)
VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8)
RETURNING {_AUCTION}
"""  # noqa: S608 (a constant column list)


async def insert_auction(conn: asyncpg.Connection, spec: AuctionSpec, session_id: UUID) -> Auction:
    """A new auction in its listing phase; one per subject."""
    try:
        row = await conn.fetchrow(
            INSERT_AUCTION, spec.subject_kind, spec.subject_id, spec.start_price_fen,
            spec.increment_fen, spec.listing_ends_at, spec.countdown_seconds, session_id,
            spec.listing_starts_at,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise AuctionSpecInvalid("this subject has an auction already") from None
    except asyncpg.CheckViolationError as exc:
        raise AuctionSpecInvalid(
            f"the auction's terms break a rule ({exc.constraint_name})"
        ) from None
    assert row is not None
    return _auction(row)


SELECT_AUCTION = f"SELECT {_AUCTION} FROM auctions WHERE id = $1"  # noqa: S608 (constant)
# DESIGN.md, "Time": the decision and its time come from the database, under the lock.
LOCK_AUCTION = f"""
SELECT {_AUCTION}, auction_clock() AS now FROM auctions WHERE id = $1 FOR UPDATE
"""  # noqa: S608 (a constant column list)


CLOCK = "SELECT auction_clock()"


async def clock(conn: asyncpg.Connection) -> datetime:
    """The auction's clock: the database's (migration 0110, ``auction_clock``)."""
    now: datetime = await conn.fetchval(CLOCK)
    return now


async def get_auction(conn: asyncpg.Connection, auction_id: int) -> Auction | None:
    row = await conn.fetchrow(SELECT_AUCTION, auction_id)
    return _auction(row) if row else None


async def lock_auction(
    conn: asyncpg.Connection, auction_id: int
) -> tuple[Auction, datetime] | None:
    """The auction under its row lock, and the database clock read once the lock is held:
    bids are decided one at a time, in the order they will commit (§7)."""
    row = await conn.fetchrow(LOCK_AUCTION, auction_id)
    if row is None:
        return None
    fields = dict(row)
    now: datetime = fields.pop("now")
    return Auction(**{**fields, "phase": Phase(fields["phase"])}), now


SELECT_BY_SESSION = f"""
SELECT {_AUCTION} FROM auctions WHERE live_session_id = $1
"""  # noqa: S608 (a constant column list)


async def auction_of_session(conn: asyncpg.Connection, session_id: UUID) -> Auction | None:
    row = await conn.fetchrow(SELECT_BY_SESSION, session_id)
    return _auction(row) if row else None


SELECT_BY_SESSION_NOW = f"""
SELECT {_AUCTION}, auction_clock() AS now FROM auctions WHERE live_session_id = $1
"""  # noqa: S608 (a constant column list)


async def auction_of_session_now(
    conn: asyncpg.Connection, session_id: UUID
) -> tuple[Auction, datetime] | None:
    """The room's auction as read without its lock, and the auction's clock: one round
    trip before a bid (the fast stale check, the signature's time)."""
    row = await conn.fetchrow(SELECT_BY_SESSION_NOW, session_id)
    if row is None:
        return None
    fields = dict(row)
    now: datetime = fields.pop("now")
    return Auction(**{**fields, "phase": Phase(fields["phase"])}), now


INSERT_BIDDERS = """
INSERT INTO auction_bidders (auction_id, number, account_id, org_id)
SELECT $1, * FROM unnest($2::text[], $3::uuid[], $4::uuid[])
"""


async def insert_bidders(
    conn: asyncpg.Connection, auction_id: int, bidders: Iterable[AuctionBidder]
) -> None:
    listed = list(bidders)
    try:
        await conn.execute(
            INSERT_BIDDERS, auction_id, [b.number for b in listed],
            [b.account_id for b in listed], [b.org_id for b in listed],
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise AuctionSpecInvalid(
            "a bidder number, account or organisation is registered twice"
        ) from None
    except (asyncpg.CheckViolationError, asyncpg.ForeignKeyViolationError):
        raise AuctionSpecInvalid("a bidder's number, account or organisation is invalid") from None


_BIDDER = "number, account_id, org_id, in_countdown, bids"


def _bidder(row: asyncpg.Record) -> BidderRow:
    return BidderRow(**dict(row))


SELECT_BIDDER_OF_ACCOUNT = f"""
SELECT {_BIDDER} FROM auction_bidders WHERE auction_id = $1 AND account_id = $2
"""  # noqa: S608 (a constant column list)


async def bidder_of_account(
    conn: asyncpg.Connection, auction_id: int, account_id: UUID
) -> BidderRow | None:
    """The number a user bids under in this auction, if any."""
    row = await conn.fetchrow(SELECT_BIDDER_OF_ACCOUNT, auction_id, account_id)
    return _bidder(row) if row else None


# The centre running the auction's listing and the city centre above it (migration 0142);
# an auction of no stored listing (the engine's own tests and benchmarks) is the
# platform's own centre's (home_centre(), migration 0083).
SELECT_CENTRES = """
    WITH c AS (
        SELECT COALESCE(
            (SELECT l.centre_id FROM listings l
             WHERE a.subject_kind = 'listing' AND l.serial = a.subject_id),
            home_centre()) AS id
        FROM auctions a WHERE a.id = $1
    )
    SELECT c.id, o.parent_id FROM c LEFT JOIN organisations o ON o.id = c.id
"""


async def centres(conn: asyncpg.Connection, auction_id: int) -> frozenset[UUID]:
    """The centres whose staff watch this auction (the outside tester's finding F6)."""
    row = await conn.fetchrow(SELECT_CENTRES, auction_id)
    if row is None:
        return frozenset()
    return frozenset(c for c in (row["id"], row["parent_id"]) if c is not None)


SELECT_NUMBERS = "SELECT number FROM auction_bidders WHERE auction_id = $1"


async def numbers(conn: asyncpg.Connection, auction_id: int) -> frozenset[str]:
    return frozenset(r["number"] for r in await conn.fetch(SELECT_NUMBERS, auction_id))


MARK_COUNTDOWN = """
UPDATE auction_bidders SET in_countdown = true WHERE auction_id = $1 AND number = ANY($2::text[])
"""
SET_PHASE = "UPDATE auctions SET phase = $2, ends_at = $3 WHERE id = $1"


async def start_countdown(
    conn: asyncpg.Connection,
    auction_id: int,
    numbers: frozenset[str],
    phase: Phase,
    ends_at: datetime,
) -> None:
    await conn.execute(MARK_COUNTDOWN, auction_id, sorted(numbers))
    await conn.execute(SET_PHASE, auction_id, str(phase), ends_at)


# Countdowns whose end has come by the auction's clock and that nobody has marked ended
# yet (migration 0121's partial index): the end job's work (docs/formats/auction.md §2).
SELECT_DUE = """
SELECT id FROM auctions WHERE phase = 'countdown' AND ends_at <= auction_clock()
ORDER BY ends_at, id LIMIT $1
"""
MARK_ENDED = "UPDATE auctions SET phase = 'ended' WHERE id = $1"


async def due_ends(conn: asyncpg.Connection, limit: int) -> list[int]:
    return [r["id"] for r in await conn.fetch(SELECT_DUE, limit)]


async def mark_ended(conn: asyncpg.Connection, auction_id: int) -> None:
    await conn.execute(MARK_ENDED, auction_id)


# The bid in one statement, sent in autocommit (migration 0125): the row lock, the clock,
# rules 4–12 and, if accepted, everything it writes — the lock is held for this one
# round trip and its commit (docs/performance.md, "The timed auction's last second").
PLACE_BID = """
SELECT refused, details::text AS details, n, phase, placed_at, ends_at, log_queued, event_seq
FROM auction_place_bid($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
"""


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Placed:
    """An accepted bid's terms decided under the lock, and the seq of its first event."""

    n: int
    phase: Phase
    placed_at: datetime
    ends_at: datetime
    log_queued: int
    event_seq: int


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Refused:
    """A refused bid: the rule's code and details (nothing was written)."""

    code: str
    details: dict[str, Any] | None


async def place_bid(
    conn: asyncpg.Connection, auction_id: int, account_id: UUID, request: BidRequest,
    signed: tuple[bytes, str], entry_template: str, client_msg_id: str | None,
    command_sha256: str | None,
) -> Placed | Refused:  # fmt: skip
    """Judge and, if accepted, record one bid in one statement (its own transaction
    unless the caller holds one)."""
    row = await conn.fetchrow(
        PLACE_BID, auction_id, account_id, request.number, request.seq, request.price_fen,
        request.standing_fen, signed[0], request.signature, signed[1], entry_template,
        client_msg_id, command_sha256,
    )  # fmt: skip
    assert row is not None  # a function with OUT parameters returns one row
    if row["refused"] is not None:
        details = json.loads(row["details"]) if row["details"] is not None else None
        return Refused(code=row["refused"], details=details)
    return Placed(
        n=row["n"], phase=Phase(row["phase"]), placed_at=row["placed_at"],
        ends_at=row["ends_at"], log_queued=row["log_queued"], event_seq=row["event_seq"],
    )  # fmt: skip


_BID = """
auction_id, n, number, bidder_seq, phase, price_fen, placed_at, ends_at, form, signature,
signer_cert_sha256, log_queued
"""
SELECT_BIDS = f"SELECT {_BID} FROM auction_bids WHERE auction_id = $1 ORDER BY n"  # noqa: S608
SELECT_BID = f"SELECT {_BID} FROM auction_bids WHERE auction_id = $1 AND n = $2"  # noqa: S608


def _bid(row: asyncpg.Record) -> Bid:
    return Bid(**{**dict(row), "phase": Phase(row["phase"])})


async def bids(conn: asyncpg.Connection, auction_id: int) -> list[Bid]:
    """Every bid of an auction in commit order."""
    return [_bid(r) for r in await conn.fetch(SELECT_BIDS, auction_id)]


async def bid(conn: asyncpg.Connection, auction_id: int, n: int) -> Bid | None:
    row = await conn.fetchrow(SELECT_BID, auction_id, n)
    return _bid(row) if row else None
