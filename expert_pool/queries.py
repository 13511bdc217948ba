"""SQL shared by every part of the pool: the database clock, the policy override, alerts.

Each statement is a named constant beside the function that runs it; rows leave as
domain objects. The experts' SQL is in `expert_pool.experts.queries`, the venues' in
`expert_pool.venues.queries`, the draw's in `expert_pool.draws.queries` (its entropy and
rounds in `expert_pool.rounds.queries`), attendance and assessment in
`expert_pool.records.queries`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

DATABASE_NOW = "SELECT clock_timestamp()"


async def database_now(conn: asyncpg.Connection) -> datetime:
    """The database clock, which decides every deadline (DESIGN.md, "Time")."""
    now: datetime = await conn.fetchval(DATABASE_NOW)
    return now


# --- policy ---------------------------------------------------------------------------

SELECT_POLICY = "SELECT policy FROM expert_pool_policy"
UPDATE_POLICY = """
UPDATE expert_pool_policy SET policy = $1::jsonb, updated_at = clock_timestamp()
"""


async def policy_override(conn: asyncpg.Connection) -> dict[str, Any]:
    """The stored policy override document."""
    raw = await conn.fetchval(SELECT_POLICY)
    doc: dict[str, Any] = json.loads(raw) if raw else {}
    return doc


async def set_policy_override(conn: asyncpg.Connection, doc: dict[str, Any]) -> None:
    """Replace the stored policy override document."""
    await conn.execute(UPDATE_POLICY, json.dumps(doc))


# --- alerts (stored by supervision: expert_pool/alerting.py) ---------------------------

SELECT_DRAW_ADDRESSEES = "SELECT department_id, agency_id FROM draws WHERE id = $1"


async def draw_addressees(conn: asyncpg.Connection, draw_id: str) -> tuple[UUID, UUID] | None:
    """(department, agency) of a draw: who an alert about it is for."""
    row = await conn.fetchrow(SELECT_DRAW_ADDRESSEES, draw_id)
    return None if row is None else (row["department_id"], row["agency_id"])
