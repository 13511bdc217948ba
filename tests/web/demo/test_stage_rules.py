"""The stages list's rules (tender/disclosure/stages.py), with the time passed in: the
same demo tenders a day later, and what is never listed."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from tender.disclosure.stages import STAGES, stage_tenders
from tender.queries import database_now
from web.demo.stages import TITLES

pytestmark = pytest.mark.slow


async def test_an_unopened_lot_stays_at_its_opening_after_midnight(pool: asyncpg.Pool) -> None:
    """Opening today: a deadline today (Beijing), within two hours, or passed with the
    opening not done — a day on, the demo's lot (nobody opened it) is still listed as
    waiting for its opening, and the others stay where they were."""
    async with pool.acquire() as conn:
        now = await database_now(conn)
        today = [x.stage for x in await stage_tenders(conn, now)]
        tomorrow = {x.stage: x.title for x in await stage_tenders(conn, now + dt.timedelta(days=1))}
    assert today == list(STAGES)
    assert tomorrow["opening_today"] == TITLES["opening_today"]
    assert tomorrow["open_for_bids"] == TITLES["open_for_bids"]
    assert tomorrow["awarded"] == TITLES["awarded"]


async def test_a_deadline_tomorrow_is_opening_today_only_within_two_hours(
    pool: asyncpg.Pool,
) -> None:
    """The open-for-bids lot (its deadline days away) is not at its opening until the
    deadline is on the day or two hours on: an hour before the deadline it has left
    the open-for-bids stage."""
    async with pool.acquire() as conn:
        deadline = await conn.fetchval(
            "SELECT deadline FROM tenders WHERE title = $1", TITLES["open_for_bids"]
        )
        at_load = {x.stage: x.title for x in await stage_tenders(conn, await database_now(conn))}
        hour_before = {
            x.stage: x.title for x in await stage_tenders(conn, deadline - dt.timedelta(hours=1))
        }
    assert at_load["open_for_bids"] == TITLES["open_for_bids"]
    assert hour_before.get("open_for_bids") != TITLES["open_for_bids"]
    assert "opening_today" in hour_before


async def test_nothing_is_listed_before_its_notice_was_published(pool: asyncpg.Pool) -> None:
    """An hour before the demo was loaded no tender was public; a draft (the pool's
    demo tender) is never listed."""
    async with pool.acquire() as conn:
        first = await conn.fetchval("SELECT min(published_at) FROM tenders")
        drafts = await conn.fetchval("SELECT count(*) FROM tenders WHERE status = 'draft'")
        assert await stage_tenders(conn, first - dt.timedelta(hours=1)) == []
        listed = await stage_tenders(conn, await database_now(conn))
    assert drafts >= 1
    assert all(x.title in TITLES.values() for x in listed)


async def test_a_later_stage_is_listed_only_once_its_fact_is_public(pool: asyncpg.Pool) -> None:
    """The disclosure's rule: the candidates' stage from their publicity's time, the
    award's from its decision's — a moment before, the page does not name them."""
    moment = dt.timedelta(microseconds=1)
    async with pool.acquire() as conn:
        decided = await conn.fetchval("SELECT max(decided_at) FROM award_decisions")
        publicised = await conn.fetchval("SELECT min(published_at) FROM candidate_publicities")
        before_award = {x.stage for x in await stage_tenders(conn, decided - moment)}
        before_publicity = {x.stage for x in await stage_tenders(conn, publicised - moment)}
        after = {x.stage for x in await stage_tenders(conn, decided)}
    assert "awarded" not in before_award
    assert "candidates" in before_award
    assert not {"candidates", "awarded"} & before_publicity
    assert {"candidates", "awarded"} <= after
