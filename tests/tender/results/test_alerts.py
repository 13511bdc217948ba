"""The results' alerts (Reg. 54, Law 47), raised once each by the job's function."""

from __future__ import annotations

import datetime as dt

import asyncpg

from tender.results import award
from tender.results import service as reads
from tender.results.alerts import raise_results_alerts
from tests.supervision.alerts_kit import alerts_of
from tests.tender.results.kit import Closed
from tests.tender.results.steps import publicise, publicise_briefly, set_policies
from tests.tender.world import wait_until


async def _alerts(conn: asyncpg.Connection, closed: Closed) -> list[tuple[str, str]]:
    return await alerts_of(conn, closed.tender_id)


async def test_candidates_not_publicised_in_time_are_alerted_once(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Before the due time nothing; after it (here 1 s) one alert, however often the
    job runs; the late publication then adds none."""
    assert await raise_results_alerts(conn, closed.setup()) == 0
    await set_policies(owner_conn, closed, candidates_publicity_within="1s")
    await wait_until(conn, closed.closed_at + dt.timedelta(seconds=1))
    assert await raise_results_alerts(conn, closed.setup()) == 1
    assert await raise_results_alerts(conn, closed.setup()) == 0
    assert await _alerts(conn, closed) == [("candidates_publicity_overdue", "lot 1")]


async def test_a_written_report_not_submitted_in_time_is_alerted_once(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Law 47 (here 1 s after the award): procedure_report_overdue, once."""
    await set_policies(owner_conn, closed, procedure_report_within="1s")
    await publicise_briefly(conn, owner_conn, closed)
    await award.award(
        conn, closed.agency, closed.tender_id, closed.lot, reason="第一名",
        bid_id=closed.candidates[0].bid_id, setup=closed.setup(),
    )  # fmt: skip
    due = await reads.procedure_report(conn, closed.tender_id)
    assert due is not None
    await wait_until(conn, due.due_at)
    assert await raise_results_alerts(conn, closed.setup()) == 1
    assert await raise_results_alerts(conn, closed.setup()) == 0
    assert await _alerts(conn, closed) == [("procedure_report_overdue", "report")]


async def test_nothing_is_alerted_while_on_time(conn: asyncpg.Connection, closed: Closed) -> None:
    """Published on time, no objection, no award: no alert."""
    await publicise(conn, closed)
    assert await raise_results_alerts(conn, closed.setup()) == 0
    assert await _alerts(conn, closed) == []
