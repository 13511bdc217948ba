"""A socket that closes while its command commits (docs/performance.md, "Under overload"):
the command stays committed, the server logs one line and no traceback.

Real uvicorn, real client, the production logging configuration (tests/conftest.py
``production_logging``: a record that cannot be rendered fails the test). The command
is held inside its transaction by an advisory lock the test holds, so the order is
fixed without racing a clock: the client closes, another participant's event reaches
the closed socket first (its send fails: starlette marks the socket disconnected), and
only then the held command commits and its ack finds the socket gone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from uuid import UUID

import asyncpg
import pytest
from starlette.applications import Starlette

from accounts.model import Actor
from live import queries
from live.limits import LiveLimits
from live.model import Command, Emit, LiveSession
from tests.conftest import LiveServer
from tests.web.live.echo import connect, receive, tokens
from web.errors import RequestInvalid
from web.live.endpoint import stop_after_applied
from web.services import services

__all__ = ["tokens"]

GATE = 4242  # the advisory lock the held command waits for


class GateKind:
    """'wait' takes the gate's advisory lock inside its transaction; 'say' does not."""

    name = "gate"
    commands = frozenset({"wait", "say"})
    events = frozenset({"waited", "said"})
    audiences_named: frozenset[str] = frozenset()
    regroup_on: frozenset[str] = frozenset()

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        return frozenset({"all", f"user:{actor.user_id}"})

    async def handle(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command
    ) -> list[Emit]:
        if command.type == "wait":
            await conn.execute("SELECT pg_advisory_xact_lock($1)", GATE)
            return [Emit(kind="waited", data={})]
        return [Emit(kind="said", data={})]


@pytest.fixture
async def gate_session(app: Starlette, pool: asyncpg.Pool) -> UUID:
    services(app).live.kinds[GateKind.name] = GateKind()
    async with pool.acquire() as conn:
        return (await queries.open_session(conn, "gate", "subject-1")).id


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    """Every record of the endpoint and of uvicorn (which logs an app's exception)."""
    found: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            self.format(record)  # rendered as in production: a bad record fails here
            found.append(record)

    keep = Keep(level=logging.DEBUG)
    keep.setFormatter(logging.getLogger().handlers[0].formatter)
    loggers = [logging.getLogger(n) for n in ("web.live.endpoint", "uvicorn.error", "uvicorn")]
    for logger in loggers:
        logger.addHandler(keep)
    yield found
    for logger in loggers:
        logger.removeHandler(keep)


async def _until(check: object, what: str) -> None:
    for _ in range(500):
        if await check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


async def test_an_ack_for_a_socket_that_closed_is_one_log_line_and_no_traceback(
    live_server: LiveServer,
    gate_session: UUID,
    tokens: list[str],
    pool: asyncpg.Pool,
    records: list[logging.LogRecord],
) -> None:
    hub = services(live_server.server.config.app).live.hub  # type: ignore[arg-type]
    holder = await pool.acquire()
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", GATE)
        a = await connect(live_server, gate_session, tokens[0])
        async with await connect(live_server, gate_session, tokens[1]) as b:
            await a.send(json.dumps({"id": "held", "type": "wait", "data": {}}))

            async def waiting() -> bool:
                return bool(
                    await holder.fetchval(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        " AND objid = $1 AND NOT granted",
                        GATE,
                    )
                )

            await _until(waiting, "the command waits for the gate")
            await a.close()  # the client is gone while its command is in its transaction
            await b.send(json.dumps({"id": "s1", "type": "say", "data": {}}))
            await receive(b, "ack")
            assert (await receive(b, "event"))["kind"] == "said"

            async def offered() -> bool:  # the closed socket's sender took the event
                subs = hub.subscriptions.get(gate_session, set())
                return all(sub.queue.empty() for sub in subs)

            await _until(offered, "the event reached every sender")
        await holder.execute("SELECT pg_advisory_unlock($1)", GATE)

        async def left() -> bool:  # the held command committed and its socket ended
            async with pool.acquire() as conn:
                done = [k for _, k, _ in await queries.presence(conn, gate_session)]
                kinds = [e.kind for e in await queries.events_after(conn, gate_session, 0)]
            return done.count("leave") == 2 and "waited" in kinds

        await _until(left, "the held command committed and both sockets left")
        for _ in range(20):  # let uvicorn's task for the socket finish (event-loop steps)
            await asyncio.sleep(0)
    finally:
        await pool.release(holder)
    assert [r for r in records if r.exc_info] == []
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR] == []
    gone = [r for r in records if r.getMessage() == "live.socket_closed_before_send"]
    assert len(gone) == 1
    assert gone[0].levelno == logging.INFO
    assert gone[0].__dict__["session"] == str(gate_session)


async def test_frames_are_counted_as_they_arrive_not_when_a_slow_commit_lets_them_be_read(
    live_server: LiveServer, gate_session: UUID, tokens: list[str], pool: asyncpg.Pool
) -> None:
    """docs/live-sessions.md, "Limits": while a command is held in its transaction, the
    frames sent after it are counted at once — the one past the bucket is refused right
    then, before the held command's ack — and the accepted ones are applied after it, in
    order. Before, nothing after the held command was read (or counted) until it ended,
    so a stalled server later read a backlog in one burst. No refill (per_second 0): the
    count does not depend on any clock."""
    services(live_server.server.config.app).live.limits = LiveLimits(  # type: ignore[arg-type]
        burst=3, per_second=0.0, close_after_refused=10
    )
    holder = await pool.acquire()
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", GATE)
        async with await connect(live_server, gate_session, tokens[0]) as ws:
            await ws.send(json.dumps({"id": "held", "type": "wait", "data": {}}))
            for n in range(3):  # tokens: held, s0, s1 — s2 finds none
                await ws.send(json.dumps({"id": f"s{n}", "type": "say", "data": {}}))
            refused = await receive(ws, "error")  # while "held" still waits for the gate
            async with pool.acquire() as conn:
                assert await queries.events_after(conn, gate_session, 0) == []
            await holder.execute("SELECT pg_advisory_unlock($1)", GATE)
            acks = [(await receive(ws, "ack"))["id"] for _ in range(3)]
    finally:
        await pool.release(holder)
    assert (refused["id"], refused["error"]["code"]) == ("s2", "live_rate_limited")
    assert acks == ["held", "s0", "s1"]
    async with pool.acquire() as conn:
        kinds = [e.kind for e in await queries.events_after(conn, gate_session, 0)]
    assert kinds == ["waited", "said", "said"]


def test_a_full_queue_still_takes_the_workers_stop_dropping_unapplied_frames() -> None:
    """The stop was dropped when the queue was full: the worker then waited on an empty
    queue forever and the server's shutdown waited on it (web/live/endpoint.py)."""
    accepted: asyncio.Queue[Command | RequestInvalid | None] = asyncio.Queue(2)
    first, second = RequestInvalid("first"), RequestInvalid("second")
    accepted.put_nowait(first)
    accepted.put_nowait(second)
    stop_after_applied(accepted)
    drained = [accepted.get_nowait() for _ in range(accepted.qsize())]
    assert drained == [second, None]  # the oldest unapplied frame made room; stop is last


def test_a_queue_with_room_keeps_every_frame_before_the_stop() -> None:
    accepted: asyncio.Queue[Command | RequestInvalid | None] = asyncio.Queue(2)
    frame = RequestInvalid("frame")
    accepted.put_nowait(frame)
    stop_after_applied(accepted)
    assert [accepted.get_nowait(), accepted.get_nowait()] == [frame, None]
