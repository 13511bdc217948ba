"""Appending supervision's entries to the transparency log, in the caller's transaction.

DESIGN.md, "Architecture": a change and its log entry commit together or not at all.
The entry's time is the database clock (DESIGN.md, "Time"), like every other entry.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

import asyncpg

from accounts.model import Actor
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from tender.queries import database_now

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
    kind: str,
    *,
    actor: Actor | None,
    role: object,
    subject: tuple[str, str],
    data: Mapping[str, Any],
) -> int:
    """Build and append one entry; returns its index."""
    entry = LogEntry(
        kind=kind,
        time=await database_now(conn),
        actor=log_actor(actor, role),
        address=_address(actor),
        subject=Subject(type=subject[0], id=subject[1]),
        data=data,
        commitments=(),
    )
    return await audit.append(conn, entry)
