"""The auction room in Chromium with several bidders at once (issue 18, item 5): the
standing price and each bidder's own status follow the live socket, the countdown runs
by the server's clock (here an hour behind this machine's: the page corrects its
offset), a bid is signed in the browser and counts once acknowledged, and of two bids
at the same price the later-committed one is refused (stale, or too low)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from starlette.applications import Starlette

from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.listing.auction.kit import (
    Bidder,
    auction_ca,
    clock,
    make_world,
    set_clock,
    settings,
)
from web.services import services

pytestmark = [pytest.mark.slow(wait=20), pytest.mark.browser]
__all__ = ["auction_ca", "clock", "settings"]
TIMEOUT_MS = 30_000


async def _bidder_page(browser: Any, server: LiveServer, bidder: Bidder, auction_id: int) -> Any:
    """A browser context signed in as the bidder, its key imported, on the room."""
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(f"{server.url}/login")
    await page.fill("#username", f"bidder-{bidder.number.lower()}")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{server.url}/home")
    await page.goto(f"{server.url}/auctions/{auction_id}")
    who = bidder.identity
    key_pem = who.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    chain = b"".join(dump_pem_certificate(c) for c in (who.certificate, *who.chain)).decode()
    await page.evaluate(
        """async ([keyPem, certPem]) => {
            const root = document.getElementById("auction");
            const sign = await import(root.dataset.signBundle);
            await sign.keys.importPkcs8(root.dataset.user, keyPem, certPem, {label: "test"});
        }""",
        [key_pem, chain],
    )
    await page.reload()
    await page.wait_for_selector("#auction[data-phase='listing']", state="attached")
    return page


async def _bid(page: Any, yuan: str) -> None:
    await page.fill("#price", yuan)
    await page.click("#bid")


async def _shows(page: Any, selector: str, text: str) -> None:
    """Until the element's text contains ``text`` (locators: the CSP forbids eval)."""
    await page.locator(selector).filter(has_text=text).wait_for(state="attached")


async def test_several_bidders_bid_in_the_browser_and_see_price_status_and_server_countdown(
    live_server: LiveServer, app: Starlette, pool: asyncpg.Pool, client: httpx.AsyncClient,
    auction_ca: DemoCA, browser: Any, clock: asyncpg.Connection,
) -> None:  # fmt: skip
    """Three bidders' browsers: each bid is acked then shown to all, by price only; each
    page says leading or outbid for its own bidder; two bids at once against the same
    price: one commits, the other is refused and nothing of it is kept."""
    world = await make_world(pool, client, auction_ca, services(app).auctions())
    await set_clock(clock, None, shift=-dt.timedelta(hours=1))
    a, b, c = [await _bidder_page(browser, live_server, x, world.auction_id) for x in world.bidders]
    # The listing ends an hour from now by this machine, two by the server's clock.
    assert (await a.inner_text("#countdown")).startswith("01:5")
    await _bid(a, "1000")
    for page in (a, b, c):
        await _shows(page, "#standing", "1,000.00")
    await a.wait_for_selector("#auction[data-status='leading']", state="attached")
    await _bid(b, "1010.00")
    await a.wait_for_selector("#auction[data-status='outbid']", state="attached")
    await b.wait_for_selector("#auction[data-status='leading']", state="attached")
    await _shows(c, "#standing", "1,010.00")
    # The same price at once: whichever commits second is refused — stale if its page
    # had not heard of the first yet, too low if it had; either way nothing of it is kept.
    await asyncio.gather(_bid(a, "1020"), _bid(c, "1020"))
    for page in (a, c):
        await page.wait_for_selector("#auction[data-busy='0']", state="attached")
    await _shows(b, "#bids", "3")
    errors = [await p.locator("#error:not([hidden])").count() for p in (a, c)]
    assert sorted(errors) == [0, 1]
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT n, number, price_fen FROM auction_bids ORDER BY n")
    assert [(r["n"], r["number"]) for r in rows[:2]] == [(1, "A001"), (2, "A002")]
    assert len(rows) == 3
    third = rows[2]
    loser = c if third["number"] == "A001" else a
    refusal = await loser.inner_text("#error")
    assert "auction_bid_stale" in refusal or "auction_bid_too_low" in refusal
    for page in (a, b, c):
        assert "A00" not in (await page.inner_text("#standing")) + (await page.inner_text("#bids"))
        await page.context.close()
