"""Award decisions for the notices' tests, inserted with real SQL into the 0071 table.

The award's own use case (tender/results) is another branch's; the notices start from
its rows, so these tests write the rows it writes: an award of a candidate, current; a
drop-out that clears it (Reg. 55); the next candidate's award, current.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from tests.tender.results.kit import Closed

INSERT = """
INSERT INTO award_decisions (tender_id, lot, step, kind, bid_id, bidder_id, rank, price_fen,
                             reason, decided_at, decided_by, current)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id
"""


async def award(
    conn: asyncpg.Connection, closed: Closed, rank: int, step: int, at: dt.datetime
) -> UUID:
    """The candidate of ``rank`` is awarded the lot (the current award)."""
    c = closed.candidates[rank - 1]
    found: UUID = await conn.fetchval(
        INSERT, closed.tender_id, closed.lot, step, "award", c.bid_id, c.bidder_id, rank,
        c.price_fen, f"第{rank}中标候选人（条例第五十五条）", at, closed.agency.user_id, True,
    )  # fmt: skip
    return found


async def drop_out(
    conn: asyncpg.Connection, closed: Closed, awarded: UUID, rank: int, step: int, at: dt.datetime
) -> None:
    """The awarded candidate gives up: its award is no longer current (Reg. 55)."""
    await conn.execute("UPDATE award_decisions SET current = false WHERE id = $1", awarded)
    c = closed.candidates[rank - 1]
    await conn.fetchval(
        INSERT, closed.tender_id, closed.lot, step, "drop_out", c.bid_id, c.bidder_id, rank,
        c.price_fen, "中标人放弃中标", at, closed.agency.user_id, False,
    )  # fmt: skip
