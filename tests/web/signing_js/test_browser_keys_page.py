"""The signing keys page, /me/keys, in Chromium: an expert makes a browser key, the demo
CA issues its certificate, the page registers it (proof of possession, as a device key)
and lists it, its registration signature and the bundle's SHA-256 (issue 12 item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from playwright.async_api import expect

from accounts.model import OrgKind, Role
from tests.accounts.factory import PASSWORD, make_organisation, make_user
from tests.conftest import CloneDatabase, LiveServer
from web.cli.ca import init_ca
from web.jsbundle import BUNDLE
from web.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase) -> Settings:
    """The platform trusts the demo CA that ETENDER_DEMO_CA_DIR names (scripts/run's setup)."""
    data = tmp_path / "data"
    folder = tmp_path / "client" / "ca"
    init_ca(folder)
    (data / "trust").mkdir(parents=True)
    for name in ("root.crt", "issuing.crt"):
        shutil.copyfile(folder / name, data / "trust" / f"demo-{name}")
    return Settings(database_url=database.app_dsn, data_dir=data, demo_ca_dir=folder)


async def sign_in(page: Any, url: str, username: str) -> None:
    await page.goto(f"{url}/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{url}/home")


@pytest.mark.browser
async def test_an_expert_makes_a_browser_key_gets_the_demo_certificate_and_registers_it(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.EXPERT_EMPLOYER, name="宣城市建筑设计院")
        await make_user(conn, org, Role.EXPERT, username="expert1")
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await sign_in(page, live_server.url, "expert1")
        await page.click("a[href='/me/keys']")
        await page.wait_for_url(f"{live_server.url}/me/keys")
        response = await page.reload()
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert BUNDLE.sha256 in await page.inner_text("#bundle-sha256")
        assert "签名脚本 SHA-256" in await page.inner_text("#bundle-sha256")
        await page.wait_for_selector("#keys-page[data-ready=true]")

        await page.fill("#create-label", "评标室 3 号电脑")
        await page.click("#create-form button[type=submit]")
        status = page.locator("#keys tbody tr .key-status")
        await status.first.wait_for()
        await expect(page.locator("#keys tbody .key-status").first).to_have_text("已登记（当前）")
        row = await page.inner_text("#keys tbody tr")
        assert "评标室 3 号电脑" in row
        assert "浏览器密钥" in row
        # The journal renders after the key table in the same refresh: wait for it.
        await expect(page.locator("#journal tbody")).to_contain_text("certificate_registration")
        assert await page.is_hidden("#csr-box")
        assert await page.is_hidden("#error")

        # The platform registered it as this device's key; the page's English works too.
        keys = await page.evaluate(
            "fetch('/api/v1/me/keys', {credentials: 'same-origin'}).then((r) => r.json())"
        )
        assert [c["current"] for c in keys["certificates"]] == [True]
        assert keys["certificates"][0]["device"] == {"kind": "browser", "label": "评标室 3 号电脑"}
        await page.click("a[hreflang=en]")
        await page.wait_for_url(f"{live_server.url}/me/keys")
        await expect(page.locator("#keys tbody .key-status").first).to_have_text(
            "Registered (current)"
        )
        assert "Signing script SHA-256" in await page.inner_text("#bundle-sha256")
    finally:
        await context.close()
