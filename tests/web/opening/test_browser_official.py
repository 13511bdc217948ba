"""A real Chromium walks the opening official's part: from its home card to the lots
it serves, copies the exact release command, and reaches the lot's opening hall."""

from __future__ import annotations

from typing import Any, cast

import asyncpg
import pytest

from tender.committee.served import release_command
from tests.conftest import LiveServer
from tests.tender.world import World, published_tender
from tests.web.signing_js.kit import sign_in
from tests.web.tender.http_kit import fixture_http_ca, fixture_settings, fixture_web_world
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


@pytest.mark.browser
async def test_the_official_copies_its_release_command_and_reaches_the_hall(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, web_world: World,
    settings: Settings,
) -> None:  # fmt: skip
    """Home card → seats → the command in the clipboard, byte for byte → the hall."""
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    context = await browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = await context.new_page()
    try:
        await sign_in(page, live_server.url, "official1")
        await page.click("a[href='/opening/official']")
        await page.wait_for_url(f"{live_server.url}/opening/official")
        assert "本平台的任何页面都不会读取它" in await page.inner_text("#why")
        served = page.locator(f"article.served[data-tender='{tender.id}']")
        assert "（北京时间）" in await served.locator(".deadline").inner_text()
        await served.locator("button.copy").click()
        await page.wait_for_selector("button.copy[data-copied=true]")
        copied = await page.evaluate("navigator.clipboard.readText()")
        assert copied == release_command(settings.public_url, tender.id, "1")
        await served.locator("a.hall").click()
        await page.wait_for_url(f"{live_server.url}/tenders/{tender.id}/lots/1/opening-hall")
        assert "开标大厅" in await page.title()
    finally:
        await context.close()
