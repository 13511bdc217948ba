"""Failed and cancelled tenders (issue 13, item 6): too few bids, every bid rejected,
cancellation — each with its reason, its public notice and the bonds falling due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from signing.canonical import canonical_json, sha256_hex
from tender.contracts.errors import SuspensionConflict
from tender.lifecycle import change_status, load
from tender.model import TenderStatus
from tender.opening.progress import advance
from tender.results import award
from tender.results import outcomes as service
from tender.results import service as reads
from tender.results.errors import AwardStatusConflict, TenderCancelRefused, TenderFailureUnfounded
from tender.submission import freeze
from tender.suspensions import service as suspensions
from tests.evaluation.scenario import opening_for
from tests.tender.results.kit import Closed
from tests.tender.results.steps import footprint, publicise_briefly
from tests.tender.submission.kit import make_submission
from tests.tender.world import SOON, entries, published_tender, wait_until


async def test_the_agency_cancels_before_the_award_with_its_reason(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Status cancelled; the public notice carries the reason; the bonds fall due."""
    closure = await service.cancel(
        conn, closed.agency, closed.tender_id, reason="项目取消立项", setup=closed.setup()
    )
    assert (closure.kind, closure.cause, closure.reason) == (
        "cancelled",
        "cancelled",
        "项目取消立项",
    )
    assert closure.sha256 == sha256_hex(canonical_json(closure.body))
    assert closure.body["format"] == "etender-tender-closure-v1"
    tender = await load(conn, closed.tender_id)
    assert tender.status is TenderStatus.CANCELLED
    assert tender.result_published_at is not None
    assert await reads.closure(conn, closed.tender_id) == closure
    assert await service.public_closure(conn, closed.tender_id) == closure
    [logged] = await entries(conn, "tender.cancelled")
    assert logged.data["sha256"] == closure.sha256


async def test_only_the_agency_cancels_and_not_after_the_award(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Others are refused; an awarded tender is not cancelled here; nothing written."""
    before = await footprint(conn, closed)
    for who in (closed.other_agency, closed.bidder(1), closed.staff):
        with pytest.raises(PermissionDenied):
            await service.cancel(conn, who, closed.tender_id, reason="x", setup=closed.setup())
    assert await footprint(conn, closed) == before
    await publicise_briefly(conn, owner_conn, closed)
    await award.award(
        conn, closed.agency, closed.tender_id, closed.lot, reason="第一名",
        bid_id=closed.candidates[0].bid_id, setup=closed.setup(),
    )  # fmt: skip
    before = await footprint(conn, closed)
    with pytest.raises(TenderCancelRefused):
        await service.cancel(
            conn, closed.agency, closed.tender_id, reason="x", setup=closed.setup()
        )
    assert await footprint(conn, closed) == before


async def test_a_tender_with_candidates_has_not_failed(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """tender_failure_unfounded_conflict: the facts decide the cause, not the agency."""
    before = await footprint(conn, closed)
    with pytest.raises(TenderFailureUnfounded):
        await service.declare_failed(
            conn, closed.agency, closed.tender_id, reason="流标", setup=closed.setup()
        )
    assert await footprint(conn, closed) == before


@pytest.mark.slow(wait=10)
async def test_a_tender_whose_lots_had_too_few_bids_fails_with_its_notice(
    conn: asyncpg.Connection, closed: Closed, tmp_path: Path
) -> None:
    """Reg. 44: the opening record says opening_too_few_bids; the agency declares the
    failure, the cause is too_few_bids, the notice public, the result recorded."""
    world = closed.world
    tender = await published_tender(
        conn, world, setup=world.setup(SOON), deadline_in=dt.timedelta(seconds=10),
        cutoff_in=dt.timedelta(seconds=9),
    )  # fmt: skip
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    await freeze.freeze_tender(conn, tender.id)
    sub = make_submission(world, tmp_path)
    opening = opening_for(world, sub, tmp_path, tmp_path / "opened")
    progress = await advance(conn, tender.id, "1", opening=opening)
    assert progress.record is not None
    with pytest.raises(PermissionDenied):
        await service.declare_failed(
            conn, closed.other_agency, tender.id, reason="x", setup=world.setup()
        )
    closure = await service.declare_failed(
        conn, world.agency, tender.id, reason="投标人不足三家", setup=world.setup()
    )
    assert (closure.kind, closure.cause) == ("failed", "too_few_bids")
    failed = await load(conn, tender.id)
    assert failed.status is TenderStatus.FAILED
    assert failed.result_published_at is not None
    assert (await entries(conn, "tender.failed"))[-1].data["cause"] == "too_few_bids"


async def test_a_cancelled_or_archived_tender_takes_no_funding_nor_suspension(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Found by the outside tester: the funding (declared for the award, Reg. 55) and a
    suspension (clocks that no longer run) were stored on an archived tender, in no
    package. Both are refused, nothing written."""
    await service.cancel(
        conn, closed.agency, closed.tender_id, reason="项目取消", setup=closed.setup()
    )
    before = await footprint(conn, closed)
    with pytest.raises(AwardStatusConflict):
        await award.declare_funding(
            conn, closed.agency, closed.tender_id, state_funded=False, reason="自筹资金"
        )
    assert await footprint(conn, closed) == before
    await change_status(conn, closed.tender_id, TenderStatus.ARCHIVED, reason="归档")
    with pytest.raises(SuspensionConflict):
        await suspensions.suspend(
            conn, closed.staff, closed.tender_id, reason="投诉", source="supervision"
        )
    assert await conn.fetchval("SELECT count(*) FROM tender_suspensions") == 0
