"""The opening hall in Chromium: statuses live over the WebSocket, prices only at the end."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import pytest

from tender.submission import freeze
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.submission.kit import make_submission, submit_sealed
from tests.tender.world import SOON, World, published_tender, wait_until
from tests.web.tender.http_kit import fixture_http_ca, fixture_settings, fixture_web_world
from web.cli.main import main
from web.pages import beijing_text
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]

PRICES = (300_000_00, 280_000_00, 310_000_00)


async def _login(browser: Any, server: LiveServer, username: str) -> Any:
    # A device in another zone: the hall still shows Beijing time, labelled (issue 15).
    context = await browser.new_context(timezone_id="Europe/Berlin")
    page = await context.new_page()
    await page.goto(f"{server.url}/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{server.url}/home")
    return page


@pytest.mark.slow
@pytest.mark.browser
async def test_the_hall_shows_each_status_live_and_the_prices_only_in_the_record(
    browser: Any,
    pool: asyncpg.Pool,
    web_world: World,
    settings: Settings,
    live_server: LiveServer,
    client: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    """A bidder watches: pending bids without prices, then the announced record."""
    sub = make_submission(web_world, settings.data_dir)
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(
            conn, web_world, setup=web_world.setup(SOON),
            # Sealed parts bind the deadline, so real time must reach it: a margin many
            # times the sealing, and no cutoff for publication to race (issue 9, 19).
            deadline_in=dt.timedelta(seconds=20), cutoff_in=dt.timedelta(seconds=19),
        )  # fmt: skip
        for i, price in enumerate(PRICES):
            await submit_sealed(conn, pool, sub, web_world, tender, make_bidder(web_world, i),
                                price=price)  # fmt: skip
        assert tender.deadline is not None
        await wait_until(conn, tender.deadline)
        await freeze.freeze_tender(conn, tender.id)
    page = await _login(browser, live_server, "bidder1")
    await page.goto(f"{live_server.url}/tenders/{tender.id}/lots/1/opening-hall")
    assert "开标大厅" in await page.title()
    await page.wait_for_selector("#statuses tbody tr[data-outcome=pending]")
    assert await page.inner_text("#deadline") == beijing_text(tender.deadline, "zh-CN")
    assert (await page.inner_text("#deadline")).endswith("（北京时间）")
    assert await page.locator("#statuses tbody tr").count() == 3
    assert await page.locator("#record").is_hidden()
    assert "¥" not in await page.inner_text("main")
    for x in (1, 3):
        official = web_world.officials[x - 1]
        key = tmp_path / f"official{x}.agekey"
        key.write_text(official.age.encode() + "\n")
        response = await client.post(
            "/api/v1/auth/login", json={"username": official.user.username, "password": PASSWORD}
        )
        argv = ["opening", "release", "--server", live_server.url,
                f"--token={response.json()['token']}", "--identity", str(key),
                "--tender", str(tender.id)]  # fmt: skip
        assert await asyncio.to_thread(main, argv) == 0
    await page.wait_for_selector("#record:not([hidden])")
    record = await page.inner_text("#record")
    assert "¥300,000.00" in record
    assert "¥280,000.00" in record
    assert await page.locator("#statuses tbody tr[data-outcome=opened]").count() == 3
