"""All SQL of single source's objections (0115)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from procurement.single_source.model import Objection, Outcome

OBJECTIONS = """
SELECT id, tender_id, objector_id, text, filed_at, outcome, answer, answered_at
FROM single_source_objections WHERE tender_id = $1 ORDER BY filed_at, id
"""


def _objection(row: asyncpg.Record) -> Objection:
    values = dict(row)
    outcome = values.pop("outcome")
    return Objection(**values, outcome=None if outcome is None else Outcome(outcome))


async def objections(conn: asyncpg.Connection, tender_id: UUID) -> list[Objection]:
    """The project's objections, in the order filed."""
    return [_objection(row) for row in await conn.fetch(OBJECTIONS, tender_id)]


INSERT_OBJECTION = """
INSERT INTO single_source_objections (tender_id, objector_id, filed_by, text, filed_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, tender_id, objector_id, text, filed_at, outcome, answer, answered_at
"""


async def insert_objection(
    conn: asyncpg.Connection,
    tender_id: UUID,
    *,
    objector_id: UUID,
    by: UUID,
    text: str,
    at: datetime,
) -> Objection:
    """Store an objection."""
    row = await conn.fetchrow(INSERT_OBJECTION, tender_id, objector_id, by, text, at)
    assert row is not None
    return _objection(row)


ANSWER = """
UPDATE single_source_objections SET outcome = $3, answer = $4, answered_at = $5
WHERE tender_id = $1 AND id = $2 AND outcome IS NULL
RETURNING id, tender_id, objector_id, text, filed_at, outcome, answer, answered_at
"""


async def answer(
    conn: asyncpg.Connection,
    tender_id: UUID,
    objection_id: UUID,
    *,
    outcome: Outcome,
    text: str,
    at: datetime,
) -> Objection | None:
    """Answer an objection not yet answered (None: unknown or answered already)."""
    row = await conn.fetchrow(ANSWER, tender_id, objection_id, str(outcome), text, at)
    return None if row is None else _objection(row)
