"""All SQL of the venues' records handover (0060, ``evaluation_venue_handovers``)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from evaluation.venues.model import Handover

COLUMNS = """
session_id, venue_id, tender_id, closed_at, working_days, venue_salt, records_sha256, note,
recorded_by, handed_over_at, alerted_at
"""


def _handover(row: asyncpg.Record) -> Handover:
    return Handover(**{**dict(row), "venue_salt": bytes(row["venue_salt"])})


OPEN = """
INSERT INTO evaluation_venue_handovers
    (session_id, venue_id, tender_id, closed_at, working_days, venue_salt)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (session_id, venue_id) DO NOTHING
"""


async def open_handover(conn: asyncpg.Connection, expected: Handover) -> None:
    """Expect a venue's handover (once per session and venue)."""
    e = expected
    await conn.execute(
        OPEN, e.session_id, e.venue_id, e.tender_id, e.closed_at, e.working_days, e.venue_salt
    )


SELECT_ONE = f"""
SELECT {COLUMNS} FROM evaluation_venue_handovers WHERE session_id = $1 AND venue_id = $2
FOR UPDATE
"""  # noqa: S608 (a constant column list)


async def locked(conn: asyncpg.Connection, session_id: UUID, venue_id: str) -> Handover | None:
    """One venue's handover row under its lock (to the end of the caller's transaction)."""
    row = await conn.fetchrow(SELECT_ONE, session_id, venue_id)
    return None if row is None else _handover(row)


SELECT_SESSION = f"""
SELECT {COLUMNS} FROM evaluation_venue_handovers WHERE session_id = $1 ORDER BY venue_id
"""  # noqa: S608 (a constant column list)


async def of_session(conn: asyncpg.Connection, session_id: UUID) -> list[Handover]:
    """Every expected handover of a session, by venue id."""
    return [_handover(r) for r in await conn.fetch(SELECT_SESSION, session_id)]


RECORD = """
UPDATE evaluation_venue_handovers SET records_sha256 = $3, note = $4, recorded_by = $5,
    handed_over_at = $6, log_index = $7
WHERE session_id = $1 AND venue_id = $2 AND handed_over_at IS NULL
"""


async def record(
    conn: asyncpg.Connection,
    found: Handover,
    *,
    records_sha256: str,
    note: str | None,
    recorded_by: UUID,
    at: datetime,
    log_index: int,
) -> None:
    """Complete a handover (the caller holds its row lock)."""
    await conn.execute(
        RECORD, found.session_id, found.venue_id, records_sha256, note, recorded_by, at,
        log_index,
    )  # fmt: skip


PENDING = f"""
SELECT {COLUMNS} FROM evaluation_venue_handovers
WHERE handed_over_at IS NULL AND alerted_at IS NULL
ORDER BY closed_at, session_id, venue_id LIMIT $1
FOR UPDATE SKIP LOCKED
"""  # noqa: S608 (a constant column list)


async def pending(conn: asyncpg.Connection, limit: int = 200) -> list[Handover]:
    """Handovers neither done nor alerted, oldest close first, locked (others skip them)."""
    return [_handover(r) for r in await conn.fetch(PENDING, limit)]


MARK_ALERTED = """
UPDATE evaluation_venue_handovers SET alerted_at = $3 WHERE session_id = $1 AND venue_id = $2
"""


async def mark_alerted(conn: asyncpg.Connection, found: Handover, at: datetime) -> None:
    """Remember that the overdue alert was raised."""
    await conn.execute(MARK_ALERTED, found.session_id, found.venue_id, at)
