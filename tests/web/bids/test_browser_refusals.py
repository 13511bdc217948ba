"""What the lot page refuses before anything is sealed or uploaded (issue 16 items 2–3):
a committee whose recipient the platform substituted (the page checks every official's
signed recipient statement: DESIGN.md "Opening committee"), and browser sealing for a
tender published as requiring `etender bid seal` (the `sealing: client` policy) — where a
part sealed on the bidder's machine is still picked and uploaded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
from playwright.async_api import expect

from signing.age import X25519Identity
from tender import service
from tender.model import Sealing, Tender
from tests.conftest import LiveServer
from tests.tender.kit import replace
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.world import World, appoint, fast_draft, published_tender
from tests.web.bids.kit import fixture_settings, register_browser_key, sign_in, write_sealed
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


async def uploaded(pool: asyncpg.Pool, sha256: str) -> int:
    """The committed bytes of the upload declared with ``sha256``."""
    async with pool.acquire() as conn:
        found = await conn.fetchval(
            "SELECT committed_offset FROM bid_uploads WHERE declared_sha256 = $1", sha256
        )
    return int(found or 0)


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


async def client_sealed_tender(conn: asyncpg.Connection, world: World) -> Tender:
    """A tender its agency published with ``"sealing": "client"`` (tender.model.Sealing;
    docs/api-tenders.md, "Sealing"), its committees appointed as published_tender does."""
    draft = replace(await fast_draft(conn, world), sealing=Sealing.CLIENT)
    created = await service.create_draft(conn, world.agency, draft)
    for lot in draft.lots:
        await appoint(conn, world, created, lot.number)
    return await service.publish(conn, world.agency, created.id, world.setup())


@pytest.mark.browser
async def test_a_tender_requiring_the_command_line_gets_no_browser_sealing_and_says_why(
    browser: Any, pool: asyncpg.Pool, web_world: World, live_server: LiveServer, tmp_path: Path
) -> None:
    """A tender published with `sealing: client`: the lot page's facts say so, sealing in
    the page is refused with the reason in the page's language, and a part sealed by
    `etender bid seal` (the Python sealer) is still picked from disk, hashed and uploaded."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await client_sealed_tender(conn, web_world)
        sealed = await write_sealed(conn, web_world, tender, make_bidder(web_world, 0),
                                    tmp_path / "b1", 100_000, price=300_000_00)  # fmt: skip
    sha256 = hashlib.sha256(sealed.read_bytes()).hexdigest()
    page = await sign_in(browser, live_server.url, "bidder1")
    await page.goto(f"{live_server.url}/bidder/bids/{tender.id}/lots/1")
    await page.wait_for_selector("#bid-page[data-ready=true]")
    facts = json.loads(await page.get_attribute("#bid-page", "data-facts") or "{}")
    assert facts["sealing"] == "client"
    refused = page.locator("#seal-refused")
    await expect(refused).to_be_visible()
    assert "招标人要求用命令行 etender bid seal 封装" in await refused.inner_text()
    assert await page.is_disabled(".seal-button[data-part=main]")
    assert await page.is_hidden("#progress-main")

    await page.set_input_files("#sealed-main", str(sealed))
    await page.wait_for_selector(f"fieldset.part[data-uploaded='{sha256}']")
    assert await uploaded(pool, sha256) == sealed.stat().st_size

    await page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    await page.reload()
    await page.wait_for_selector("#bid-page[data-ready=true]")
    await expect(refused).to_contain_text(
        "The agency requires this tender's bids to be sealed with etender bid seal"
    )
    assert await page.is_disabled(".seal-button[data-part=main]")
    assert await page.is_enabled("#sealed-main")
