"""SQL of bid bonds (保证金) and monitoring alerts."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from tender.bonds.model import Bond, BondKind, BondStatus
from tender.errors import BondDuplicate

_BOND_COLUMNS = """
    b.id, b.tender_id, l.number AS lot, b.bidder_id, b.kind, b.amount_fen, b.paid_at,
    b.paying_account, b.guarantee_no, b.issuer, b.status, b.recorded_at, b.refund_due,
    b.refunded_at, b.refund_reference, b.refund_interest_fen, b.refund_clock_from
"""


def _bond(row: asyncpg.Record) -> Bond:
    values = dict(row)
    values["kind"] = BondKind(values["kind"])
    values["status"] = BondStatus(values["status"])
    return Bond(**values)


INSERT_BOND = """
INSERT INTO tender_bonds (tender_id, lot_id, bidder_id, kind, amount_fen, paid_at,
    paying_account, guarantee_no, issuer, recorded_by, bidder_salt)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING id
"""


async def insert_bond(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    lot_id: UUID,
    bidder_id: UUID,
    kind: BondKind,
    amount_fen: int,
    paid_at: datetime,
    paying_account: str | None,
    guarantee_no: str | None,
    issuer: str | None,
    recorded_by: UUID,
    salt: bytes,
) -> UUID:
    """Record a bond; a second bond of one bidder for one lot (or a reused letter) is refused."""
    try:
        bond_id: UUID = await conn.fetchval(
            INSERT_BOND,
            tender_id,
            lot_id,
            bidder_id,
            str(kind),
            amount_fen,
            paid_at,
            paying_account,
            guarantee_no,
            issuer,
            recorded_by,
            salt,
        )
    except asyncpg.UniqueViolationError:
        raise BondDuplicate(
            "this bidder's bond for this lot, or this letter, is recorded"
        ) from None
    return bond_id


SELECT_BONDS = f"""
SELECT {_BOND_COLUMNS}
FROM tender_bonds b JOIN tender_lots l ON l.id = b.lot_id
WHERE b.tender_id = $1 AND ($2::uuid IS NULL OR b.bidder_id = $2)
  AND ($3::uuid IS NULL OR b.id = $3) AND ($4::uuid IS NULL OR b.lot_id = $4)
ORDER BY l.number::int, b.recorded_at, b.id
"""  # noqa: S608 (a constant column list)


async def bonds(
    conn: asyncpg.Connection,
    tender_id: UUID,
    *,
    bidder_id: UUID | None = None,
    bond_id: UUID | None = None,
    lot_id: UUID | None = None,
) -> list[Bond]:
    """A tender's bonds, optionally one bidder's, one bond, or one lot's."""
    rows = await conn.fetch(SELECT_BONDS, tender_id, bidder_id, bond_id, lot_id)
    return [_bond(row) for row in rows]


SAME_ACCOUNT = f"""
SELECT {_BOND_COLUMNS}
FROM tender_bonds b JOIN tender_lots l ON l.id = b.lot_id
WHERE b.tender_id = $1 AND b.paying_account = $2 AND b.bidder_id <> $3
ORDER BY b.recorded_at, b.id
"""  # noqa: S608 (a constant column list)


async def same_account(
    conn: asyncpg.Connection, tender_id: UUID, account: str, bidder_id: UUID
) -> list[Bond]:
    """Other bidders' bonds in this tender paid from the same account (Reg. 40)."""
    return [_bond(row) for row in await conn.fetch(SAME_ACCOUNT, tender_id, account, bidder_id)]


REFUND_BOND = """
UPDATE tender_bonds SET status = 'refunded', refunded_at = $3, refunded_by = $4,
    refund_reference = $5, refund_interest_fen = $6
WHERE tender_id = $1 AND id = $2 AND status = 'held'
"""


async def refund(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    bond_id: UUID,
    at: datetime,
    by: UUID,
    reference: str,
    interest_fen: int,
) -> bool:
    """Mark a held bond refunded with its interest; False if it is not held (or not this
    tender's)."""
    done = await conn.execute(REFUND_BOND, tender_id, bond_id, at, by, reference, interest_fen)
    return bool(done == "UPDATE 1")


# Reg. 57: a lot with a current award (0071) refunds after its contract, not the result.
SET_REFUND_DUE_UNAWARDED = """
UPDATE tender_bonds b SET refund_due = $2, refund_clock_from = $3
FROM tender_lots l
WHERE l.id = b.lot_id AND b.tender_id = $1 AND b.status = 'held' AND b.refund_due IS NULL
  AND NOT EXISTS (SELECT FROM award_decisions a
                  WHERE a.tender_id = b.tender_id AND a.lot = l.number AND a.current)
"""


async def set_refund_due(
    conn: asyncpg.Connection, tender_id: UUID, due: datetime, clock_from: datetime
) -> int:
    """At the result: the refund due of every held bond of a lot without a winner; how many."""
    result: str = await conn.execute(SET_REFUND_DUE_UNAWARDED, tender_id, due, clock_from)
    return int(result.rsplit(" ", 1)[-1])


SET_LOT_REFUND_DUE = """
UPDATE tender_bonds SET refund_due = $3, refund_clock_from = $4
WHERE tender_id = $1 AND lot_id = $2 AND status = 'held'
"""


async def set_lot_refund_due(
    conn: asyncpg.Connection, tender_id: UUID, lot_id: UUID, due: datetime, clock_from: datetime
) -> int:
    """At a lot's contract: the refund due of every held bond of the lot; how many."""
    result: str = await conn.execute(SET_LOT_REFUND_DUE, tender_id, lot_id, due, clock_from)
    return int(result.rsplit(" ", 1)[-1])


OVERDUE_REFUNDS = f"""
SELECT {_BOND_COLUMNS}
FROM tender_bonds b JOIN tender_lots l ON l.id = b.lot_id
WHERE b.status = 'held' AND b.refund_due < clock_timestamp()
ORDER BY b.refund_due, b.id
LIMIT $1
"""  # noqa: S608 (a constant column list)


async def overdue_refunds(conn: asyncpg.Connection, limit: int = 500) -> list[Bond]:
    """Bonds not refunded by their due date, by the database clock (Reg. 57)."""
    return [_bond(row) for row in await conn.fetch(OVERDUE_REFUNDS, limit)]


SELECT_BOND_SALTS = """
SELECT id, bidder_id, bidder_salt FROM tender_bonds WHERE tender_id = $1 ORDER BY id
"""


async def bond_salts(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """(id, bidder_id, bidder_salt) of every bond, to reveal the commitments."""
    return list(await conn.fetch(SELECT_BOND_SALTS, tender_id))
