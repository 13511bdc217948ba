"""Use cases after publication: clarifications and amendments (Reg. 21), objections to
the documents (Reg. 22), downloaders' notifications, and revealing who downloaded.

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
from tender import access, bond_queries, document_queries, queries, rules
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
from tender.model import BIDDING_STATUSES, Tender, TenderStatus, check_text
from tender.records import Clarification, ClarificationKind, Notification, Objection
from tender.roster import Roster
from tender.service import PLATFORM, LockedTender, Setup, append, load, lock_tender

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
        clarification_id, number = await document_queries.insert_clarification(
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
        notified = await document_queries.notify_downloaders(conn, tender_id, clarification_id)
        data = {
            "number": number,
            "kind": str(kind),
            "title": title,
            "body_sha256": sha256_hex(body.encode()),
            "documents": documents,
            "notified": notified,
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
    issued = await document_queries.clarifications(conn, tender_id)
    return next(c for c in issued if c.number == number)


async def _move_deadline(
    conn: asyncpg.Connection, tender: Tender, before: datetime, after: datetime, number: int
) -> None:
    # Reg. 21: the deadline and the opening move; the committees' fingerprints (which
    # state the deadline) change with them, so bids sealed before must be re-sealed.
    await queries.set_deadline(conn, tender.id, after)
    rosters = await queries.rosters(conn, tender.id)
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
    return await document_queries.clarifications(conn, tender_id) if tender.is_public else []


async def my_notifications(
    conn: asyncpg.Connection, actor: Actor, limit: int = 100
) -> list[Notification]:
    """The clarifications delivered to the actor because it downloaded the documents."""
    return await document_queries.notifications(conn, actor.user_id, max(1, min(limit, 500)))


# --- objections (Reg. 22) -------------------------------------------------------------


async def file_objection(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, text: str, setup: Setup
) -> Objection:
    """A bidder that obtained the documents objects to them; the tender is suspended."""
    check_text(text, name="the objection", limit=20_000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        log_actor = access.authorise(actor, Action.DOWNLOAD_DOCUMENTS, tender)
        deadline = _require_bidding(locked)
        if not await document_queries.has_downloaded(conn, tender_id, actor.organisation_id):
            raise DocumentNotDownloaded("only a party that obtained the documents may object")
        ctx = setup.context(tender, now)
        if not rules.objection_allowed(deadline, now, ctx):
            raise ObjectionTooLate(
                f"objections end {ctx.policies.objection_notice} before the deadline"
            )
        salt = new_salt()
        objection = await document_queries.insert_objection(
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
        await append(
            conn,
            TenderEvent.OBJECTION_FILED,
            tender_id,
            actor=log_actor,
            address=actor.address,
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
        answered = await document_queries.answer_objection(
            conn,
            tender_id=tender_id,
            objection_id=objection_id,
            answer=answer,
            at=locked.now,
            by=actor.user_id,
        )
        if answered is None:
            known = await document_queries.objections(conn, tender_id)
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
        still_open = await document_queries.open_objections(conn, tender_id)
        if not still_open and locked.tender.status is TenderStatus.SUSPENDED:
            await _set_paused(conn, tender_id, paused=False)
    return answered


async def list_objections(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID
) -> list[Objection]:
    """All objections for the agency, tenderer and overseers; a bidder sees its own."""
    tender = await load(conn, tender_id)
    if access.may_read_draft(actor, tender):
        return await document_queries.objections(conn, tender_id)
    access.authorise(actor, Action.DOWNLOAD_DOCUMENTS, tender)  # a draft: not found
    return await document_queries.objections(conn, tender_id, actor.organisation_id)


# --- revealing who downloaded and objected ----------------------------------------------


async def reveal_commitments(conn: asyncpg.Connection, tender_id: UUID) -> int | None:
    """After the deadline, open the download, objection and bond commitments in one entry.

    The opening work calls this once the deadline has passed (its own transaction or
    this one); returns the entry's index, or None if there was nothing to reveal.
    """
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        deadline = locked.tender.deadline
        if deadline is None or locked.now < deadline:
            raise TenderNotOpenForBids("commitments are revealed only after the deadline")
        downloads = await document_queries.download_salts(conn, tender_id)
        objections = await document_queries.objection_salts(conn, tender_id)
        bonds = await bond_queries.bond_salts(conn, tender_id)
        if not downloads and not objections and not bonds:
            return None
        data = {
            "downloads": [
                {"value": f"{r['organisation_id']}/{r['user_id']}", "salt": r["salt"].hex()}
                for r in downloads
            ],
            "objections": [
                {
                    "objection_id": str(r["id"]),
                    "value": str(r["organisation_id"]),
                    "salt": r["salt"].hex(),
                }
                for r in objections
            ],
            "bonds": [
                {
                    "bond_id": str(r["id"]),
                    "value": str(r["bidder_id"]),
                    "salt": r["bidder_salt"].hex(),
                }
                for r in bonds
            ],
        }
        return await append(
            conn, TenderEvent.COMMITMENTS_REVEALED, tender_id, actor=PLATFORM, data=data
        )
