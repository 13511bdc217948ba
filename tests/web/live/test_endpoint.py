"""Live sessions over real uvicorn servers and real WebSocket clients.

A test kind of session ("echo", tests/web/live/echo.py) is registered on the app: the
protocol, ordering, idempotency, reconnection, audiences and cross-node fan-out are the
engine's (live/); the opening hall and evaluation sessions plug their own kinds into the
same machinery.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import pytest
import websockets

from live import queries
from tests.conftest import CloneDatabase, LiveServer
from tests.web.live.echo import (
    connect,
    echo,
    receive,
    second_node,
    session_id,
    token_for,
    tokens,
)

__all__ = ["echo", "session_id", "tokens"]


async def test_an_acknowledged_event_is_committed_and_reaches_everyone(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool
) -> None:
    """The ack comes after commit; every participant gets the event with its seq."""
    async with (
        await connect(live_server, session_id, tokens[0]) as a,
        await connect(live_server, session_id, tokens[1]) as b,
    ):
        await a.send(json.dumps({"id": "m1", "type": "say", "data": {"text": "开标"}}))
        ack = await receive(a, "ack")
        async with pool.acquire() as conn:
            stored = await queries.events_after(conn, session_id, 0)
        assert [(e.seq, e.data) for e in stored] == [(ack["seq"], {"text": "开标"})]
        for ws in (a, b):
            event = await receive(ws, "event")
            assert (event["seq"], event["kind"], event["data"]) == (1, "said", {"text": "开标"})


async def test_a_retried_message_id_is_applied_once(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool
) -> None:
    """The client's own id makes a retry idempotent: same seq, one event."""
    async with await connect(live_server, session_id, tokens[0]) as ws:
        for _ in range(3):
            await ws.send(json.dumps({"id": "same", "type": "say", "data": {"text": "x"}}))
        seqs = {(await receive(ws, "ack"))["seq"] for _ in range(3)}
    assert seqs == {1}
    async with pool.acquire() as conn:
        assert len(await queries.events_after(conn, session_id, 0)) == 1


async def test_a_reconnecting_client_gets_exactly_what_it_missed(
    live_server: LiveServer, session_id: UUID, tokens: list[str]
) -> None:
    """Reconnect with the last seq seen: the missed events, in order, nothing twice."""
    async with await connect(live_server, session_id, tokens[0]) as a:
        for n in range(5):
            await a.send(json.dumps({"id": f"m{n}", "type": "say", "data": {"n": n}}))
            await receive(a, "ack")
    async with await connect(live_server, session_id, tokens[1], after=2) as b:
        seen = [(await receive(b, "event"))["seq"] for _ in range(3)]
    assert seen == [3, 4, 5]


async def test_a_domain_refusal_is_an_error_message_and_stores_nothing(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool
) -> None:
    """A command the domain refuses answers with the one error body; no event."""
    async with await connect(live_server, session_id, tokens[0]) as ws:
        await ws.send(json.dumps({"id": "bad", "type": "shout", "data": {}}))
        error = await receive(ws, "error")
        await ws.send("{not json")
        malformed = await receive(ws, "error")
        await ws.send(json.dumps({"id": "x" * 65, "type": "say"}))
        bad_id = await receive(ws, "error")
        await ws.send(b"\x00\x01{}")  # a binary frame: refused, the socket stays open
        binary = await receive(ws, "error")
        await ws.send(json.dumps({"id": "after", "type": "shout", "data": {}}))
        still_open = await receive(ws, "error")
    assert (binary["id"], binary["error"]["code"]) == (None, "request_invalid")
    assert still_open["id"] == "after"
    assert (error["id"], error["error"]["code"]) == ("bad", "echo_rule_broken")
    assert malformed["error"]["code"] == "request_invalid"
    assert bad_id["error"]["code"] == "request_invalid"
    async with pool.acquire() as conn:
        assert await queries.events_after(conn, session_id, 0) == []


async def test_events_for_one_audience_reach_only_it(
    live_server: LiveServer, session_id: UUID, tokens: list[str]
) -> None:
    """A whisper reaches its author only; the next broadcast reaches both."""
    async with (
        await connect(live_server, session_id, tokens[0]) as a,
        await connect(live_server, session_id, tokens[1]) as b,
    ):
        await a.send(json.dumps({"id": "w", "type": "whisper", "data": {"secret": 1}}))
        await receive(a, "ack")
        await a.send(json.dumps({"id": "s", "type": "say", "data": {}}))
        assert (await receive(a, "event"))["kind"] == "whispered"
        assert (await receive(b, "event"))["kind"] == "said"


async def test_who_may_not_join_is_refused_with_a_close_code(
    live_server: LiveServer,
    session_id: UUID,
    pool: asyncpg.Pool,
    client: httpx.AsyncClient,
) -> None:
    """No token → 4401; a non-participant → 4403; an unknown session → 4404."""
    outsider = await token_for(pool, client, "outsider1")
    cases = [
        (f"/api/v1/live/{session_id}", {}, 4401),
        (f"/api/v1/live/{session_id}", {"Authorization": "Bearer forged"}, 4401),
        (f"/api/v1/live/{session_id}", {"Authorization": f"Bearer {outsider}"}, 4403),
        (f"/api/v1/live/{UUID(int=7)}", {"Authorization": f"Bearer {outsider}"}, 4404),
        ("/api/v1/live/not-a-uuid", {"Authorization": f"Bearer {outsider}"}, 4422),
    ]
    for path, headers, code in cases:
        ws = await websockets.connect(f"{live_server.ws_url}{path}", additional_headers=headers)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == code, path


async def test_presence_is_the_attendance_record(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool
) -> None:
    """Join, idle and leave are recorded per participant."""
    async with await connect(live_server, session_id, tokens[0]) as ws:
        await ws.send(json.dumps({"id": "p", "type": "presence", "data": {"state": "idle"}}))
        await receive(ws, "ack")
    for _ in range(50):
        async with pool.acquire() as conn:
            records = [event for _, event, _ in await queries.presence(conn, session_id)]
        if records == ["join", "idle", "leave"]:
            break
        await asyncio.sleep(0.05)
    assert records == ["join", "idle", "leave"]


async def test_events_fan_out_across_nodes_and_survive_a_restart(
    live_server: LiveServer,
    session_id: UUID,
    tokens: list[str],
    database: CloneDatabase,
    tmp_path: Path,
) -> None:
    """A client on node 2 sees node 1's events (LISTEN/NOTIFY); a restart loses none."""
    node, other_pool = await second_node(database, tmp_path)
    async with node.router.lifespan_context(node):
        server2 = LiveServer(node)
        await server2.start()
        async with (
            await connect(live_server, session_id, tokens[0]) as a,
            await connect(server2, session_id, tokens[1]) as b,
        ):
            await a.send(json.dumps({"id": "n1", "type": "say", "data": {"text": "node 1"}}))
            await receive(a, "ack")
            assert (await receive(b, "event"))["data"] == {"text": "node 1"}
            await b.send(json.dumps({"id": "n2", "type": "say", "data": {"text": "node 2"}}))
            await receive(b, "ack")
            assert [(await receive(a, "event"))["data"] for _ in range(2)] == [
                {"text": "node 1"},
                {"text": "node 2"},
            ]
        await server2.stop()
    await other_pool.close()

    # Node 2 is gone; what it acknowledged is still there for anyone reconnecting.
    async with await connect(live_server, session_id, tokens[0], after=1) as again:
        assert (await receive(again, "event"))["data"] == {"text": "node 2"}
