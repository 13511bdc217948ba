"""A real Chromium: the public credit page, a blacklisted party appeals from its record,
the supervisor upholds the appeal at the desk, and the entry leaves the public list."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.supervision.credit.kit import BASIS, blacklist
from tests.tender.world import World
from tests.web.tender.http_kit import (
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_web_world,  # noqa: F401
)


async def _sign_in(browser: Any, url: str, username: str) -> tuple[Any, Any]:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{url}/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{url}/home")
    return context, page


@pytest.mark.browser
async def test_a_party_appeals_its_black_entry_and_the_supervisor_upholds_it(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, web_world: World
) -> None:
    org = web_world.bidder_orgs[0]
    async with pool.acquire() as conn:
        entry = await blacklist(conn, web_world.supervisor, org.id)
    url = live_server.url
    public = await browser.new_context()
    try:
        page = await public.new_page()
        await page.goto(f"{url}/credit")
        assert await page.get_attribute("html", "lang") == "zh-CN"
        black = await page.inner_text("#black-list")
        assert BASIS in black
        assert org.credit_code in black
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{url}/credit")
        assert "Black list" in await page.inner_text("main")
    finally:
        await public.close()
    party, page = await _sign_in(browser, url, "bidder1")
    try:
        await page.goto(f"{url}/supervision/parties/{org.id}")
        assert org.name in await page.inner_text("h1")
        await page.fill(f"#grounds-{entry.id}", "处罚决定已被撤销，附撤销决定书")
        await page.click(f"form[data-entry='{entry.id}'] button[type=submit]")
        await page.wait_for_url(f"{url}/supervision/parties/{org.id}")
        assert "申诉中" in await page.inner_text("main")
    finally:
        await party.close()
    desk, page = await _sign_in(browser, url, "supervisor")
    try:
        await page.goto(f"{url}/supervision/credit/appeals")
        assert "处罚决定已被撤销" in await page.inner_text("main")
        await page.check("input[name=decision][value=upheld]")
        await page.fill("textarea[name=reasons]", "经核实，处罚决定已撤销")
        await page.click("section.appeal form button[type=submit]")
        await page.wait_for_url(f"{url}/supervision/credit/appeals")
        assert await page.is_visible("#no-appeals")
        await page.goto(f"{url}/credit")
        assert BASIS not in await page.inner_text("main")
    finally:
        await desk.close()


@pytest.mark.browser
async def test_a_supervisor_blacklists_a_party_from_its_record_and_the_public_sees_it(
    browser: Any, live_server: LiveServer, web_world: World
) -> None:
    org, url = web_world.bidder_orgs[1], live_server.url
    desk, page = await _sign_in(browser, url, "supervisor")
    try:
        await page.goto(f"{url}/supervision/parties")
        await page.fill("#q", org.name)
        await page.click("form.search button[type=submit]")
        await page.click(f"tr[data-party='{org.id}'] a")
        await page.wait_for_url(f"{url}/supervision/parties/{org.id}")
        await page.fill("#v-kind", "collusion")
        await page.fill("#v-description", "与其他投标人串通投标")
        await page.select_option("#v-source", "inspection")
        await page.fill("#v-ref", "检查〔2026〕7号")
        await page.click("#violation-form button[type=submit]")
        await page.wait_for_url(f"{url}/supervision/parties/{org.id}")
        assert "检查〔2026〕7号" in await page.inner_text("main")
        await page.select_option("#e-list", "black")
        await page.select_option("#e-violation", index=1)
        await page.fill("#e-basis", "串通投标，列入黑名单")
        await page.fill("#e-ref", "宣建罚〔2026〕12号")
        await page.fill("#e-ends", "2030-01-01T00:00")
        await page.click("#entry-form button[type=submit]")
        await page.wait_for_url(f"{url}/supervision/parties/{org.id}")
        assert await page.inner_text("#grade") == "D"
        await page.goto(f"{url}/credit")
        black = await page.inner_text("#black-list")
        assert "宣建罚〔2026〕12号" in black
        assert org.name in black
    finally:
        await desk.close()
