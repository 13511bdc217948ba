"""Appending the expert pool's entries to the transparency log, in the caller's transaction.

DESIGN.md, "Architecture": a change and its log entry commit together or not at all.
Who was drawn enters as salted commitments until the award (`commit_member`), and so
does who *acted* when the actor is a drawn expert (`append(..., member_salt=…)`): the
entry's actor is ``{"user_id": null, "role": "expert"}``, its address ``null``, and
``data.actor`` is the salted commitment to the user id (docs/audit-log.md §1.3).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from accounts.model import Actor
from audit import service as audit
from expert_pool import queries
from expert_pool.events import PoolEvent
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject, commit

PLATFORM = audit.PLATFORM


def log_actor(actor: Actor | None, role: object) -> LogActor:
    """The log's actor: the user and the role it acted in (None: the platform itself)."""
    if actor is None:
        return PLATFORM
    return LogActor(user_id=str(actor.user_id), role=str(role) if role else "user")


def _address(actor: Actor | None) -> str | None:
    if actor is None or not actor.address:
        return None
    try:
        return str(ipaddress.ip_address(actor.address))
    except ValueError:
        return None


async def append(
    conn: asyncpg.Connection,
    kind: PoolEvent,
    *,
    actor: Actor | None,
    role: object,
    subject: tuple[str, str],
    data: Mapping[str, Any],
    commitments: Sequence[str] = (),
    member_salt: bytes | None = None,
) -> tuple[LogEntry, int]:
    """Build and append one entry; returns it and its index (leaf hash = commit hash).

    ``member_salt``: the actor is a drawn expert and the committee is sealed — the
    entry names the actor only by ``commit(user_id, member_salt)`` (``hidden_actor``).
    """
    log_as, address = log_actor(actor, role), _address(actor)
    if member_salt is not None and actor is not None:
        log_as, address, hidden = hidden_actor(str(actor.user_id), member_salt)
        data = {**data, **hidden}
        commitments = (*commitments, *hidden)
    entry = LogEntry(
        kind=str(kind),
        time=await queries.database_now(conn),
        actor=log_as,
        address=address,
        subject=Subject(type=subject[0], id=subject[1]),
        data=data,
        commitments=tuple(commitments),
    )
    return entry, await audit.append(conn, entry)


EXPERT_ACTOR = LogActor(user_id=None, role="expert")


def hidden_actor(user_id: str, salt: bytes) -> tuple[LogActor, None, dict[str, str]]:
    """A drawn expert as an entry's actor while the committee is sealed (issue 9, item 3).

    Returns the actor ``{"user_id": null, "role": "expert"}``, no address, and the data
    member ``{"actor": commit(user_id, salt)}`` — the member's own salt, which the
    result reveals with the list, so the actor can be opened then and not before.
    """
    return EXPERT_ACTOR, None, {"actor": commit(user_id, salt)}


def commit_member(expert_id: str, salt: bytes) -> str:
    """The salted commitment that stands for a drawn expert in the log until the award."""
    return commit(expert_id, salt)
