"""The witness's (日志见证方) journey in a real Chromium (issue 15, "Must show"): sign in
through the login page, follow the home card to the checkpoints, see the checkpoint it
cosigned with its cosignature verified (and the forged line not), the witnesses page,
and be refused the log's entries (三员分立: only the audit administrator reads them).
The log world is tests/web/audit/kit.py's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.web.audit import kit
from tests.web.audit.test_browser_log import world
from tests.web.signing_js.kit import sign_in

# The audit administrator's journey's log world (its users, entries and cosignatures).
__all__ = ["world"]


@pytest.mark.browser
async def test_the_witness_sees_its_cosignature_verified_and_is_refused_the_log(
    browser: Any, live_server: LiveServer, world: kit.LogWorld
) -> None:
    url = live_server.url
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await sign_in(page, url, "witness")
        await page.click("main a[href='/audit/checkpoints']")
        await page.wait_for_url(f"{url}/audit/checkpoints")
        # A witness has no link to the log's entries.
        assert await page.locator("a[href='/audit/log']").count() == 0
        card = page.locator(f"article[data-size='{world.checkpoint_size}']")
        mine = card.locator(f"li[data-witness='{world.witness}']")
        assert await mine.get_attribute("class") == "ok"
        text = await mine.inner_text()
        assert "已验证" in text
        assert "（北京时间）" in text
        forged = card.locator(f"li[data-witness='{world.forger}']")
        assert "未通过验证" in await forged.inner_text()
        assert "已验证" in await card.locator(".log-signature").inner_text()
        await card.locator(".consistency[data-verified]").wait_for()
        await page.click("nav a[href='/audit/witnesses']")
        await page.wait_for_url(f"{url}/audit/witnesses")
        row = page.locator(f"#witnesses tr[data-witness='{world.witness}']")
        listed = await row.inner_text()
        assert f"{world.checkpoint_size}" in listed
        assert "（北京时间）" in listed
        assert await page.locator("#witnesses tbody tr").count() == 2
        refused = await page.goto(f"{url}/audit/log")
        assert refused is not None
        assert refused.status == 403
        assert "只有审计管理员查阅审计日志" in await page.inner_text("#refused")
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{url}/audit/log")
        assert "Only the audit administrator reads the audit log" in await page.inner_text(
            "#refused"
        )
    finally:
        await context.close()
