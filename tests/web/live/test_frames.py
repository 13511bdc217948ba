"""Frames that are not exactly a command (issue 11, "Bad input": a malformed or oversized
frame → a clear error, nothing changed), over a real uvicorn server and client.

docs/live-sessions.md, "Errors of the protocol itself" and "Limits".
"""

from __future__ import annotations

import asyncio
import json
from uuid import UUID

import asyncpg
import pytest
import websockets

from live import queries
from live.limits import CLOSE_FRAME_TOO_BIG, MAX_FRAME_BYTES
from tests.conftest import LiveServer
from tests.docs.markdown import read, section
from tests.web.live.echo import connect, echo, receive, session_id, tokens
from web.live.endpoint import PENDING
from web.live.frames import MAX_DEPTH

__all__ = ["echo", "session_id", "tokens"]

SAY = '{"id": "ok", "type": "say", "data": {"text": "still open"}}'


@pytest.mark.parametrize(
    "frame",
    [
        '{"id": "d1", "id": "d2", "type": "say", "data": {"text": "x"}}',
        '{"id": "d1", "type": "say", "type": "shout", "data": {}}',
        '{"id": "d1", "type": "say", "data": {"text": "a", "text": "b"}}',
        '{"id": "d1", "type": "say", "data": {"n": {"x": 1, "x": 2}}}',
    ],
    ids=["id", "type", "data", "nested"],
)
async def test_a_name_twice_in_one_object_is_refused_and_nothing_is_applied(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool, frame: str
) -> None:
    """request_invalid with id null (which id would it be?), naming the key; no event; the
    socket stays open. Before: the last value won silently."""
    async with await connect(live_server, session_id, tokens[0]) as ws:
        await ws.send(frame)
        error = await receive(ws, "error")
        await ws.send(SAY)
        ack = await receive(ws, "ack")
    assert error["id"] is None
    assert error["error"]["code"] == "request_invalid"
    assert "appears twice" in error["error"]["message"]
    assert set(error["error"]["details"]) == {"key"}
    async with pool.acquire() as conn:
        stored = await queries.events_after(conn, session_id, 0)
    assert [e.data for e in stored] == [{"text": "still open"}]
    assert stored[0].seq == ack["seq"]


@pytest.mark.parametrize("depth", [33, 1500])
async def test_a_frame_nested_too_deeply_is_refused_and_the_socket_stays_open(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool, depth: int
) -> None:
    """More than MAX_DEPTH levels of objects (the frame's own the first) is request_invalid
    naming the limit — 1,500 levels used to end the socket with 1006 on the parser's
    RecursionError (the outside test); 32 levels is a frame like any other."""
    nested = '{"a":' * (depth - 1) + "1" + "}" * (depth - 1)  # the frame: ``depth`` levels
    async with await connect(live_server, session_id, tokens[0]) as ws:
        await ws.send('{"id":"deep","type":"shout","data":' + nested + "}")
        error = await receive(ws, "error")
        fits = '{"a":' * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1)
        await ws.send('{"id":"fits","type":"shout","data":' + fits + "}")
        kind_refused = await receive(ws, "error")
        await ws.send(SAY)
        ack = await receive(ws, "ack")
    assert (error["error"]["code"], error["error"]["details"]) == (
        "request_invalid",
        {"max_depth": MAX_DEPTH},
    )
    assert (kind_refused["id"], kind_refused["error"]["code"]) == ("fits", "echo_rule_broken")
    async with pool.acquire() as conn:
        stored = await queries.events_after(conn, session_id, 0)
    assert [e.seq for e in stored] == [ack["seq"]]


def _padded(msg_id: str, size: int) -> str:
    """A frame of exactly ``size`` bytes of UTF-8 (a refused command, padded)."""
    head = json.dumps({"id": msg_id, "type": "shout", "data": {"pad": ""}})[:-3]
    pad = size - len(head.encode()) - 3
    frame = head + "x" * pad + '"}}'
    assert len(frame.encode()) == size
    return frame


async def test_a_frame_of_the_maximum_size_is_read_and_answered(
    live_server: LiveServer, session_id: UUID, tokens: list[str]
) -> None:
    """MAX_FRAME_BYTES exactly is a frame like any other (here refused by the kind)."""
    async with await connect(live_server, session_id, tokens[0]) as ws:
        await ws.send(_padded("max", MAX_FRAME_BYTES))
        error = await receive(ws, "error")
        await ws.send(SAY)
        await receive(ws, "ack")
    assert (error["id"], error["error"]["code"]) == ("max", "echo_rule_broken")


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
async def test_a_frame_above_the_maximum_closes_the_socket_with_1009(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool, binary: bool
) -> None:
    """One byte more: close 1009 (message too big), nothing applied; before, frames up to
    uvicorn's default of 16 MiB were read and parsed."""
    frame = _padded("big", MAX_FRAME_BYTES + 1)
    async with await connect(live_server, session_id, tokens[0]) as ws:
        await ws.send(frame.encode() if binary else frame)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 20)  # no answer: the close
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == CLOSE_FRAME_TOO_BIG == 1009
    async with pool.acquire() as conn:
        assert await queries.events_after(conn, session_id, 0) == []


def test_the_documented_maximum_is_the_code_s() -> None:
    """docs/live-sessions.md, "Limits", states the exact figure and the close code."""
    limits = section(read("live-sessions.md"), "## Limits")
    assert f"**{MAX_FRAME_BYTES:,}** bytes".replace(",", " ") in limits
    assert "**1009**" in limits
    assert f"at most **{PENDING}** accepted frames" in limits  # counted on arrival
