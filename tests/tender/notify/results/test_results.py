"""The result trigger: once the award and result notices are issued (Law 45), each
bidder's users who signed its bid hear of their own notice, once."""

from __future__ import annotations

import datetime as dt

import asyncpg

from tender.award_notices import service as award_notices
from tender.award_notices.service import NoticeSigner
from tender.notify import service as notify
from tests.tender.award_notices.factory import award
from tests.tender.results.kit import Closed
from web.pdf.award_notice import render_award_notice

DECIDED = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)


async def test_each_bidder_hears_of_its_own_award_or_result_notice_once(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    await award(conn, closed, 1, 1, DECIDED)
    signer = NoticeSigner(identity=closed.signer, render=render_award_notice, issuer="交易中心")
    issued = await award_notices.issue(
        conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED, signer=signer
    )
    later = DECIDED + dt.timedelta(minutes=1)
    assert await notify.queue_results(conn, later) >= len(issued)
    assert await notify.queue_results(conn, later) == 0  # once
    rows = await conn.fetch(
        """SELECT n.params->>'result' AS result, u.organisation_id
           FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'result'"""
    )
    heard = {(r["organisation_id"], r["result"]) for r in rows}
    expected = {(n.organisation_id, "中标" if n.kind == "award" else "未中标") for n in issued}
    assert heard == expected
    assert await notify.queue_results(conn, DECIDED + dt.timedelta(days=31)) == 0
