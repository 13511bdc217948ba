"""SQL of the no-show rule: sessions past their start with members not signed in."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

import asyncpg

# Before the start command (scheduled, sign_in), open: seated holders with no sign-in.
# No lock: the alert is unique per (tender, kind, session), so two processes running
# the job raise it once, and no command waits on the job.
SESSIONS_MISSING_SIGN_INS = """
SELECT s.id, s.tender_id, s.starts_at,
  ARRAY(SELECT m.seat FROM evaluation_members m
        WHERE m.session_id = s.id AND m.status = 'seated' AND m.signed_in_at IS NULL
        ORDER BY m.seat) AS seats
FROM evaluation_sessions s
WHERE s.phase IN ('scheduled', 'sign_in') AND s.sealed_at IS NULL AND s.closed_at IS NULL
  AND s.starts_at <= $1
  AND EXISTS (SELECT 1 FROM evaluation_members m
              WHERE m.session_id = s.id AND m.status = 'seated' AND m.signed_in_at IS NULL)
ORDER BY s.starts_at, s.id
"""


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class MissingSignIns:
    """A session past its start and the seats whose holders have not signed in."""

    session_id: UUID
    tender_id: UUID
    starts_at: datetime
    seats: tuple[int, ...]


async def missing_sign_ins(conn: asyncpg.Connection, now: datetime) -> list[MissingSignIns]:
    """Sessions started by ``now`` (not yet under way) with seats not signed in."""
    rows = await conn.fetch(SESSIONS_MISSING_SIGN_INS, now)
    return [_missing(r) for r in rows]


def _missing(row: asyncpg.Record) -> MissingSignIns:
    return MissingSignIns(
        session_id=row["id"],
        tender_id=row["tender_id"],
        starts_at=row["starts_at"],
        seats=tuple(row["seats"]),
    )
