"""An award a procurement method decides itself, through the results' own path
(issue 18, item 4; docs/api-results.md, "An award decided by a procurement method").

Competitive negotiation awards the lowest final quotation of the compliant suppliers
(MOF Decree 74 Art. 35); single source the price agreed with its one supplier after the
publicity (Art. 38-42). Neither has the evaluation's ranked candidates nor their
publicity (Reg. 54 binds tendering), so :func:`award` is the narrowest extension of the
path tender/results/award.py takes: the decision is an ordinary ``award_decisions`` row
(rank 1, the price the method settled), logged as ``tender.award_decided`` with its
``basis``, announced (the result announcement), and the tender becomes ``awarded``
with the written report due and the bonds due, as an evaluated award does; the award
notices (``after``) and the contract (tender/contracts) follow unchanged.

What it still asks of the tender: the responses were opened by the tender's opening
(status ``evaluation``, ``candidates`` or ``candidates_publicised``), the supplier's
bid in the lot was opened (the award notices and the contract read it), and the lot
has no decision yet. The caller (procurement/) holds the tender's row lock and decided
the winner and price by its method's rules.
"""

from __future__ import annotations

import enum
from uuid import UUID

import asyncpg

from signing.log.entry import Actor as LogActor
from tender.bonds import service as bonds
from tender.events import TenderEvent
from tender.lifecycle import LockedTender, append, load
from tender.model import TenderStatus, check_text
from tender.queries import set_status
from tender.results import common, outcomes
from tender.results import outcome_queries as outcome_db
from tender.results import queries as results_queries
from tender.results import source_queries as sources
from tender.results.award import AfterAward, state_funded
from tender.results.errors import AwardLotDecided, AwardNotACandidate, AwardStatusConflict
from tender.results.model import AwardDecision, AwardKind, Candidate
from tender.setup import Setup


class AwardBasis(enum.StrEnum):
    """What decided an award besides the evaluation's candidates."""

    NEGOTIATION_FINAL_QUOTATIONS = "negotiation_final_quotations"  # Decree 74 Art. 35
    SINGLE_SOURCE_AGREEMENT = "single_source_agreement"  # Decree 74 Art. 38-42


# The responses were opened (the opening served the method unchanged) and nothing ended.
FROM = frozenset(
    {TenderStatus.EVALUATION, TenderStatus.CANDIDATES, TenderStatus.CANDIDATES_PUBLICISED}
)


async def award(
    conn: asyncpg.Connection,
    locked: LockedTender,
    *,
    lot: str,
    bidder_id: UUID,
    price_fen: int,
    basis: AwardBasis,
    reason: str,
    by: UUID,
    actor: LogActor,
    address: str | None,
    setup: Setup,
    after: AfterAward | None = None,
) -> AwardDecision:
    """Award the lot to ``bidder_id`` at ``price_fen`` on ``basis`` (in the caller's
    transaction, under the tender's row lock it took)."""
    check_text(reason, name="the reason", limit=2000)
    tender, now = locked.tender, locked.now
    common.require_lot(tender, lot)
    if tender.status not in FROM:
        raise AwardStatusConflict(
            f"a {tender.status} tender takes no award by its method (its responses are "
            "opened first)",
            details={"status": str(tender.status)},
        )
    if await results_queries.decisions(conn, tender.id, lot):
        raise AwardLotDecided("the lot was decided already")
    bid = await sources.opened_bid(conn, tender.id, lot, bidder_id)
    if bid is None:
        raise AwardNotACandidate("the supplier's response (its bid) was not opened in this lot")
    decision = await results_queries.insert_decision(
        conn, tender_id=tender.id, lot=lot, kind=AwardKind.AWARD, bid_id=bid["id"],
        bidder_id=bidder_id, rank=1, price_fen=price_fen, reason=reason, at=now, by=by,
    )  # fmt: skip
    funded = await state_funded(conn, tender.id)
    data = {
        "decision_id": str(decision.id), "lot": lot, "step": decision.step,
        "kind": str(decision.kind), "bid": str(bid["id"]), "rank": 1, "price_fen": price_fen,
        "reason": reason, "state_funded": funded, "basis": str(basis),
    }  # fmt: skip
    await append(
        conn, TenderEvent.AWARD_DECIDED, tender.id, actor=actor, address=address, data=data
    )
    winner = Candidate(
        rank=1, bid_id=bid["id"], bidder_id=bidder_id, credit_code=bid["credit_code"],
        name=bid["name"], fields={}, total=None, evaluated_price_fen=None,
    )  # fmt: skip
    await outcomes.announce(conn, tender, decision, winner, funded)
    await _settle(conn, locked, basis, setup=setup, actor=actor, address=address)
    if after is not None:  # the award notices and the draws' publication (award.py)
        await after(conn, tender.id, lot, decision.decided_at)
    return decision


async def _settle(
    conn: asyncpg.Connection,
    locked: LockedTender,
    basis: AwardBasis,
    *,
    setup: Setup,
    actor: LogActor,
    address: str | None,
) -> None:
    """The tender is awarded once every lot has its award: the written report and the
    bonds fall due as in outcomes.settle_award. The step to ``awarded`` skips the
    candidates' publicity, which the method does not have: it is logged as any status
    change is, with the basis as its reason."""
    tender = locked.tender
    for lot in common.lots_of(tender):
        if not await results_queries.decisions(conn, tender.id, lot):
            return
    await set_status(conn, tender.id, TenderStatus.AWARDED)
    data = {"from": str(tender.status), "to": str(TenderStatus.AWARDED), "reason": str(basis)}
    await append(
        conn, TenderEvent.STATUS_CHANGED, tender.id, actor=actor, address=address, data=data
    )
    now = locked.now
    ctx = common.context(setup, tender, now)
    await outcome_db.open_report(
        conn, tender.id, now, ctx.end(now, ctx.policies.procedure_report_within)
    )
    if (await load(conn, tender.id)).result_published_at is None:
        await bonds.record_result(conn, tender.id, setup=setup, actor=actor)
