"""The host's desk in Chromium (issue 12, item 2): the session page sends centre staff
to it; the host opens the sign-in and confirms a member's identity at the main venue
from the page — after ticking that the ID card was checked — and the server records
the host as the one who confirmed."""

from __future__ import annotations

import dataclasses
from typing import Any

import asyncpg
import pytest

from evaluation.model import DEFAULT_POLICY
from tests.conftest import LiveServer
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, Template, send, session_world
from tests.web.evaluation.desk.browser import signed_in
from web.pages import beijing_text


@pytest.mark.browser
async def test_the_host_opens_the_sign_in_and_confirms_an_identity_from_the_desk(
    browser: Any, conn: asyncpg.Connection, w: SessionWorld, live_server: LiveServer
) -> None:
    """Open the sign-in by button; seat 1 signs in at the main venue; its row shows its
    name and ID details, the confirm button waits for the ID-card tick; confirmed, the
    row says present and the database names the host."""
    async with signed_in(browser, live_server, w.staff.username) as page:
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}")
        assert page.url.endswith(f"/evaluations/{w.state.id}/desk")
        await page.wait_for_selector("#desk[data-ready=true] #phase[data-phase=scheduled]")
        # Beijing time with its label (issue 15 item 4), as the server prints it.
        starts = await conn.fetchval(
            "SELECT starts_at FROM evaluation_sessions WHERE id = $1", w.state.id
        )
        assert await page.inner_text("#starts-at") == beijing_text(starts, "zh-CN")
        await page.click("#cmd-open-sign-in")
        await page.wait_for_selector("#phase[data-phase=sign_in]")
        assert await page.inner_text("#phase") == "签到"

        await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
        await page.wait_for_selector("#members tr[data-seat='1'][data-signed-in=true]")
        identity = await page.inner_text("[data-identity='1']")
        assert w.member(1).display_name in identity
        assert str(w.member(1).user_id) in identity
        assert await page.is_disabled("#confirm-1")
        await page.check("#id-checked-1")
        await page.click("#confirm-1")
        await page.wait_for_selector("#members tr[data-seat='1'][data-present=true]")
        assert await page.is_hidden("#desk-error")
        assert page.errors == []
    confirmed_by = await conn.fetchval(
        "SELECT identity_confirmed_by FROM evaluation_members WHERE session_id = $1 AND seat = 1",
        w.state.id,
    )
    assert confirmed_by == w.staff.user_id


@pytest.mark.browser
async def test_a_refused_command_shows_the_servers_reason_on_the_desk(
    browser: Any, w: SessionWorld, live_server: LiveServer
) -> None:
    """Starting with nobody signed in is refused: the alert shows the code."""
    async with signed_in(browser, live_server, w.staff.username) as page:
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}/desk")
        await page.wait_for_selector("#desk[data-ready=true] #phase[data-phase=scheduled]")
        assert await page.is_hidden("#cmd-start")
        await page.click("#cmd-open-sign-in")
        await page.wait_for_selector("#phase[data-phase=sign_in]")
        await page.wait_for_selector("#cmd-start:visible")
        assert await page.is_hidden("#cmd-open-sign-in")
        await page.click("#cmd-start")
        await page.wait_for_selector(
            "#desk-error[data-code=evaluation_members_not_present_conflict]"
        )
        assert await page.inner_text("#phase") == "签到"
        assert "仍有席位未到场" in await page.inner_text("#desk-error")


@pytest.mark.browser
async def test_the_host_pauses_with_a_reason_resumes_and_asks_for_a_replacement(
    browser: Any, conn: asyncpg.Connection, w: SessionWorld, live_server: LiveServer
) -> None:
    """Pause (the reason shown), resume; request seat 2's replacement from its row: the
    replacements table waits for a supervisor; approved, the desk offers to seat the
    newcomer."""
    async with signed_in(browser, live_server, w.staff.username) as page:
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}/desk")
        await page.wait_for_selector("#desk[data-ready=true] #phase[data-phase=scheduled]")
        await page.fill("#pause-reason-input", "主场网络检修")
        await page.click("#cmd-pause")
        await page.wait_for_selector("#paused:visible")
        assert await page.inner_text("#pause-reason") == "主场网络检修"
        assert await page.is_hidden("#cmd-pause")
        await page.click("#cmd-resume")
        await page.wait_for_selector("#paused", state="hidden")

        await page.fill("#replace-reason-2", "专家突发疾病")
        await page.click("#request-replacement-2")
        row = page.locator("#replacements tbody tr[data-seat='2']")
        await row.wait_for()
        assert "专家突发疾病" in await row.inner_text()
        assert "待监督人员批准" in await row.inner_text()
        assert await page.locator("#request-replacement-2").count() == 0  # one is open
        await send(conn, w, w.supervisor, "approve_replacement", {"seat": 2})
        await page.wait_for_selector("#seat-replacement-2")
        assert page.errors == []
    kinds = [
        r["kind"]
        for r in await conn.fetch(
            "SELECT kind FROM live_events WHERE session_id = $1 ORDER BY seq", w.state.id
        )
    ]
    assert kinds.count("session.paused") == 1
    assert kinds.count("replacement.requested") == 1


@pytest.mark.browser
async def test_the_host_marks_a_no_show_from_the_desk(
    browser: Any,
    conn: asyncpg.Connection,
    evaluation_template: Template,
    live_server: LiveServer,
) -> None:
    """No waiting time in the policy: a seat not signed in is offered as a no-show (one
    signed in is not); marked, its holder is absent and its replacement requested."""
    policy = dataclasses.replace(DEFAULT_POLICY, no_show_minutes=0)
    w = await session_world(conn, evaluation_template, policy=policy)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    async with signed_in(browser, live_server, w.staff.username) as page:
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}/desk")
        await page.wait_for_selector("#desk[data-ready=true] #phase[data-phase=sign_in]")
        assert await page.locator("#no-show-1").count() == 0
        await page.click("#no-show-3")
        await page.wait_for_selector("#members tr[data-seat='3'][data-status=absent]")
        await page.wait_for_selector("#replacements tbody tr[data-seat='3']")
        assert "缺席" in await page.inner_text("#replacements tbody tr[data-seat='3']")
        assert page.errors == []
