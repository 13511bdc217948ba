"""The session's entries in the transparency log, in the command's own transaction.

DESIGN.md, "Transparency log": every transition is an entry, appended in the
transaction that makes the change. Its subject is ``{"type": "evaluation", "id":
"<session id>"}``. Until the result opens the list, a member acting is named by its
seat and the salted commitment of expert_pool.journal.hidden_actor (no user id, no
address: docs/audit-log.md §1.3); centre staff and supervisors act under their names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from audit import service as audit
from evaluation.events import EvaluationEvent
from evaluation.model import MemberKind
from expert_pool.journal import hidden_actor
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject, commit
from tender.lifecycle import log_address
from tender.queries import database_now

SUBJECT_TYPE = "evaluation"
# A representative is the tenderer's own staff, not a drawn expert: the same hiding,
# under its own role, with a salt drawn when it was seated.
REPRESENTATIVE_ACTOR = LogActor(user_id=None, role="representative")


def staff_actor(actor: Actor, *, supervisor: bool = False) -> LogActor:
    """A named actor: a supervisor of the department, else centre staff (or a user)."""
    role: str
    if supervisor:
        role = Role.SUPERVISOR
    elif actor.has_role(Role.CENTRE_STAFF):
        role = Role.CENTRE_STAFF
    else:
        role = min(actor.roles, default="user")
    return LogActor(user_id=str(actor.user_id), role=str(role))


def member_actor(user_id: UUID, kind: MemberKind, salt: bytes) -> tuple[LogActor, dict[str, str]]:
    """A member as the entry's actor while the list is sealed, and the data it adds."""
    if kind is MemberKind.EXPERT:
        actor, _, hidden = hidden_actor(str(user_id), salt)
        return actor, hidden
    return REPRESENTATIVE_ACTOR, {"actor": commit(str(user_id), salt)}


async def append_entry(
    conn: asyncpg.Connection,
    kind: EvaluationEvent,
    session_id: UUID,
    *,
    actor: LogActor,
    data: Mapping[str, Any],
    address: str | None = None,
    commitments: Sequence[str] = (),
) -> int:
    """Append one entry about the session (time: the database clock); its log index."""
    entry = LogEntry(
        kind=str(kind),
        time=await database_now(conn),
        actor=actor,
        address=log_address(address),
        subject=Subject(type=SUBJECT_TYPE, id=str(session_id)),
        data=dict(data),
        commitments=tuple(commitments),
    )
    return await audit.append(conn, entry)
