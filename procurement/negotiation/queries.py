"""All SQL of competitive negotiation's rounds, quotations and exclusions (0115)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from procurement.negotiation.errors import QuotationDuplicate
from procurement.negotiation.model import Quotation, Round

ROUNDS = """
SELECT number, final, opened_at, closed_at FROM negotiation_rounds
WHERE tender_id = $1 ORDER BY number
"""


async def rounds(conn: asyncpg.Connection, tender_id: UUID) -> list[Round]:
    """The project's rounds, first to last."""
    return [Round(**dict(row)) for row in await conn.fetch(ROUNDS, tender_id)]


INSERT_ROUND = """
INSERT INTO negotiation_rounds (tender_id, number, final, opened_at) VALUES ($1, $2, $3, $4)
"""


async def insert_round(
    conn: asyncpg.Connection, tender_id: UUID, number: int, *, final: bool, at: datetime
) -> None:
    """Open round ``number`` (the partial unique indexes refuse a second open or final)."""
    await conn.execute(INSERT_ROUND, tender_id, number, final, at)


CLOSE_ROUND = """
UPDATE negotiation_rounds SET closed_at = $3 WHERE tender_id = $1 AND number = $2
"""


async def close_round(conn: asyncpg.Connection, tender_id: UUID, number: int, at: datetime) -> None:
    """Close round ``number``."""
    await conn.execute(CLOSE_ROUND, tender_id, number, at)


QUOTATIONS = """
SELECT round, supplier_id, price_fen, salt, submitted_at FROM negotiation_quotations
WHERE tender_id = $1 AND ($2::smallint IS NULL OR round = $2)
  AND ($3::uuid IS NULL OR supplier_id = $3)
ORDER BY round, submitted_at, supplier_id
"""


async def quotations(
    conn: asyncpg.Connection,
    tender_id: UUID,
    *,
    round: int | None = None,
    supplier_id: UUID | None = None,
) -> list[Quotation]:
    """Quotations of the project, of one round and/or one supplier, in commit order."""
    rows = await conn.fetch(QUOTATIONS, tender_id, round, supplier_id)
    return [Quotation(**dict(row)) for row in rows]


INSERT_QUOTATION = """
INSERT INTO negotiation_quotations
    (tender_id, round, supplier_id, price_fen, salt, submitted_by, submitted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


async def insert_quotation(
    conn: asyncpg.Connection, tender_id: UUID, quotation: Quotation, *, by: UUID
) -> None:
    """Store a quotation; a second one of the supplier in the round is refused."""
    q = quotation
    try:
        await conn.execute(
            INSERT_QUOTATION, tender_id, q.round, q.supplier_id, q.price_fen, q.salt, by,
            q.submitted_at,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise QuotationDuplicate("the supplier has quoted in this round already") from None


EXCLUDED = "SELECT supplier_id FROM negotiation_exclusions WHERE tender_id = $1"


async def excluded(conn: asyncpg.Connection, tender_id: UUID) -> frozenset[UUID]:
    """The suppliers the group found not compliant."""
    return frozenset(row["supplier_id"] for row in await conn.fetch(EXCLUDED, tender_id))


INSERT_EXCLUSION = """
INSERT INTO negotiation_exclusions (tender_id, supplier_id, reason, excluded_at)
VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
"""


async def insert_exclusion(
    conn: asyncpg.Connection, tender_id: UUID, supplier_id: UUID, reason: str, at: datetime
) -> bool:
    """Record a finding of non-compliance; False if the supplier was excluded already."""
    status: str = await conn.execute(INSERT_EXCLUSION, tender_id, supplier_id, reason, at)
    return status.endswith(" 1")
