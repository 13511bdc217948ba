"""How tests read the platform's alerts, whichever table holds them.

Supervision owns every alert (issue 14, ``supervision_alerts``, migration 0077); tests
of other packages read them only through :func:`alerts_of`, so moving the storage
changes this file alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg


async def alerts_of(conn: asyncpg.Connection, tender_id: UUID) -> list[tuple[str, str]]:
    """A tender's alerts as (kind, subject), oldest first."""
    rows = await conn.fetch(
        "SELECT rule, subject FROM supervision_alerts WHERE tender_id = $1"
        " ORDER BY raised_at, rule",
        tender_id,
    )
    return [(row["rule"], row["subject"]) for row in rows]


async def rules_raised(conn: asyncpg.Connection, rule: str) -> int:
    """How many alerts of ``rule`` exist, whatever they are about."""
    found: int = await conn.fetchval(
        "SELECT count(*) FROM supervision_alerts WHERE rule = $1", rule
    )
    return found


async def pool_alerts_of(conn: asyncpg.Connection) -> list[tuple[str, bool]]:
    """The expert pool's alerts as (kind, whether the draw's agency reads it)."""
    rows = await conn.fetch(
        "SELECT rule, agency_id IS NOT NULL AS for_agency FROM supervision_alerts"
        " WHERE tender_id IS NULL ORDER BY raised_at, id"
    )
    return [(row["rule"], row["for_agency"]) for row in rows]


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertRow:
    """One alert as a test reads it: its kind (the rule), subject and evidence."""

    kind: str
    subject: str
    data: dict[str, Any]


async def alert_details(conn: asyncpg.Connection, tender_id: UUID) -> list[AlertRow]:
    """A tender's alerts with their evidence, oldest first."""
    rows = await conn.fetch(
        "SELECT rule, subject, evidence::text FROM supervision_alerts WHERE tender_id = $1"
        " ORDER BY raised_at, rule",
        tender_id,
    )
    return [
        AlertRow(kind=r["rule"], subject=r["subject"], data=json.loads(r["evidence"])) for r in rows
    ]
