"""The bidder's pages on a phone (390 px, issue 15 item 5) in Chinese and in English, and
the keys page's age identity section: nothing scrolls sideways, nothing sticks out,
every control a thumb taps is at least 44 px; the page script starts (the committee
shown, its check stated) with no error."""

from __future__ import annotations

from typing import Any, cast

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.tender.world import World, published_tender
from tests.web.bids.kit import fixture_settings, register_browser_key
from tests.web.phone.kit import phone_context, problems
from tests.web.signing_js.kit import sign_in
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_bidders_pages_fit_a_phone_in_each_language(
    browser: Any, pool: asyncpg.Pool, web_world: World, live_server: LiveServer, lang: str
) -> None:
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    context = await phone_context(browser)
    await context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await sign_in(page, live_server.url, "bidder1")
    # A key in the table, so its row (with its 删除 button) is on the page (F6).
    await register_browser_key(page, live_server.url)
    found = []
    for path in ("/bidder/bids", f"/bidder/bids/{tender.id}/lots/1", "/me/keys"):
        await page.goto(f"{live_server.url}{path}")
        ready = {"/me/keys": "#age-section[data-ready=true]"}.get(
            path, "main" if path == "/bidder/bids" else "#bid-page[data-ready=true]"
        )
        await page.wait_for_selector(ready)
        found += [f"{path}: {p}" for p in await problems(page)]
    assert found == []
    assert errors == []
    # At 375 px the keys table is stacked, not scrolled: its buttons are in reach (F6).
    await page.set_viewport_size({"width": 375, "height": 812})
    await page.goto(f"{live_server.url}/me/keys")
    await page.wait_for_selector("#keys tbody button")
    rights = await page.eval_on_selector_all(
        "#keys tbody button", "(bs) => bs.map((b) => b.getBoundingClientRect().right)"
    )
    assert rights
    assert max(rights) <= 375
    assert await problems(page) == []
    await page.goto(f"{live_server.url}/bidder/bids/{tender.id}/lots/1")
    await page.wait_for_selector("#bid-page[data-ready=true]")
    assert await page.get_attribute("#committee-status", "data-verified") in ("unavailable", "true")
    english = "Sign and submit" in await page.inner_text("#submit-step")
    assert english is (lang == "en")
    await context.close()
