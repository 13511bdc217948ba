"""A bidder's own results (issue 15): only its organisation's bids, each lot's stage
from what is published, its rank once publicised, its award or result notice."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from tender.award_notices import service as award_notices
from tender.award_notices.model import NoticeKind
from tender.award_notices.service import NoticeSigner
from tender.results import award, bidder
from tender.results.bidder import LotStage
from tests.tender.results.kit import Closed
from tests.tender.results.steps import publicise, publicise_briefly
from web.pdf.award_notice import render_award_notice


async def test_before_the_publicity_a_bidder_sees_its_opened_bid_without_a_rank(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The evaluation closed but nothing is publicised: stage ``opened``, no rank."""
    found = await bidder.my_results(conn, closed.bidder(1))
    [mine] = [r for r in found if r.tender_id == closed.tender_id]
    assert mine.bid_id == closed.candidates[0].bid_id
    assert (mine.stage, mine.rank, mine.won, mine.notices) == (LotStage.OPENED, None, None, ())


async def test_a_bidder_sees_only_its_own_organisations_bids(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Each candidate's user sees its own bid and none of the others'."""
    await publicise(conn, closed)
    for rank in (1, 2, 3):
        found = await bidder.my_results(conn, closed.bidder(rank))
        rows = await conn.fetch(
            "SELECT id FROM bids WHERE bidder_id = $1 AND status = 'submitted'",
            closed.candidates[rank - 1].bidder_id,
        )
        assert {r.bid_id for r in found} == {row["id"] for row in rows}
        [mine] = [r for r in found if r.tender_id == closed.tender_id]
        assert (mine.stage, mine.rank) == (LotStage.CANDIDATES_PUBLICISED, rank)


async def test_only_a_bidder_has_results(conn: asyncpg.Connection, closed: Closed) -> None:
    """Staff, supervisors and agencies follow tenders elsewhere: permission_denied."""
    for who in (closed.staff, closed.supervisor, closed.agency):
        with pytest.raises(PermissionDenied):
            await bidder.my_results(conn, who)


async def test_after_the_award_the_winner_and_the_others_see_the_result_and_their_notice(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """The real award with its notices: rank 1 won and holds the award notice, rank 2
    did not and holds a result notice (Law 45)."""
    await publicise_briefly(conn, owner_conn, closed)
    signer = NoticeSigner(identity=closed.signer, render=render_award_notice, issuer="中心")

    async def notices(c: asyncpg.Connection, tender: UUID, lot: str, at: datetime) -> None:
        await award_notices.issue(c, tender_id=tender, lot=lot, decided_at=at, signer=signer)

    await award.award(
        conn, closed.agency, closed.tender_id, closed.lot, reason="依评标报告排名第一",
        bid_id=closed.candidates[0].bid_id, setup=closed.setup(), after=notices,
    )  # fmt: skip
    [won] = [
        r
        for r in await bidder.my_results(conn, closed.bidder(1))
        if r.tender_id == closed.tender_id
    ]
    assert (won.stage, won.rank, won.won) == (LotStage.AWARDED, 1, True)
    assert [n.kind for n in won.notices] == [NoticeKind.AWARD]
    [lost] = [
        r
        for r in await bidder.my_results(conn, closed.bidder(2))
        if r.tender_id == closed.tender_id
    ]
    assert (lost.stage, lost.rank, lost.won) == (LotStage.AWARDED, 2, False)
    assert [n.kind for n in lost.notices] == [NoticeKind.RESULT]
    assert {n.bid_id for n in lost.notices} == {closed.candidates[1].bid_id}
