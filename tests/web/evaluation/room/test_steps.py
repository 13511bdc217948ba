"""The scoring room before the evaluation, in Chromium: a member signs in at a venue of
its choice, declares, votes for the chair, and — once the host started — reads the
briefing and opens a bid file (a logged read); the room follows the session live."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, send
from tests.web.evaluation.kit import pick_assisting_venues
from tests.web.evaluation.room.browser_kit import member_page, wait_text
from web.pages import beijing_text


async def _reads(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM log_entries WHERE kind = 'evaluation.bid_file_read'"
    )
    return count


@pytest.mark.browser
async def test_a_member_signs_in_declares_votes_and_reads_the_briefing_and_a_file(
    browser: Any, live_server: LiveServer, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Each step through the page's own controls; the other members' through the engine."""
    await pick_assisting_venues(conn, w)
    await send(conn, w, w.staff, "open_sign_in")
    page = await member_page(browser, live_server, w, 1)
    try:
        assert await page.inner_text("#phase") == "签到"
        venues = await page.eval_on_selector_all("#venue option", "os => os.map(o => o.value)")
        assert venues[0] == MAIN_VENUE.id  # the main venue first, then the two picked
        assert len(venues) == 3
        assert await page.is_hidden("#briefing")  # 四不知: nothing of the project yet
        await page.select_option("#venue", MAIN_VENUE.id)
        await page.click("#sign-in")
        await wait_text(page, "#sign-in-state", "已签到")
        await send(conn, w, w.staff, "confirm_identity", {"seat": 1})
        await wait_text(page, "#sign-in-state", "已到场")
        for seat in range(2, len(w.members) + 1):
            await send(conn, w, w.member(seat), "sign_in", {"venue": MAIN_VENUE.id})
            await send(conn, w, w.staff, "confirm_identity", {"seat": seat})
        await wait_text(page, "#present", f"{len(w.members)} / {len(w.members)}")
        await send(conn, w, w.staff, "start")
        await wait_text(page, "#phase", "回避声明")
        await page.check("#conflict-no")
        await page.click("#declare")
        await wait_text(page, "#declare-state", "已提交回避声明")
        for seat in range(2, len(w.members) + 1):
            await send(conn, w, w.member(seat), "declare", {"conflict": False})
        await wait_text(page, "#phase", "推选组长")
        await page.select_option("#vote-seat", "1")
        await page.click("#vote")
        await wait_text(page, "#vote-state", "本轮已投票")
        for seat in range(2, len(w.members) + 1):
            await send(conn, w, w.member(seat), "vote_chair", {"seat": 1})
        await wait_text(page, "#phase", "资格评审")
        await wait_text(page, "#chair", "专家1")
        assert await page.is_visible("#chair-controls")  # the elected chair's own
        assert await page.is_visible("#briefing")
        assert await page.locator("#bids tbody tr").count() == len(w.state.bids)
        assert w.scenario.tender.content.title in await page.inner_text("#project")
        await page.wait_for_selector("#files tbody tr .open-file")
        before = await _reads(conn)
        await page.locator(".open-file").first.click()
        await page.wait_for_selector("#file-text:not(:empty)")
        assert not await page.is_hidden("#file-text")
        await wait_text(page, "#file-meta", "SHA-256")
        assert "不符" not in await page.inner_text("#file-meta")
        assert await _reads(conn) == before + 1  # each read is logged, as over the API
        await page.wait_for_selector("#countdown:not(:empty)")  # the qualification's deadline
        deadline = await conn.fetchval(
            "SELECT phase_deadline FROM evaluation_sessions WHERE id = $1", w.state.id
        )
        # Beijing time with its label, as the server prints it (issue 15 item 4).
        assert await page.inner_text("#deadline") == beijing_text(deadline, "zh-CN")
        await page.click("#time-short")
        await wait_text(page, "#time-short-state", f"1/{len(w.members)}")
    finally:
        await page.context.close()


@pytest.mark.browser
async def test_the_room_says_when_the_connection_is_lost_and_when_it_resumed(
    browser: Any, live_server: LiveServer, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """The server goes away: a banner says the connection is lost; it comes back and the
    room reconnects, catches up with what it missed, and says so."""
    await send(conn, w, w.staff, "open_sign_in")
    page = await member_page(browser, live_server, w, 2)
    try:
        await live_server.stop()
        await page.wait_for_function(
            "document.getElementById('conn-banner').dataset.live === 'lost'"
        )
        assert "断开" in await page.inner_text("#conn-banner")
        await send(conn, w, w.member(3), "sign_in", {"venue": MAIN_VENUE.id})  # missed
        live_server.server.should_exit = False
        live_server.server.started = False
        await live_server.start()
        await page.wait_for_selector("#conn-banner[data-live=resumed]")
        assert "恢复" in await page.inner_text("#conn-banner")
        await page.wait_for_selector("#events li[data-kind='member.signed_in']")
    finally:
        await page.context.close()


@pytest.mark.browser
async def test_a_member_who_declares_a_conflict_leaves_and_the_room_says_so(
    browser: Any, live_server: LiveServer, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """A conflict, explained, recuses the member: the session closes its socket (4403)
    and the room says it is no longer a participant."""
    await send(conn, w, w.staff, "open_sign_in")
    for seat, member in enumerate(w.members, start=1):
        await send(conn, w, member, "sign_in", {"venue": MAIN_VENUE.id})
        await send(conn, w, w.staff, "confirm_identity", {"seat": seat})
    await send(conn, w, w.staff, "start")
    page = await member_page(browser, live_server, w, 3)
    try:
        await page.check("#conflict-yes")
        await page.fill("#conflict-explanation", "本人曾在投标人处任职。")
        await page.click("#declare")
        await page.wait_for_selector("#conn-banner[data-live=closed]")
        assert "已不是本评标会议的参与者" in await page.inner_text("#conn-banner")
        declared = await conn.fetchrow(
            "SELECT conflict, explanation FROM evaluation_declarations"
            " WHERE session_id = $1 AND seat = 3",
            w.state.id,
        )
        assert (declared["conflict"], declared["explanation"]) == (True, "本人曾在投标人处任职。")
    finally:
        await page.context.close()
