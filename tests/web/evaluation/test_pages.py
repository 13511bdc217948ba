"""The expert's evaluation pages: the workspace links to its sessions; the list names
the project only once the evaluation has started (四不知); the session page is
read-only and reads the API (in Chromium: phase, seats present, events)."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from evaluation.model import Phase
from live import queries as live
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.web.accounts.test_pages import sign_in
from tests.web.evaluation.http import fixture_conn, fixture_stand_in, fixture_sw
from tests.web.evaluation.kit import SessionStandIn, SessionWorld, StandInKind
from tests.web.tender.http_kit import fixture_http_ca, fixture_settings, fixture_web_world
from web.services import services

__all__ = [
    "fixture_conn",
    "fixture_http_ca",
    "fixture_settings",
    "fixture_stand_in",
    "fixture_sw",
    "fixture_web_world",
]


async def test_the_expert_workspace_links_to_its_evaluations(
    client: httpx.AsyncClient, sw: SessionWorld
) -> None:
    """在线评标 is no longer "coming soon": it links to the expert's sessions."""
    assert (await sign_in(client, "expert1")).status_code == 303
    home = await client.get("/home")
    card = re.search(r'<a href="/expert/evaluations">在线评标</a>.*?</article>', home.text, re.S)
    assert card is not None
    assert "即将推出" not in card.group(0)


async def test_the_list_names_the_project_only_once_the_evaluation_started(
    client: httpx.AsyncClient, sw: SessionWorld
) -> None:
    """Signed-in experts see their sessions; in sign-in the project stays hidden."""
    assert (await client.get("/expert/evaluations")).headers["location"] == "/login"
    await sign_in(client, "expert4")
    sw.with_phase(Phase.SIGN_IN)
    page = (await client.get("/expert/evaluations")).text
    assert f'data-session="{sw.state.id}"' in page
    assert sw.tender.content.title not in page
    assert "评标开始时公开" in page
    assert "专家4" in page
    sw.with_phase(Phase.QUALIFICATION)
    page = (await client.get("/expert/evaluations")).text
    assert sw.tender.content.title in page
    assert f'href="/evaluations/{sw.state.id}"' in page


async def test_others_have_no_sessions_listed(client: httpx.AsyncClient, sw: SessionWorld) -> None:
    """A bidder (or anyone off the committee) sees none."""
    await sign_in(client, "bidder1")
    assert 'id="no-sessions"' in (await client.get("/expert/evaluations")).text


async def test_the_session_page_is_a_read_only_shell(
    client: httpx.AsyncClient, sw: SessionWorld
) -> None:
    """No form, no command: the script only reads the API."""
    assert (await client.get(f"/evaluations/{sw.state.id}")).headers["location"] == "/login"
    await sign_in(client, "expert2")
    page = await client.get(f"/evaluations/{sw.state.id}")
    assert page.status_code == 200
    assert f'data-session="{sw.state.id}"' in page.text
    assert "<form" not in page.text.split("<main", 1)[1]
    script = await client.get("/evaluation/session.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert 'method: "POST"' not in script.text
    assert "WebSocket" not in script.text


@pytest.mark.browser
async def test_the_session_page_shows_phase_seats_and_events_in_chromium(
    browser: Any,
    app: Starlette,
    conn: asyncpg.Connection,
    sw: SessionWorld,
    stand_in: SessionStandIn,
    live_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A member opens the page: the phase in Chinese, 5 / 5 seats, the chair, one event."""
    monkeypatch.setitem(services(app).live.kinds, "evaluation", StandInKind(stand_in))
    await live.append_event(
        conn, sw.state.id, kind="session.phase", data={"phase": "qualification"}
    )
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{live_server.url}/login")
    await page.fill("#username", "expert3")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server.url}/home")
    await page.goto(f"{live_server.url}/evaluations/{sw.state.id}")
    await page.wait_for_selector("#events tbody tr[data-kind='session.phase']")
    assert await page.inner_text("#phase") == "资格评审"
    assert await page.inner_text("#present") == "5 / 5"
    assert await page.inner_text("#chair") == "专家1"
    await context.close()
