"""All SQL of procurement projects, their suppliers and awards (0115)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from procurement.model import Award, Group, Method, Plan, Project

PROJECT = """
SELECT p.tender_id, p.method, p.group_members, p.group_experts, p.reason, p.policies,
       p.checked_at, p.publicity_ends_at, p.created_at, p.suppliers_revealed_at,
       coalesce((SELECT array_agg(s.supplier_id ORDER BY s.position)
                 FROM procurement_suppliers s WHERE s.tender_id = p.tender_id), '{}') AS suppliers
FROM procurement_projects p WHERE p.tender_id = $1
"""


def _project(row: asyncpg.Record) -> Project:
    members = row["group_members"]
    group = None if members is None else Group(members=members, experts=row["group_experts"])
    plan = Plan(
        method=Method(row["method"]),
        suppliers=tuple(row["suppliers"]),
        group=group,
        reason=row["reason"],
    )
    policies = row["policies"]
    return Project(
        tender_id=row["tender_id"],
        plan=plan,
        policies=None if policies is None else json.loads(policies),
        checked_at=row["checked_at"],
        publicity_ends_at=row["publicity_ends_at"],
        created_at=row["created_at"],
        revealed_at=row["suppliers_revealed_at"],
    )


async def project(conn: asyncpg.Connection, tender_id: UUID) -> Project | None:
    """The project of a tender, if it has one (public tendering has none)."""
    row = await conn.fetchrow(PROJECT, tender_id)
    return None if row is None else _project(row)


INSERT_PROJECT = """
INSERT INTO procurement_projects (tender_id, method, group_members, group_experts, reason)
VALUES ($1, $2, $3, $4, $5)
"""
UPDATE_PROJECT = """
UPDATE procurement_projects SET group_members = $2, group_experts = $3, reason = $4
WHERE tender_id = $1
"""
DELETE_SUPPLIERS = "DELETE FROM procurement_suppliers WHERE tender_id = $1"
INSERT_SUPPLIERS = """
INSERT INTO procurement_suppliers (tender_id, supplier_id, position)
SELECT $1, s, n FROM unnest($2::uuid[]) WITH ORDINALITY AS t (s, n)
"""


async def insert_project(conn: asyncpg.Connection, tender_id: UUID, plan: Plan) -> None:
    """Store a new project's plan (in the caller's transaction)."""
    group = plan.group
    await conn.execute(
        INSERT_PROJECT, tender_id, str(plan.method),
        group and group.members, group and group.experts, plan.reason,
    )  # fmt: skip
    await conn.execute(INSERT_SUPPLIERS, tender_id, list(plan.suppliers))


async def replace_plan(conn: asyncpg.Connection, tender_id: UUID, plan: Plan) -> None:
    """Replace a draft project's group, reason and suppliers (the method stays)."""
    group = plan.group
    await conn.execute(
        UPDATE_PROJECT, tender_id, group and group.members, group and group.experts, plan.reason
    )
    await conn.execute(DELETE_SUPPLIERS, tender_id)
    await conn.execute(INSERT_SUPPLIERS, tender_id, list(plan.suppliers))


MARK_CHECKED = """
UPDATE procurement_projects SET checked_at = $2, policies = $3::jsonb, publicity_ends_at = $4
WHERE tender_id = $1
"""


async def mark_checked(
    conn: asyncpg.Connection,
    tender_id: UUID,
    *,
    at: datetime,
    policies: Mapping[str, Any],
    publicity_ends_at: datetime | None,
) -> None:
    """The method's checks passed at ``at``: the snapshot and the publicity's end."""
    await conn.execute(MARK_CHECKED, tender_id, at, json.dumps(policies), publicity_ends_at)


AWARD = "SELECT supplier_id, price_fen, awarded_at FROM procurement_awards WHERE tender_id = $1"


async def award(conn: asyncpg.Connection, tender_id: UUID) -> Award | None:
    """The method's award, if made."""
    row = await conn.fetchrow(AWARD, tender_id)
    return None if row is None else Award(**dict(row))


INSERT_AWARD = """
INSERT INTO procurement_awards (tender_id, supplier_id, price_fen, awarded_by, awarded_at)
VALUES ($1, $2, $3, $4, $5)
"""


async def insert_award(
    conn: asyncpg.Connection, tender_id: UUID, award: Award, *, by: UUID
) -> None:
    """Record the award (the primary key refuses a second one)."""
    await conn.execute(
        INSERT_AWARD, tender_id, award.supplier_id, award.price_fen, by, award.awarded_at
    )


# The suppliers' salts of the log's commitments (0131; procurement/invitees.py).
MARK_REVEALED = """
UPDATE procurement_projects SET suppliers_revealed_at = $2
WHERE tender_id = $1 AND suppliers_revealed_at IS NULL
RETURNING tender_id
"""


async def mark_revealed(conn: asyncpg.Connection, tender_id: UUID, at: datetime) -> bool:
    """Record the reveal of the suppliers at ``at``; False if it was made already."""
    return await conn.fetchval(MARK_REVEALED, tender_id, at) is not None


INSERT_SALTS = """
INSERT INTO procurement_supplier_salts (tender_id, supplier_id, salt)
SELECT $1, s, salt FROM unnest($2::uuid[], $3::bytea[]) AS t (s, salt)
ON CONFLICT (tender_id, supplier_id) DO NOTHING
"""
SALTS = """
SELECT supplier_id, salt FROM procurement_supplier_salts WHERE tender_id = $1
ORDER BY supplier_id
"""


async def add_salts(conn: asyncpg.Connection, tender_id: UUID, salts: Mapping[UUID, bytes]) -> None:
    """Draw the salts of suppliers named for the first time (a salt never changes: one
    already drawn stays)."""
    await conn.execute(INSERT_SALTS, tender_id, list(salts), list(salts.values()))


async def salts(conn: asyncpg.Connection, tender_id: UUID) -> dict[UUID, bytes]:
    """Every salt drawn for the project's suppliers, by supplier."""
    return {row["supplier_id"]: row["salt"] for row in await conn.fetch(SALTS, tender_id)}


METHODS = "SELECT tender_id, method FROM procurement_projects WHERE tender_id = ANY($1::uuid[])"


async def methods(conn: asyncpg.Connection, tender_ids: list[UUID]) -> dict[UUID, Method]:
    """The method of each of these tenders that is a project (the others: tendering)."""
    rows = await conn.fetch(METHODS, tender_ids)
    return {row["tender_id"]: Method(row["method"]) for row in rows}
