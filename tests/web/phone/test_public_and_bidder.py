"""On a phone (390×844, Chromium): the public home, the notices, a notice, and the
bidder's own pages — sign-in, workspace, its notification addresses (given through the
form), the lot's opening hall, the tender with its download button — in Chinese and
English, fit the screen and have thumb-sized controls."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import LiveServer
from tests.tender.world import World
from tests.web.phone.kit import check, phone_context, problems, sign_in
from tests.web.tender.http_kit import (
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
    publish_over_http,
)


@pytest.mark.browser
async def test_public_and_bidder_pages_fit_a_phone(
    browser: Any,
    live_server: LiveServer,
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    web_world: World,
    tokens: dict[str, str],
) -> None:
    published = await publish_over_http(client, pool, web_world, tokens)
    base = live_server.url
    context = await phone_context(browser)
    page = await context.new_page()
    try:
        found = []
        for path in ("/", "/tenders", f"/tenders/{published.id}", "/login"):
            found += await check(page, base + path)
        await sign_in(page, base, "bidder1")
        hall = f"/tenders/{published.id}/lots/1/opening-hall"
        for path in ("/home", "/me/notifications", hall, f"/tenders/{published.id}"):
            found += await check(page, base + path)
        assert await page.locator("#document-list button[type=submit]").count() == 1
        # The bidder gives its mobile number for reminders, on the phone.
        await page.goto(f"{base}/me/notifications")
        await page.fill("#address-sms", "13912345678")
        await page.click("#contact-sms button[type=submit]")
        await page.wait_for_url(f"{base}/me/notifications?done=saved")
        assert "*******5678" in await page.inner_text("#contact-sms .current")
        found += [f"saved: {p}" for p in await problems(page)]
        await page.goto(f"{base}/lang/en?next=/home")
        for path in ("/home", f"/tenders/{published.id}", "/"):
            found += await check(page, base + path)
        assert found == [], "\n".join(found)
    finally:
        await context.close()
