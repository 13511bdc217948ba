"""SQL of the lots' opening committees: rosters, their seats, approval and the freeze.

Rows leave as :class:`~tender.committee.model.Roster`; a roster the database refuses to
replace (frozen: a bid was sealed to it) leaves as ``committee_frozen``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from signing.statements.base import SignedStatement
from tender.committee.model import Roster, Seat
from tender.errors import CommitteeFrozen

DELETE_ROSTER = "DELETE FROM opening_committees WHERE lot_id = $1"
INSERT_ROSTER = """
INSERT INTO opening_committees (lot_id, tender_id, k, n, roster_sha256, appointed_by)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING appointed_at
"""
INSERT_SEAT = """
INSERT INTO opening_officials (lot_id, x, user_id, organisation_id, recipient, certificate,
    cert_sha256, statement_body, statement_signature)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""


async def replace_roster(
    conn: asyncpg.Connection,
    *,
    lot_id: UUID,
    tender_id: UUID,
    k: int,
    seats: Sequence[Seat],
    roster_sha256: str,
    appointed_by: UUID,
) -> datetime:
    """Store a lot's roster in place of any earlier one; a frozen one is refused."""
    try:
        await conn.execute(DELETE_ROSTER, lot_id)
        appointed_at: datetime = await conn.fetchval(
            INSERT_ROSTER, lot_id, tender_id, k, len(seats), roster_sha256, appointed_by
        )
        await conn.executemany(INSERT_SEAT, [_seat_args(lot_id, seat) for seat in seats])
    except asyncpg.CheckViolationError:
        raise CommitteeFrozen("the committee is frozen: a bid was sealed to it") from None
    return appointed_at


def _seat_args(lot_id: UUID, seat: Seat) -> tuple[Any, ...]:
    return (
        lot_id,
        seat.x,
        seat.user_id,
        seat.organisation_id,
        seat.recipient,
        seat.certificate.public_bytes(Encoding.DER),
        seat.cert_sha256,
        seat.statement.body,
        seat.statement.signature,
    )


SELECT_ROSTERS = """
SELECT l.number, c.tender_id, c.k, c.appointed_by, c.appointed_at, c.approved_by,
    c.approved_at, c.frozen_at,
    array_agg(o.x ORDER BY o.x) AS xs, array_agg(o.user_id ORDER BY o.x) AS users,
    array_agg(o.organisation_id ORDER BY o.x) AS orgs,
    array_agg(o.recipient ORDER BY o.x) AS recipients,
    array_agg(o.certificate ORDER BY o.x) AS certificates,
    array_agg(o.cert_sha256 ORDER BY o.x) AS cert_hashes,
    array_agg(o.statement_body ORDER BY o.x) AS bodies,
    array_agg(o.statement_signature ORDER BY o.x) AS signatures
FROM opening_committees c
JOIN tender_lots l ON l.id = c.lot_id
JOIN opening_officials o ON o.lot_id = c.lot_id
WHERE c.tender_id = $1
GROUP BY l.number, c.lot_id
"""


def _roster(row: asyncpg.Record) -> Roster:
    seats = tuple(
        Seat(
            x=x,
            user_id=user,
            organisation_id=org,
            recipient=recipient,
            certificate=x509.load_der_x509_certificate(der),
            cert_sha256=cert_hash,
            statement=SignedStatement(body=body, signature=signature),
        )
        for x, user, org, recipient, der, cert_hash, body, signature in zip(
            row["xs"],
            row["users"],
            row["orgs"],
            row["recipients"],
            row["certificates"],
            row["cert_hashes"],
            row["bodies"],
            row["signatures"],
            strict=True,
        )
    )
    return Roster(
        tender_id=row["tender_id"],
        lot=row["number"],
        k=row["k"],
        seats=seats,
        appointed_by=row["appointed_by"],
        appointed_at=row["appointed_at"],
        approved_by=row["approved_by"],
        approved_at=row["approved_at"],
        frozen_at=row["frozen_at"],
    )


async def rosters(conn: asyncpg.Connection, tender_id: UUID) -> dict[str, Roster]:
    """Every lot's roster of a tender, by lot number."""
    return {row["number"]: _roster(row) for row in await conn.fetch(SELECT_ROSTERS, tender_id)}


APPROVE_ROSTER = """
UPDATE opening_committees SET approved_by = $3, approved_at = $4
WHERE lot_id = $1 AND roster_sha256 = $2 AND approved_at IS NULL AND frozen_at IS NULL
"""


async def approve_roster(
    conn: asyncpg.Connection, lot_id: UUID, roster_sha256: str, by: UUID, at: datetime
) -> bool:
    """Approve exactly this roster; False if another roster stands there now."""
    return await conn.execute(APPROVE_ROSTER, lot_id, roster_sha256, by, at) == "UPDATE 1"


FREEZE_ROSTER = """
UPDATE opening_committees SET frozen_at = $2
WHERE lot_id = $1 AND approved_at IS NOT NULL AND frozen_at IS NULL
"""


async def freeze_roster(conn: asyncpg.Connection, lot_id: UUID, at: datetime) -> bool:
    """Freeze an approved roster; False if it already was frozen (or is not approved)."""
    return await conn.execute(FREEZE_ROSTER, lot_id, at) == "UPDATE 1"
