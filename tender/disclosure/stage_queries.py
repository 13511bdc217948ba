"""SQL of the public home page's stages list: the newest public tender at each stage.

A stage is read from the tender's status and its bid deadline as of ``now`` (only a
published notice: ``published_at`` set and not after ``now``), and a later stage only
once its public fact is out at ``now`` (the candidates' publicity, an award decision:
the disclosure's rule, queries.py). "Opening today" is a deadline on ``now``'s calendar
day in Beijing time (DOMAIN.md: the platform's day is Asia/Shanghai's), whether the
opening has begun or not — or a deadline within the next two hours (a demo loaded just
before midnight), or one passed whose opening has not ended (yesterday's unopened lot is
still waiting for its opening, not gone from the list at midnight).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

STAGE_TENDERS = """
SELECT DISTINCT ON (stage) stage, id, code, title, deadline, published_at
FROM (
    SELECT id, code, title, deadline, published_at, CASE
        WHEN status IN ('published', 'suspended', 'bidding_closed', 'opening')
             AND ((deadline AT TIME ZONE 'Asia/Shanghai')::date
                  = ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
                  OR deadline <= $1::timestamptz + interval '2 hours')
            THEN 'opening_today'
        WHEN status IN ('published', 'suspended') AND deadline > $1 THEN 'open_for_bids'
        WHEN status = 'evaluation' THEN 'evaluation'
        WHEN status = 'candidates_publicised' AND EXISTS (
                SELECT 1 FROM candidate_publicities p
                WHERE p.tender_id = tenders.id AND p.published_at <= $1)
            THEN 'candidates'
        WHEN status IN ('awarded', 'contract', 'performance') AND EXISTS (
                SELECT 1 FROM award_decisions d
                WHERE d.tender_id = tenders.id AND d.kind = 'award' AND d.decided_at <= $1)
            THEN 'awarded'
    END AS stage
    FROM tenders
    WHERE status <> 'draft' AND published_at <= $1
) staged
WHERE stage IS NOT NULL
ORDER BY stage, published_at DESC, id
"""


async def stage_tenders(conn: asyncpg.Connection, now: datetime) -> list[asyncpg.Record]:
    """One row per stage that has a tender: its newest (stage, id, code, title, deadline)."""
    return list(await conn.fetch(STAGE_TENDERS, now))
