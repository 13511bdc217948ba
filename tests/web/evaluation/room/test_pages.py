"""The scoring room's route (web/evaluation/room_pages.py): the shell goes to a seated
member only — anyone else gets a clear refusal page —, carries the venues the member may
sign in at (the main venue and the draw's picks, which no API gives a member), the
signing bundle's hash, and no inline script."""

from __future__ import annotations

import html
import json
import re
import uuid

import asyncpg
import httpx

from tests.evaluation.kit import MAIN_VENUE, SessionWorld, send
from tests.web.accounts.test_pages import sign_in
from tests.web.evaluation.kit import ASSISTING, pick_assisting_venues
from web.jsbundle import BUNDLE


def _room(w: SessionWorld) -> str:
    return f"/evaluations/{w.state.id}/room"


async def test_anonymous_visitors_are_sent_to_the_login(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    response = await client.get(_room(w))
    assert (response.status_code, response.headers["location"]) == (303, "/login")


async def test_a_seated_member_gets_the_room_with_its_venues_and_the_bundle(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """The main venue first, then the two assisting venues the draw picked."""
    await pick_assisting_venues(conn, w)
    await sign_in(client, w.member(3).username)
    response = await client.get(_room(w))
    assert response.status_code == 200
    page = response.text
    match = re.search(r'data-venues="([^"]*)"', page)
    assert match is not None
    venues = json.loads(html.unescape(match.group(1)))
    assert [v["id"] for v in venues] == [MAIN_VENUE.id, *ASSISTING]
    assert [v["main"] for v in venues] == [True, False, False]
    assert f'data-user="{w.member(3).user_id}"' in page
    assert "专家3" in page
    assert BUNDLE.sha256 in page  # shown in the footer
    assert f'integrity="{BUNDLE.sri}"' in page
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # No inline script: every <script> has a src (the CSP would refuse it anyway).
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


async def test_the_room_speaks_english_too(client: httpx.AsyncClient, w: SessionWorld) -> None:
    await sign_in(client, w.member(1).username)
    client.cookies.set("lang", "en")
    page = (await client.get(_room(w))).text
    assert "Scoring room" in page
    assert "Seal and submit" in page
    assert "Connection to the session lost" in html.unescape(page)  # the scripts' texts


async def test_others_get_a_refusal_page_and_nothing_of_the_session(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """A bidder, centre staff, a supervisor: 403 with the reason; no venue, no id."""
    for user in (w.bidder, w.staff, w.supervisor):
        client.cookies.clear()
        await sign_in(client, user.username)
        response = await client.get(_room(w))
        assert response.status_code == 403
        assert 'id="room-refused"' in response.text
        assert "只有本评标会议的在席成员可以进入评标室" in response.text
        assert "data-venues" not in response.text


async def test_a_member_who_recused_is_refused(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Seated means seated now: a member who declared a conflict is no longer one."""
    await send(conn, w, w.staff, "open_sign_in")
    for seat, member in enumerate(w.members, start=1):
        await send(conn, w, member, "sign_in", {"venue": MAIN_VENUE.id})
        await send(conn, w, w.staff, "confirm_identity", {"seat": seat})
    await send(conn, w, w.staff, "start")
    await send(conn, w, w.member(2), "declare", {"conflict": True, "explanation": "亲属"})
    await sign_in(client, w.member(2).username)
    assert (await client.get(_room(w))).status_code == 403


async def test_an_unknown_or_malformed_session_is_not_found(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    await sign_in(client, w.member(1).username)
    for which in (str(uuid.uuid4()), "not-a-uuid"):
        response = await client.get(f"/evaluations/{which}/room")
        assert response.status_code == 404
        assert "没有这个评标会议" in response.text
