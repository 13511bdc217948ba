"""The award (Reg. 55): after the publicity and its objections, the first-ranked
current candidate of a state-funded project; a drop-out passes it on or the lot is
re-tendered; each step recorded in order, announced, nothing half-written."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from tender.lifecycle import load
from tender.model import TenderStatus
from tender.results import award as service
from tender.results import objections, queries
from tender.results import service as reads
from tender.results.errors import (
    AwardExists,
    AwardNotACandidate,
    AwardNotCurrent,
    AwardOutOfOrder,
    AwardPaused,
    AwardStatusConflict,
    FundingDeclared,
    PublicityRunning,
)
from tender.results.model import AwardDecision, AwardKind
from tests.tender.results.kit import Closed
from tests.tender.results.steps import answer, footprint, objection, publicise, publicise_briefly
from tests.tender.world import entries


async def _award(
    conn: asyncpg.Connection, closed: Closed, rank: int, *, bid: UUID | None = None
) -> AwardDecision:
    return await service.award(
        conn, closed.agency, closed.tender_id, closed.lot, reason="依评标报告排名第一",
        bid_id=bid or closed.candidates[rank - 1].bid_id, setup=closed.setup(),
    )  # fmt: skip


async def _drop(conn: asyncpg.Connection, closed: Closed, rank: int) -> AwardDecision:
    return await service.drop_out(
        conn, closed.agency, closed.tender_id, closed.lot, reason="放弃中标",
        bid_id=closed.candidates[rank - 1].bid_id, setup=closed.setup(),
    )  # fmt: skip


async def test_the_first_ranked_candidate_wins_and_the_tender_is_awarded(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Step 1, current, announced with the winner and its price; the bonds fall due;
    the written report is due within 15 days."""
    await publicise_briefly(conn, owner_conn, closed)
    first = closed.candidates[0]
    decision = await _award(conn, closed, 1)
    assert (decision.step, decision.kind, decision.current) == (1, AwardKind.AWARD, True)
    assert (decision.bid_id, decision.rank, decision.price_fen) == (
        first.bid_id,
        1,
        first.price_fen,
    )
    assert await reads.current_award(conn, closed.tender_id, closed.lot) == decision
    tender = await load(conn, closed.tender_id)
    assert tender.status is TenderStatus.AWARDED
    assert tender.result_published_at is not None
    [announced] = await reads.announcements(conn, closed.tender_id)
    assert announced.body["candidate"]["name"] == first.bidder_name
    assert announced.body["candidate"]["price_fen"] == first.price_fen
    assert (announced.body["kind"], announced.body["state_funded"]) == ("award", True)
    report = await reads.procedure_report(conn, closed.tender_id)
    assert report is not None
    assert report.submitted_at is None
    assert (report.due_at - report.awarded_at).days >= 15
    due = await conn.fetchval(
        "SELECT count(*) FROM tender_bonds WHERE tender_id = $1 AND refund_due IS NOT NULL",
        closed.tender_id,
    )
    # Reg. 57: an awarded lot's bonds fall due at its contract, not at the result
    # (tests/tender/contracts/test_bond_refunds.py).
    assert due == 0
    assert [e.data["kind"] for e in await entries(conn, "tender.award_decided")] == ["award"]


async def test_an_award_out_of_order_or_to_a_non_candidate_is_refused(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """State-funded (the default): rank 2 is award_out_of_order; an unknown bid is
    award_not_a_candidate; nothing is written."""
    await publicise_briefly(conn, owner_conn, closed)
    before = await footprint(conn, closed)
    with pytest.raises(AwardOutOfOrder) as refused:
        await _award(conn, closed, 2)
    assert refused.value.details == {
        "expected_bid": str(closed.candidates[0].bid_id), "expected_rank": 1,
    }  # fmt: skip
    with pytest.raises(AwardNotACandidate):
        await _award(conn, closed, 1, bid=uuid4())
    assert await footprint(conn, closed) == before


async def test_no_award_before_every_lot_is_publicised_or_while_the_publicity_runs(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """award_status_conflict before the publicity; candidates_publicity_running_conflict
    during it."""
    with pytest.raises(AwardStatusConflict):
        await _award(conn, closed, 1)
    await publicise(conn, closed)
    before = await footprint(conn, closed)
    with pytest.raises(PublicityRunning):
        await _award(conn, closed, 1)
    assert await footprint(conn, closed) == before


async def test_an_unanswered_objection_pauses_the_award(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Filed during the publicity (stored through the objections' own insert: a 1 s
    window cannot be raced), it stops the award until the agency answers it."""
    p = await publicise_briefly(conn, owner_conn, closed)
    signed = objection(closed, p, 2)
    filed = await queries.insert_objection(
        conn, tender_id=closed.tender_id, lot=closed.lot,
        organisation_id=closed.candidates[1].bidder_id, filed_by=closed.bidder(2).user_id,
        text="报价低于成本", statement=signed["statement"], signature=signed["signature"],
        cert_sha256="0" * 64, filed_at=p.published_at, answer_due=p.ends_at,
    )  # fmt: skip
    before = await footprint(conn, closed)
    with pytest.raises(AwardPaused):
        await _award(conn, closed, 1)
    assert await footprint(conn, closed) == before
    await objections.answer_objection(
        conn, closed.agency, closed.tender_id, filed.id, setup=closed.setup(),
        **answer(closed, str(filed.id), signed["statement"]),
    )  # fmt: skip
    assert (await _award(conn, closed, 1)).current


async def test_the_winners_drop_out_passes_the_award_to_the_next_candidate(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """award 1 → drop_out 1 → award 2 (not 3): steps in order, one current; a second
    award while one is current is refused."""
    await publicise_briefly(conn, owner_conn, closed)
    await _award(conn, closed, 1)
    with pytest.raises(AwardExists):
        await _award(conn, closed, 2)
    dropped = await _drop(conn, closed, 1)
    assert (dropped.kind, dropped.rank, dropped.current) == (AwardKind.DROP_OUT, 1, False)
    assert await reads.current_award(conn, closed.tender_id, closed.lot) is None
    with pytest.raises(AwardNotCurrent):
        await _drop(conn, closed, 1)
    with pytest.raises(AwardOutOfOrder):
        await _award(conn, closed, 3)
    second = await _award(conn, closed, 2)
    steps = [
        (d.step, d.kind, d.rank, d.current) for d in await reads.decisions(conn, closed.tender_id)
    ]
    assert steps == [
        (1, AwardKind.AWARD, 1, False),
        (2, AwardKind.DROP_OUT, 1, False),
        (3, AwardKind.AWARD, 2, True),
    ]
    assert await reads.current_award(conn, closed.tender_id, closed.lot) == second
    assert len(await entries(conn, "tender.result_published")) == 1  # the bonds' clock once
    assert [a.body["kind"] for a in await reads.announcements(conn, closed.tender_id)] == [
        "award", "drop_out", "award",
    ]  # fmt: skip


async def test_a_retender_after_the_winners_drop_out_fails_the_tender(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """With its only lot re-tendered the tender has failed: its notice says why."""
    await publicise_briefly(conn, owner_conn, closed)
    await _award(conn, closed, 1)
    await _drop(conn, closed, 1)
    done = await service.retender(
        conn, closed.agency, closed.tender_id, closed.lot, reason="其余候选人报价超出预算",
        setup=closed.setup(),
    )  # fmt: skip
    assert (done.kind, done.bid_id, done.step) == (AwardKind.RETENDER, None, 3)
    assert (await load(conn, closed.tender_id)).status is TenderStatus.FAILED
    closure = await reads.closure(conn, closed.tender_id)
    assert closure is not None
    assert (closure.kind, closure.cause) == ("failed", "every_lot_retendered")


async def test_a_project_not_state_funded_may_award_another_candidate(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Declared once before any decision, with its basis; then rank 2 may win."""
    await service.declare_funding(
        conn, closed.agency, closed.tender_id, state_funded=False, reason="企业自筹资金"
    )
    with pytest.raises(FundingDeclared):
        await service.declare_funding(
            conn, closed.agency, closed.tender_id, state_funded=True, reason="改为国有资金"
        )
    await publicise_briefly(conn, owner_conn, closed)
    decision = await _award(conn, closed, 2)
    assert (decision.rank, decision.current) == (2, True)


async def test_only_the_tenders_agency_decides(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Another agency, the winner itself, the centre and the supervisor are refused."""
    await publicise_briefly(conn, owner_conn, closed)
    before = await footprint(conn, closed)
    for who in (closed.other_agency, closed.bidder(1), closed.staff, closed.supervisor):
        with pytest.raises(PermissionDenied):
            await service.award(
                conn, who, closed.tender_id, closed.lot, reason="x",
                bid_id=closed.candidates[0].bid_id, setup=closed.setup(),
            )  # fmt: skip
        with pytest.raises(PermissionDenied):
            await service.declare_funding(
                conn, who, closed.tender_id, state_funded=False, reason="x"
            )
    assert await footprint(conn, closed) == before
