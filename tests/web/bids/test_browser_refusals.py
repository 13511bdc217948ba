"""What the lot page refuses before anything is sealed or uploaded (issue 16 items 2–3):
a committee whose recipient the platform substituted (the page checks every official's
signed recipient statement: DESIGN.md "Opening committee"), and browser sealing for a
tender that requires `etender bid seal` (the `sealing: client` policy) — where a part
sealed on the bidder's machine may still be picked."""

from __future__ import annotations

import json
from typing import Any, cast

import asyncpg
import pytest
from playwright.async_api import expect

from signing.age import X25519Identity
from tests.conftest import LiveServer
from tests.tender.world import World, published_tender
from tests.web.bids.kit import fixture_settings, register_browser_key, sign_in
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


async def uploads(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        return int(await conn.fetchval("SELECT count(*) FROM bid_uploads"))


@pytest.mark.browser
async def test_a_substituted_recipient_fails_the_committee_check_and_nothing_is_sealed(
    browser: Any, pool: asyncpg.Pool, web_world: World, live_server: LiveServer
) -> None:
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    page = await sign_in(browser, live_server.url, "bidder1")
    await register_browser_key(page, live_server.url)
    intruder = X25519Identity.generate().recipient().encode()

    async def substitute(route: Any) -> None:
        # What a platform (or anyone between) serving its own key instead would send.
        answer = await route.fetch()
        committee = json.loads(await answer.text())
        committee["officials"][0]["recipient"] = intruder
        await route.fulfill(response=answer, body=json.dumps(committee))

    await page.route(f"**/api/v1/tenders/{tender.id}/lots/1/committee", substitute)
    await page.goto(f"{live_server.url}/bidder/bids/{tender.id}/lots/1")
    await page.wait_for_selector("#bid-page[data-ready=true]")
    check = page.locator("#committee-status")
    await expect(check).to_have_attribute("data-verified", "false")
    assert await check.get_attribute("data-code") == "committee_statement_invalid"
    # The catalogue's words with the seat, in the page's language (F5), not the bundle's
    # English developer message.
    said = await check.inner_text()
    assert "席位 1：开标委员会成员的密钥声明与其证书不对应。" in said
    assert "official x=" not in said
    await page.fill("#field-price", "abc")
    await page.fill("#field-duration", "90")
    await page.fill("#field-quality", "合格")
    await page.fill("#field-project_manager", "王工")
    # The bidder's own mistakes first, each naming the file or field (F6).
    pdf = {"mimeType": "application/pdf", "buffer": b"%PDF"}
    await page.set_input_files("#files-main", [{"name": "A.pdf", **pdf}, {"name": "a.pdf", **pdf}])
    await page.click(".seal-button[data-part=main]")
    error = page.locator("#error")
    await expect(error).to_contain_text("两个文件同名（不区分大小写）：A.pdf 与 a.pdf")
    await page.set_input_files("#files-main", [{"name": "a.pdf", **pdf}])
    await page.click(".seal-button[data-part=main]")
    await expect(page.locator("#error")).to_contain_text("请填写正确的投标报价")
    await page.fill("#field-price", "3000000")
    await page.click(".seal-button[data-part=main]")
    await expect(page.locator("#error")).to_be_visible()
    assert await page.get_attribute("#error", "data-code") == "committee_statement_invalid"
    assert await page.is_hidden("#progress-main")
    assert await uploads(pool) == 0

    # A picked file the server refuses (its PUT answers 422 bid_part_not_age): said next
    # to the part in the page's language with "seal again", not left at "uploaded 100%",
    # and the failed upload forgotten by this browser (F1).
    await page.set_input_files(
        "#sealed-main", [{"name": "main.age", "mimeType": "application/octet-stream",
                          "buffer": b"not an age file " * 64}]
    )  # fmt: skip
    await expect(page.locator("fieldset.part[data-part=main]")).to_have_attribute(
        "data-refused", "bid_part_not_age"
    )
    said = await page.inner_text("#upload-text-main")
    assert "该文件不是平台投标工具加密的文件" in said
    assert "请重新封装" in said
    assert "100%" not in said
    assert await page.is_hidden("#progress-main")
    stored = await page.evaluate("() => Object.keys(localStorage)")
    assert not [key for key in stored if key.startswith("etender.upload.")]
    assert await uploads(pool) == 1


@pytest.mark.browser
async def test_a_tender_requiring_the_command_line_gets_no_browser_sealing_and_says_why(
    browser: Any, pool: asyncpg.Pool, web_world: World, live_server: LiveServer
) -> None:
    """The page as a `sealing: client` tender serves it (lane `cli`'s policy): the facts
    say ``client``; the page refuses to seal and says why."""
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    page = await sign_in(browser, live_server.url, "bidder1")
    address = f"{live_server.url}/bidder/bids/{tender.id}/lots/1"

    async def client_policy(route: Any) -> None:
        answer = await route.fetch()
        body = (await answer.text()).replace(
            "&#34;sealing&#34;: &#34;any&#34;", "&#34;sealing&#34;: &#34;client&#34;"
        )
        assert "&#34;sealing&#34;: &#34;client&#34;" in body
        await route.fulfill(response=answer, body=body)

    await page.route(address, client_policy)
    await page.goto(address)
    await page.wait_for_selector("#bid-page[data-ready=true]")
    refused = page.locator("#seal-refused")
    await expect(refused).to_be_visible()
    assert "etender bid seal" in await refused.inner_text()
    assert await page.is_disabled(".seal-button[data-part=main]")
    assert await page.is_enabled("#sealed-main")  # a part sealed on the bidder's machine
