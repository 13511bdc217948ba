"""On a phone (390×844, Chromium): the public pages of a tender whose candidates are
publicised — its notice, its results (the candidates' table with names and prices) and
its disclosure — fit the screen; a wide table scrolls inside its own box (issue 15, item 5)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.tender.results.kit import Closed
from tests.tender.results.steps import publicise
from tests.web.phone.kit import check, phone_context


@pytest.mark.browser
async def test_a_publicised_tenders_public_pages_fit_a_phone(
    browser: Any, live_server: LiveServer, conn: asyncpg.Connection, closed: Closed
) -> None:
    await publicise(conn, closed)
    base, tender = live_server.url, closed.tender_id
    context = await phone_context(browser)
    page = await context.new_page()
    try:
        found = []
        for path in (
            f"/tenders/{tender}/results",
            f"/tenders/{tender}",
            f"/tenders/{tender}/disclosure",
        ):
            found += await check(page, base + path)
        await page.goto(f"{base}/tenders/{tender}/results")
        for candidate in closed.candidates:
            assert candidate.bidder_name in await page.inner_text("main")
        assert found == [], "\n".join(found)
    finally:
        await context.close()
