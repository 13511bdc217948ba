"""All SQL of supervision/alerts (table ``supervision_alerts``, migration 0077)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from supervision.alerts.model import Alert, AlertFilter, AlertState, Step

# The centres whose staff read and act on an alert: its tender's hosting centre and the
# city centre above it (migration 0083); the platform's own centre for an alert of no
# tender (a draw's, an expert's).
_CENTRES = """coalesce(
    (SELECT array_remove(ARRAY[t.centre_id, o.parent_id], NULL) FROM tenders t
     JOIN organisations o ON o.id = t.centre_id WHERE t.id = supervision_alerts.tender_id),
    ARRAY[home_centre()])"""
_COLUMNS = (
    """
id, rule, subject, tender_id, draw_id, department_id, agency_id, parties::text,
evidence::text, raised_at, state, acknowledged_by, acknowledged_at, acknowledge_note,
escalated_by, escalated_at, escalation_note, resolved_by, resolved_at, resolution,
"""
    + _CENTRES
    + " AS centres"
)


def _step(row: asyncpg.Record, state: AlertState, prefix: str, note: str) -> Step | None:
    at = row[f"{prefix}_at"]
    if at is None:
        return None
    return Step(state=state, by=row[f"{prefix}_by"], at=at, note=row[note])


def _alert(row: asyncpg.Record) -> Alert:
    return Alert(
        id=row["id"],
        rule=row["rule"],
        subject=row["subject"],
        tender_id=row["tender_id"],
        draw_id=row["draw_id"],
        department_id=row["department_id"],
        agency_id=row["agency_id"],
        parties=tuple(UUID(p) for p in json.loads(row["parties"])),
        evidence=json.loads(row["evidence"]),
        raised_at=row["raised_at"],
        state=AlertState(row["state"]),
        acknowledged=_step(row, AlertState.ACKNOWLEDGED, "acknowledged", "acknowledge_note"),
        escalated=_step(row, AlertState.ESCALATED, "escalated", "escalation_note"),
        resolved=_step(row, AlertState.RESOLVED, "resolved", "resolution"),
        centres=frozenset(row["centres"]),
    )


INSERT_ALERT = """
INSERT INTO supervision_alerts
    (rule, subject, tender_id, draw_id, department_id, agency_id, parties, evidence, raised_at)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)
ON CONFLICT (rule, tender_id, draw_id, subject) DO NOTHING
RETURNING id
"""


async def insert(
    conn: asyncpg.Connection,
    *,
    rule: str,
    subject: str,
    tender_id: UUID | None,
    draw_id: str | None,
    department_id: UUID | None,
    agency_id: UUID | None,
    parties: Sequence[UUID],
    evidence: dict[str, Any],
    now: datetime,
) -> UUID | None:
    """Insert once per (rule, tender, draw, subject); the new id, or None if raised before."""
    found: UUID | None = await conn.fetchval(
        INSERT_ALERT,
        rule,
        subject,
        tender_id,
        draw_id,
        department_id,
        agency_id,
        json.dumps([str(p) for p in parties]),
        json.dumps(evidence),
        now,
    )
    return found


SELECT_ALERT = f"SELECT {_COLUMNS} FROM supervision_alerts WHERE id = $1"  # noqa: S608
SELECT_ALERT_LOCKED = SELECT_ALERT + " FOR UPDATE"


async def alert(conn: asyncpg.Connection, alert_id: UUID, *, lock: bool = False) -> Alert | None:
    row = await conn.fetchrow(SELECT_ALERT_LOCKED if lock else SELECT_ALERT, alert_id)
    return None if row is None else _alert(row)


# $1 NULL: every department (centre staff); else these departments' and the centre's.
SELECT_ALERTS = f"""
SELECT {_COLUMNS} FROM supervision_alerts
WHERE ($1::uuid[] IS NULL OR department_id = ANY($1::uuid[]) OR department_id IS NULL)
  AND ($2::text IS NULL OR state = $2)
  AND ($3::text IS NULL OR rule = $3)
  AND ($4::uuid IS NULL OR tender_id = $4)
  AND ($6::uuid[] IS NULL OR {_CENTRES} && $6::uuid[])
ORDER BY raised_at DESC, id
LIMIT $5
"""  # noqa: S608 (a constant column list)


async def alerts(
    conn: asyncpg.Connection,
    departments: Sequence[UUID] | None,
    which: AlertFilter,
    limit: int = 200,
    *,
    centres: Sequence[UUID] | None = None,
) -> list[Alert]:
    """The newest alerts matching ``which`` within ``departments`` (None: all) and, for
    centre staff, of the ``centres`` they work for (None: any)."""
    rows = await conn.fetch(
        SELECT_ALERTS,
        None if departments is None else list(departments),
        None if which.state is None else str(which.state),
        which.rule,
        which.tender_id,
        limit,
        None if centres is None else list(centres),
    )
    return [_alert(row) for row in rows]


SELECT_TENDER_ALERTS = f"""
SELECT {_COLUMNS} FROM supervision_alerts WHERE tender_id = $1 ORDER BY raised_at, id
"""  # noqa: S608


async def tender_alerts(conn: asyncpg.Connection, tender_id: UUID) -> list[Alert]:
    """A tender's alerts, oldest first."""
    return [_alert(row) for row in await conn.fetch(SELECT_TENDER_ALERTS, tender_id)]


# Supervisors: their departments' draws' alerts and every alert of no department; an
# agency: the alerts that name it.
SELECT_POOL_ALERTS = f"""
SELECT {_COLUMNS} FROM supervision_alerts
WHERE rule = ANY($1::text[]) AND tender_id IS NULL
  AND (department_id = ANY($2::uuid[])
       OR (department_id IS NULL AND cardinality($2::uuid[]) > 0)
       OR agency_id = ANY($3::uuid[]))
ORDER BY raised_at DESC, id
LIMIT $4
"""  # noqa: S608


async def pool_alerts(
    conn: asyncpg.Connection,
    rules: Sequence[str],
    departments: Sequence[UUID],
    agencies: Sequence[UUID],
    limit: int,
) -> list[Alert]:
    """The expert pool's alerts addressed to these departments or agencies, newest first."""
    rows = await conn.fetch(
        SELECT_POOL_ALERTS, list(rules), list(departments), list(agencies), limit
    )
    return [_alert(row) for row in rows]


ACKNOWLEDGE = """
UPDATE supervision_alerts
SET state = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3, acknowledge_note = $4
WHERE id = $1 AND state = 'open'
"""
ESCALATE = """
UPDATE supervision_alerts
SET state = 'escalated', escalated_by = $2, escalated_at = $3, escalation_note = $4
WHERE id = $1 AND state IN ('open', 'acknowledged')
"""
RESOLVE = """
UPDATE supervision_alerts
SET state = 'resolved', resolved_by = $2, resolved_at = $3, resolution = $4
WHERE id = $1 AND state IN ('open', 'acknowledged', 'escalated')
"""
STEP_SQL = {
    AlertState.ACKNOWLEDGED: ACKNOWLEDGE,
    AlertState.ESCALATED: ESCALATE,
    AlertState.RESOLVED: RESOLVE,
}


async def record_step(
    conn: asyncpg.Connection,
    alert_id: UUID,
    state: AlertState,
    by: UUID,
    at: datetime,
    note: str | None,
) -> bool:
    """Move the alert to ``state``; False if its state no longer allows it."""
    result: str = await conn.execute(STEP_SQL[state], alert_id, by, at, note)
    return result.endswith(" 1")
