"""A real Chromium walks the system and the security administrator's parts through
pages only: accounts opened and disabled, roles granted, an administrator role
proposed by one and approved by the other, and the security events filtered."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from accounts.model import Role
from accounts.users import service as users
from tests.accounts.factory import CONSOLE
from tests.conftest import LiveServer
from tests.web.accounts.page_kit import (
    Admins,
    fixture_admins,
)

__all__ = ["fixture_admins"]
from tests.web.signing_js.kit import sign_in


async def _page(browser: Any, server: LiveServer, username: str) -> tuple[Any, Any]:
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, server.url, username)
    return context, page


@pytest.mark.browser
async def test_the_security_administrator_grants_proposes_and_reads_the_events(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, admins: Admins
) -> None:
    """Home card → a supervisor's role with its scope → an audit role proposed (not
    applied) → the grant among the security events of its kind."""
    async with pool.acquire() as conn:
        officer = await users.create_user(
            conn, CONSOLE, organisation_id=admins.department.id, username="officer",
            display_name="赵六", password=None,
        )  # fmt: skip
        newcomer = await users.create_user(
            conn, CONSOLE, organisation_id=admins.centre.id, username="newcomer",
            display_name="钱七", password=None,
        )  # fmt: skip
    context, page = await _page(browser, live_server, "secadmin")
    url = live_server.url
    try:
        await page.click("a[href='/admin/roles']")
        await page.wait_for_url(f"{url}/admin/roles")
        await page.select_option("#grant-user", str(officer.id))
        await page.select_option("#grant-role", "supervisor")
        await page.select_option("#grant-scope", str(admins.department.id))
        await page.click("#grant button[type=submit]")
        await page.wait_for_url(f"{url}/admin/roles?done=granted")
        row = page.locator("#users tr[data-username=officer]")
        assert "监督人员" in await row.inner_text() or "宣城市住建局" in await row.inner_text()
        await page.select_option("#grant-user", str(newcomer.id))
        await page.select_option("#grant-role", "audit_admin")
        await page.click("#grant button[type=submit]")
        await page.wait_for_url(f"{url}/admin/roles?done=proposed")
        assert "待系统管理员或审计管理员批准" in await page.inner_text("#notice")
        assert await page.locator("#pending tbody tr").count() == 1
        assert "newcomer" in await page.inner_text("#pending")
        await page.click("a[href='/admin/security-events']")
        await page.select_option("#kind", "auth.role_granted")
        await page.click("#filters button[type=submit]")
        await page.wait_for_url(f"{url}/admin/security-events?kind=auth.role_granted*")
        changes = await page.inner_text("#changes")
        assert "officer" in changes
        assert "（北京时间）" in changes
    finally:
        await context.close()
    async with pool.acquire() as conn:
        held = {grant.role for grant in await users.user_roles(conn, newcomer.id)}
    assert held == set()  # proposed only: the second person has not approved yet


@pytest.mark.browser
async def test_the_system_administrator_opens_disables_and_approves(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, admins: Admins
) -> None:
    """Home card → an account opened → disabled → the security administrator's
    proposal (made on its page) approved: the role is held."""
    url = live_server.url
    async with pool.acquire() as conn:
        staffer = await users.create_user(
            conn, CONSOLE, organisation_id=admins.centre.id, username="staffer",
            display_name="孙八", password=None,
        )  # fmt: skip
    context, page = await _page(browser, live_server, "secadmin")
    try:
        await page.goto(f"{url}/admin/roles")
        await page.select_option("#grant-user", str(staffer.id))
        await page.select_option("#grant-role", "security_admin")
        await page.click("#grant button[type=submit]")
        await page.wait_for_url(f"{url}/admin/roles?done=proposed")
    finally:
        await context.close()
    context, page = await _page(browser, live_server, "sysadmin")
    try:
        await page.click("a[href='/admin/users']")
        await page.wait_for_url(f"{url}/admin/users")
        await page.select_option("#organisation_id", str(admins.bidder_org.id))
        await page.fill("#username", "bidder2")
        await page.fill("#display_name", "李四")
        await page.fill("#password", "Another-horse-43")
        await page.click("#create-user button[type=submit]")
        await page.wait_for_url(f"{url}/admin/users?done=created")
        row = page.locator("#users tr[data-username=bidder2]")
        await row.locator("button[name=disable]").click()
        await page.wait_for_url(f"{url}/admin/users?done=disabled")
        assert await page.get_attribute("#users tr[data-username=bidder2]", "data-status") == (
            "disabled"
        )
        await page.click("a[href='/admin/role-changes']")
        await page.wait_for_url(f"{url}/admin/role-changes")
        assert "staffer" in await page.inner_text("#pending")
        await page.click("#pending button[name=approve]")
        await page.wait_for_url(f"{url}/admin/role-changes?done=approved")
        assert await page.locator("#decided tr[data-status=approved]").count() == 1
        await page.click("a[hreflang=en]")
        assert "Approved" in await page.inner_text("#decided")
    finally:
        await context.close()
    async with pool.acquire() as conn:
        held = {grant.role for grant in await users.user_roles(conn, staffer.id)}
    assert held == {Role.SECURITY_ADMIN}
