"""The expert's evaluation pages: the workspace links to its sessions; the list names
the project only once the evaluation has started (四不知); the session page sends each
user to its own view (the room, the desk, the observer view) and is read-only for the
others, reading the API (in Chromium: phase, seats present, events)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import asyncpg
import httpx
import pytest

from evaluation.model import DEFAULT_POLICY
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.evaluation.kit import (
    SessionWorld,
    Template,
    send,
    session_world,
    to_conflicts,
    to_qualification,
)
from tests.web.accounts.test_pages import sign_in


async def test_the_expert_workspace_links_to_its_evaluations(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    """在线评标 is no longer "coming soon": it links to the expert's sessions."""
    assert (await sign_in(client, w.member(1).username)).status_code == 303
    home = await client.get("/home")
    card = re.search(r'<a href="/expert/evaluations">在线评标</a>.*?</article>', home.text, re.S)
    assert card is not None
    assert "即将推出" not in card.group(0)


async def test_the_list_names_the_project_only_once_the_evaluation_started(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Signed-in experts see their sessions; until the start the project stays hidden
    (四不知), from then on it is named and the session linked."""
    assert (await client.get("/expert/evaluations")).headers["location"] == "/login"
    await sign_in(client, w.member(4).username)
    await send(conn, w, w.staff, "open_sign_in")
    page = (await client.get("/expert/evaluations")).text
    assert f'data-session="{w.state.id}"' in page
    assert w.scenario.tender.content.title not in page
    assert "评标开始时公开" in page
    assert "专家4" in page
    await to_conflicts(conn, w, open_sign_in=False)
    page = (await client.get("/expert/evaluations")).text
    assert w.scenario.tender.content.title in page
    assert f'href="/evaluations/{w.state.id}"' in page


async def test_a_session_sealed_before_its_start_never_names_the_project(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A pause before the start past its limit seals the session: its committee never
    learned the project, and the list does not tell it now."""
    limit = dataclasses.replace(DEFAULT_POLICY, pause_before_start=dt.timedelta(0))
    w = await session_world(conn, evaluation_template, policy=limit)
    await send(conn, w, w.staff, "pause", {"reason": "主场停电"})
    await send(conn, w, w.staff, "snapshot")  # past the limit: seals instead
    await sign_in(client, w.member(2).username)
    page = (await client.get("/expert/evaluations")).text
    assert f'data-session="{w.state.id}"' in page
    assert w.scenario.tender.content.title not in page


async def test_others_have_no_sessions_listed(client: httpx.AsyncClient, w: SessionWorld) -> None:
    """A bidder is refused the experts' list (403: members are experts; the outside
    tester's finding 8 on the staff pages), never shown an empty list."""
    await sign_in(client, "bidder1")
    assert (await client.get("/expert/evaluations")).status_code == 403


@pytest.mark.parametrize(
    ("who", "view"),
    [("member", "room"), ("staff", "desk"), ("supervisor", "observe")],
)
async def test_the_session_page_sends_each_user_to_its_own_view(
    client: httpx.AsyncClient, w: SessionWorld, who: str, view: str
) -> None:
    """A seated member to the scoring room, centre staff to the desk, a supervisor of
    the tender's department to the observer view (issue 12)."""
    user = {"member": w.member(2), "staff": w.staff, "supervisor": w.supervisor}[who]
    await sign_in(client, user.username)
    page = await client.get(f"/evaluations/{w.state.id}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/evaluations/{w.state.id}/{view}"


async def test_others_with_standing_keep_the_read_only_page(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    """The agency follows by seats; another department's supervisor is sent nowhere
    (the API refuses it the session)."""
    for user in (w.agency, w.other_supervisor):
        client.cookies.clear()
        await sign_in(client, user.username)
        assert (await client.get(f"/evaluations/{w.state.id}")).status_code == 200


async def test_the_session_page_is_a_read_only_shell(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    """No form, no command: the script only reads the API."""
    assert (await client.get(f"/evaluations/{w.state.id}")).headers["location"] == "/login"
    await sign_in(client, w.agency.username)
    page = await client.get(f"/evaluations/{w.state.id}")
    assert page.status_code == 200
    assert f'data-session="{w.state.id}"' in page.text
    assert "<form" not in page.text.split("<main", 1)[1]
    script = await client.get("/evaluation/session.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert 'method: "POST"' not in script.text
    assert "WebSocket" not in script.text


@pytest.mark.browser
async def test_the_session_page_shows_phase_seats_and_events_in_chromium(
    browser: Any, conn: asyncpg.Connection, w: SessionWorld, live_server: LiveServer
) -> None:
    """The agency opens the page of the session in qualification: the phase in Chinese,
    5 / 5 seats present, the chair, the events it may see."""
    await to_qualification(conn, w)
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{live_server.url}/login")
    await page.fill("#username", w.agency.username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server.url}/home")
    await page.goto(f"{live_server.url}/evaluations/{w.state.id}")
    await page.wait_for_selector("#events tbody tr[data-kind='chair.elected']")
    assert await page.inner_text("#phase") == "资格评审"
    assert await page.inner_text("#present") == "5 / 5"
    assert await page.inner_text("#chair") == "专家1"
    await context.close()
