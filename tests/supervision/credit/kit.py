"""Credit test kit: a blacklisted party through the real use cases, and the log read back.

A black entry rests on a violation resting on a finding, as the rules say; the kit goes
through ``record_violation`` and ``enter_list`` (real SQL), never inserting rows itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor
from audit import service as audit
from signing.log.entry import LogEntry
from supervision.credit import service as credit
from supervision.credit.model import ListEntry
from tender.queries import database_now

BASIS = "串通投标，经行政监督部门查实（宣建罚〔2026〕12号）"


async def blacklist(
    conn: asyncpg.Connection,
    supervisor: Actor,
    organisation_id: UUID,
    *,
    days: int = 365,
    starts_in: dt.timedelta = dt.timedelta(0),
) -> ListEntry:
    """Record a collusion violation (finding: an inspection) and a black entry on it."""
    now = await database_now(conn)
    violation = await credit.record_violation(
        conn, supervisor, organisation_id=organisation_id, kind="collusion",
        description="与其他投标人串通投标", finding_source="inspection",
        finding_ref="检查〔2026〕7号", found_at=now - dt.timedelta(days=3), now=now,
    )  # fmt: skip
    starts = now + starts_in - dt.timedelta(minutes=1)
    return await credit.enter_list(
        conn, supervisor, list_kind="black", violation_id=violation.id, basis=BASIS,
        basis_ref="宣建罚〔2026〕12号", starts_at=starts,
        ends_at=starts + dt.timedelta(days=days), now=now,
    )  # fmt: skip


async def logged(conn: asyncpg.Connection, kind: str) -> list[dict[str, Any]]:
    """The log entries of one kind, oldest first, as their JSON objects (the queued
    ones integrated first: the registry and the credit lists queue, audit-log.md §2.2)."""
    await audit.integrate(conn)
    rows = await conn.fetch("SELECT entry FROM log_entries WHERE kind = $1 ORDER BY idx", kind)
    return [LogEntry.from_bytes(bytes(r["entry"])).to_json() for r in rows]
