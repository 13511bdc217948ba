"""Frames that are not exactly a command (issue 11, "Bad input": a malformed or oversized
frame → a clear error, nothing changed), over a real uvicorn server and client.

docs/live-sessions.md, "Errors of the protocol itself" and "Limits".
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
import pytest

from live import queries
from tests.conftest import LiveServer
from tests.web.live.echo import connect, echo, receive, session_id, tokens

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
