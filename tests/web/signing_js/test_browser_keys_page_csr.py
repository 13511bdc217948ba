"""The keys page without a demo CA: the member takes the CSR to its own CA, pastes the
issued certificate, and registers it (issue 12 item 3: outside the demo the platform
issues no certificates)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from playwright.async_api import expect

from accounts.model import OrgKind, Role
from signing.demo_ca import DemoCA, create_demo_ca
from tests.accounts.factory import make_organisation, make_user
from tests.conftest import CloneDatabase, LiveServer
from tests.web.signing_js.kit import issue_from_csr
from tests.web.signing_js.test_browser_keys_page import sign_in
from tests.web.trust_dir import trust_ca
from web.settings import Settings

# The platform validates a registration as of its own clock: this CA and the
# certificate it issues are valid from a day before the test runs, for two years.
CA_NOW = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)


@pytest.fixture
def own_ca() -> DemoCA:
    return create_demo_ca(now=CA_NOW)


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase, own_ca: DemoCA) -> Settings:
    data = tmp_path / "data"
    trust_ca(data, own_ca, name="own")
    return Settings(database_url=database.app_dsn, data_dir=data)


@pytest.mark.browser
async def test_without_a_demo_ca_the_page_gives_the_csr_and_takes_the_issued_certificate(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, own_ca: DemoCA
) -> None:
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="宣城市住建局")
        await make_user(conn, org, Role.SUPERVISOR, scope=org, username="watcher")
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await sign_in(page, live_server.url, "watcher")
        await page.goto(f"{live_server.url}/me/keys")
        await page.wait_for_selector("#keys-page[data-ready=true]")
        await page.fill("#create-label", "office PC")
        await page.click("#create-form button[type=submit]")
        await page.wait_for_selector("#csr-box", state="visible")
        csr = await page.input_value("#csr-pem")
        assert csr.startswith("-----BEGIN CERTIFICATE REQUEST-----")
        assert await page.get_attribute("#csr-download", "href")
        await expect(page.locator("#keys tbody")).to_contain_text("待附加证书")

        await page.fill("#cert-pem", issue_from_csr(own_ca, csr, now=CA_NOW))
        await page.click("#attach-form button[type=submit]")
        await page.wait_for_selector("#csr-box", state="hidden")
        await page.click("#keys tbody button:has-text('登记到平台')")
        await expect(page.locator("#keys tbody .key-status").first).to_have_text("已登记（当前）")
        assert await page.is_hidden("#error")
    finally:
        await context.close()
