"""Appending the expert pool's entries to the transparency log, in the caller's transaction.

DESIGN.md, "Architecture": a change and its log entry commit together or not at all.
Who was drawn enters as salted commitments until the award (`commit_member`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from accounts.model import Actor
from audit import service as audit
from audit.entry import Actor as LogActor
from audit.entry import LogEntry, Subject, commit
from expert_pool import queries
from expert_pool.events import PoolEvent

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
) -> tuple[LogEntry, int]:
    """Build and append one entry; returns it and its index (leaf hash = commit hash)."""
    entry = LogEntry(
        kind=str(kind),
        time=await queries.database_now(conn),
        actor=log_actor(actor, role),
        address=_address(actor),
        subject=Subject(type=subject[0], id=subject[1]),
        data=data,
        commitments=tuple(commitments),
    )
    return entry, await audit.append(conn, entry)


def commit_member(expert_id: str, salt: bytes) -> str:
    """The salted commitment that stands for a drawn expert in the log until the award."""
    return commit(expert_id, salt)
