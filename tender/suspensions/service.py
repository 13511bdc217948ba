"""Suspensions of a tender: recorded, ended, and read by the clocks they stop.

The supervision work (complaints, Reg. 60-62) will record suspensions through
:func:`suspend` and :func:`resume`; until then centre staff and the supervising
department record them (docs/api-contracts.md, "Suspensions"). Every clock of issue 13
(the contract's 30 days, the refund's 5 days) reads :func:`suspended_between` or
:func:`clock_end` and skips the suspended time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor
from signing.log.entry import Actor as LogActor
from signing.log.entry import format_time
from tender import access
from tender.calendar import require_utc
from tender.contracts.errors import ContractInputInvalid, SuspensionConflict, SuspensionNotFound
from tender.errors import TenderInputInvalid, TenderNotFound
from tender.events import TenderEvent
from tender.lifecycle import append, load, lock_tender
from tender.model import Tender, TenderStatus, check_text
from tender.suspensions import model
from tender.suspensions import queries as suspension_queries
from tender.suspensions.model import Suspension

_SOURCE = re.compile(r"[a-z_]{1,32}")


async def suspended_between(
    conn: asyncpg.Connection, tender_id: UUID, start: datetime, end: datetime
) -> timedelta:
    """How long the tender was suspended within [start, end) (CONTRACTS.md, contract)."""
    spans = await _spans(conn, tender_id)
    return model.suspended_within(spans, require_utc(start), require_utc(end))


async def clock_end(
    conn: asyncpg.Connection, tender_id: UUID, start: datetime, end: datetime
) -> datetime | None:
    """The end of the clock [start, end) once it skips the suspensions; None while one runs."""
    return model.clock_end(start, end, await _spans(conn, tender_id))


async def _spans(conn: asyncpg.Connection, tender_id: UUID) -> list[model.Span]:
    return [(s.starts_at, s.ends_at) for s in await suspension_queries.suspensions(conn, tender_id)]


def _overseer(actor: Actor, tender: Tender) -> LogActor:
    access.hide_draft(actor, tender)
    if not access.is_overseer(actor, tender):
        raise PermissionDenied(
            "suspensions are recorded by the centre and the supervising department",
            details={"action": "suspend_tender", "resource": "tender"},
        )
    return access.log_actor(actor, None)


# A complaint's suspension (Reg. 62) is the supervising department's signed step of that
# complaint (supervision/complaints): only that step starts and ends it, never the plain
# endpoint, or the complaint would believe a suspension runs that someone else ended.
COMPLAINT = "complaint"


async def suspend(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    *,
    reason: str,
    source: str,
    by_complaint: bool = False,
) -> Suspension:
    """Start a suspension now (the database clock); its clocks stand still from then."""
    try:
        check_text(reason, name="the reason", limit=2000)
    except TenderInputInvalid as error:
        raise ContractInputInvalid(error.message, details={"field": "reason"}) from None
    if not _SOURCE.fullmatch(source):
        raise ContractInputInvalid("source is [a-z_]{1,32}", details={"field": "source"})
    if (source == COMPLAINT) != by_complaint:
        raise ContractInputInvalid(
            "a complaint's suspension is its department's signed step of the complaint "
            "(docs/api-complaints.md); other suspensions name another source",
            details={"field": "source"},
        )
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = _overseer(actor, locked.tender)
        if locked.tender.status is TenderStatus.ARCHIVED:
            # Its file is closed (docs/formats/archive.md): no clock of it runs any more,
            # and a record made now would be in no package.
            raise SuspensionConflict("an archived tender has no clock to suspend")
        stored = await suspension_queries.insert_suspension(
            conn,
            tender_id=tender_id,
            starts_at=locked.now,
            reason=reason,
            source=source,
            by=actor.user_id,
            at=locked.now,
        )
        data = {"suspension_id": str(stored.id), "source": source, "reason": reason[:500]}
        await append(
            conn,
            TenderEvent.SUSPENSION_STARTED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
        )
    return stored


async def resume(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    suspension_id: UUID,
    *,
    by_complaint: bool = False,
) -> Suspension:
    """End a running suspension now; the clocks run again."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = _overseer(actor, locked.tender)
        found = await suspension_queries.suspensions(conn, tender_id)
        this = next((s for s in found if s.id == suspension_id), None)
        if this is None:
            raise SuspensionNotFound("no such suspension of this tender")
        if (this.source == COMPLAINT) != by_complaint:
            raise SuspensionConflict(
                "a complaint's suspension ends with its department's signed resume step "
                "(docs/api-complaints.md)",
                details={"source": this.source},
            )
        ended = await suspension_queries.end_suspension(
            conn, tender_id=tender_id, suspension_id=suspension_id, at=locked.now, by=actor.user_id
        )
        if ended is None or ended.ends_at is None:
            raise SuspensionConflict("this suspension has ended already")
        data = {"suspension_id": str(ended.id), "ends_at": format_time(ended.ends_at)}
        await append(
            conn,
            TenderEvent.SUSPENSION_ENDED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
        )
    return ended


async def list_suspensions(
    conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID
) -> list[Suspension]:
    """A public tender's suspensions (their reasons are part of the public record)."""
    tender = await load(conn, tender_id)
    if actor is not None:
        access.hide_draft(actor, tender)
    elif not tender.is_public:
        raise TenderNotFound("no tender has this id")
    return await suspension_queries.suspensions(conn, tender_id)
