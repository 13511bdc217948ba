"""Every SQL statement of listings (tables of web/db/migrations/0105_listings.sql)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from listing.model import (
    DepositInput,
    DepositStatus,
    Listing,
    ListingInput,
    ListingKind,
    Outcome,
    Qualification,
    Registration,
    Side,
    Status,
)
from tender.bonds.model import BondKind

_LISTING = """
    id, serial, code, kind, title, seller_id, agency_id, published_at, starts_at, ends_at,
    start_price_fen, increment_fen, deposit_fen, countdown_seconds, has_reserve,
    committee_k, officials, committee, policies, status, auction_id, reserve_sha256,
    reserve_fen, outcome, winner_number, price_fen, decided_at, concluded_at, centre_id,
    (SELECT o.parent_id FROM organisations o WHERE o.id = listings.centre_id) AS centre_parent_id
"""
_BIDDER = """
    id, listing_id, organisation_id, user_id, number, qualification, reason, deposit,
    deposit_kind, deposit_fen, paid_at, paying_account, guarantee_no, refund_reference,
    wants_to_go_on, registered_at,
    (SELECT count(*) FROM listing_deposit_corrections c
     WHERE c.bidder_id = listing_bidders.id) AS deposit_version
"""

_INSERT_LISTING = f"""
    INSERT INTO listings (serial, code, kind, title, seller_id, agency_id, created_by, published_at,
        starts_at, ends_at, start_price_fen, increment_fen, deposit_fen, countdown_seconds,
        has_reserve, committee_k, officials, committee, policies)
    VALUES ($19, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
    RETURNING {_LISTING}
"""  # noqa: S608 (a constant column list)
_SELECT_LISTING = f"SELECT {_LISTING} FROM listings WHERE id = $1"  # noqa: S608 (constant)
_LOCK_LISTING = _SELECT_LISTING + " FOR UPDATE"
_PUBLIC_LISTINGS = f"""
    SELECT {_LISTING} FROM listings ORDER BY published_at DESC, id LIMIT $1
"""  # noqa: S608 (a constant column list)
_INSERT_BIDDER = f"""
    INSERT INTO listing_bidders (listing_id, organisation_id, user_id, registered_at)
    VALUES ($1, $2, $3, $4) ON CONFLICT (listing_id, organisation_id) DO NOTHING
    RETURNING {_BIDDER}
"""  # noqa: S608 (a constant column list)
_SELECT_BIDDERS = f"SELECT {_BIDDER} FROM listing_bidders WHERE listing_id = $1"  # noqa: S608


def _listing(row: asyncpg.Record) -> Listing:
    return Listing(
        id=row["id"], serial=row["serial"], code=row["code"], kind=ListingKind(row["kind"]),
        title=row["title"],
        seller_id=row["seller_id"], agency_id=row["agency_id"],
        published_at=row["published_at"], starts_at=row["starts_at"], ends_at=row["ends_at"],
        start_price_fen=row["start_price_fen"], increment_fen=row["increment_fen"],
        deposit_fen=row["deposit_fen"], countdown_seconds=row["countdown_seconds"],
        has_reserve=row["has_reserve"], committee_k=row["committee_k"],
        officials=tuple(row["officials"]), committee=bytes(row["committee"]),
        policies=json.loads(row["policies"]), status=Status(row["status"]),
        auction_id=row["auction_id"], reserve_sha256=row["reserve_sha256"],
        reserve_fen=row["reserve_fen"],
        outcome=None if row["outcome"] is None else Outcome(row["outcome"]),
        winner_number=row["winner_number"], price_fen=row["price_fen"],
        decided_at=row["decided_at"], concluded_at=row["concluded_at"],
        centres=frozenset(c for c in (row["centre_id"], row["centre_parent_id"]) if c is not None),
    )  # fmt: skip


def _bidder(row: asyncpg.Record) -> Registration:
    kind = row["deposit_kind"]
    return Registration(
        id=row["id"], listing_id=row["listing_id"], organisation_id=row["organisation_id"],
        user_id=row["user_id"], number=row["number"],
        qualification=Qualification(row["qualification"]), reason=row["reason"],
        deposit=DepositStatus(row["deposit"]),
        deposit_kind=None if kind is None else BondKind(kind), deposit_fen=row["deposit_fen"],
        paid_at=row["paid_at"], paying_account=row["paying_account"],
        guarantee_no=row["guarantee_no"], refund_reference=row["refund_reference"],
        wants_to_go_on=row["wants_to_go_on"], registered_at=row["registered_at"],
        deposit_version=row["deposit_version"],
    )  # fmt: skip


async def next_serial(conn: asyncpg.Connection) -> int:
    """The next listing serial (the code's last part)."""
    value: int = await conn.fetchval("SELECT nextval('listing_code_seq')")
    return value


async def insert_listing(
    conn: asyncpg.Connection, *, serial: int, code: str, data: ListingInput, agency_id: UUID,
    created_by: UUID, published_at: datetime, committee: bytes, policies: Mapping[str, Any],
) -> Listing:  # fmt: skip
    """Store a published listing."""
    row = await conn.fetchrow(
        _INSERT_LISTING,
        code , str(data.kind), data.title, data.seller_id, agency_id, created_by, published_at,
        data.starts_at, data.ends_at, data.start_price_fen, data.increment_fen,
        data.deposit_fen, data.countdown_seconds, data.has_reserve, data.committee_k,
        list(data.officials), committee, json.dumps(dict(policies)), serial,
    )  # fmt: skip
    assert row is not None
    return _listing(row)


async def listing(
    conn: asyncpg.Connection, listing_id: UUID, *, lock: bool = False
) -> Listing | None:
    """One listing (locked for the caller's transaction when ``lock``)."""
    row = await conn.fetchrow(_LOCK_LISTING if lock else _SELECT_LISTING, listing_id)
    return None if row is None else _listing(row)


async def public_listings(conn: asyncpg.Connection, limit: int = 200) -> list[Listing]:
    """Every listing, newest first (their notices are public from publication)."""
    rows = await conn.fetch(_PUBLIC_LISTINGS, limit)
    return [_listing(r) for r in rows]


async def listings_for_feed(conn: asyncpg.Connection) -> list[Listing]:
    """Every listing, oldest first (the OCDS feed: every one, not a page of the newest)."""
    rows = await conn.fetch(f"SELECT {_LISTING} FROM listings ORDER BY published_at, id")  # noqa: S608
    return [_listing(r) for r in rows]


async def reserve(conn: asyncpg.Connection, listing_id: UUID) -> bytes | None:
    """The sealed reserve's bytes."""
    value = await conn.fetchval("SELECT reserve FROM listings WHERE id = $1", listing_id)
    return None if value is None else bytes(value)


async def set_auction(conn: asyncpg.Connection, listing_id: UUID, auction_id: int) -> None:
    await conn.execute("UPDATE listings SET auction_id = $2 WHERE id = $1", listing_id, auction_id)


async def seal_reserve(
    conn: asyncpg.Connection, listing_id: UUID, data: bytes, sha256: str, at: datetime
) -> None:
    await conn.execute(
        """UPDATE listings SET reserve = $2, reserve_sha256 = $3, reserve_sealed_at = $4
           WHERE id = $1""",
        listing_id, data, sha256, at,
    )  # fmt: skip


async def set_status(conn: asyncpg.Connection, listing_id: UUID, status: Status) -> None:
    await conn.execute("UPDATE listings SET status = $2 WHERE id = $1", listing_id, str(status))


async def set_decision(
    conn: asyncpg.Connection, listing_id: UUID, *, status: Status, outcome: Outcome,
    number: str | None, price_fen: int | None, reserve_fen: int | None, at: datetime,
) -> None:  # fmt: skip
    await conn.execute(
        """UPDATE listings SET status = $2, outcome = $3, winner_number = $4, price_fen = $5,
               reserve_fen = $6, decided_at = $7,
               concluded_at = CASE WHEN $2::text = 'concluded' THEN $7::timestamptz END
           WHERE id = $1""",
        listing_id, str(status), str(outcome), number, price_fen, reserve_fen, at,
    )  # fmt: skip


async def conclude(conn: asyncpg.Connection, listing_id: UUID, at: datetime) -> None:
    await conn.execute(
        "UPDATE listings SET status = 'concluded', concluded_at = $2 WHERE id = $1",
        listing_id, at,
    )  # fmt: skip


async def insert_bidder(
    conn: asyncpg.Connection, listing_id: UUID, organisation_id: UUID, user_id: UUID,
    at: datetime,
) -> Registration | None:  # fmt: skip
    """A new registration; None if the organisation registered already."""
    row = await conn.fetchrow(
        _INSERT_BIDDER, listing_id, organisation_id, user_id, at,
    )  # fmt: skip
    return None if row is None else _bidder(row)


async def bidder(
    conn: asyncpg.Connection, listing_id: UUID, bidder_id: UUID
) -> Registration | None:
    row = await conn.fetchrow(
        _SELECT_BIDDERS + " AND id = $2", listing_id, bidder_id,
    )  # fmt: skip
    return None if row is None else _bidder(row)


async def bidder_of(
    conn: asyncpg.Connection, listing_id: UUID, organisation_id: UUID
) -> Registration | None:
    row = await conn.fetchrow(
        _SELECT_BIDDERS + " AND organisation_id = $2", listing_id, organisation_id,
    )  # fmt: skip
    return None if row is None else _bidder(row)


async def bidders(conn: asyncpg.Connection, listing_id: UUID) -> list[Registration]:
    rows = await conn.fetch(
        _SELECT_BIDDERS + " ORDER BY registered_at, id", listing_id,
    )  # fmt: skip
    return [_bidder(r) for r in rows]


async def set_deposit(conn: asyncpg.Connection, bidder_id: UUID, deposit: DepositInput) -> None:
    await conn.execute(
        """UPDATE listing_bidders SET deposit = 'held', deposit_kind = $2, deposit_fen = $3,
               paid_at = $4, paying_account = $5, guarantee_no = $6
           WHERE id = $1""",
        bidder_id, str(deposit.kind), deposit.amount_fen, deposit.paid_at,
        deposit.paying_account, deposit.guarantee_no,
    )  # fmt: skip


async def insert_deposit_correction(
    conn: asyncpg.Connection, found: Registration, *, corrected_by: UUID, at: datetime,
    reason: str,
) -> None:  # fmt: skip
    """Keep the record a correction replaces (migration 0128)."""
    await conn.execute(
        """INSERT INTO listing_deposit_corrections
               (bidder_id, corrected_by, corrected_at, reason, deposit_kind, deposit_fen,
                paid_at, paying_account, guarantee_no)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        found.id, corrected_by, at, reason,
        None if found.deposit_kind is None else str(found.deposit_kind), found.deposit_fen,
        found.paid_at, found.paying_account, found.guarantee_no,
    )  # fmt: skip


async def set_qualification(
    conn: asyncpg.Connection, bidder_id: UUID, verdict: Qualification, number: str | None,
    reason: str | None,
) -> bool:  # fmt: skip
    """False when the number is taken already (the caller draws again)."""
    try:
        async with conn.transaction():
            await conn.execute(
                """UPDATE listing_bidders SET qualification = $2, number = $3, reason = $4
                   WHERE id = $1""",
                bidder_id, str(verdict), number, reason,
            )  # fmt: skip
    except asyncpg.UniqueViolationError:
        return False
    return True


async def set_go_on(conn: asyncpg.Connection, bidder_id: UUID) -> None:
    await conn.execute("UPDATE listing_bidders SET wants_to_go_on = true WHERE id = $1", bidder_id)


async def set_deposits(conn: asyncpg.Connection, listing_id: UUID, *, winner: str | None) -> None:
    """At the decision: the winner's deposit applied to the price, every other held one due."""
    await conn.execute(
        """UPDATE listing_bidders
           SET deposit = CASE WHEN number IS NOT DISTINCT FROM $2 AND $2 IS NOT NULL
                              THEN 'applied' ELSE 'refund_due' END
           WHERE listing_id = $1 AND deposit = 'held'""",
        listing_id, winner,
    )  # fmt: skip


async def set_refunded(conn: asyncpg.Connection, bidder_id: UUID, reference: str) -> None:
    await conn.execute(
        "UPDATE listing_bidders SET deposit = 'refunded', refund_reference = $2 WHERE id = $1",
        bidder_id, reference,
    )  # fmt: skip


async def insert_share(
    conn: asyncpg.Connection, listing_id: UUID, x: int, user_id: UUID, share: bytes, at: datetime
) -> bool:
    """False when official x released already."""
    status: str = await conn.execute(
        """INSERT INTO listing_reserve_shares (listing_id, x, user_id, share, released_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING""",
        listing_id, x, user_id, share, at,
    )  # fmt: skip
    return status.endswith(" 1")


async def shares(conn: asyncpg.Connection, listing_id: UUID) -> list[tuple[int, bytes]]:
    rows = await conn.fetch(
        "SELECT x, share FROM listing_reserve_shares WHERE listing_id = $1 ORDER BY x",
        listing_id,
    )  # fmt: skip
    return [(r["x"], bytes(r["share"])) for r in rows]


async def insert_confirmation(
    conn: asyncpg.Connection, listing_id: UUID, side: Side, user_id: UUID, statement: bytes,
    signature: bytes, cert_sha256: str, at: datetime,
) -> bool:  # fmt: skip
    """False when that side signed already."""
    status: str = await conn.execute(
        """INSERT INTO listing_confirmations
               (listing_id, side, user_id, statement, signature, cert_sha256, signed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
        listing_id, str(side), user_id, statement, signature, cert_sha256, at,
    )  # fmt: skip
    return status.endswith(" 1")


async def confirmations(conn: asyncpg.Connection, listing_id: UUID) -> dict[Side, str]:
    """Each side that signed, with its certificate's SHA-256."""
    rows = await conn.fetch(
        "SELECT side, cert_sha256 FROM listing_confirmations WHERE listing_id = $1", listing_id
    )
    return {Side(r["side"]): r["cert_sha256"] for r in rows}
