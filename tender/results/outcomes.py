"""How a tender ends: awarded, failed or cancelled, each with its public text.

- :func:`announce` — the result announcement of one award decision (中标结果公告);
- :func:`settle_award` — once every lot has a current award or was re-tendered, the
  tender is ``awarded`` (the bonds fall due, bonds.service.record_result; the written
  report on the procedure is due, Law 47) or ``failed`` when no lot was awarded;
- :func:`declare_failed` — too few bids (every lot's opening record says
  ``opening_too_few_bids``, Reg. 44) or every bid rejected (every lot's evaluation
  closed without candidates, Reg. 51): the agency declares the failure with its reason;
- :func:`cancel` — the agency cancels the tender before its award, with its reason.

Each failure or cancellation publishes its notice (canonical JSON, logged) and starts
the bonds' refund clock (bonds.service.record_result, Reg. 57).
"""

from __future__ import annotations

import logging
from uuid import UUID

import asyncpg

from accounts.model import Actor
from signing.log.entry import Actor as LogActor
from signing.log.entry import format_time
from tender.bonds import service as bonds
from tender.events import TenderEvent
from tender.lifecycle import PLATFORM, append, change_status, load, lock_tender
from tender.model import Tender, TenderStatus, check_text
from tender.opening.record import parse_record
from tender.queries import database_now
from tender.results import common
from tender.results import outcome_queries as outcome_db
from tender.results import queries as results_queries
from tender.results import source_queries as sources
from tender.results.errors import ResultNotFound, TenderCancelRefused, TenderFailureUnfounded
from tender.results.model import (
    AwardDecision,
    AwardKind,
    Candidate,
    closure_body,
    current_award,
    lot_done,
    result_body,
)
from tender.setup import Setup

log = logging.getLogger(__name__)

CANCELLABLE = frozenset(
    {
        TenderStatus.PUBLISHED,
        TenderStatus.SUSPENDED,
        TenderStatus.BIDDING_CLOSED,
        TenderStatus.OPENING,
        TenderStatus.EVALUATION,
        TenderStatus.CANDIDATES,
        TenderStatus.CANDIDATES_PUBLICISED,
    }
)
TOO_FEW_BIDS = "opening_too_few_bids"  # tender/opening/model.py LotBelowMinimumBids.code


async def announce(
    conn: asyncpg.Connection,
    tender: Tender,
    decision: AwardDecision,
    candidate: Candidate | None,
    funded: bool,
) -> outcome_db.Announcement:
    """Publish the decision's result announcement (in the caller's transaction)."""
    body = result_body(
        tender=common.tender_ref(tender), lot=decision.lot, decision=decision,
        candidate_name=None if candidate is None else candidate.name,
        candidate_code=None if candidate is None else candidate.credit_code,
        state_funded=funded,
    )  # fmt: skip
    announcement = outcome_db.Announcement(
        decision_id=decision.id, tender_id=tender.id, lot=decision.lot, body=body,
        sha256=common.body_sha256(body), published_at=decision.decided_at,
    )  # fmt: skip
    await outcome_db.insert_announcement(conn, announcement)
    data = {"decision_id": str(decision.id), "lot": decision.lot, "sha256": announcement.sha256}
    await append(conn, TenderEvent.RESULT_ANNOUNCED, tender.id, actor=PLATFORM, data=data)
    return announcement


async def settle_award(
    conn: asyncpg.Connection, tender_id: UUID, *, setup: Setup, actor: LogActor
) -> TenderStatus:
    """Move the tender on once every lot is decided (in the caller's transaction)."""
    tender = await load(conn, tender_id)
    lots = {
        lot: await results_queries.decisions(conn, tender_id, lot) for lot in common.lots_of(tender)
    }
    if tender.status is TenderStatus.AWARDED:
        if all(any(d.kind is AwardKind.RETENDER for d in done) for done in lots.values()):
            await _fail(
                conn, tender, "every_lot_retendered", "every lot was re-tendered", setup, None
            )
        return (await load(conn, tender_id)).status
    if tender.status is not TenderStatus.CANDIDATES_PUBLICISED or not all(
        lot_done(done) for done in lots.values()
    ):
        return tender.status
    if not any(current_award(done) for done in lots.values()):
        await _fail(conn, tender, "every_lot_retendered", "every lot was re-tendered", setup, None)
        return TenderStatus.FAILED
    await change_status(
        conn, tender_id, TenderStatus.AWARDED, actor=actor,
        reason="every lot is awarded or re-tendered (Reg. 55)",
    )  # fmt: skip
    now = await database_now(conn)
    ctx = common.context(setup, tender, now)
    await outcome_db.open_report(
        conn, tender_id, now, ctx.end(now, ctx.policies.procedure_report_within)
    )
    if tender.result_published_at is None:
        await bonds.record_result(conn, tender_id, setup=setup, actor=actor)
    return TenderStatus.AWARDED


async def declare_failed(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, reason: str, setup: Setup
) -> outcome_db.Closure:
    """The agency declares the tender failed; the facts give the cause."""
    check_text(reason, name="the reason", limit=2000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        common.require_agency(actor, locked.tender)
        cause = await _failure_cause(conn, locked.tender)
        closure = await _fail(conn, locked.tender, cause, reason, setup, actor)
    log.info("results.failed", extra={"tender_id": str(tender_id), "cause": cause})
    return closure


async def _failure_cause(conn: asyncpg.Connection, tender: Tender) -> str:
    lots = common.lots_of(tender)
    if tender.status in (TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING):
        not_opened = set()
        for lot in lots:
            for body in await sources.opening_records(conn, tender.id, lot):
                if parse_record(body)["not_opened_reason"] == TOO_FEW_BIDS:
                    not_opened.add(lot)
        if not_opened == set(lots):
            return "too_few_bids"  # Reg. 44: fewer than 3 bids, no opening
    if tender.status is TenderStatus.CANDIDATES:
        results = {r.lot: r for r in await sources.handed_over(conn, tender.id)}
        if all(lot in results and not results[lot].candidates for lot in lots):
            return "all_bids_rejected"  # Reg. 51: every bid rejected, no candidate
    raise TenderFailureUnfounded(
        "the tender has not failed: a lot opened with enough bids or has candidates "
        "(cancel it instead, with the reason)",
        details={"status": str(tender.status)},
    )


async def cancel(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, reason: str, setup: Setup
) -> outcome_db.Closure:
    """The agency cancels the tender before its award, with the reason (public)."""
    check_text(reason, name="the reason", limit=2000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender = locked.tender
        log_actor = common.require_agency(actor, tender)
        if tender.status not in CANCELLABLE:
            raise TenderCancelRefused(
                f"a {tender.status} tender is not cancelled here",
                details={"status": str(tender.status)},
            )
        await change_status(
            conn, tender_id, TenderStatus.CANCELLED, actor=log_actor, address=actor.address,
            reason=reason,
        )  # fmt: skip
        closure = await _close(conn, tender, "cancelled", "cancelled", reason, setup, actor)
    log.info("results.cancelled", extra={"tender_id": str(tender_id)})
    return closure


async def _fail(
    conn: asyncpg.Connection,
    tender: Tender,
    cause: str,
    reason: str,
    setup: Setup,
    actor: Actor | None,
) -> outcome_db.Closure:
    log_actor = PLATFORM if actor is None else common.require_agency(actor, tender)
    await change_status(
        conn, tender.id, TenderStatus.FAILED, actor=log_actor,
        address=None if actor is None else actor.address, reason=f"{cause}: {reason}",
    )  # fmt: skip
    return await _close(conn, tender, "failed", cause, reason, setup, actor)


async def _close(
    conn: asyncpg.Connection,
    tender: Tender,
    kind: str,
    cause: str,
    reason: str,
    setup: Setup,
    actor: Actor | None,
) -> outcome_db.Closure:
    """The closure's notice, its log entry and the bonds' refund clock."""
    now = await database_now(conn)
    body = closure_body(
        tender=common.tender_ref(tender), kind=kind, cause=cause, reason=reason, at=now
    )
    closure = outcome_db.Closure(
        tender_id=tender.id, kind=kind, cause=cause, reason=reason, body=body,
        sha256=common.body_sha256(body), published_at=now,
    )  # fmt: skip
    await outcome_db.insert_closure(conn, closure, None if actor is None else actor.user_id)
    event = TenderEvent.TENDER_CANCELLED if kind == "cancelled" else TenderEvent.TENDER_FAILED
    data = {"cause": cause, "reason": reason, "sha256": closure.sha256, "at": format_time(now)}
    log_actor = PLATFORM if actor is None else common.require_agency(actor, tender)
    address = None if actor is None else actor.address
    await append(conn, event, tender.id, actor=log_actor, address=address, data=data)
    if tender.published_at is not None and tender.result_published_at is None:
        # Reg. 57: a failed or cancelled tender's bonds fall due like a result's.
        await bonds.record_result(conn, tender.id, setup=setup, actor=log_actor)
    return closure


async def public_closure(conn: asyncpg.Connection, tender_id: UUID) -> outcome_db.Closure | None:
    """A public tender's failure or cancellation notice, if it has one."""
    tender = await load(conn, tender_id)
    common.require_public(tender)
    return await outcome_db.closure(conn, tender_id)


async def public_result(
    conn: asyncpg.Connection, tender_id: UUID
) -> tuple[list[outcome_db.Announcement], outcome_db.Closure | None]:
    """A public tender's result announcements and closure notice; before either,
    ``tender_result_not_found`` (nothing is shown before it is published)."""
    tender = await load(conn, tender_id)
    common.require_public(tender)
    found = await outcome_db.announcements(conn, tender_id)
    closure = await outcome_db.closure(conn, tender_id)
    if not found and closure is None:
        raise ResultNotFound("the tender's result is not announced")
    return found, closure
