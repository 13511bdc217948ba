"""The centre's, the department's and the agency's journey in a real Chromium, through
pages only (issue 15, item 1; the agency's draft is set up over the API, the part an
earlier session's pages cover): the agency uploads the tender document and sees the
progress bar; the centre's staff appoint the lot's committee from the officials'
registered keys; the supervisor approves the roster shown; the agency publishes; the
staff record a bond; the staff page's hall link opens the lot's opening hall."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import LiveServer
from tests.tender.world import World
from tests.web.signing_js.kit import sign_in
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
)
from tests.web.tender.oversight_kit import create_draft, register_officials, roster_state

TIMEOUT_MS = 30_000
DOCUMENT = b"%PDF-1.4\n" + bytes(range(256)) * (24 * 1024)  # 6 MiB: several progress events

# Every text the upload status shows, kept in sessionStorage: the page reloads itself
# once the upload is done, and the test reads them afterwards (no race with the reload).
WATCH_STATUS = """() => {
  const status = document.getElementById("upload-status");
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem("seen") || "[]");
    seen.push(status.textContent);
    sessionStorage.setItem("seen", JSON.stringify(seen));
  }).observe(status, { childList: true, characterData: true, subtree: true });
}"""


async def _signed_in(browser: Any, server: LiveServer, username: str) -> Any:
    page = await (await browser.new_context()).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await sign_in(page, server.url, username)
    return page


async def _upload_with_progress(page: Any, server: LiveServer, tender_id: str) -> list[str]:
    await page.goto(f"{server.url}/agency/tenders/{tender_id}")
    await page.evaluate(WATCH_STATUS)
    await page.set_input_files(
        "#file", files=[{"name": "招标文件.pdf", "mimeType": "application/pdf", "buffer": DOCUMENT}]
    )
    await page.click("#upload-form button[type=submit]")
    await page.wait_for_selector("#document-list tr[data-name='招标文件.pdf']")
    seen: list[str] = json.loads(await page.evaluate("sessionStorage.getItem('seen')"))
    return seen


@pytest.mark.browser
async def test_agency_staff_and_supervisor_take_a_tender_to_its_opening_hall_through_pages(
    browser: Any,
    live_server: LiveServer,
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    web_world: World,
    tokens: dict[str, str],
) -> None:
    """Upload with progress → appoint → approve → publish → bond → the hall."""
    await register_officials(pool, web_world)
    tender_id = await create_draft(client, pool, web_world, tokens["agent"])
    server = live_server

    agency = await _signed_in(browser, server, "agent")
    seen = await _upload_with_progress(agency, server, tender_id)
    assert any("%" in text and "/" in text for text in seen), seen  # bytes of total, %
    assert any("100%" in text for text in seen), seen
    assert any("招标文件.pdf" in text for text in seen), seen  # the done message

    staff = await _signed_in(browser, server, "staff")
    await staff.click("a[href='/centre/tenders']>> nth=0")
    await staff.click(f"a[href='/centre/tenders/{tender_id}']")
    form = staff.locator("#lot-1 form.appoint-form")
    for official in web_world.officials:
        await form.locator(f"input[value='{official.user.id}']").check()
    await form.locator("input[name=k]").fill("2")
    await form.locator("button[type=submit]").click()
    await staff.wait_for_selector("#lot-1 .committee-state[data-state=pending]")
    assert await roster_state(pool, tender_id) == (1, 0)

    supervisor = await _signed_in(browser, server, "supervisor")
    await supervisor.click("a[href='/supervision/tenders']")
    await supervisor.click(f"a[href='/supervision/tenders/{tender_id}']")
    assert len(await supervisor.locator("#lot-1 table.roster tbody tr").all()) == 3
    await supervisor.click("#lot-1 form.approve-form button[type=submit]")
    await supervisor.wait_for_selector("#lot-1 .committee-state[data-state=approved]")

    await agency.goto(f"{server.url}/agency/tenders/{tender_id}")
    await agency.click("#publish")
    await agency.wait_for_selector("#status[data-status=published]")

    await staff.goto(f"{server.url}/centre/tenders/{tender_id}")
    await staff.select_option("#bond-bidder", str(web_world.bidder_orgs[0].id))
    await staff.fill("#bond-amount", "100000")
    await staff.fill("#bond-paid-at", "2026-01-05T10:00")
    await staff.fill("#bond-account", "6222 0000 1111 2222")
    await staff.click("#bond-form button[type=submit]")
    await staff.wait_for_selector("#bond-list tr[data-status=held]")
    assert "6222000011112222" in await staff.inner_text("#bond-list")

    await staff.click("#opening-halls a.hall-link")
    await staff.wait_for_url(f"{server.url}/tenders/{tender_id}/lots/1/opening-hall")
    assert "开标大厅" in await staff.title()
    for page in (agency, staff, supervisor):
        await page.context.close()
