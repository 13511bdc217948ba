"""Writing log entries to the transparency log, in the caller's transaction.

Each use case of accounts owns its transaction, and each state change queues its log
entry in that same transaction (DESIGN.md, "Architecture"; the sequencer gives it its
index, docs/audit-log.md §2.2); other packages calling ``append`` still append. This
module names who acted — a user in the role the permission was granted for, or the
console — and writes the entry with the database clock's time and the client's
canonical address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor, ConsoleOperator, hidden_role
from accounts.permissions import Action, Resource, require
from accounts.queries import database_now
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject

Principal = Actor | ConsoleOperator

CONSOLE = LogActor(user_id=None, role="console")


def log_address(address: str | None) -> str | None:
    """The address as the log wants it: a canonical IP address, or nothing."""
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def authorise(by: Principal, action: Action, resource: Resource) -> LogActor:
    """Check the permission (the console is trusted) and name the actor for the log."""
    if isinstance(by, ConsoleOperator):
        return CONSOLE
    role = require(by, action, resource)
    return LogActor(user_id=str(by.user_id), role=str(role) if role else "user")


def optional_id(value: UUID | None) -> str | None:
    """An id as the log's data keeps it: its text, or null."""
    return None if value is None else str(value)


async def append(
    conn: asyncpg.Connection,
    kind: str,
    *,
    actor: LogActor,
    by: Principal,
    subject: Subject,
    data: Mapping[str, Any],
) -> int:
    """Append a log entry of ``kind`` by ``actor`` (from ``by``'s address) about ``subject``;
    its index (the head's row lock is held until the caller commits)."""
    return await audit.append(conn, await _entry(conn, kind, actor, by, subject, data))


async def queue(
    conn: asyncpg.Connection,
    kind: str,
    *,
    actor: LogActor,
    by: Principal,
    subject: Subject,
    data: Mapping[str, Any],
) -> None:
    """Queue the entry for the sequencer instead (no shared lock; docs/audit-log.md §2.2):
    the accounts' own changes, since none of them reads its index in its transaction."""
    await audit.queue(conn, await _entry(conn, kind, actor, by, subject, data))


async def queue_own(
    conn: asyncpg.Connection, kind: str, *, actor: LogActor, by: Actor, data: Mapping[str, Any]
) -> None:
    """Queue an entry about ``by``'s own account, by ``by``. An account holding a hidden
    role (docs/audit-log.md §1.3: a drawn expert, a bidder) is not named by it — actor
    ``{"user_id": null, "role": <the role>}``, no address, no subject — as by its login:
    one right before its anonymous act would name who acted (finding F1, session 16)."""
    role = hidden_role(by.roles)
    if role is None:
        subject = Subject(type="user", id=str(by.user_id))
        await queue(conn, kind, actor=actor, by=by, subject=subject, data=data)
        return
    hidden = LogActor(user_id=None, role=role.value)
    entry = LogEntry(
        kind=kind, time=await database_now(conn), actor=hidden, address=None, subject=None,
        data=data,
    )  # fmt: skip
    await audit.queue(conn, entry)


async def _entry(
    conn: asyncpg.Connection, kind: str, actor: LogActor, by: Principal, subject: Subject,
    data: Mapping[str, Any],
) -> LogEntry:  # fmt: skip
    address = by.address if isinstance(by, Actor) else None
    return LogEntry(
        kind=kind,
        time=await database_now(conn),
        actor=actor,
        address=log_address(address),
        subject=subject,
        data=data,
    )
