"""The tender's shared core: the row lock, the log entry, loading and the lifecycle.

Every tender use case builds on these (the committee, documents, notices, bonds,
submission and opening services; the use cases of tenders themselves in service.py):

- :func:`lock_tender` — the tender's row lock with the database clock read *after*
  the lock is granted (DESIGN.md, "Time"); every deadline decision happens under it.
- :func:`append` — a tender log entry in the caller's transaction.
- :func:`change_status` — moves along the lifecycle (bidding closed, opening, …).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from tender import queries
from tender.errors import TenderNotFound, TenderStateConflict
from tender.events import TenderEvent
from tender.model import Tender, TenderStatus

PLATFORM = LogActor(user_id=None, role="platform")

# The lifecycle (DESIGN.md, "Lifecycles"): which status may follow which.
TRANSITIONS: Mapping[TenderStatus, frozenset[TenderStatus]] = {
    TenderStatus.DRAFT: frozenset({TenderStatus.PUBLISHED, TenderStatus.CANCELLED}),
    TenderStatus.PUBLISHED: frozenset(
        {TenderStatus.SUSPENDED, TenderStatus.BIDDING_CLOSED, TenderStatus.CANCELLED}
    ),
    TenderStatus.SUSPENDED: frozenset({TenderStatus.PUBLISHED, TenderStatus.CANCELLED}),
    # The agency may cancel a tender until its award (issue 13, item 6), with a reason.
    TenderStatus.BIDDING_CLOSED: frozenset(
        {TenderStatus.OPENING, TenderStatus.FAILED, TenderStatus.CANCELLED}
    ),
    TenderStatus.OPENING: frozenset(
        {TenderStatus.EVALUATION, TenderStatus.FAILED, TenderStatus.CANCELLED}
    ),
    # The evaluation hands its candidates over (Reg. 53) before they are publicised.
    TenderStatus.EVALUATION: frozenset(
        {TenderStatus.CANDIDATES, TenderStatus.FAILED, TenderStatus.CANCELLED}
    ),
    TenderStatus.CANDIDATES: frozenset(
        {TenderStatus.CANDIDATES_PUBLICISED, TenderStatus.FAILED, TenderStatus.CANCELLED}
    ),
    TenderStatus.CANDIDATES_PUBLICISED: frozenset(
        {TenderStatus.AWARDED, TenderStatus.FAILED, TenderStatus.CANCELLED}
    ),
    # Reg. 55: winners may drop out after the award until every lot is re-tendered.
    TenderStatus.AWARDED: frozenset({TenderStatus.CONTRACT, TenderStatus.FAILED}),
    TenderStatus.CONTRACT: frozenset({TenderStatus.PERFORMANCE}),
    TenderStatus.PERFORMANCE: frozenset({TenderStatus.ARCHIVED}),
    TenderStatus.CANCELLED: frozenset({TenderStatus.ARCHIVED}),
    TenderStatus.FAILED: frozenset({TenderStatus.ARCHIVED}),
    TenderStatus.ARCHIVED: frozenset(),
}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LockedTender:
    """A tender under its row lock, and the database clock read once the lock was held."""

    tender: Tender
    now: datetime


# --- the log, the row lock, the tender -----------------------------------------------


def log_address(address: str | None) -> str | None:
    """The address as the log wants it: a canonical IP address, or nothing."""
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


async def append(
    conn: asyncpg.Connection,
    kind: TenderEvent | str,  # or another package's kind about the tender (complaints)
    tender_id: UUID,
    *,
    actor: LogActor,
    address: str | None = None,
    data: Mapping[str, Any],
    commitments: Sequence[str] = (),
) -> int:
    """Append a tender log entry in the caller's transaction (time: the database clock)."""
    entry = await _entry(conn, kind, tender_id, actor, address, data, commitments)
    return await audit.append(conn, entry)


async def queue(
    conn: asyncpg.Connection,
    kind: TenderEvent | str,
    tender_id: UUID,
    *,
    actor: LogActor,
    address: str | None = None,
    data: Mapping[str, Any],
    commitments: Sequence[str] = (),
) -> int:
    """Queue a tender log entry for the sequencer in the caller's transaction (its queue
    id: the index comes at integration, docs/audit-log.md §2.2) — for frequent changes
    that need no index at once, so they do not wait on the log head's row lock."""
    entry = await _entry(conn, kind, tender_id, actor, address, data, commitments)
    return await audit.queue(conn, entry)


async def _entry(
    conn: asyncpg.Connection, kind: TenderEvent | str, tender_id: UUID, actor: LogActor,
    address: str | None, data: Mapping[str, Any], commitments: Sequence[str],
) -> LogEntry:  # fmt: skip
    return LogEntry(
        kind=kind,
        time=await queries.database_now(conn),
        actor=actor,
        address=log_address(address),
        subject=Subject(type="tender", id=str(tender_id)),
        data=data,
        commitments=tuple(commitments),
    )


async def lock_tender(conn: asyncpg.Connection, tender_id: UUID) -> LockedTender:
    """Take the tender's row lock (until the caller's transaction ends) and read the clock.

    Submissions, the deadline freeze, clarifications that move the deadline and
    objections all take this lock, so they are serialised; ``now`` is read after the
    lock is granted, so a caller that waited for the lock sees the time it got it.
    """
    if not conn.is_in_transaction():
        raise RuntimeError("lock_tender must run inside the caller's transaction")
    found = await queries.tender(conn, tender_id, lock=True)
    if found is None:
        raise TenderNotFound("no tender has this id")
    return LockedTender(tender=found, now=await queries.database_now(conn))


async def load(conn: asyncpg.Connection, tender_id: UUID) -> Tender:
    """The tender, or ``tender_not_found``."""
    found = await queries.tender(conn, tender_id)
    if found is None:
        raise TenderNotFound("no tender has this id")
    return found


# --- lifecycle ---------------------------------------------------------------------


async def change_status(
    conn: asyncpg.Connection,
    tender_id: UUID,
    to: TenderStatus,
    *,
    actor: LogActor = PLATFORM,
    address: str | None = None,
    reason: str = "",
) -> Tender:
    """Move a tender along its lifecycle, under its row lock, logged.

    Runs in the caller's transaction if there is one (the deadline freeze and the
    opening change status together with their own records), else in its own.
    """
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        current = locked.tender.status
        if to not in TRANSITIONS[current]:
            raise TenderStateConflict(f"a {current} tender cannot become {to}")
        await queries.set_status(conn, tender_id, to)
        data = {"from": str(current), "to": str(to), "reason": reason[:500]}
        await append(
            conn, TenderEvent.STATUS_CHANGED, tender_id, actor=actor, address=address, data=data
        )
    return await load(conn, tender_id)
