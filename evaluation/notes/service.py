"""Reading supervisors' notes: the supervisors of the tender's department and centre
staff, nobody else — not the members, who never see or sign them (issue 11, item 10)."""

from __future__ import annotations

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from evaluation.model import SessionState
from evaluation.notes import queries
from evaluation.notes.model import Note


def may_read_notes(actor: Actor, state: SessionState) -> bool:
    """Centre staff, or a supervisor of the tender's department."""
    return actor.has_role(Role.CENTRE_STAFF) or state.department_id in actor.acting_for(
        Role.SUPERVISOR
    )


async def list_notes(conn: asyncpg.Connection, actor: Actor, state: SessionState) -> list[Note]:
    """A session's notes, oldest first; ``permission_denied`` for anyone else."""
    if not may_read_notes(actor, state):
        raise PermissionDenied(
            "supervisors' notes are read by the department's supervisors and centre staff",
            details={"action": "read_supervision_notes", "resource": "evaluation"},
        )
    return await queries.of_session(conn, state.id)
