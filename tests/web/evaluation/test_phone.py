"""On a phone (390×844, Chromium): the expert's pages — sign-in, workspace, draw
invitations, evaluations, the session and the scoring room at sign-in and in the
qualification review (the bids, the files, the sheet) — fit the screen and have
thumb-sized controls (issue 15, item 5)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import LiveServer
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, send
from tests.web.evaluation.room.browser_kit import open_room, wait_text
from tests.web.phone.kit import check, phone_context, problems, sign_in


async def _to_qualification(conn: asyncpg.Connection, w: SessionWorld) -> None:
    """Every member signs in, declares and votes through the engine (their own moves)."""
    seats = range(1, len(w.members) + 1)
    for seat in seats:
        await send(conn, w, w.member(seat), "sign_in", {"venue": MAIN_VENUE.id})
        await send(conn, w, w.staff, "confirm_identity", {"seat": seat})
    await send(conn, w, w.staff, "start")
    for seat in seats:
        await send(conn, w, w.member(seat), "declare", {"conflict": False})
    for seat in seats:
        await send(conn, w, w.member(seat), "vote_chair", {"seat": 1})


@pytest.mark.browser
async def test_the_experts_pages_and_the_room_fit_a_phone(
    browser: Any, live_server: LiveServer, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    await send(conn, w, w.staff, "open_sign_in")
    base = live_server.url
    context = await phone_context(browser)
    page = await context.new_page()
    try:
        await sign_in(page, base, w.member(1).username)
        found = []
        for path in ("/home", "/expert/invitations", "/expert/evaluations", "/me/notifications"):
            found += await check(page, base + path)
        await open_room(page, live_server, w)
        found += [f"room at sign-in: {p}" for p in await problems(page)]
        await _to_qualification(conn, w)
        await wait_text(page, "#phase", "资格评审")
        await page.wait_for_selector("#files tbody tr .open-file")
        assert await page.is_visible("#briefing")
        found += [f"room in review: {p}" for p in await problems(page)]
        assert found == [], "\n".join(found)
    finally:
        await context.close()
