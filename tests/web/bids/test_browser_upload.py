"""A bidder through its pages only, with a part sealed by the Python sealer (what
`etender bid seal` writes) picked from disk (issue 16 items 1, 4, 5): a browser key
registered on the keys page, the home card to "my bids", the lot page's committee and
fields (a price above the ceiling flagged as typed), the upload dropped by the network
and resumed, then the tab closed mid-upload and the upload resumed in a new tab from the
committed offset, the signed submit statement, the receipt checked in the page (RFC
9162 inclusion against the signed checkpoint) and downloaded (its .p7s verifies with
OpenSSL), and a signed withdrawal."""

from __future__ import annotations

import asyncio
import hashlib
import re
import subprocess
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import pytest
from playwright.async_api import expect

from tests.conftest import LiveServer
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.world import World, published_tender
from tests.web.bids.kit import Shots, fixture_settings, register_browser_key, sign_in, write_sealed
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]

CHUNK = 4 * 1024 * 1024  # web/static/js/bids-upload.js CHUNK: bytes per PUT
PUT = re.compile(r"/api/v1/uploads/[0-9a-f-]+\?offset=")


# The page's receipt check (web/static/js/bids-receipt.js) of version 1, as fetched and
# with another salt; and whether the entry holds the statement's hash in clear.
WRONG_SALT = """async (tender) => {
  const check = await import("/static/js/bids-receipt.js");
  const vkey = document.querySelector("[data-log-vkey]").dataset.logVkey;
  const url = `/api/v1/tenders/${tender}/lots/1/bid/receipts/1`;
  const answer = await (await fetch(url, { credentials: "same-origin" })).json();
  const good = await check.checkReceipt(answer, vkey);
  const bad = await check.checkReceipt({ ...answer, bidder_salt: "00".repeat(32) }, vkey);
  const entry = atob(answer.entry);  // a byte string: the hash would be ASCII in it
  return [good.ok, bad.ok, bad.why, entry.includes(answer.receipt_json.statement_sha256)];
}"""


async def lot_ready(page: Any) -> None:
    await page.wait_for_selector("#bid-page[data-ready=true]")


async def receipts_checked(page: Any) -> None:
    await lot_ready(page)
    await page.wait_for_selector("#versions .check[data-verified]")


async def price_flagged(page: Any) -> None:
    await lot_ready(page)
    await page.fill("#field-price", "4800000.01")
    await page.fill("#field-duration", "90")
    await page.wait_for_selector("#flag-price:visible")


def openssl_verifies(content: Path, signature: Path, root: Path) -> bool:
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signature),
         "-content", str(content), "-CAfile", str(root), "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    return done.returncode == 0


async def offset_of(pool: asyncpg.Pool, sha256: str) -> int:
    async with pool.acquire() as conn:
        found = await conn.fetchval(
            "SELECT committed_offset FROM bid_uploads WHERE declared_sha256 = $1", sha256
        )
    return int(found or 0)


@pytest.mark.slow
@pytest.mark.browser
async def test_a_bidder_uploads_a_cli_sealed_part_resumes_twice_submits_and_withdraws(
    browser: Any, pool: asyncpg.Pool, web_world: World, live_server: LiveServer,
    client: httpx.AsyncClient, tmp_path: Path,
) -> None:  # fmt: skip
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, web_world)
        who = make_bidder(web_world, 0)
        sealed = await write_sealed(conn, web_world, tender, who, tmp_path / "b1", CHUNK + 300_000,
                                    price=300_000_00)  # fmt: skip
    sha256 = hashlib.sha256(sealed.read_bytes()).hexdigest()
    shots = Shots(tmp_path / "shots")
    url = live_server.url
    page = await sign_in(browser, url, "bidder1")
    await register_browser_key(page, url)
    await page.goto(f"{url}/home")
    await page.click("a[href='/bidder/bids']")
    await page.wait_for_selector("#taking")
    await shots.take(page, url, "my-bids", lambda p: p.wait_for_selector("#taking"))
    await page.click(f"#taking tr[data-tender='{tender.id}'] a.open-bid")
    await lot_ready(page)
    assert await page.inner_text("#tender-code") == tender.code
    assert await page.locator("#committee tbody tr").count() == 3
    await shots.take(page, url, "lot-committee", lot_ready)
    # The ceiling is 4 800 000.00 yuan (tests/tender/kit.py): a price above it is flagged.
    await page.fill("#field-price", "4,800,000.01")
    await expect(page.locator("#flag-price")).to_contain_text("高于最高投标限价")
    await page.fill("#field-price", "3000000")
    await expect(page.locator("#flag-price")).to_be_hidden()
    await shots.take(page, url, "lot-fields", price_flagged)

    # The network drops during the second PUT; then the tab closes during the third.
    puts: list[int] = []
    held = asyncio.Event()

    async def network(route: Any) -> None:
        if route.request.method != "PUT":
            await route.continue_()
            return
        puts.append(int(route.request.url.rsplit("=", 1)[1]))
        if len(puts) == 1:
            await route.continue_()
        elif len(puts) == 2:
            await route.abort("connectionreset")
        else:
            # The tab is closing: nothing more reaches the server (the page retries
            # until it is gone).
            await route.abort("connectionreset")
            held.set()

    await page.route(PUT, network)
    await page.set_input_files("#sealed-main", str(sealed))
    await asyncio.wait_for(held.wait(), 60)
    assert puts[:3] == [0, CHUNK, CHUNK]
    assert await offset_of(pool, sha256) == CHUNK
    context = page.context
    await page.close()

    page = await context.new_page()
    await page.goto(f"{url}/bidder/bids/{tender.id}/lots/1")
    await lot_ready(page)
    pending = page.locator("#pending-uploads li[data-part=main]")
    await expect(pending).to_contain_text(sha256)
    await expect(pending).to_contain_text("请选取同一文件继续")  # picked from disk (F6)
    await page.set_input_files("#sealed-main", str(sealed))
    await page.wait_for_selector(f"fieldset.part[data-uploaded='{sha256}']")
    assert "从 4.0 MiB 处继续上传" in await page.inner_text("#upload-text-main")

    async def reopened(page: Any) -> None:
        # The tab reopened (a reload): the complete upload this browser remembers is
        # ready to submit without picking the file again (F2: a browser key cannot be
        # exported, so a bid the page could not submit here would be lost).
        await lot_ready(page)
        await page.wait_for_selector(f"fieldset.part[data-uploaded='{sha256}']")
        await expect(page.locator("#part-status-main")).to_contain_text(sha256)

    await shots.take(page, url, "lot-upload", reopened)

    await page.click("#submit-button")
    await expect(page.locator("#bid-status")).to_have_attribute("data-status", "submitted")
    check = page.locator("#versions tr[data-version='1'] .check")
    await expect(check).to_have_attribute("data-verified", "true")
    # upload.md §4.2 step 2 in the page: the salt opens the entry's two commitments (the
    # statement's hash is in no entry in clear, §5); a receipt answer with another salt
    # fails, saying so.
    assert await page.evaluate(WRONG_SALT, str(tender.id)) == [True, False, "salt", False]
    await shots.take(page, url, "lot-receipt", receipts_checked)
    async with page.expect_download() as got:
        await page.click("#versions tr[data-version='1'] a.receipt-p7s")
    p7s = tmp_path / "receipt.p7s"
    await (await got.value).save_as(p7s)
    async with page.expect_download() as got:
        await page.click("#versions tr[data-version='1'] a.receipt-json")
    receipt = tmp_path / "receipt.json"
    await (await got.value).save_as(receipt)
    root = tmp_path / "receipt-ca.pem"
    root.write_bytes((await client.get("/api/v1/receipts/ca.pem")).content)
    assert openssl_verifies(receipt, p7s, root)
    assert f'"sha256":"{sha256}"' in receipt.read_text()

    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.click("#withdraw-button")
    await expect(page.locator("#bid-status")).to_have_attribute("data-status", "withdrawn")
    await expect(page.locator("#versions tr[data-version='2'] .check")).to_have_attribute(
        "data-verified", "true"
    )
    assert await page.get_attribute("#versions tr[data-version='2']", "data-kind") == "withdraw"
    assert await page.is_hidden("#error")
