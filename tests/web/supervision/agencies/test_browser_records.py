"""A real Chromium keeps an agency's record: centre staff register it and add a project
manager, its department's supervisor inspects and records a finding, a supervisor of
another department sees the finding but gets no form to add one; the results page."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.supervision.factory import People
from tests.web.signing_js.kit import sign_in as sign_in_page
from tests.web.supervision.kit import fixture_people

__all__ = ["fixture_people"]


async def sign_in(browser: Any, server: LiveServer, username: str) -> Any:
    """A page of a new browser context, signed in as ``username``."""
    page = await (await browser.new_context()).new_page()
    await sign_in_page(page, server.url, username)
    return page


@pytest.mark.browser
async def test_an_agency_record_is_kept_through_the_pages(
    browser: Any, live_server: LiveServer, pool: asyncpg.Pool, people: People
) -> None:
    """Register, add staff, inspect, find; the other department only reads."""
    record = f"{live_server.url}/supervision/agencies/{people.agency.id}"
    staff = await sign_in(browser, live_server, people.staff.username)
    try:
        await staff.goto(f"{live_server.url}/supervision/agencies")
        await staff.fill("#register-form [name=organisation_id]", str(people.agency.id))
        await staff.fill("#register-form [name=registration_number]", "AH-2026-007")
        await staff.fill("#register-form [name=registered_on]", "2026-01-05")
        await staff.click("#register-form button[type=submit]")
        await staff.wait_for_url(record)
        await staff.fill("#staff-form [name=name]", "王工")
        await staff.fill("#staff-form [name=id_number]", "11010519491231002X")
        await staff.select_option("#staff-form [name=role]", "project_manager")
        await staff.fill("#staff-form [name=qualification]", "一级建造师")
        await staff.fill("#staff-form [name=joined_on]", "2020-03-01")
        await staff.click("#staff-form button[type=submit]")
        await staff.wait_for_url(record)
        assert "项目负责人" in await staff.inner_text("#staff-table")
        assert "11010519491231002X" not in await staff.content()
    finally:
        await staff.context.close()
    supervisor = await sign_in(browser, live_server, people.supervisor.username)
    try:
        await supervisor.goto(record)
        await supervisor.select_option("#inspection-form [name=kind]", "ad_hoc")
        await supervisor.fill("#inspection-form [name=scheduled_on]", "2026-05-01")
        await supervisor.fill("#inspection-form [name=subject]", "投诉线索核查")
        await supervisor.click("#inspection-form button[type=submit]")
        await supervisor.wait_for_url(record)
        form = supervisor.locator("article.inspection form.finding-form")
        await form.locator("[name=severity]").select_option("major")
        await form.locator("[name=description]").fill("未按时答复异议")
        await form.locator("[name=found_on]").fill("2026-05-02")
        await form.locator("button[type=submit]").click()
        await supervisor.wait_for_url(record)
        finding = supervisor.locator("tr.finding[data-severity=major]")
        assert "严重问题" in await finding.inner_text()
    finally:
        await supervisor.context.close()
    other = await sign_in(browser, live_server, people.other_supervisor.username)
    try:
        await other.goto(record)
        assert "未按时答复异议" in await other.inner_text("article.inspection")
        assert await other.locator("form.finding-form").count() == 0
        await other.click("a[hreflang=en]")
        await other.wait_for_url(record)
        assert "Major" in await other.inner_text("article.inspection")
    finally:
        await other.context.close()
