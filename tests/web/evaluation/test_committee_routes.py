"""web/draws/committee_routes.py: `POST /api/v1/draws/{id}/replacement-round` (centre
staff open a complete evaluation draw's replacement round for a session's approved
replacements) and `POST /api/v1/draws/{id}/new-committee` (a sealed session's lot gets
its next draw). docs/api-expert-pool.md; docs/formats/draw.md §4.1."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import asyncpg
import httpx

from accounts.model import Actor
from evaluation.model import DEFAULT_POLICY
from expert_pool.requests import close
from tests.accounts.factory import PASSWORD
from tests.evaluation.kit import SessionWorld, Template, send, session_world, to_conflicts
from tests.web.evaluation.http import code, login


async def test_centre_staff_open_the_round_for_an_approved_seat_and_nobody_else(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """409 before the supervisor's approval; 201 with the round to draw after it; 409
    the second time; 403 for a supervisor; 422 for no seat. The recused member reads
    no bid file, neither before nor after its release."""
    url = f"/api/v1/draws/{w.state.draw_id}/replacement-round"
    body = {"session_id": str(w.state.id), "seats": [2]}
    staff = await login(client, w.staff)
    await to_conflicts(conn, w)
    await send(conn, w, w.member(2), "declare", {"conflict": True, "explanation": "近亲属"})
    refused = await client.post(url, json=body, headers=staff)
    assert code(refused) == (409, "draw_replacement_not_approved")
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 2})
    supervisor = await login(client, w.supervisor)
    assert code(await client.post(url, json=body, headers=supervisor)) == (
        403,
        "permission_denied",
    )
    empty = {"session_id": str(w.state.id), "seats": []}
    assert (await client.post(url, json=empty, headers=staff)).status_code == 422
    member = await login(client, w.member(2))
    files = f"/api/v1/tenders/{w.state.tender_id}/lots/1/bid-files"
    # Recused: it stopped reading at its declaration, before any round (readers.py).
    assert code(await client.get(files, headers=member)) == (403, "permission_denied")
    opened = await client.post(url, json=body, headers=staff)
    assert opened.status_code == 201, opened.text
    assert opened.json() == {"draw_id": w.state.draw_id, "round": 1, "places": 1}
    assert code(await client.post(url, json=body, headers=staff)) == (
        409,
        "draw_replacement_excess",
    )
    assert (await client.get(files, headers=member)).status_code == 403


async def test_centre_staff_request_a_sealed_sessions_next_committee(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """201 with the new draw's status (attempt 2, requested) once the session is sealed
    and a supervisor approved; 403 for the supervisor; the cancelled draw is not
    renewed twice (422 draw_closed)."""
    policy = dataclasses.replace(
        DEFAULT_POLICY, pause_before_start=dt.timedelta(0), pause_during=dt.timedelta(0)
    )
    w = await session_world(conn, evaluation_template, policy=policy)
    await send(conn, w, w.staff, "pause", {"reason": "主场断电"})
    await send(conn, w, w.staff, "resume")
    await close.approve_redraw(conn, w.supervisor, w.state.draw_id, "会话封存")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    body = {
        "reason": "会话封存，重新组建评标委员会",
        "session_start": start.isoformat(),
        "session_end": (start + dt.timedelta(hours=4)).isoformat(),
    }
    url = f"/api/v1/draws/{w.state.draw_id}/new-committee"
    supervisor = await login(client, w.supervisor)
    assert code(await client.post(url, json=body, headers=supervisor)) == (
        403,
        "permission_denied",
    )
    staff = await login(client, w.staff)
    renewed = await client.post(url, json=body, headers=staff)
    assert renewed.status_code == 201, renewed.text
    draw = renewed.json()
    assert (draw["attempt"], draw["status"], draw["lot"]) == (2, "requested", "1")
    assert draw["id"] != w.state.draw_id
    assert code(await client.post(url, json=body, headers=staff)) == (422, "draw_closed")


HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def _sign_in(client: httpx.AsyncClient, actor: Actor) -> str:
    """The page login (a fresh browser: no cookie); the session's CSRF token."""
    client.cookies.clear()
    form = await client.get("/login")
    token = HIDDEN_CSRF.search(form.text)
    assert token is not None
    data = {"csrf_token": token.group(1), "username": actor.username, "password": PASSWORD}
    assert (await client.post("/login", data=data)).status_code == 303
    page = await client.get("/home")
    found = HIDDEN_CSRF.search(page.text)
    assert found is not None
    return found.group(1)


async def test_the_draw_page_offers_staff_the_round_and_supervisors_its_entropy(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Centre staff open the round from the complete draw's page (seats as typed, a
    refusal shown on the page); the supervisor's page then offers the entropy form."""
    page = f"/draws/{w.state.draw_id}"
    await to_conflicts(conn, w)
    await send(conn, w, w.member(5), "declare", {"conflict": True, "explanation": "近亲属"})
    csrf = await _sign_in(client, w.staff)
    shown = await client.get(page)
    assert 'id="replacement-round"' in shown.text
    form = {"csrf_token": csrf, "session_id": str(w.state.id), "seats": "5"}
    refused = await client.post(f"{page}/do/replacement-round", data=form)
    assert refused.status_code == 409
    assert 'id="draw-error"' in refused.text
    bad = await client.post(f"{page}/do/replacement-round", data={**form, "seats": "五"})
    assert bad.status_code == 422
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 5})
    supervisor = await _sign_in(client, w.supervisor)
    assert supervisor
    assert 'id="entropy"' not in (await client.get(page)).text
    csrf = await _sign_in(client, w.staff)
    opened = await client.post(
        f"{page}/do/replacement-round", data={**form, "csrf_token": csrf, "seats": "5，"}
    )
    assert opened.status_code == 303, opened.text
    await _sign_in(client, w.supervisor)
    assert 'id="entropy"' in (await client.get(page)).text
