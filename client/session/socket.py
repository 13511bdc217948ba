"""A member's connection to a live session that survives dropped sockets and dead servers.

docs/live-sessions.md is the protocol. The client connects to
``ws(s)://…/api/v1/live/{session}?after=SEQ`` with ``Authorization: Bearer <token>``,
keeps the highest ``seq`` it received, and after any drop connects again — to the same
server or, when several ``--server`` URLs are given, to the next one (two server
processes on one PostgreSQL share every session: a ``kill -9`` of one moves its
clients to the other) — with ``?after=<that seq>``, so it receives exactly what it
missed, and an event it already has is dropped if a server sends it again. Every
command is stored with its id before it is sent (client/session/state.py) and every
command without an answer is resent, byte for byte, on each new connection: the server
answers an id it applied with its first ack, so nothing is applied twice, and an ack
is matched to its command by id, never by arrival order.

Close codes 4401, 4403, 4404 and 4422 end the client with one line; anything else is
retried after 0, 0.25, 0.5, … up to 8 s (client/http.py's backoff). The client gives up
after ``give_up`` seconds (300 by default) without a connection that said ``hello``,
and says so; what was not answered stays in the state directory for the next run.
A ``live_rate_limited`` refusal holds every send for its ``retry_after_ms`` before the
same frame goes again; the server's bucket is mirrored (protocol.Pacer) so a burst is
paced before it is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from client.http import backoff
from client.session.errors import (
    SessionCommandRefused,
    SessionKindMismatch,
    SessionNoAnswer,
    SessionProtocolError,
    SessionUnreachable,
    SessionUrlInvalid,
)
from client.session.protocol import (
    CLOSE_RATE_LIMITED,
    Ack,
    Event,
    Hello,
    Pacer,
    Refusal,
    close_refusal,
    parse_frame,
    ws_url,
)
from client.session.state import StateStore, StoredCommand

MAX_FRAME = 8 << 20  # a snapshot or a revealed session's events: well under this
GIVE_UP = 300.0  # seconds without a connection, as client/http.py's RETRY_SECONDS


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RetryPolicy:
    """How long to keep trying (seconds); tests shorten them, the defaults are documented."""

    give_up: float = GIVE_UP  # without a connection that said hello
    answer_timeout: float = 600.0  # for one command's ack or error, across reconnects
    open_timeout: float = 10.0
    ping_interval: float | None = 20.0  # websockets' keepalive: a silent dead peer is noticed
    steady: float = 1.0  # a connection that lasted this long resets the backoff


@dataclasses.dataclass(kw_only=True, slots=True)
class Stats:
    """What happened on the way (load tests and the tests read it)."""

    servers: list[str] = dataclasses.field(default_factory=list)  # one per hello
    sent: list[str] = dataclasses.field(default_factory=list)  # command ids, as they went
    rate_limited: int = 0
    duplicates: int = 0


def _stderr(line: str) -> None:
    print(f"etender session: {line}", file=sys.stderr, flush=True)


class SessionSocket:
    """One member's resilient socket in one session (``async with``)."""

    def __init__(
        self,
        store: StateStore,
        servers: Sequence[str],
        token: str,
        *,
        after: int,
        kind: str | None = None,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        warn: Callable[[str], None] = _stderr,
    ) -> None:
        if not servers:
            raise SessionUrlInvalid("give at least one --server")
        for server in servers:
            ws_url(server, store.session, 0)  # refuse a bad URL before connecting
        self.store, self.servers, self.kind = store, list(servers), kind
        self.session: UUID = store.session
        self.seq = after
        self.retry = retry or RetryPolicy()
        self.pacer = pacer or Pacer()
        self.stats = Stats()
        self._token, self._warn = token, warn
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._waiters: dict[str, asyncio.Future[Ack]] = {}
        self._sent: set[str] = set()  # ids this run sent: their answers are recorded
        self._in_flight: set[str] = set()  # ids sent on the current connection
        self._ws: ClientConnection | None = None
        self._send_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._resends: set[asyncio.Task[None]] = set()
        self._getter: asyncio.Future[Event] | None = None
        self._called: dict[str, StoredCommand] = {}  # call()ed, not answered yet
        self.connected = asyncio.Event()  # set while a socket that said hello is open

    async def __aenter__(self) -> SessionSocket:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop reconnecting and close the socket."""
        if self._getter is not None:
            self._getter.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._ws is not None:
            await self._ws.close()

    # --- what commands use ---

    async def call(self, command: StoredCommand) -> Ack:
        """Send a stored command (or let the next connection resend it) and wait for its
        ack; an error frame raises SessionCommandRefused with the server's code."""
        waiter = self._waiter(command.id)
        # Sent now, or by the next connection: an acknowledged command sent again (the
        # same step run twice) is in no list of unanswered ones, so it is kept here.
        self._called[command.id] = command
        if self._ws is not None:
            await self._send(self._ws, command)
        try:
            return await self.answer(command, waiter)
        finally:
            self._called.pop(command.id, None)

    async def answer(
        self, command: StoredCommand, waiter: asyncio.Future[Ack] | None = None
    ) -> Ack:
        """Wait for the answer to a command (one resent on connecting, say)."""
        waiter = waiter or self._waiter(command.id)
        try:
            async with asyncio.timeout(self.retry.answer_timeout):
                await self._until(waiter)
        except TimeoutError:
            self._waiters.pop(command.id, None)  # a late answer is recorded, not awaited
            raise SessionNoAnswer(
                f"no answer to {command.type} ({command.id}) in {self.retry.answer_timeout:g} s; "
                f"it is kept in {self.store.directory} and resent next time"
            ) from None
        return waiter.result()

    async def next_event(self) -> Event:
        """The next event not seen before (in seq order); raises what ended the socket."""
        event = await self.next_event_unless(None)
        assert event is not None
        return event

    async def next_event_unless(self, unless: asyncio.Future[Any] | None) -> Event | None:
        """The next event, or None if ``unless`` completes first (no event is lost: a
        get that was started is kept for the next call)."""
        if self._getter is None:
            if not self._events.empty():
                return self._events.get_nowait()
            self._getter = asyncio.ensure_future(self._events.get())
        getter = self._getter
        if unless is None or not unless.done():
            await self._until(getter, unless)
        if getter.done():
            self._getter = None
            return getter.result()
        return None

    async def _until(
        self, future: asyncio.Future[Any], also: asyncio.Future[Any] | None = None
    ) -> None:
        """Wait for ``future`` (or ``also``); if the connection loop ends first, raise why."""
        assert self._task is not None, "use the socket in 'async with'"
        waits: set[asyncio.Future[Any]] = {future, self._task}
        if also is not None:
            waits.add(also)
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        if not future.done() and not (also is not None and also.done()):
            failure = self._task.exception() if not self._task.cancelled() else None
            raise failure or SessionUnreachable("the session socket was closed")

    def _waiter(self, command_id: str) -> asyncio.Future[Ack]:
        if command_id not in self._waiters or self._waiters[command_id].done():
            self._waiters[command_id] = asyncio.get_running_loop().create_future()
        self._sent.add(command_id)
        return self._waiters[command_id]

    # --- the connection loop ---

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        failures, index = 0, 0
        deadline = loop.time() + self.retry.give_up
        while True:
            server = self.servers[index % len(self.servers)]
            started, greeted = loop.time(), len(self.stats.servers)
            last = await self._attempt(server)
            if len(self.stats.servers) > greeted:
                deadline = loop.time() + self.retry.give_up
                steady = loop.time() - started >= self.retry.steady
                failures = 0 if steady else failures + 1
            else:
                failures += 1
            if loop.time() >= deadline:
                raise SessionUnreachable(
                    f"gave up after {self.retry.give_up:g} s without a connection to "
                    f"{', '.join(self.servers)} (last: {last}); unanswered commands are "
                    f"kept in {self.store.directory} and resent next time"
                )
            index += 1
            self._warn(f"{last}; reconnecting")
            await asyncio.sleep(0.0 if failures == 0 else backoff(failures - 1))

    async def _attempt(self, server: str) -> str:
        """One connection, until it ends; what ended it (fatal refusals are raised)."""
        try:
            await self._connection(server)
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else None
            refusal = close_refusal(code)
            if refusal is not None:
                raise refusal from None
            if code == CLOSE_RATE_LIMITED:
                self.pacer.refused(asyncio.get_running_loop().time(), 1.0)
            return f"{server}: connection closed ({code or 'without a close frame'})"
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403, 404):  # no live endpoint there: not an etender server
                raise SessionUrlInvalid(
                    f"{server} refused the WebSocket (HTTP {status}): is it an etender server?"
                ) from None
            return f"{server}: HTTP {status}"
        except (OSError, TimeoutError, InvalidHandshake, SessionProtocolError) as exc:
            return f"{server}: {exc or type(exc).__name__}"
        return f"{server} closed the connection"

    async def _connection(self, server: str) -> None:
        url = ws_url(server, self.session, self.seq)
        headers = {"Authorization": f"Bearer {self._token}"}
        async with connect(
            url, additional_headers=headers, open_timeout=self.retry.open_timeout,
            ping_interval=self.retry.ping_interval, max_size=MAX_FRAME,
        ) as ws:  # fmt: skip
            self._check_hello(parse_frame(await asyncio.wait_for(ws.recv(), 30)))
            self.stats.servers.append(server)
            self._ws, self._in_flight = ws, set()
            self.connected.set()
            resending = asyncio.create_task(self._resend(ws))
            try:
                async for raw in ws:
                    self._dispatch(ws, parse_frame(raw))
            finally:
                self._ws = None
                self.connected.clear()
                resending.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await resending

    def _check_hello(self, frame: object) -> None:
        if not isinstance(frame, Hello):
            raise SessionProtocolError("the server did not open with 'hello'")
        if frame.session != str(self.session) or (self.kind and frame.kind != self.kind):
            raise SessionKindMismatch(
                f"the socket is session {frame.session} of kind {frame.kind!r}, "
                f"not {self.session} of kind {self.kind!r}"
            )

    def _dispatch(self, ws: ClientConnection, frame: object) -> None:
        if isinstance(frame, Event):
            if frame.seq <= self.seq:  # already had it (resumed twice, or another node)
                self.stats.duplicates += 1
                return
            self.seq = frame.seq
            self._events.put_nowait(frame)
        elif isinstance(frame, Ack):
            self._answered(frame.id, {"seq": frame.seq}, frame)
        elif isinstance(frame, Refusal):
            self._refused(ws, frame)
        else:
            raise SessionProtocolError("a second 'hello' on one socket")

    def _refused(self, ws: ClientConnection, refusal: Refusal) -> None:
        if refusal.id is None:  # not about a command of ours (every frame we send has an id)
            self._warn(f"the server refused a frame: {refusal.code}: {refusal.message}")
            return
        retry_after = refusal.retry_after
        if retry_after is not None:  # "Limits": dropped, not applied; the same id again
            self.stats.rate_limited += 1
            self.pacer.refused(asyncio.get_running_loop().time(), retry_after)
            self._in_flight.discard(refusal.id)
            task = asyncio.get_running_loop().create_task(self._resend_one(ws, refusal.id))
            self._resends.add(task)  # a task nobody references may be collected mid-way
            task.add_done_callback(self._resends.discard)
            return
        command = self._stored(refusal.id)
        kind = command.type if command is not None else "a command"
        error = SessionCommandRefused(
            f"the server refused {kind} ({refusal.id}): {refusal.code}: {refusal.message}",
            details={"command": kind, "code": refusal.code, "details": refusal.details},
        )
        self._answered(refusal.id, {"error": refusal.code}, error)

    def _answered(self, command_id: str, answer: dict[str, Any], result: Ack | Exception) -> None:
        if command_id not in self._sent:
            return  # an answer to another client's frame: not ours to record
        self.store.answer(command_id, answer)
        waiter = self._waiters.get(command_id)
        if waiter is not None and not waiter.done():
            if isinstance(result, Exception):
                waiter.set_exception(result)
            else:
                waiter.set_result(result)

    def _stored(self, command_id: str) -> StoredCommand | None:
        return next((c for c in self.store.load().commands if c.id == command_id), None)

    # --- sending ---

    async def _resend(self, ws: ClientConnection) -> None:
        """Every command without an answer, oldest first, exactly as first written, then
        those call()ed again although answered before."""
        commands = list(self.store.load().unanswered())
        listed = {c.id for c in commands}
        commands += [c for c in list(self._called.values()) if c.id not in listed]
        for command in commands:
            self._sent.add(command.id)
            await self._send(ws, command)

    async def _resend_one(self, ws: ClientConnection, command_id: str) -> None:
        """The same frame again after a live_rate_limited hold (if still unanswered)."""
        command = self._called.get(command_id) or self._stored(command_id)
        if command is not None and (command.id in self._called or command.answer is None):
            await self._send(ws, command)

    async def _send(self, ws: ClientConnection, command: StoredCommand) -> None:
        loop = asyncio.get_running_loop()
        async with self._send_lock:
            if command.id in self._in_flight:
                return  # already on this connection (a resend raced the first send)
            while True:  # the mirrored bucket, and a live_rate_limited hold
                delay = self.pacer.delay(loop.time())
                if delay <= 0:
                    break
                await asyncio.sleep(delay)
            if ws is not self._ws:
                return  # that connection is gone: the next one resends from the state
            self._in_flight.add(command.id)
            self.stats.sent.append(command.id)
            with contextlib.suppress(ConnectionClosed):
                await ws.send(command.frame)
