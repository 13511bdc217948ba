"""All SQL of venue fault reports (0069, ``evaluation_faults``: insert-only)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.sessions.model import Fault

INSERT = """
INSERT INTO evaluation_faults
    (id, session_id, venue_id, venue_salt, text, text_sha256, reported_by, reported_at,
     log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""


async def insert(conn: asyncpg.Connection, fault: Fault, venue_salt: bytes, log_index: int) -> None:
    """Store a fault report with the salt its log entry's venue commitment used."""
    f = fault
    await conn.execute(
        INSERT, f.id, f.session_id, f.venue_id, venue_salt, f.text, f.text_sha256,
        f.reported_by, f.reported_at, log_index,
    )  # fmt: skip


# The reporter's name is staff's to see (the staff snapshot): centre staff act by name.
SELECT_SESSION = """
SELECT f.id, f.session_id, f.venue_id, f.text, f.text_sha256, f.reported_by,
       u.display_name AS reporter_name, f.reported_at
FROM evaluation_faults f JOIN users u ON u.id = f.reported_by
WHERE f.session_id = $1 ORDER BY f.reported_at, f.id
"""


async def of_session(conn: asyncpg.Connection, session_id: UUID) -> list[Fault]:
    """A session's fault reports with their reporters' names, oldest first."""
    return [Fault(**dict(r)) for r in await conn.fetch(SELECT_SESSION, session_id)]
