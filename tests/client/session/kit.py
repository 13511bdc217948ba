"""What the session client's tests share: a TCP relay that can fail like a network or a
killed server, and the echo session kind of the live tests (tests/web/live/echo.py).

The relay sits between a client and a real uvicorn server. ``kill()`` resets every
connection (no close frame: what a client sees of a ``kill -9`` or a cut cable) and
stops listening, so a reconnect to it is refused; ``revive()`` listens again on the
same port. Clearing ``downstream`` stops forwarding the server's bytes (the client's still
go through): a command is applied and committed but its ack never arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, cast
from uuid import UUID

import asyncpg

from live import queries
from tests.conftest import free_port


class Relay:
    """A TCP relay to ``target_port`` on the loopback."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.downstream = asyncio.Event()  # cleared: the server's bytes are held back
        self.downstream.set()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def revive(self) -> None:
        """Listen again on the same port (the server came back)."""
        await self.start()

    async def kill(self) -> None:
        """Reset every connection and stop listening."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()  # RST, no close frame
        self._writers.clear()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers.update({writer, up_writer})
        up = asyncio.create_task(self._pipe(reader, up_writer, downstream=False))
        down = asyncio.create_task(self._pipe(up_reader, writer, downstream=True))
        self._tasks.update({up, down})
        await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        for task in (up, down):
            task.cancel()
            self._tasks.discard(task)
        for w in (writer, up_writer):
            w.transport.abort()
            self._writers.discard(w)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, downstream: bool
    ) -> None:
        while data := await reader.read(65536):
            if downstream:
                await self.downstream.wait()
            writer.write(data)
            await writer.drain()


async def stored_events(pool: asyncpg.Pool, session: UUID) -> list[tuple[int, str, Any]]:
    """(seq, kind, data) of every event the database holds for the session."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        return [(e.seq, e.kind, e.data) for e in await queries.events_after(conn, session, 0)]


async def wait_for_events(pool: asyncpg.Pool, session: UUID, count: int) -> None:
    """Until the database holds ``count`` events (a command applied, its ack held back)."""
    for _ in range(1000):
        if len(await stored_events(pool, session)) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the session never held {count} events")


def frame(command_id: str, command: str, data: dict[str, Any]) -> str:
    """A command frame sent by hand (another participant's, or a first attempt)."""
    return json.dumps({"id": command_id, "type": command, "data": data})
