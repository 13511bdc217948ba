"""The tenderer's (招标人) journey in a real Chromium (issue 15, "Must show"): sign in
through the login page, follow the home card to the tenders, open its own tenders and
its tender, see its lot's opening-hall link, then read the candidates and the award on
the results page — in Beijing time, every key translated, no other tenderer's tender.

The tender is the kit's closed one (tests/tender/results/kit.py); the agency's steps
(publicity, award) are the services' own, and the only wait is the publicity's one real
second (tests/tender/results/steps.py ``publicise_briefly``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import asyncpg
import pytest

from accounts.model import OrgKind
from tender import service as tenders
from tender.results import award
from tests.accounts.factory import make_organisation
from tests.conftest import LiveServer
from tests.tender.results.kit import Closed, closed, results_database
from tests.tender.results.steps import publicise_briefly
from tests.tender.world import fast_draft
from tests.web.signing_js.kit import sign_in
from tests.web.tender.results.conftest import conn, settings

# The results pages' fixtures: the app on a clone of the closed tender.
__all__ = ["closed", "conn", "results_database", "settings"]


async def _awarded(conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed) -> str:
    """Lot 1 publicised, its publicity waited out, awarded to the first candidate; and
    another tenderer's draft by the same agency: its id."""
    await publicise_briefly(conn, owner_conn, closed)
    await award.award(
        conn, closed.agency, closed.tender_id, closed.lot, reason="依评标报告排名第一",
        bid_id=closed.candidates[0].bid_id, setup=closed.setup(),
    )  # fmt: skip
    other = await make_organisation(conn, OrgKind.TENDERER, name="宣城市水务局")
    draft = dataclasses.replace(await fast_draft(conn, closed.world), tenderer_id=other.id)
    created = await tenders.create_draft(conn, closed.agency, draft)
    return str(created.id)


@pytest.mark.browser
async def test_the_tenderer_follows_its_tender_to_the_candidates_and_the_award(
    browser: Any,
    live_server: LiveServer,
    conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    closed: Closed,
) -> None:
    other_tender = await _awarded(conn, owner_conn, closed)
    url, tender = live_server.url, closed.tender_id
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await sign_in(page, url, closed.tenderer.username)
        await page.click("main a[href='/tenders']")
        await page.wait_for_url(f"{url}/tenders")
        await page.click("nav a[href='/agency/tenders']")
        await page.wait_for_url(f"{url}/agency/tenders")
        mine = await page.content()
        assert str(tender) in mine
        assert other_tender not in mine
        await page.click(f"a[href='/agency/tenders/{tender}']")
        await page.wait_for_url(f"{url}/agency/tenders/{tender}")
        assert await page.get_attribute("#status", "data-status") == "awarded"
        hall = page.locator("#opening-halls li[data-lot='1'] a")
        assert await hall.get_attribute("href") == f"/tenders/{tender}/lots/1/opening-hall"
        await page.goto(f"{url}/tenders/{tender}")
        await page.click(f"a[href='/tenders/{tender}/results']")
        await page.wait_for_url(f"{url}/tenders/{tender}/results")
        assert await page.locator("#opening-halls li[data-lot='1']").count() == 1
        publicity = await page.inner_text("section.publicity[data-lot='1']")
        for candidate in closed.candidates:
            assert candidate.bidder_name in publicity
        # The publicity ran one real second (its 24:00 day end: tests/web/tender/results).
        assert "（北京时间）" in publicity
        result = page.locator("table.result tr[data-kind='award']")
        row = await result.inner_text()
        assert closed.candidates[0].bidder_name in row
        assert "依评标报告排名第一" in row
        assert "（北京时间）" in row
        main = await page.inner_text("main")
        assert "rs." not in main
        assert "td." not in main
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{url}/tenders/{tender}/results")
        assert "(Beijing time)" in await result.inner_text()
        assert "北京时间" not in await page.inner_text("main")
        # Another tenderer's tender is not the tenderer's to manage.
        refused = await page.goto(f"{url}/agency/tenders/{other_tender}")
        assert refused is not None
        assert refused.status == 404
    finally:
        await context.close()
