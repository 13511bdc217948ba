"""The award of each lot (Reg. 55): decisions in order, each with its reason.

Once every lot's candidates are publicised (status ``candidates_publicised``), the
lot's publicity has ended and no objection to it is unanswered (Reg. 54: the procedure
is paused), the agency decides, one recorded step at a time (``award_decisions``):

- ``award`` — a candidate of the publicity wins the lot. A state-funded project (the
  default; ``declare_funding`` records otherwise, once, before any decision) awards
  only its first-ranked *current* candidate — one that has not dropped out
  (``award_out_of_order``); a bid that is no current candidate is refused
  (``award_not_a_candidate``);
- ``drop_out`` — a candidate gives up or is disqualified; the winner's award stops
  being current, and the next candidate or a re-tender follows;
- ``retender`` — the lot ends without a winner.

Each step publishes the lot's result announcement (中标结果公告, canonical JSON
logged). When every lot has a current award or was re-tendered the tender is
``awarded`` (the bonds fall due: bonds.service.record_result; the written report to the
department is due within 15 days, Law 47) or, with none awarded, ``failed``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import Actor
from signing.log.entry import Actor as LogActor
from signing.log.entry import format_time
from tender.errors import TenderStateConflict
from tender.events import TenderEvent
from tender.lifecycle import LockedTender, append, lock_tender
from tender.model import Tender, TenderStatus, check_text
from tender.results import common, outcomes, publicity
from tender.results import outcome_queries as outcome_db
from tender.results import queries as results_queries
from tender.results import source_queries as sources
from tender.results.errors import (
    AwardPaused,
    AwardStatusConflict,
    FundingDeclared,
    PublicityRunning,
)
from tender.results.model import (
    AwardDecision,
    AwardKind,
    Candidate,
    check_award,
    check_drop_out,
    check_retender,
)
from tender.setup import Setup

# What the award's transaction runs once its decision is written (tender/results may not
# import expert_pool, nor web's renderer): the app composes the award notices and the
# draw's publication (web/tender/results/after_award.py).
AfterAward = Callable[[asyncpg.Connection, UUID, str, datetime], Awaitable[None]]

log = logging.getLogger(__name__)

DECIDING = frozenset({TenderStatus.CANDIDATES_PUBLICISED, TenderStatus.AWARDED})


async def state_funded(conn: asyncpg.Connection, tender_id: UUID) -> bool:
    """Reg. 55 binds the tender unless its agency declared it not state-funded."""
    found = await outcome_db.funding(conn, tender_id)
    return True if found is None else bool(found["state_funded"])


# From the notice to the award: an awarded, failed, cancelled or archived tender takes none.
_FUNDING_STATUSES = frozenset(
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


async def declare_funding(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, state_funded: bool, reason: str
) -> bool:
    """The agency states, once and before any award decision, whether the project is
    state-funded (with the basis for it)."""
    check_text(reason, name="the basis of the funding", limit=2000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = common.require_agency(actor, locked.tender)
        if locked.tender.status not in _FUNDING_STATUSES:
            # Declared for the award (Reg. 55); a tender past it, or ended, takes none.
            raise AwardStatusConflict(
                f"the funding is declared before the award, not on a {locked.tender.status} tender"
            )
        if await results_queries.decisions(conn, tender_id) or not await outcome_db.insert_funding(
            conn, tender_id, state_funded, reason, locked.now, actor.user_id
        ):
            raise FundingDeclared("the funding is declared once, before the first award decision")
        await append(
            conn, TenderEvent.FUNDING_DECLARED, tender_id, actor=log_actor,
            address=actor.address, data={"state_funded": state_funded, "reason": reason},
        )  # fmt: skip
    return state_funded


async def _deciding(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str
) -> tuple[LockedTender, LogActor, list[Candidate], list[AwardDecision]]:
    """Under the tender's lock: the agency, at the award, the lot's publicity over and
    no objection open; its publicised candidates and its decisions so far."""
    locked = await lock_tender(conn, tender_id)
    tender, now = locked.tender, locked.now
    log_actor = common.require_agency(actor, tender)
    common.require_lot(tender, lot)
    if tender.status not in DECIDING:
        raise AwardStatusConflict(
            f"a {tender.status} tender takes no award decision (every lot's candidates are "
            "publicised first)",
            details={"status": str(tender.status)},
        )
    shown = await results_queries.publicity(conn, tender_id, lot)
    if shown is None:  # a lot without candidates was re-tendered before publicity
        return locked, log_actor, [], await results_queries.decisions(conn, tender_id, lot)
    if now < shown.ends_at:
        raise PublicityRunning(
            f"the candidates are publicised until {format_time(shown.ends_at)}",
            details={"ends_at": format_time(shown.ends_at)},
        )
    if await results_queries.open_objections(conn, tender_id, lot):
        raise AwardPaused("an objection to the lot's candidates is unanswered (Reg. 54)")
    bids = [UUID(c["bid"]) for c in shown.body["candidates"]]
    codes = {r["credit_code"]: r["bidder_id"] for r in (await sources.bidders(conn, bids)).values()}
    candidates = common.publicised_candidates(shown.body, codes)
    return locked, log_actor, candidates, await results_queries.decisions(conn, tender_id, lot)


async def award(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    bid_id: UUID,
    reason: str,
    setup: Setup,
    after: AfterAward | None = None,
) -> AwardDecision:
    """Award the lot to a publicised candidate (Reg. 55's order for state-funded ones)."""
    check_text(reason, name="the reason", limit=2000)
    async with conn.transaction():
        locked, log_actor, candidates, done = await _deciding(conn, actor, tender_id, lot)
        funded = await state_funded(conn, tender_id)
        chosen = check_award(candidates, done, bid_id, state_funded=funded)
        decision = await results_queries.insert_decision(
            conn, tender_id=tender_id, lot=lot, kind=AwardKind.AWARD, bid_id=chosen.bid_id,
            bidder_id=chosen.bidder_id, rank=chosen.rank, price_fen=chosen.price_fen,
            reason=reason, at=locked.now, by=actor.user_id,
        )  # fmt: skip
        await _record(conn, locked.tender, decision, chosen, log_actor, actor, funded)
        await outcomes.settle_award(conn, tender_id, setup=setup, actor=log_actor)
        if after is not None:
            # The award's notices and the draw's publication (CONTRACTS.md), in this
            # transaction: an error there rolls the award back, nothing half-written.
            await after(conn, tender_id, lot, decision.decided_at)
    log.info("results.awarded", extra={"tender_id": str(tender_id), "lot": lot})
    return decision


async def drop_out(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    bid_id: UUID,
    reason: str,
    setup: Setup,
) -> AwardDecision:
    """A candidate (the winner, or one still waiting) drops out, with the reason."""
    check_text(reason, name="the reason", limit=2000)
    async with conn.transaction():
        locked, log_actor, candidates, done = await _deciding(conn, actor, tender_id, lot)
        chosen = check_drop_out(candidates, done, bid_id)
        held = next((d for d in done if d.current and d.bid_id == bid_id), None)
        if held is not None:
            await results_queries.clear_current(conn, held.id)
        decision = await results_queries.insert_decision(
            conn, tender_id=tender_id, lot=lot, kind=AwardKind.DROP_OUT, bid_id=chosen.bid_id,
            bidder_id=chosen.bidder_id, rank=chosen.rank, price_fen=chosen.price_fen,
            reason=reason, at=locked.now, by=actor.user_id,
        )  # fmt: skip
        funded = await state_funded(conn, tender_id)
        await _record(conn, locked.tender, decision, chosen, log_actor, actor, funded)
    log.info("results.dropped_out", extra={"tender_id": str(tender_id), "lot": lot})
    return decision


async def retender(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, *, reason: str, setup: Setup
) -> AwardDecision:
    """The lot ends without a winner (Reg. 55: no candidate left, or the agency's
    decision after a drop-out); a lot whose every bid was rejected ends so before any
    publicity (status ``candidates``)."""
    check_text(reason, name="the reason", limit=2000)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        if locked.tender.status is TenderStatus.CANDIDATES:
            log_actor, done = await _without_candidates(conn, actor, locked, lot)
        else:
            locked, log_actor, _, done = await _deciding(conn, actor, tender_id, lot)
        check_retender(done)
        decision = await results_queries.insert_decision(
            conn, tender_id=tender_id, lot=lot, kind=AwardKind.RETENDER, bid_id=None,
            bidder_id=None, rank=None, price_fen=None, reason=reason, at=locked.now,
            by=actor.user_id,
        )  # fmt: skip
        funded = await state_funded(conn, tender_id)
        await _record(conn, locked.tender, decision, None, log_actor, actor, funded)
        await publicity.settle_publicity(conn, tender_id)
        await outcomes.settle_award(conn, tender_id, setup=setup, actor=log_actor)
    log.info("results.retendered", extra={"tender_id": str(tender_id), "lot": lot})
    return decision


async def _without_candidates(
    conn: asyncpg.Connection, actor: Actor, locked: LockedTender, lot: str
) -> tuple[LogActor, list[AwardDecision]]:
    log_actor = common.require_agency(actor, locked.tender)
    common.require_lot(locked.tender, lot)
    result = await common.handed_over(conn, locked.tender.id, lot)
    if result.candidates:
        raise TenderStateConflict(
            "the lot has candidates: they are publicised before any award decision"
        )
    return log_actor, await results_queries.decisions(conn, locked.tender.id, lot)


async def _record(
    conn: asyncpg.Connection,
    tender: Tender,
    decision: AwardDecision,
    candidate: Candidate | None,
    log_actor: LogActor,
    actor: Actor,
    funded: bool,
) -> None:
    """Log the decision and publish its result announcement."""
    data = {
        "decision_id": str(decision.id),
        "lot": decision.lot,
        "step": decision.step,
        "kind": str(decision.kind),
        "bid": None if decision.bid_id is None else str(decision.bid_id),
        "rank": decision.rank,
        "price_fen": decision.price_fen,
        "reason": decision.reason,
        "state_funded": funded,
    }
    await append(
        conn, TenderEvent.AWARD_DECIDED, tender.id, actor=log_actor, address=actor.address,
        data=data,
    )  # fmt: skip
    await outcomes.announce(conn, tender, decision, candidate, funded)
