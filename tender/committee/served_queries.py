"""SQL of the lots an opening official serves: its seats on opening committees.

One row per seat (lot), with the tender it belongs to, the committee's state and how
many shares the official has released for that lot's bids (0035_opening.sql).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from tender.committee.served import ServedLot

SELECT_SERVED_LOTS = """
SELECT t.id AS tender_id, t.code, t.title, t.status, t.deadline,
    l.number AS lot, l.title AS lot_title, o.x, c.k, c.n, c.approved_at, c.frozen_at,
    (SELECT count(*) FROM opening_releases r JOIN bids b ON b.id = r.bid_id
     WHERE b.lot_id = o.lot_id AND r.official_id = o.user_id) AS released
FROM opening_officials o
JOIN opening_committees c ON c.lot_id = o.lot_id
JOIN tender_lots l ON l.id = o.lot_id
JOIN tenders t ON t.id = c.tender_id
WHERE o.user_id = $1
ORDER BY t.deadline DESC NULLS LAST, t.id, l.number::int
LIMIT $2
"""


async def served_lots(conn: asyncpg.Connection, user_id: UUID, limit: int) -> list[ServedLot]:
    """The lots whose opening committee seats ``user_id``, latest deadline first."""
    rows = await conn.fetch(SELECT_SERVED_LOTS, user_id, limit)
    return [
        ServedLot(
            tender_id=row["tender_id"],
            code=row["code"],
            title=row["title"],
            status=row["status"],
            deadline=row["deadline"],
            lot=row["lot"],
            lot_title=row["lot_title"],
            x=row["x"],
            k=row["k"],
            n=row["n"],
            approved=row["approved_at"] is not None,
            frozen=row["frozen_at"] is not None,
            released=row["released"],
        )
        for row in rows
    ]
