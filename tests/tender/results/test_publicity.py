"""The candidates' publicity (Reg. 54): on time, for at least 3 days, the same text
everywhere, nothing before it; late only with a reason, and an alert."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from signing.canonical import canonical_json, sha256_hex
from tender.calendar import local_date, start_of_day
from tender.errors import TenderStateConflict
from tender.lifecycle import load
from tender.model import TenderStatus
from tender.results import publicity as service
from tender.results import queries
from tender.results.errors import (
    PublicityExists,
    PublicityLateReasonRequired,
    PublicityNotFound,
)
from tests.supervision.alerts_kit import alerts_of
from tests.tender.results.kit import Closed
from tests.tender.results.steps import footprint, publicise, set_policies
from tests.tender.world import entries, wait_until


async def test_the_lots_candidates_are_publicised_with_their_bids_and_the_report(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Rank, name, price, duration, quality and project manager (as the opening record
    has them), the report's summary, how to object; the tender moves on."""
    p = await publicise(conn, closed)
    body = p.body
    assert body["format"] == "etender-candidates-v1"
    assert [c["rank"] for c in body["candidates"]] == [1, 2, 3]
    for shown, candidate in zip(body["candidates"], closed.candidates, strict=True):
        assert shown["bid"] == str(candidate.bid_id)
        assert shown["name"] == candidate.bidder_name
        assert shown["price_fen"] == candidate.price_fen
        assert shown["duration_days"] == candidate.fields.get("duration")
        assert shown["quality"] == candidate.fields.get("quality")
        assert shown["project_manager"] == candidate.fields.get("project_manager")
        assert shown["total_hundredths"] > 0
    assert body["evaluation"]["report_sha256"] == closed.report_sha256
    assert body["evaluation"]["bids_evaluated"] == 3
    assert body["objections"]["until"] == body["ends_at"]
    assert body["late_reason"] is None
    assert p.sha256 == sha256_hex(canonical_json(body))
    logged = (await entries(conn, "tender.candidates_publicised"))[-1]
    assert logged.data["sha256"] == p.sha256
    assert (await load(conn, closed.tender_id)).status is TenderStatus.CANDIDATES_PUBLICISED


async def test_the_publicity_lasts_three_calendar_days_to_24h00_beijing_time(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The day of publication is not counted; the end is a midnight in Asia/Shanghai
    at least three days later (a rest day moves it to the next working day's end)."""
    p = await publicise(conn, closed)
    day = local_date(p.published_at)
    assert p.ends_at >= start_of_day(day + dt.timedelta(days=4))
    assert p.ends_at == start_of_day(local_date(p.ends_at))
    assert (await queries.publicity(conn, closed.tender_id, closed.lot)) == p


async def test_nothing_is_shown_before_the_publication(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Asked early, the lot's candidates are not found and the list is empty."""
    with pytest.raises(PublicityNotFound):
        await service.public_candidates(conn, closed.tender_id, closed.lot)
    assert await service.public_publicities(conn, closed.tender_id) == []
    await publicise(conn, closed)
    found = await service.public_candidates(conn, closed.tender_id, closed.lot)
    assert found.lot == closed.lot


async def test_only_the_tenders_agency_publishes(conn: asyncpg.Connection, closed: Closed) -> None:
    """Another agency, a bidder, the centre and the supervisor are refused; nothing written."""
    before = await footprint(conn, closed)
    for who in (closed.other_agency, closed.bidder(1), closed.staff, closed.supervisor):
        with pytest.raises(PermissionDenied):
            await service.publish_candidates(
                conn, who, closed.tender_id, closed.lot, setup=closed.setup()
            )
    assert await footprint(conn, closed) == before


async def test_the_text_is_published_once(conn: asyncpg.Connection, closed: Closed) -> None:
    """A second publication of the lot is refused (the tender moved on too)."""
    await publicise(conn, closed)
    before = await footprint(conn, closed)
    with pytest.raises((PublicityExists, TenderStateConflict)):
        await publicise(conn, closed)
    assert await footprint(conn, closed) == before


async def test_a_late_publication_needs_a_reason_and_raises_an_alert(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Past the 3 days (here 1 s) after the evaluation's result: refused without a
    reason, nothing written; with one, published, the reason in the text, an alert."""
    await set_policies(owner_conn, closed, candidates_publicity_within="1s")
    await wait_until(conn, closed.closed_at + dt.timedelta(seconds=1))
    before = await footprint(conn, closed)
    with pytest.raises(PublicityLateReasonRequired) as refused:
        await publicise(conn, closed)
    assert "due" in refused.value.details  # type: ignore[operator]
    assert await footprint(conn, closed) == before
    p = await service.publish_candidates(
        conn, closed.agency, closed.tender_id, closed.lot, setup=closed.setup(),
        late_reason="评标报告复核延误",
    )  # fmt: skip
    assert p.body["late_reason"] == "评标报告复核延误"
    kinds = await alerts_of(conn, closed.tender_id)
    assert kinds == [("candidates_publicity_overdue", "lot 1")]
