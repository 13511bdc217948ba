"""A lot whose every bid was rejected (Reg. 51): no candidates to publicise; the lot is
re-tendered, or the tender — every lot so — declared failed (all_bids_rejected).

The starting point is a tender at ``candidates`` whose evaluation closed without a
candidate: its rows are written by a small factory (the evaluation's own tables, real
SQL against the real schema): a live session, a report version and the result with no
candidates, as evaluation/report/service.py ``close`` writes them.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from signing.canonical import canonical_json, sha256_hex
from tender.lifecycle import change_status, load
from tender.model import Tender, TenderStatus
from tender.results import award, outcomes, publicity
from tender.results.errors import EvaluationResultMissing
from tender.results.model import AwardKind
from tests.tender.results.kit import Closed
from tests.tender.world import published_tender

INSERT_REPORT = """
INSERT INTO evaluation_reports (session_id, version, body, sha256, drafted_at)
VALUES ($1, 1, $2, $3, $4)
"""
INSERT_RESULT = """
INSERT INTO evaluation_results (session_id, tender_id, lot, version, report_sha256,
    candidates, closed_at)
VALUES ($1, $2, '1', 1, $3, '[]'::jsonb, $4)
"""


async def _rejected(conn: asyncpg.Connection, closed: Closed) -> Tender:
    """Another tender of the kit's agency, evaluated: every bid rejected."""
    tender = await published_tender(conn, closed.world)
    for status in (TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING, TenderStatus.EVALUATION):
        await change_status(conn, tender.id, status)
    session = await conn.fetchval(
        "INSERT INTO live_sessions (kind, subject_id) VALUES ('evaluation', $1) RETURNING id",
        f"{tender.id}/1/1",
    )
    body = canonical_json({"format": "etender-evaluation-report-v1", "rejected": ["…"]})
    now = dt.datetime.now(dt.UTC)
    await conn.execute(INSERT_REPORT, session, body, sha256_hex(body), now)
    await conn.execute(INSERT_RESULT, session, tender.id, sha256_hex(body), now)
    return await change_status(conn, tender.id, TenderStatus.CANDIDATES)


async def test_a_lot_without_candidates_has_no_publicity_and_the_tender_fails(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Publicity refused (evaluation_result_missing_conflict); the agency declares the
    failure: all_bids_rejected, the notice public, the bonds' clock started."""
    tender = await _rejected(conn, closed)
    with pytest.raises(EvaluationResultMissing):
        await publicity.publish_candidates(
            conn, closed.agency, tender.id, "1", setup=closed.setup()
        )
    closure = await outcomes.declare_failed(
        conn, closed.agency, tender.id, reason="所有投标均被否决", setup=closed.setup()
    )
    assert (closure.kind, closure.cause) == ("failed", "all_bids_rejected")
    failed = await load(conn, tender.id)
    assert failed.status is TenderStatus.FAILED
    assert failed.result_published_at is not None


async def test_a_lot_without_candidates_may_be_retendered_before_any_publicity(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The re-tender counts the lot out: with every lot so, the tender has failed."""
    tender = await _rejected(conn, closed)
    done = await award.retender(
        conn, closed.agency, tender.id, "1", reason="所有投标均被否决", setup=closed.setup()
    )
    assert (done.kind, done.step) == (AwardKind.RETENDER, 1)
    assert (await load(conn, tender.id)).status is TenderStatus.FAILED
