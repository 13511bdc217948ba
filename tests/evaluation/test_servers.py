"""The cross-node harness itself (tests/evaluation/servers.py), on the opening hall.

Two real `etender serve` processes share the test's database: an event committed
through one reaches a socket on the other (LISTEN/NOTIFY, DESIGN.md "Live sessions"),
and after ``kill -9`` of one, a client that reconnects to the other resumes by
sequence with nothing acknowledged lost and nothing applied twice. The opening hall
(``opening``: its ``status`` answer goes to the asker's own audience) stands in for the
evaluation kind, whose end-to-end and kill -9 tests use the same harness.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import asyncpg
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from live import queries
from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.evaluation.servers import (
    FRAME_SECONDS,
    NodeFailed,
    Servers,
    bearer_token,
    command,
    join,
    next_frame,
)
from tests.tender.world import World, published_tender

pytestmark = pytest.mark.slow


async def _hall(pool: asyncpg.Pool, world: World) -> UUID:
    """A published tender's opening hall (its deadline hours away: the countdown only)."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, world, setup=world.setup())
        return (await queries.open_session(conn, "opening", f"{tender.id}/1")).id


async def _token(pool: asyncpg.Pool, user_id: UUID) -> str:
    async with pool.acquire() as proxy:
        return await bearer_token(cast(asyncpg.Connection, proxy), user_id)


async def _drain(ws: ClientConnection) -> None:
    """Read frames (those already on their way) until the socket closes."""
    async with asyncio.timeout(FRAME_SECONDS):
        while True:
            await ws.recv()


async def _status(ws: ClientConnection, msg_id: str) -> dict[str, Any]:
    """Ask the hall for its status; the ack (or error)."""
    return await command(ws, msg_id, "status")


async def test_an_event_committed_through_one_node_reaches_a_socket_on_the_other(
    database: CloneDatabase, pool: asyncpg.Pool, world: World, ca: DemoCA, tmp_path: Path
) -> None:
    """The agency asks on node 0; its own socket on node 1 gets the answer with the seq
    node 0 acknowledged (the answer's audience is the asker, on every node)."""
    session = await _hall(pool, world)
    token = await _token(pool, world.agency.user_id)
    async with Servers(database.app_dsn, tmp_path, count=2, ca=ca) as (a, b):
        far = await join(b, session, token)
        near = await join(a, session, token)
        ack = await _status(near, "ask-1")
        assert ack["type"] == "ack", ack
        event = await next_frame(far, "event")
        assert (event["seq"], event["kind"]) == (ack["seq"], "hall.status")
        assert event["data"]["lot"] == "1"
        await near.close()
        await far.close()


async def test_after_kill_9_a_client_resumes_on_the_other_node_with_nothing_lost_or_doubled(
    database: CloneDatabase, pool: asyncpg.Pool, world: World, ca: DemoCA, tmp_path: Path
) -> None:
    """Acknowledged events survive the node's death; the other node replays them by
    sequence, and a retried message id answers with its first seq, adding nothing."""
    session = await _hall(pool, world)
    token = await _token(pool, world.agency.user_id)
    async with Servers(database.app_dsn, tmp_path, count=2, ca=ca) as (a, b):
        ws = await join(a, session, token)
        acks = [await _status(ws, f"ask-{n}") for n in range(3)]
        assert [ack["type"] for ack in acks] == ["ack"] * 3
        a.kill()
        with pytest.raises(ConnectionClosed):
            await _drain(ws)
        assert not a.running
        async with await join(b, session, token, after=0) as again:
            replayed = [(await next_frame(again, "event"))["seq"] for _ in acks]
            retried = await _status(again, "ask-2")
        assert replayed == [ack["seq"] for ack in acks]
        assert retried["seq"] == acks[2]["seq"]
    async with pool.acquire() as proxy:
        stored = await queries.events_after(cast(asyncpg.Connection, proxy), session, 0)
    assert [e.seq for e in stored] == [ack["seq"] for ack in acks]


async def test_a_killed_node_starts_again_on_its_port_and_serves(
    database: CloneDatabase, pool: asyncpg.Pool, world: World, ca: DemoCA, tmp_path: Path
) -> None:
    """A node restarted after kill -9 (same port, same data dir) serves the session."""
    session = await _hall(pool, world)
    token = await _token(pool, world.agency.user_id)
    async with Servers(database.app_dsn, tmp_path, count=1, ca=ca) as (node,):
        port = node.port
        node.kill()
        await node.start()
        assert node.port == port
        async with await join(node, session, token) as ws:
            assert (await _status(ws, "after-restart"))["type"] == "ack"


async def test_a_failure_inside_the_block_carries_every_nodes_log(
    database: CloneDatabase, tmp_path: Path
) -> None:
    """What the nodes said is attached to the failure, and no node outlives the block."""
    servers = Servers(database.app_dsn, tmp_path, count=1, env={"ETENDER_LOG_LEVEL": "INFO"})
    with pytest.raises(AssertionError, match="the test failed") as raised:
        async with servers:
            raise AssertionError("the test failed")
    notes = "\n".join(raised.value.__notes__)
    assert "=== node 0" in notes
    assert "etender: serving on" in notes
    assert not servers[0].running


async def test_a_node_that_cannot_reach_its_database_fails_with_its_log(tmp_path: Path) -> None:
    """A node that exits at start is a NodeFailed naming what it printed, not a hang."""
    servers = Servers("postgresql:///nowhere?host=/nonexistent", tmp_path, count=1)
    with pytest.raises(NodeFailed, match="exited at start"):
        async with servers:
            pass
    assert not servers[0].running
