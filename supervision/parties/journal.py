"""Queuing supervision's entries for the transparency log, in the caller's transaction.

DESIGN.md, "Architecture": a change and its log entry commit together or not at all.
The market-party registry and the credit lists queue (docs/audit-log.md §2.2): none
reads its index, and a blacklisted party's refusals no longer wait on the log head.
The entry's time is the database clock (DESIGN.md, "Time"), like every other entry; the
actor and address are made as the expert pool makes them (expert_pool/journal.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from accounts.model import Actor
from audit import service as audit
from expert_pool.journal import log_actor
from signing.log.entry import LogEntry, Subject
from tender.lifecycle import log_address
from tender.queries import database_now


async def append(
    conn: asyncpg.Connection,
    kind: str,
    *,
    actor: Actor | None,
    role: object,
    subject: tuple[str, str],
    data: Mapping[str, Any],
) -> None:
    """Build and queue one entry (the sequencer gives it its index)."""
    entry = LogEntry(
        kind=kind,
        time=await database_now(conn),
        actor=log_actor(actor, role),
        address=log_address(actor.address if actor else None),
        subject=Subject(type=subject[0], id=subject[1]),
        data=data,
        commitments=(),
    )
    await audit.queue(conn, entry)
