"""A real Chromium: a supervisor filters the alert list, opens an alert, acknowledges,
escalates it to the centre; centre staff resolve it; the page reads in English too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.supervision.alerts.kit import AlertsWorld
from tests.web.signing_js.kit import sign_in


@pytest.mark.browser
async def test_an_alert_is_acknowledged_escalated_and_resolved_in_the_browser(
    browser: Any, live_server: LiveServer, aw: AlertsWorld
) -> None:
    url = live_server.url
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await sign_in(page, url, "supervisor")
        await page.goto(f"{url}/supervision/alerts")
        assert await page.get_attribute("html", "lang") == "zh-CN"
        assert await page.locator("tr[data-alert]").count() == 2
        await page.select_option("#rule", "bond_same_account")  # by its label (issue 15)
        await page.click("#filters button[type=submit]")
        await page.wait_for_url("**rule=bond_same_account**")
        assert await page.locator("tr[data-alert]").count() == 1
        await page.click(f"tr[data-alert='{aw.same_account}'] a:has-text('查看')")
        await page.wait_for_url(f"{url}/supervision/alerts/{aw.same_account}")
        evidence = await page.inner_text("#evidence")
        assert "62220012345678" in evidence
        assert "缴纳账户" in evidence  # the key's label, never "paying_account"
        assert "paying_account" not in evidence
        await page.fill("#acknowledge-note", "已通知开户行核查")
        await page.click("#acknowledge button")
        await page.wait_for_selector("#state[data-state=acknowledged]")
        await page.fill("#escalate-note", "疑似串通投标，请中心督办")
        await page.click("#escalate button")
        await page.wait_for_selector("#state[data-state=escalated]")
        assert await page.locator("#no-action").count() == 1  # the centre acts now
        await page.click("button:has-text('退出')")
        await sign_in(page, url, "staff")
        await page.goto(f"{url}/supervision/alerts/{aw.same_account}")
        await page.fill("#resolve-resolution", "已移送调查，另案处理")
        await page.click("#resolve button")
        await page.wait_for_selector("#state[data-state=resolved]")
        history = await page.inner_text(".history")
        assert "已通知开户行核查" in history
        assert "已移送调查，另案处理" in history
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{url}/supervision/alerts/{aw.same_account}")
        assert await page.get_attribute("html", "lang") == "en"
        assert "Bonds paid from one account" in await page.inner_text("h1")
        assert "Resolved" in await page.inner_text("#state")
    finally:
        await context.close()
