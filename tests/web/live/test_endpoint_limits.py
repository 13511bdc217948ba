"""Live sessions under abuse (issue 9, item 10), over a real uvicorn server and clients.

A flood of frames is refused by the socket's token bucket and writes nothing; presence
is recorded only when it changes; a bad ``after`` closes 4422 and leaves no
subscription behind. The bucket itself is pure and is checked with the time passed in.
"""

from __future__ import annotations

import asyncio
import json
from uuid import UUID

import asyncpg
import pytest
import websockets
from starlette.applications import Starlette

from live import queries
from live.hub import Hub
from live.limits import LiveLimits
from tests.conftest import LiveServer
from tests.web.live.echo import connect, echo, receive, session_id, tokens
from web.services import services

__all__ = ["echo", "session_id", "tokens"]


async def _closed_code(url: str, token: str) -> int:
    ws = await websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


@pytest.mark.parametrize(
    "after",
    ["99999999999999999999999", "9223372036854775808", "-1", "1_0", "+5", "%20" + "3", "%D9%A1"],
)
async def test_an_after_that_is_no_seq_closes_4422_and_leaves_no_subscription(
    live_server: LiveServer, echo: Starlette, session_id: UUID, tokens: list[str], after: str
) -> None:
    """Beyond bigint, signed, underscored, padded or non-ASCII digits: 4422, nothing left."""
    hub: Hub = services(echo).live.hub
    before = hub.subscription_count()
    url = f"{live_server.ws_url}/api/v1/live/{session_id}?after={after}"
    assert await _closed_code(url, tokens[0]) == 4422
    assert hub.subscription_count() == before


async def test_the_largest_seq_is_a_valid_after(
    live_server: LiveServer, echo: Starlette, session_id: UUID, tokens: list[str]
) -> None:
    """after = 2^63 − 1 is a seq like any other: hello, and unsubscribed on close."""
    hub: Hub = services(echo).live.hub
    before = hub.subscription_count()
    async with await connect(live_server, session_id, tokens[0], after=(1 << 63) - 1):
        assert hub.subscription_count() == before + 1
    for _ in range(100):  # the server notices the close on its own task
        if hub.subscription_count() == before:
            break
        await asyncio.sleep(0.02)
    assert hub.subscription_count() == before


async def test_a_flood_beyond_the_rate_limit_is_refused_and_writes_nothing(
    live_server: LiveServer,
    echo: Starlette,
    session_id: UUID,
    tokens: list[str],
    pool: asyncpg.Pool,
) -> None:
    """Burst 5, no refill to speak of: 5 commands acked, the next 3 live_rate_limited."""
    services(echo).live.limits = LiveLimits(burst=5, per_second=0.001, close_after_refused=100)
    async with await connect(live_server, session_id, tokens[0]) as ws:
        for n in range(8):
            await ws.send(json.dumps({"id": f"m{n}", "type": "say", "data": {"n": n}}))
        acks = [await receive(ws, "ack") for _ in range(5)]
        errors = [await receive(ws, "error") for _ in range(3)]
    assert sorted(a["id"] for a in acks) == [f"m{n}" for n in range(5)]
    assert [e["id"] for e in errors] == ["m5", "m6", "m7"]
    assert {e["error"]["code"] for e in errors} == {"live_rate_limited"}
    assert all(e["error"]["details"]["retry_after_ms"] > 0 for e in errors)
    async with pool.acquire() as conn:
        assert len(await queries.events_after(conn, session_id, 0)) == 5


async def test_a_client_that_ignores_refusals_is_closed_4429(
    live_server: LiveServer, echo: Starlette, session_id: UUID, tokens: list[str]
) -> None:
    """The third refused frame in a row closes the socket with 4429."""
    services(echo).live.limits = LiveLimits(burst=2, per_second=0.001, close_after_refused=3)
    async with await connect(live_server, session_id, tokens[0]) as ws:
        for n in range(5):
            await ws.send(json.dumps({"id": f"m{n}", "type": "say", "data": {}}))
        refused = [(await receive(ws, "error"))["error"]["code"] for _ in range(2)]
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await receive(ws, "error")
    assert refused == ["live_rate_limited"] * 2
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4429


async def _presence_records(pool: asyncpg.Pool, session: UUID, until: str) -> list[str]:
    """The session's presence events, once the last one is ``until`` (the server's leave)."""
    records: list[str] = []
    for _ in range(100):
        async with pool.acquire() as conn:
            records = [event for _, event, _ in await queries.presence(conn, session)]
        if records and records[-1] == until:
            break
        await asyncio.sleep(0.05)
    return records


async def test_presence_is_recorded_only_when_it_changes(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool
) -> None:
    """idle ×3, active ×2, idle: four rows with the join and leave, each message acked."""
    states = ["idle", "idle", "idle", "active", "active", "idle"]
    async with await connect(live_server, session_id, tokens[0]) as ws:
        for n, state in enumerate(states):
            await ws.send(json.dumps({"id": f"p{n}", "type": "presence", "data": {"state": state}}))
        acks = [await receive(ws, "ack") for _ in states]
        await ws.send(json.dumps({"id": "bad", "type": "presence", "data": {"state": "away"}}))
        refused = await receive(ws, "error")
        extra = {"state": "active", "pad": "x" * 1000}  # only "state" (the outside test)
        await ws.send(json.dumps({"id": "pad", "type": "presence", "data": extra}))
        padded = await receive(ws, "error")
    assert [a["seq"] for a in acks] == [None] * len(states)
    assert (refused["id"], refused["error"]["code"]) == ("bad", "request_invalid")
    assert (padded["id"], padded["error"]["code"]) == ("pad", "request_invalid")
    records = await _presence_records(pool, session_id, until="leave")
    assert records == ["join", "idle", "active", "idle", "leave"]


async def test_a_bad_message_id_is_refused_without_being_echoed(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool
) -> None:
    """An id outside the rule, on a command or presence: request_invalid with id null."""
    async with await connect(live_server, session_id, tokens[0]) as ws:
        for kind in ("say", "presence"):
            await ws.send(json.dumps({"id": "x" * 5000, "type": kind, "data": {"state": "idle"}}))
        refused = [await receive(ws, "error") for _ in range(2)]
    assert [(r["id"], r["error"]["code"]) for r in refused] == [(None, "request_invalid")] * 2
    records = await _presence_records(pool, session_id, until="leave")
    assert records == ["join", "leave"]
