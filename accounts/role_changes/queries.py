"""All SQL of proposed administrator role changes (0050_role_changes.sql)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from accounts.errors import RoleChangePending
from accounts.model import Role
from accounts.role_changes.model import RoleChange, RoleChangeKind, RoleChangeStatus


def _role_change(row: asyncpg.Record) -> RoleChange:
    return RoleChange(
        id=row["id"],
        change=RoleChangeKind(row["change"]),
        user_id=row["user_id"],
        role=Role(row["role"]),
        status=RoleChangeStatus(row["status"]),
        proposed_by=row["proposed_by"],
        proposed_at=row["proposed_at"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
    )


INSERT_ROLE_CHANGE = """
INSERT INTO role_changes (change, user_id, role, proposed_by)
VALUES ($1, $2, $3, $4)
RETURNING id, change, user_id, role, status, proposed_by, proposed_at, decided_by, decided_at
"""


async def insert_role_change(
    conn: asyncpg.Connection,
    *,
    change: RoleChangeKind,
    user_id: UUID,
    role: Role,
    proposed_by: UUID,
) -> RoleChange:
    """Record a proposal; the same one still pending is ``role_change_pending_exists``."""
    try:
        row = await conn.fetchrow(INSERT_ROLE_CHANGE, change, user_id, role, proposed_by)
    except asyncpg.UniqueViolationError:
        raise RoleChangePending(
            f"a proposal to {change} {role} for this user is already waiting for approval"
        ) from None
    assert row is not None
    return _role_change(row)


LOCK_ROLE_CHANGE = """
SELECT id, change, user_id, role, status, proposed_by, proposed_at, decided_by, decided_at
FROM role_changes WHERE id = $1 FOR UPDATE
"""


async def lock_role_change(conn: asyncpg.Connection, change_id: UUID) -> RoleChange | None:
    """The proposal, row-locked until the transaction ends (one decision wins)."""
    row = await conn.fetchrow(LOCK_ROLE_CHANGE, change_id)
    return None if row is None else _role_change(row)


DECIDE_ROLE_CHANGE = """
UPDATE role_changes SET status = $2, decided_by = $3, decided_at = clock_timestamp()
WHERE id = $1 AND status = 'pending'
RETURNING id, change, user_id, role, status, proposed_by, proposed_at, decided_by, decided_at
"""


async def decide_role_change(
    conn: asyncpg.Connection, change_id: UUID, status: RoleChangeStatus, decided_by: UUID
) -> RoleChange:
    """Approve or reject a pending proposal (locked by the caller)."""
    row = await conn.fetchrow(DECIDE_ROLE_CHANGE, change_id, status, decided_by)
    assert row is not None, "decide_role_change needs the pending row locked first"
    return _role_change(row)


LIST_ROLE_CHANGES = """
SELECT id, change, user_id, role, status, proposed_by, proposed_at, decided_by, decided_at
FROM role_changes
WHERE $1::text IS NULL OR status = $1
ORDER BY proposed_at DESC, id
LIMIT $2
"""


async def list_role_changes(
    conn: asyncpg.Connection, status: RoleChangeStatus | None, limit: int
) -> list[RoleChange]:
    """The newest proposals first, optionally of one status."""
    rows = await conn.fetch(LIST_ROLE_CHANGES, status, limit)
    return [_role_change(row) for row in rows]
