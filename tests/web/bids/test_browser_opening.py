"""The bidder at the opening through its lot page (issue 16 item 5; docs/formats/opening.md
§4, §7–8): after the freeze its bid is pending and self-decryption is offered; once two
of three officials released their shares the record is shown with its own line and
price, and the bidder confirms it with a CMS signature made in the page over the
record's exact bytes (checked by the server against its credit code) and objects."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import pytest
from playwright.async_api import expect

from tender.submission import freeze
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.submission.kit import make_submission, submit_sealed
from tests.tender.world import SOON, World, published_tender, wait_until
from tests.web.bids.kit import Shots, fixture_settings, register_browser_key, sign_in
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world
from web.cli.main import main
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]

PRICES = (300_000_00, 280_000_00, 310_000_00)


async def record_shown(page: Any) -> None:
    await page.wait_for_selector("#bid-page[data-ready=true]")
    await page.wait_for_selector("#record-box:not([hidden])")


@pytest.mark.slow(wait=20)  # the deadline: sealed parts bind it, real time must reach it
@pytest.mark.browser
async def test_a_bidder_sees_its_line_of_the_record_confirms_it_by_signature_and_objects(
    browser: Any, pool: asyncpg.Pool, web_world: World, settings: Settings,
    live_server: LiveServer, client: httpx.AsyncClient, tmp_path: Path,
) -> None:  # fmt: skip
    sub = make_submission(web_world, settings.data_dir)
    url = live_server.url
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(
            conn, web_world, setup=web_world.setup(SOON),
            deadline_in=dt.timedelta(seconds=20), cutoff_in=dt.timedelta(seconds=19),
        )  # fmt: skip
        for i, price in enumerate(PRICES):
            await submit_sealed(conn, pool, sub, web_world, tender, make_bidder(web_world, i),
                                price=price)  # fmt: skip
        assert tender.deadline is not None
        # The bidder's browser key replaces the certificate its bid was signed with: the
        # record is confirmed with the browser key (the bid stands, signed as of then).
        page = await sign_in(browser, url, "bidder1")
        await register_browser_key(page, url)
        await wait_until(conn, tender.deadline)
        await freeze.freeze_tender(conn, tender.id)
    await page.goto(f"{url}/bidder/bids/{tender.id}/lots/1")
    await page.wait_for_selector("#bid-page[data-ready=true]")
    assert await page.get_attribute("#opening-status", "data-outcome") == "pending"
    assert await page.is_visible("#selfkey")
    assert await page.is_hidden("#record-box")
    assert "¥" not in await page.inner_text("#opening-step")  # no price before the record
    for x in (1, 3):
        official = web_world.officials[x - 1]
        key = tmp_path / f"official{x}.agekey"
        key.write_text(official.age.encode() + "\n")
        response = await client.post(
            "/api/v1/auth/login", json={"username": official.user.username, "password": PASSWORD}
        )
        argv = ["opening", "release", "--server", url, f"--token={response.json()['token']}",
                "--identity", str(key), "--tender", str(tender.id)]  # fmt: skip
        assert await asyncio.to_thread(main, argv) == 0
    await page.reload()
    await record_shown(page)
    entry = page.locator("#record-entry")
    await expect(entry).to_have_attribute("data-outcome", "opened")
    assert "300,000.00" in await entry.inner_text()
    await Shots(tmp_path / "shots").take(page, url, "lot-record", record_shown)

    await page.click("#confirm-button")
    await expect(page.locator("#responses")).to_have_attribute("data-kinds", "confirm")
    await page.fill("#object-text", "第 2 名的工期与开标一览表不符。")
    await page.click("#object-form button[type=submit]")
    await expect(page.locator("#responses")).to_have_attribute("data-kinds", "confirm object")
    assert await page.is_hidden("#error")
    # The platform's own check of the signature (the signer carries this bidder's code).
    responses = (await client.get(f"/api/v1/tenders/{tender.id}/lots/1/opening/responses")).json()
    assert sorted(r["kind"] for r in responses["items"]) == ["confirm", "object"]
