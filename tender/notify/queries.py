"""SQL of the tender's notification triggers: who is reminded, who hears a result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

# Reg. 21 names the parties that took the documents as the ones a tender speaks to;
# the reminder goes to every active user who downloaded them, while bids are open.
DUE_REMINDERS = """
SELECT t.id, coalesce(t.code, '') AS code, t.title, t.deadline, d.user_id
FROM tenders t
JOIN (SELECT DISTINCT tender_id, user_id FROM tender_downloads) d ON d.tender_id = t.id
JOIN users u ON u.id = d.user_id AND u.status = 'active'
WHERE t.status = 'published' AND t.deadline > $1 AND t.deadline <= $1 + $2::interval
ORDER BY t.deadline, t.id, d.user_id
"""


@dataclass(frozen=True, kw_only=True, slots=True)
class Reminder:
    """One bidder's user to remind of one tender's deadline."""

    tender_id: UUID
    code: str
    title: str
    deadline: datetime
    user_id: UUID


async def due_reminders(conn: asyncpg.Connection, now: datetime, lead: timedelta) -> list[Reminder]:
    """Users to remind of a deadline that falls within `lead` of `now`."""
    rows = await conn.fetch(DUE_REMINDERS, now, lead)
    return [
        Reminder(
            tender_id=r["id"],
            code=r["code"],
            title=r["title"],
            deadline=r["deadline"],
            user_id=r["user_id"],
        )
        for r in rows
    ]


# The standing notices issued in the last `window` (older ones were handled then):
# each reaches the bidder's users who signed a version of the bid or took the documents.
ISSUED_RESULTS = """
SELECT a.id, a.kind, a.lot, a.tender_id, coalesce(t.code, '') AS code, p.user_id
FROM award_notices a
JOIN tenders t ON t.id = a.tender_id
JOIN LATERAL (
    SELECT v.submitted_by AS user_id FROM bid_versions v WHERE v.bid_id = a.bid_id
    UNION
    SELECT d.user_id FROM tender_downloads d
    WHERE d.tender_id = a.tender_id AND d.organisation_id = a.organisation_id
) p ON true
JOIN users u ON u.id = p.user_id AND u.status = 'active'
WHERE a.superseded_at IS NULL AND a.issued_at > $1::timestamptz - $2::interval
ORDER BY a.issued_at, a.id, p.user_id
"""


@dataclass(frozen=True, kw_only=True, slots=True)
class Result:
    """One user of a bidder to tell that its award or result notice is issued."""

    notice_id: UUID
    award: bool
    lot: str
    tender_id: UUID
    code: str
    user_id: UUID


async def issued_results(
    conn: asyncpg.Connection, now: datetime, window: timedelta
) -> list[Result]:
    """Users whose organisation's notice was issued within `window` before `now`."""
    rows = await conn.fetch(ISSUED_RESULTS, now, window)
    return [
        Result(
            notice_id=r["id"],
            award=r["kind"] == "award",
            lot=r["lot"],
            tender_id=r["tender_id"],
            code=r["code"],
            user_id=r["user_id"],
        )
        for r in rows
    ]
