"""The evaluation room on a real server: registered in the app, admitted by role,
events fanned out to each socket's audiences only (docs/live-sessions.md)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.accounts.factory import PASSWORD
from tests.conftest import CloneDatabase, LiveServer
from tests.evaluation.kit import (
    MAIN_VENUE,
    Template,
    events,
    footprint,
    send,
    session_world,
    to_conflicts,
)
from tests.web.trust_dir import trust_ca
from web.settings import Settings


@pytest.fixture(name="settings")
def fixture_settings(
    tmp_path: Path, database: CloneDatabase, evaluation_template: Template
) -> Settings:
    """The app on the test's clone, trusting the CA that issued the members' certificates."""
    data_dir = tmp_path / "data"
    trust_ca(data_dir, evaluation_template.scenario.world.ca)
    return Settings(database_url=database.app_dsn, data_dir=data_dir)


async def _connect(
    server: LiveServer, client: httpx.AsyncClient, session: object, username: str
) -> ClientConnection:
    login = {"username": username, "password": PASSWORD}
    response = await client.post("/api/v1/auth/login", json=login)
    assert response.status_code == 200, response.text
    return await websockets.connect(
        f"{server.ws_url}/api/v1/live/{session}",
        additional_headers={"Authorization": f"Bearer {response.json()['token']}"},
    )


async def _until(ws: ClientConnection, found: Any) -> list[dict[str, Any]]:
    """Messages up to and including the first for which ``found`` is true."""
    seen = []
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 20))
        seen.append(message)
        if found(message):
            return seen


async def _drain(ws: ClientConnection) -> tuple[list[dict[str, Any]], int | None]:
    """Every message until the server closes the socket, and the close code."""
    seen: list[dict[str, Any]] = []
    try:
        while True:
            seen.append(json.loads(await asyncio.wait_for(ws.recv(), 20)))
    except websockets.ConnectionClosed as closed:
        return seen, None if closed.rcvd is None else closed.rcvd.code


def _ack(msg_id: str) -> Any:
    return lambda m: m["type"] in ("ack", "answer", "error") and m["id"] == msg_id


async def _command(ws: ClientConnection, msg_id: str, kind: str, **data: Any) -> None:
    await ws.send(json.dumps({"id": msg_id, "type": kind, "data": data}))


async def test_members_staff_and_the_agency_each_see_their_own(
    pool: asyncpg.Pool,
    evaluation_template: Template,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """A member's hello names no project; the host opens the sign-in and everyone sees
    it; the member signs in: everyone sees seat 1, only staff see who and where."""
    async with pool.acquire() as conn:
        w = await session_world(conn, evaluation_template)  # type: ignore[arg-type]
    member_user = w.scenario.committee[0]
    member = await _connect(live_server, client, w.state.id, member_user.username)
    hello = json.loads(await member.recv())
    assert hello["kind"] == "evaluation"
    assert str(w.state.tender_id) not in json.dumps(hello)
    host = await _connect(live_server, client, w.state.id, "staff")
    agency = await _connect(live_server, client, w.state.id, "agent")
    for ws in (host, agency):
        assert json.loads(await ws.recv())["type"] == "hello"
    await _command(host, "h-1", "open_sign_in")
    acked = (await _until(host, _ack("h-1")))[-1]
    assert acked["type"] == "ack"
    seen = await _until(member, lambda m: m.get("seq") == acked["seq"])
    assert seen[-1]["kind"] == "session.phase"
    await _command(member, "m-1", "sign_in", venue=MAIN_VENUE.id)
    signed = (await _until(member, _ack("m-1")))[-1]
    assert signed["type"] == "ack", signed
    staff_view = await _until(host, lambda m: m.get("kind") == "member.detail")
    assert member_user.display_name in json.dumps(staff_view[-1], ensure_ascii=False)
    # The agency's own snapshot comes after every earlier event it may see, in order.
    await _command(agency, "a-1", "snapshot")
    for message in await _until(agency, _ack("a-1")):
        assert message.get("kind") != "member.detail"
        assert member_user.display_name not in json.dumps(message, ensure_ascii=False)
    for ws in (member, host, agency):
        await ws.close()


async def test_a_bidder_of_the_lot_is_not_admitted(
    pool: asyncpg.Pool,
    evaluation_template: Template,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """Not a participant: the socket is closed with 4403 right after the handshake."""
    async with pool.acquire() as conn:
        w = await session_world(conn, evaluation_template)  # type: ignore[arg-type]
    ws = await _connect(live_server, client, w.state.id, "bidder1")
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 20)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_a_member_who_declares_a_conflict_stops_seeing_the_committee_at_once(
    pool: asyncpg.Pool,
    evaluation_template: Template,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """回避 (DESIGN.md "Blind scoring"): the socket of a member who recused is decided
    again as the declaration reaches it (the kind's regroup_on) — it is closed with
    4403, so no later committee event reaches it, not even before it reconnects; a
    member who declares no conflict keeps its socket."""
    async with pool.acquire() as proxy:
        conn: asyncpg.Connection = proxy  # type: ignore[assignment]
        w = await session_world(conn, evaluation_template)
        await to_conflicts(conn, w)
    leaving, staying = w.scenario.committee[0], w.scenario.committee[1]
    gone = await _connect(live_server, client, w.state.id, leaving.username)
    kept = await _connect(live_server, client, w.state.id, staying.username)
    for ws in (gone, kept):
        assert json.loads(await ws.recv())["type"] == "hello"
    await _command(kept, "k-1", "declare", conflict=False)
    assert (await _until(kept, _ack("k-1")))[-1]["type"] == "ack"
    await _command(gone, "g-1", "declare", conflict=True, explanation="曾在投标人处任职")
    received, code = await _drain(gone)
    assert code == 4403, received
    acked = [m for m in received if m.get("type") == "ack" and m["id"] == "g-1"]
    assert len(acked) == 1  # its own declaration was applied and acknowledged
    later = [m for m in received if m.get("type") == "event" and m["seq"] > acked[0]["seq"]]
    assert later == []  # and nothing after it reached the recused member
    # The member who stays still hears the committee: the declaration's event reached it.
    seen = await _until(kept, lambda m: m.get("seq") == acked[0]["seq"])
    assert (seen[-1]["kind"], seen[-1]["data"]) == (
        "member.declared",
        {"seat": 1, "conflict": True},
    )
    await kept.close()


async def test_a_holder_whose_replacement_is_approved_stops_hearing_the_committee_at_once(
    pool: asyncpg.Pool,
    evaluation_template: Template,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """A holder the host asked to replace (absence, illness) leaves at the supervisor's
    approval (replacements.py): its open socket is closed with 4403 as the approval
    reaches it, and no later event — a clarification, a revealed sheet — reaches it
    while the seat waits for its successor (the outside test found it still listening)."""
    async with pool.acquire() as proxy:
        conn: asyncpg.Connection = proxy  # type: ignore[assignment]
        w = await session_world(conn, evaluation_template)
        await to_conflicts(conn, w)
        await send(conn, w, w.staff, "request_replacement", {"seat": 1, "reason": "突发疾病"})
    leaving = w.scenario.committee[0]
    gone = await _connect(live_server, client, w.state.id, leaving.username)
    assert json.loads(await gone.recv())["type"] == "hello"
    async with pool.acquire() as proxy:
        conn = proxy  # type: ignore[assignment]
        approved = await send(conn, w, w.supervisor, "approve_replacement", {"seat": 1})
        await send(conn, w, w.staff, "pause", {"reason": "等待替补专家"})  # not a regroup
    received, code = await _drain(gone)
    assert code == 4403, received
    assert isinstance(approved, int)
    assert [m for m in received if m.get("type") == "event" and m["seq"] > approved] == []


async def test_a_snapshot_is_answered_to_its_asker_and_grows_no_log(
    pool: asyncpg.Pool,
    evaluation_template: Template,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """docs/live-sessions.md, "Answers to queries": an ``answer`` frame with the client's
    id, the view and the seq it was read at, after every event up to that seq; nothing
    stored — no event, no log entry — however often it is asked, the same id included."""
    async with pool.acquire() as conn:
        w = await session_world(conn, evaluation_template)  # type: ignore[arg-type]
    host = await _connect(live_server, client, w.state.id, "staff")
    assert json.loads(await host.recv())["type"] == "hello"
    await _command(host, "h-1", "open_sign_in")
    opened = (await _until(host, _ack("h-1")))[-1]
    async with pool.acquire() as conn:
        before = await footprint(conn, w)  # type: ignore[arg-type]
    answers = []
    for msg_id in ("s-1", "s-2", "s-1"):
        await _command(host, msg_id, "snapshot")
        seen = await _until(host, _ack(msg_id))
        answers.append(seen[-1])
        assert seen[-1]["type"] == "answer", seen[-1]
    first = answers[0]
    assert (first["id"], first["kind"], first["seq"]) == ("s-1", "snapshot", opened["seq"])
    assert first["data"]["phase"] == "sign_in"
    assert first["data"]["staff"]["main_venue"] == MAIN_VENUE.id
    assert [a["id"] for a in answers] == ["s-1", "s-2", "s-1"]
    async with pool.acquire() as conn:
        assert await footprint(conn, w) == before  # type: ignore[arg-type]
    await host.close()


async def test_a_replayed_id_with_another_body_gets_an_error_frame_and_changes_nothing(
    pool: asyncpg.Pool,
    evaluation_template: Template,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """Over a real socket: the same id with another body is an ``error`` frame with
    the stable code ``live_command_id_conflict`` and the client's id; no event, row or
    log entry; the first body again is its first ``ack``."""
    async with pool.acquire() as conn:
        w = await session_world(conn, evaluation_template)  # type: ignore[arg-type]
    host = await _connect(live_server, client, w.state.id, "staff")
    assert json.loads(await host.recv())["type"] == "hello"
    await _command(host, "h-1", "open_sign_in")
    opened = (await _until(host, _ack("h-1")))[-1]
    assert opened["type"] == "ack", opened
    async with pool.acquire() as conn:
        before = await footprint(conn, w)  # type: ignore[arg-type]
    await _command(host, "h-1", "pause", reason="网络故障")
    refused = (await _until(host, _ack("h-1")))[-1]
    assert refused["type"] == "error", refused
    assert refused["error"]["code"] == "live_command_id_conflict"
    assert refused["error"]["details"] == {"id": "h-1", "seq": opened["seq"]}
    await _command(host, "h-1", "open_sign_in")
    assert (await _until(host, _ack("h-1")))[-1] == opened
    async with pool.acquire() as conn:
        assert await footprint(conn, w) == before  # type: ignore[arg-type]
    await host.close()


async def test_a_snapshot_comes_after_every_event_it_reflects(
    pool: asyncpg.Pool,
    evaluation_template: Template,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """The member's answer names the last seq; every event up to it the member may see
    reached it before the answer (a client reads the session up to its view)."""
    async with pool.acquire() as conn:
        w = await session_world(conn, evaluation_template)  # type: ignore[arg-type]
        await to_conflicts(conn, w)  # type: ignore[arg-type]
        last = (await events(conn, w))[-1].seq  # type: ignore[arg-type]
    member = await _connect(live_server, client, w.state.id, w.scenario.committee[0].username)
    assert json.loads(await member.recv())["type"] == "hello"
    await _command(member, "m-1", "snapshot")
    seen = await _until(member, _ack("m-1"))
    answer = seen[-1]
    assert (answer["type"], answer["seq"]) == ("answer", last)
    got = [m["seq"] for m in seen[:-1]]
    assert got == sorted(got)
    assert got[-1] == last  # bids.listed, the start's, is the last
    assert answer["data"]["briefing"]["tender"] == str(w.state.tender_id)
    await member.close()
