"""A real Chromium: a bidder goes from its home card to its results and downloads its
result notice (issue 15 item 1), through pages only; the notices are issued as the
award writes them (tests/tender/award_notices/factory.py)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.tender.results.kit import Closed
from tests.web.signing_js.kit import sign_in
from tests.web.tender.my_results.test_pages import issued


@pytest.mark.browser
async def test_a_bidder_follows_its_home_card_to_its_results_and_its_notice(
    browser: Any, live_server: LiveServer, conn: asyncpg.Connection, closed: Closed
) -> None:
    notices = await issued(conn, closed)
    mine = next(n for n in notices if n.organisation_id == closed.candidates[1].bidder_id)
    url = live_server.url
    context = await browser.new_context(accept_downloads=True)
    page = await context.new_page()
    try:
        await sign_in(page, url, closed.bidder(2).username)
        await page.click("a[href='/bidder/results']")
        await page.wait_for_url(f"{url}/bidder/results")
        row = page.locator(f"tr[data-tender='{closed.tender_id}']")
        assert await row.get_attribute("data-stage") == "opened"
        assert "中标结果通知书" in await row.inner_text()
        async with page.expect_download() as download:
            await row.locator(f"[data-notice='{mine.id}'] a:has-text('PDF')").click()
        saved = await (await download.value).path()
        with open(saved, "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{url}/bidder/results")
        assert "Result notice" in await page.locator(f"[data-notice='{mine.id}']").inner_text()
    finally:
        await context.close()
