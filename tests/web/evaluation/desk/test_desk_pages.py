"""Who gets the desk and the observer view (web/evaluation/desk_pages.py), over HTTP:
centre staff the desk — a venue's desk when assigned to one of the session's assisting
venues, the host's on asking —, the department's supervisors the observer view; anyone
else is sent back to the session page, which decides; an unknown session is 404."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from expert_pool.venues import queries as venue_queries
from tests.evaluation.kit import OTHER_VENUE, SessionWorld
from tests.web.accounts.test_pages import sign_in
from tests.web.evaluation.kit import pick_assisting_venues


async def _as(client: httpx.AsyncClient, username: str) -> None:
    client.cookies.clear()
    assert (await sign_in(client, username)).status_code == 303


async def test_the_host_gets_the_hosts_desk(client: httpx.AsyncClient, w: SessionWorld) -> None:
    """Centre staff assigned to no assisting venue host: the host's commands are there."""
    await _as(client, w.staff.username)
    page = await client.get(f"/evaluations/{w.state.id}/desk")
    assert page.status_code == 200
    assert 'data-mode="host"' in page.text
    assert 'id="cmd-open-sign-in"' in page.text
    assert "/static/js/desk.js" in page.text


async def test_staff_of_an_assisting_venue_get_its_desk_and_may_ask_for_the_hosts(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Assigned to Hefei (an assisting venue of the draw): the venue's desk, no host
    commands, Hefei the only venue to report a fault at; ?view=host gives the host's."""
    await pick_assisting_venues(conn, w)  # assigns the host's user to both venues
    await _as(client, w.staff.username)
    page = await client.get(f"/evaluations/{w.state.id}/desk")
    assert 'data-mode="venue"' in page.text
    assert 'id="cmd-open-sign-in"' not in page.text
    assert f'data-my-venue="{OTHER_VENUE.id}"' in page.text
    host = await client.get(f"/evaluations/{w.state.id}/desk?view=host")
    assert 'data-mode="host"' in host.text
    await venue_queries.unassign_staff(conn, OTHER_VENUE.id, w.staff.user_id, w.staff.user_id)
    page = await client.get(f"/evaluations/{w.state.id}/desk")
    assert f'data-my-venue="{OTHER_VENUE.id}"' not in page.text


async def test_others_are_sent_back_to_the_session_page(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    """A member or the agency on the desk, centre staff or another department's
    supervisor on the observer view: back to /evaluations/{id}."""
    cases = [
        (w.member(1), "desk"), (w.agency, "desk"), (w.supervisor, "desk"),
        (w.staff, "observe"), (w.other_supervisor, "observe"), (w.member(1), "observe"),
    ]  # fmt: skip
    for user, view in cases:
        await _as(client, user.username)
        page = await client.get(f"/evaluations/{w.state.id}/{view}")
        assert page.status_code == 303, (user.username, view)
        assert page.headers["location"] == f"/evaluations/{w.state.id}"


async def test_the_supervisor_gets_the_observer_view_with_the_signing_script(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    """The page preloads the signing bundle with its integrity and shows its SHA-256."""
    await _as(client, w.supervisor.username)
    page = await client.get(f"/evaluations/{w.state.id}/observe")
    assert page.status_code == 200
    assert 'rel="modulepreload"' in page.text
    assert 'integrity="sha256-' in page.text
    assert "签名脚本 SHA-256：" in page.text


async def test_an_unknown_session_is_404_and_a_stranger_must_sign_in(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    """Not signed in: to the login; an unknown or malformed id: 404."""
    assert (await client.get(f"/evaluations/{w.state.id}/desk")).headers["location"] == "/login"
    await _as(client, w.staff.username)
    for which in (uuid.uuid4(), "not-a-uuid"):
        page = await client.get(f"/evaluations/{which}/desk")
        assert page.status_code == 404
        assert "evaluation_session_not_found" in page.text


async def test_the_workspaces_of_staff_and_supervisors_lead_to_their_sessions(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    """Centre staff's and supervisors' workspaces link to /evaluations, which lists the
    session with the staff's desk or the supervisor's observer view; another
    department's supervisor does not see it; a member is sent to its workspace."""
    await _as(client, w.staff.username)
    assert 'href="/evaluations"' in (await client.get("/home")).text
    listed = (await client.get("/evaluations")).text
    assert f'href="/evaluations/{w.state.id}/desk"' in listed
    assert w.scenario.tender.content.title in listed
    await _as(client, w.supervisor.username)
    assert 'href="/evaluations"' in (await client.get("/home")).text
    assert f'href="/evaluations/{w.state.id}/observe"' in (await client.get("/evaluations")).text
    await _as(client, w.other_supervisor.username)
    assert str(w.state.id) not in (await client.get("/evaluations")).text
    await _as(client, w.member(1).username)
    assert (await client.get("/evaluations")).headers["location"] == "/home"


async def test_the_desk_and_the_observer_view_speak_english_on_asking(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    """Chinese first; with the language cookie English, scripts' strings included."""
    await _as(client, w.staff.username)
    assert "主持人工作台" in (await client.get(f"/evaluations/{w.state.id}/desk")).text
    client.cookies.set("lang", "en")
    page = (await client.get(f"/evaluations/{w.state.id}/desk")).text
    assert "host&#39;s desk" in page
    assert "Connection lost" in page  # the banner's text, in data-texts
    await _as(client, w.supervisor.username)
    client.cookies.set("lang", "en")
    page = (await client.get(f"/evaluations/{w.state.id}/observe")).text
    assert "Signing script SHA-256: " in page
    assert "Sign and send" in page
