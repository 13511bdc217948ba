"""SQL of tender suspensions (0074 ``tender_suspensions``)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from tender.contracts.errors import SuspensionConflict
from tender.suspensions.model import Suspension

_COLUMNS = "id, tender_id, starts_at, ends_at, reason, source, recorded_at"

INSERT_SUSPENSION = f"""
INSERT INTO tender_suspensions (tender_id, starts_at, reason, source, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING {_COLUMNS}
"""  # noqa: S608 (a constant column list)


async def insert_suspension(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    starts_at: datetime,
    reason: str,
    source: str,
    by: UUID,
    at: datetime,
) -> Suspension:
    """Record a running suspension; a second running one is refused."""
    try:
        row = await conn.fetchrow(INSERT_SUSPENSION, tender_id, starts_at, reason, source, by, at)
    except asyncpg.UniqueViolationError:
        raise SuspensionConflict("a suspension of this tender is running already") from None
    assert row is not None  # RETURNING of an INSERT
    return Suspension(**dict(row))


END_SUSPENSION = f"""
UPDATE tender_suspensions SET ends_at = $3, ended_by = $4
WHERE tender_id = $1 AND id = $2 AND ends_at IS NULL AND starts_at < $3
RETURNING {_COLUMNS}
"""  # noqa: S608 (a constant column list)


async def end_suspension(
    conn: asyncpg.Connection, *, tender_id: UUID, suspension_id: UUID, at: datetime, by: UUID
) -> Suspension | None:
    """End a running suspension at ``at``; None if it is not running (or not this tender's)."""
    row = await conn.fetchrow(END_SUSPENSION, tender_id, suspension_id, at, by)
    return None if row is None else Suspension(**dict(row))


SELECT_SUSPENSIONS = f"""
SELECT {_COLUMNS} FROM tender_suspensions WHERE tender_id = $1 ORDER BY starts_at, id
"""  # noqa: S608 (a constant column list)


async def suspensions(conn: asyncpg.Connection, tender_id: UUID) -> list[Suspension]:
    """A tender's suspensions, oldest first."""
    return [Suspension(**dict(row)) for row in await conn.fetch(SELECT_SUSPENSIONS, tender_id)]
