"""Use cases after publication: clarifications and amendments (Reg. 21), objections to
the documents (Reg. 22) and downloaders' notifications (the commitments are revealed
by disclosure/commitments.py).

A clarification is issued under the tender's row lock with the database clock read
after the lock (DESIGN.md, "Time"), so it races correctly with the deadline: one that
gets the lock after the deadline is refused. Issued less than 15 days before the
deadline, it moves the deadline — and with it the opening and every committee's
fingerprint — to the first slot the full period allows (rules.moved_deadline).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action
from signing.canonical import sha256_hex
from signing.log.entry import commit, format_time, new_salt
from tender import access, queries, rules
from tender.committee import queries as committee_queries
from tender.committee.model import Roster
from tender.documents import queries as document_queries
from tender.errors import (
    DeadlinePassed,
    DocumentNotDownloaded,
    NewDeadlineTooEarly,
    ObjectionAlreadyAnswered,
    ObjectionNotFound,
    ObjectionTooLate,
    TenderNotOpenForBids,
)
from tender.events import TenderEvent
from tender.lifecycle import PLATFORM, LockedTender, append, load, lock_tender
from tender.model import BIDDING_STATUSES, Tender, TenderStatus, check_text
from tender.notices import queries as notice_queries
from tender.notices.model import Clarification, ClarificationKind, Notification, Objection
from tender.setup import Setup

log = logging.getLogger(__name__)


def _require_bidding(locked: LockedTender) -> datetime:
    tender = locked.tender
    if tender.status not in BIDDING_STATUSES or tender.deadline is None:
        raise TenderNotOpenForBids(f"a {tender.status} tender takes no clarification or objection")
    if locked.now >= tender.deadline:
        raise DeadlinePassed("the deadline has passed")
    return tender.deadline


def _fingerprints(
    tender: Tender, rosters: Mapping[str, Roster], deadline: datetime
) -> dict[str, str]:
    assert tender.code is not None
    return {
        lot: roster.committee(tender_code=tender.code, deadline=deadline).fingerprint_hex
        for lot, roster in rosters.items()
        if roster.approved
    }


async def issue_clarification(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    *,
    kind: ClarificationKind,
    title: str,
    body: str,
    version_ids: Sequence[UUID] = (),
    new_deadline: datetime | None = None,
    setup: Setup,
) -> Clarification:
    """Publish a clarification or amendment to every downloader; move the deadline if due."""
    check_text(title, name="the title", limit=200)
    check_text(body, name="the text", limit=50_000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        log_actor = access.authorise(actor, Action.PUBLISH_TENDER, tender)
        before = _require_bidding(locked)
        after = rules.moved_deadline(before, now, setup.context(tender, now))
        if new_deadline is not None:
            if new_deadline < after or new_deadline.microsecond:
                raise NewDeadlineTooEarly(
                    f"the new deadline must be whole seconds, at or after {format_time(after)}",
                    details={"earliest": format_time(after)},
                )
            after = new_deadline
        clarification_id, number = await notice_queries.insert_clarification(
            conn,
            tender_id=tender_id,
            kind=kind,
            title=title,
            body=body,
            issued_by=actor.user_id,
            issued_at=now,
            deadline_before=before,
            deadline_after=after,
        )
        documents = await document_queries.publish_versions(
            conn, tender_id, version_ids, clarification_id=clarification_id, at=now
        )
        await notice_queries.notify_downloaders(conn, tender_id, clarification_id)
        data = {
            "number": number,
            "kind": str(kind),
            "title": title,
            "body_sha256": sha256_hex(body.encode()),
            "documents": documents,
            # No count of the users notified: it is how many took the documents, which
            # Law 22 keeps secret before the deadline (breaker F19; notifications.md).
            "deadline_before": format_time(before),
            "deadline_after": format_time(after),
        }
        await append(
            conn,
            TenderEvent.CLARIFICATION_ISSUED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
        )
        if after != before:
            await _move_deadline(conn, tender, before, after, number)
    log.info("tender.clarification_issued", extra={"tender_id": str(tender_id), "number": number})
    issued = await notice_queries.clarifications(conn, tender_id)
    return next(c for c in issued if c.number == number)


async def _move_deadline(
    conn: asyncpg.Connection, tender: Tender, before: datetime, after: datetime, number: int
) -> None:
    # Reg. 21: the deadline and the opening move; the committees' fingerprints (which
    # state the deadline) change with them, so bids sealed before must be re-sealed.
    await queries.set_deadline(conn, tender.id, after)
    rosters = await committee_queries.rosters(conn, tender.id)
    data = {
        "deadline_before": format_time(before),
        "deadline_after": format_time(after),
        "clarification": number,
        "committee_fingerprints": _fingerprints(tender, rosters, after),
    }
    await append(conn, TenderEvent.DEADLINE_MOVED, tender.id, actor=PLATFORM, data=data)


async def list_clarifications(conn: asyncpg.Connection, tender_id: UUID) -> list[Clarification]:
    """A published tender's clarifications and amendments, in order (public)."""
    tender = await load(conn, tender_id)
    return await notice_queries.clarifications(conn, tender_id) if tender.is_public else []


async def my_notifications(
    conn: asyncpg.Connection, actor: Actor, limit: int = 100
) -> list[Notification]:
    """The clarifications delivered to the actor because it downloaded the documents."""
    return await notice_queries.notifications(conn, actor.user_id, max(1, min(limit, 500)))


# --- objections (Reg. 22) -------------------------------------------------------------


async def file_objection(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, text: str, setup: Setup
) -> Objection:
    """A bidder that obtained the documents objects to them; the tender is suspended."""
    check_text(text, name="the objection", limit=20_000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        access.authorise(actor, Action.DOWNLOAD_DOCUMENTS, tender)
        deadline = _require_bidding(locked)
        if not await document_queries.has_downloaded(conn, tender_id, actor.organisation_id):
            raise DocumentNotDownloaded("only a party that obtained the documents may object")
        ctx = setup.context(tender, now)
        if not rules.objection_allowed(deadline, now, ctx):
            raise ObjectionTooLate(
                f"objections end {ctx.policies.objection_notice} before the deadline"
            )
        salt = new_salt()
        objection = await notice_queries.insert_objection(
            conn,
            tender_id=tender_id,
            organisation_id=actor.organisation_id,
            filed_by=actor.user_id,
            text=text,
            filed_at=now,
            answer_due=rules.answer_due(now, ctx),
            salt=salt,
        )
        data = {
            "objection_id": str(objection.id),
            "answer_due": format_time(objection.answer_due),
            "objector": commit(str(actor.organisation_id), salt),
            "text_sha256": sha256_hex(text.encode()),
        }
        # Only a party that downloaded objects: no user, no address (access.HIDDEN_PARTY).
        await append(
            conn,
            TenderEvent.OBJECTION_FILED,
            tender_id,
            actor=access.HIDDEN_PARTY,
            address=None,
            data=data,
            commitments=("objector",),
        )
        if tender.status is TenderStatus.PUBLISHED:
            await _set_paused(conn, tender_id, paused=True)
    return objection


async def _set_paused(conn: asyncpg.Connection, tender_id: UUID, *, paused: bool) -> None:
    # Reg. 22: the procedure pauses until the objection is answered.
    status = TenderStatus.SUSPENDED if paused else TenderStatus.PUBLISHED
    await queries.set_status(conn, tender_id, status)
    kind = TenderEvent.SUSPENDED if paused else TenderEvent.RESUMED
    await append(conn, kind, tender_id, actor=PLATFORM, data={"status": str(status)})


async def answer_objection(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, objection_id: UUID, *, answer: str
) -> Objection:
    """The agency answers; with no objection left open, the tender resumes."""
    check_text(answer, name="the answer", limit=20_000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, Action.PUBLISH_TENDER, locked.tender)
        answered = await notice_queries.answer_objection(
            conn,
            tender_id=tender_id,
            objection_id=objection_id,
            answer=answer,
            at=locked.now,
            by=actor.user_id,
        )
        if answered is None:
            known = await notice_queries.objections(conn, tender_id)
            if any(o.id == objection_id for o in known):
                raise ObjectionAlreadyAnswered("this objection has been answered")
            raise ObjectionNotFound("no such objection to this tender")
        data = {
            "objection_id": str(objection_id),
            "late": locked.now > answered.answer_due,
            "answer_sha256": sha256_hex(answer.encode()),
        }
        await append(
            conn,
            TenderEvent.OBJECTION_ANSWERED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
        )
        still_open = await notice_queries.open_objections(conn, tender_id)
        if not still_open and locked.tender.status is TenderStatus.SUSPENDED:
            await _set_paused(conn, tender_id, paused=False)
    return answered


async def list_objections(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID
) -> list[Objection]:
    """All objections for the agency, tenderer and overseers; a bidder sees its own."""
    tender = await load(conn, tender_id)
    if access.may_read_draft(actor, tender):
        return await notice_queries.objections(conn, tender_id)
    access.authorise(actor, Action.DOWNLOAD_DOCUMENTS, tender)  # a draft: not found
    return await notice_queries.objections(conn, tender_id, actor.organisation_id)


# --- revealing who downloaded and objected ----------------------------------------------
