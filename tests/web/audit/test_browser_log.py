"""The audit administrator's journey in a real Chromium (issue 15, item 3): home card →
search the log by tender → an entry → its inclusion proof, the checkpoint's signature
and each witness's cosignature verified in the page with WebCrypto → the checkpoints.
And a proof tampered on the wire shows as NOT verified."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import asyncpg
import pytest
from starlette.applications import Starlette

from tests.conftest import LiveServer
from tests.web.audit import kit
from tests.web.signing_js.kit import sign_in


@pytest.fixture
async def world(app: Starlette, pool: asyncpg.Pool) -> kit.LogWorld:
    await kit.make_users(pool)
    return await kit.build(app, pool)


@pytest.mark.browser
async def test_the_audit_admin_finds_an_entry_and_the_page_verifies_its_proof(
    browser: Any, live_server: LiveServer, world: kit.LogWorld
) -> None:
    """Through pages only: the proof and the log's signature verify, the honest
    witness's cosignature verifies and the forged one does not."""
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await sign_in(page, live_server.url, "audit_admin")
        await page.click("a[href='/audit/log']")
        await page.wait_for_url(f"{live_server.url}/audit/log")
        await page.fill("#f-tender", kit.TENDER_A)
        await page.click("#log-filter button[type=submit]")
        await page.wait_for_selector(f"tr[data-index='{world.published_a}']")
        assert await page.locator("#entries tbody tr").count() == 1
        assert "2026-03-01 23:59:59（北京时间）" in await page.inner_text("#entries")
        await page.click(f"a[href='/audit/log/{world.published_a}']")
        await page.wait_for_selector("#proof-status[data-verified='true']")
        status = await page.inner_text("#proof-status")
        assert (
            f"条目 #{world.published_a} 包含在大小为 {world.checkpoint_size} 的检查点中" in status
        )
        assert await page.get_attribute("#log-signature", "data-verified") == "true"
        honest = page.locator(f"#cosignatures li[data-witness='{world.witness}']")
        assert await honest.get_attribute("data-verified") == "true"
        # Its time as every page writes it (web/static/js/beijing.js), seconds shown.
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）", await honest.inner_text())
        forged = page.locator(f"#cosignatures li[data-witness='{world.forger}']")
        assert await forged.get_attribute("data-verified") == "false"
        assert '"title": "道路"' in await page.inner_text("#entry-data")
        await page.click("a[href='/audit/checkpoints']")
        await page.wait_for_url(f"{live_server.url}/audit/checkpoints")
        cards = await page.locator("article[data-size]").count()
        # The script checks the pairs newest first: the last pair done, all are done.
        last_pair = page.locator("article[data-size]").nth(cards - 2)
        await last_pair.locator(".consistency[data-verified]").wait_for()
        assert await page.locator(".consistency[data-verified='true']").count() == cards - 1
        card = page.locator(f"article[data-size='{world.checkpoint_size}']")
        assert "已验证" in await card.locator(f"li[data-witness='{world.witness}']").inner_text()
        assert "未通过验证" in await card.locator(f"li[data-witness='{world.forger}']").inner_text()
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{live_server.url}/audit/checkpoints")
        await last_pair.locator(".consistency[data-verified]").wait_for()
        assert "Consistent: this checkpoint extends" in await card.inner_text()
        assert (
            "NOT verified" in await card.locator(f"li[data-witness='{world.forger}']").inner_text()
        )
        assert "(Beijing time)" in await card.inner_text()
    finally:
        await context.close()


@pytest.mark.browser
async def test_a_proof_tampered_on_the_wire_shows_as_not_verified(
    browser: Any, live_server: LiveServer, world: kit.LogWorld
) -> None:
    """One flipped bit in one proof hash: the entry page computes another root, the
    checkpoints page another pair of roots, and each says NOT verified."""
    context = await browser.new_context()

    async def tamper(route: Any) -> None:
        answer = await route.fetch()
        body = await answer.json()
        first = bytearray(base64.b64decode(body["hashes"][0]))
        first[0] ^= 1
        body["hashes"][0] = base64.b64encode(bytes(first)).decode()
        await route.fulfill(response=answer, body=json.dumps(body))

    await context.route("**/api/v1/log/proof/inclusion*", tamper)
    await context.route("**/api/v1/log/proof/consistency*", tamper)
    page = await context.new_page()
    try:
        await sign_in(page, live_server.url, "audit_admin")
        await page.goto(f"{live_server.url}/audit/log/{world.published_a}")
        await page.wait_for_selector("#proof-status[data-verified='false']")
        assert "未通过验证" in await page.inner_text("#proof-status")
        # The checkpoint itself is untouched: its signature still verifies.
        assert await page.get_attribute("#log-signature", "data-verified") == "true"
        await page.goto(f"{live_server.url}/audit/checkpoints")
        newest = page.locator(f"article[data-size='{world.checkpoint_size}'] .consistency")
        await newest.and_(page.locator("[data-verified]")).wait_for()
        assert await newest.get_attribute("data-verified") == "false"
        assert "不一致" in await newest.inner_text()
    finally:
        await context.close()


@pytest.mark.browser
async def test_a_checkpoint_note_altered_in_the_page_fails_the_logs_signature(
    browser: Any, live_server: LiveServer, world: kit.LogWorld
) -> None:
    """Another root in the note the page carries: the log's Ed25519 signature and every
    cosignature fail in the browser, and the entry is NOT verified."""
    context = await browser.new_context()

    async def alter(route: Any) -> None:
        answer = await route.fetch()
        html = await answer.text()
        note = html.split('data-checkpoint="')[1].split('"')[0]
        root = note.split("\n")[2]
        altered = ("B" if root[0] == "A" else "A") + root[1:]
        await route.fulfill(response=answer, body=html.replace(root, altered))

    page = await context.new_page()
    try:
        await sign_in(page, live_server.url, "audit_admin")
        await context.route(f"**/audit/log/{world.published_a}", alter)
        await page.goto(f"{live_server.url}/audit/log/{world.published_a}")
        await page.wait_for_selector("#proof-status[data-verified='false']")
        assert await page.get_attribute("#log-signature", "data-verified") == "false"
        honest = page.locator(f"#cosignatures li[data-witness='{world.witness}']")
        assert await honest.get_attribute("data-verified") == "false"
    finally:
        await context.close()
