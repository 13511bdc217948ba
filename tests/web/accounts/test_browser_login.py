"""A real Chromium signs in through the login page and switches to English."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from accounts.model import OrgKind, Role
from tests.accounts.factory import PASSWORD, make_organisation, make_user
from tests.conftest import LiveServer


@pytest.mark.browser
async def test_signing_in_shows_the_roles_workspace_and_english_works(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    """Log in as a bidder, see the bidder's workspace, switch to English, sign out."""
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER, name="宣城建工集团")
        await make_user(conn, org, Role.BIDDER, username="bidder1")
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/login")
        assert await page.get_attribute("html", "lang") == "zh-CN"
        await page.fill("#username", "bidder1")
        await page.fill("#password", "Wrong-password-1")
        await page.click("button[type=submit]")
        assert "用户名或密码错误" in await page.inner_text("[role=alert]")
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{live_server.url}/home")
        body = await page.inner_text("main")
        assert "宣城建工集团" in body
        assert "投标人" in body
        assert "我的投标" in body
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{live_server.url}/home")
        assert await page.get_attribute("html", "lang") == "en"
        body = await page.inner_text("main")
        assert "Bidder" in body
        assert "My bids" in body
        assert "Openings and results" in body  # the bidder's results card, now a page
        assert "Available" in body
        await page.click("button:has-text('Sign out')")
        await page.wait_for_url(f"{live_server.url}/")
        await page.goto(f"{live_server.url}/home")
        assert page.url == f"{live_server.url}/login"
    finally:
        await context.close()
