"""SQL shared by every part of the pool: the database clock, the policy override, alerts.

Each statement is a named constant beside the function that runs it; rows leave as
domain objects. The experts' SQL is in `expert_pool.experts.queries`, the venues' in
`expert_pool.venues.queries`, the draw's in `expert_pool.draws.queries` (its entropy and
rounds in `expert_pool.rounds.queries`), attendance and assessment in
`expert_pool.records.queries`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from expert_pool.model import Alert, AlertKind

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


# --- alerts ---------------------------------------------------------------------------

INSERT_ALERT = """
INSERT INTO expert_pool_alerts (draw_id, expert_id, kind, for_agency, for_supervisors, data)
VALUES ($1, $2, $3, $4, $5, $6::jsonb)
"""


async def insert_alert(
    conn: asyncpg.Connection,
    kind: AlertKind,
    *,
    draw_id: str | None,
    expert_id: str | None = None,
    for_agency: bool,
    data: dict[str, Any],
) -> None:
    """Raise an alert; supervisors always see it, the agency when `for_agency`."""
    await conn.execute(
        INSERT_ALERT, draw_id, expert_id, str(kind), for_agency, True, json.dumps(data)
    )


# Supervisors: alerts of their departments' draws and every alert about an expert.
# An agency: alerts of its own draws marked for it (never an expert's identity).
SELECT_ALERTS = """
SELECT a.id, a.kind, a.draw_id, a.expert_id, a.for_agency, a.for_supervisors, a.data,
       a.created_at,
       a.for_supervisors AND (d.department_id = ANY($1::uuid[])
                              OR (a.draw_id IS NULL AND cardinality($1::uuid[]) > 0))
           AS supervised
FROM expert_pool_alerts a LEFT JOIN draws d ON d.id = a.draw_id
WHERE (a.for_supervisors AND (d.department_id = ANY($1::uuid[])
                              OR (a.draw_id IS NULL AND cardinality($1::uuid[]) > 0)))
   OR (a.for_agency AND d.agency_id = ANY($2::uuid[]))
ORDER BY a.created_at DESC, a.id
LIMIT $3
"""


async def alerts(
    conn: asyncpg.Connection,
    *,
    departments: Sequence[UUID],
    agencies: Sequence[UUID],
    limit: int = 100,
) -> list[Alert]:
    """The newest alerts addressed to these departments' supervisors or agencies."""
    rows = await conn.fetch(SELECT_ALERTS, list(departments), list(agencies), limit)
    return [
        Alert(
            id=r["id"],
            kind=AlertKind(r["kind"]),
            draw_id=r["draw_id"],
            # An agency never learns who was drawn (the sealed list).
            expert_id=r["expert_id"] if r["supervised"] else None,
            for_agency=r["for_agency"],
            for_supervisors=r["for_supervisors"],
            data=json.loads(r["data"]),
            created_at=r["created_at"],
        )
        for r in rows
    ]
