"""A real Chromium meets the 404 page in Chinese, switches it to English, and a page's
script finds an API refusal's words in the page's language (issue 15, item 4)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LiveServer
from web import errortext


@pytest.mark.browser
async def test_a_dead_link_shows_the_404_page_in_the_page_language(
    browser: Any, live_server: LiveServer
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    try:
        answer = await page.goto(f"{live_server.url}/tenders-nowhere/dead-link")
        assert answer is not None
        assert answer.status == 404
        assert await page.get_attribute("html", "lang") == "zh-CN"
        assert await page.inner_text("h1") == "找不到页面"
        assert errortext.text("not_found", "zh-CN") in await page.inner_text("[role=alert]")
        request_id = await page.inner_text(".request-id")
        assert request_id == answer.headers["x-request-id"]
        said = await page.evaluate(
            "import('/static/js/errortext.js').then(m => m.errorText('tender_not_found'))"
        )
        assert said == errortext.text("tender_not_found", "zh-CN")
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{live_server.url}/tenders-nowhere/dead-link")
        assert await page.get_attribute("html", "lang") == "en"
        assert await page.inner_text("h1") == "Page not found"
        assert errortext.text("not_found", "en") in await page.inner_text("[role=alert]")
        await page.click("main a[href='/']")
        await page.wait_for_url(f"{live_server.url}/")
    finally:
        await context.close()
