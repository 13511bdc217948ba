"""The WebSocket endpoint of live sessions: one socket per participant per session.

Protocol (docs/live-sessions.md has the exact shapes):

- connect to ``/api/v1/live/{session_id}?after=SEQ`` with the session cookie (browsers;
  the Origin must be ours) or ``Authorization: Bearer …`` (command-line clients);
- the server sends ``hello``, then every event after SEQ the participant may see, then
  new events as they commit, each ``{"type": "event", "seq", "kind", "data", "at"}``;
- the client sends commands ``{"id", "type", "data"}``; the id is the client's own
  (idempotent): the server answers ``ack`` with the event's seq only after the event is
  committed, or ``error`` with the one error body; a retried id gets the first answer;
- every frame costs a token of the socket's bucket (live/limits.py): without one it
  is refused (``live_rate_limited``) and nothing is written; presence is recorded only
  when it changes (issue 9, item 10: a flood must not become rows).

This module only carries frames: the engine (live/: sequencing, storage, fan-out) and
each session kind (its commands, events and audiences, in its domain package) decide.
Nothing is registered before every parameter is valid, and every exit path unregisters
what was registered (``try/finally``): a refused socket leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
import time
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import asyncpg
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from accounts.errors import Unauthenticated
from accounts.model import Actor
from accounts.sessions import service as sessions
from accounts.sessions.model import SessionKind
from live import service as live
from live.hub import Hub, Subscription
from live.kinds import Kinds, LiveKind
from live.limits import (
    CLOSE_FRAME_TOO_BIG,
    CLOSE_RATE_LIMITED,
    MAX_FRAME_BYTES,
    LiveLimits,
    TokenBucket,
    rate_limited,
)
from live.model import (
    PRESENCE,
    PRESENCE_STATES,
    Command,
    LiveEvent,
    LiveSession,
    Reply,
    parse_after,
    valid_msg_id,
)
from signing.errors import EtenderError
from web.auth import client_address, presented_token
from web.db.database import acquire
from web.db.faults import as_unavailable
from web.errormap import close_code_for, known
from web.errors import CsrfTokenInvalid, DatabaseUnavailable, RequestInvalid
from web.live.frames import (
    answer_message,
    decode_frame,
    error_message,
    event_message,
    reply_id,
    too_big,
)
from web.services import services

log = logging.getLogger(__name__)

NODE = socket.gethostname()
# Accepted frames waiting for the worker (tokens spent): beyond this the socket is not
# read until the worker catches up; the bucket's burst plus a minute at its rate.
PENDING = 64


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LiveEngine:
    """What the endpoint needs of the application (web/app.py builds each part once)."""

    pool: asyncpg.Pool
    hub: Hub
    kinds: Kinds
    limits: LiveLimits

    @classmethod
    def of(cls, websocket: WebSocket) -> LiveEngine:
        """The one place the endpoint reads the application: its Services (web/services.py)."""
        built = services(websocket)
        parts = built.live
        return cls(pool=built.pools.main, hub=parts.hub, kinds=parts.kinds, limits=parts.limits)


class LiveConnection:
    """One participant's socket in one session."""

    def __init__(
        self,
        websocket: WebSocket,
        engine: LiveEngine,
        actor: Actor,
        session: LiveSession,
        audiences: frozenset[str],
    ) -> None:
        self.ws = websocket
        self.pool = engine.pool
        self.hub = engine.hub
        self.kind: LiveKind = engine.kinds[session.kind]
        self.actor = actor
        self.session = session
        self.audiences = audiences
        self.bucket: TokenBucket = engine.limits.bucket(time.monotonic())
        self.state = "active"  # after the join; presence changes it
        self.undelivered = False  # a send found the socket closed (logged once)

    async def run(self, after: int) -> None:
        hub = self.hub
        # subscribe() registers nothing if it fails; from here on, finally unregisters.
        sub = await hub.subscribe(self.session.id, after)
        self.sub = sub
        sender: asyncio.Task[None] | None = None
        try:
            await self._presence("join")
            sender = asyncio.create_task(self._send_events(sub))
            await self._send(
                {"type": "hello", "session": str(self.session.id), "kind": self.session.kind,
                 "subject": self.session.subject_id, "after": after}
            )  # fmt: skip
            await self._receive_commands()
        except WebSocketDisconnect:
            pass
        finally:
            hub.unsubscribe(sub)
            if sender is not None:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await sender
            await self._presence("leave")

    async def _send(self, message: dict[str, Any]) -> None:
        """Send a frame; a socket that closed meanwhile ends the connection quietly.

        Under load a client may close (or time out) while its command commits: the ack
        then has nowhere to go. That is no fault of ours — the command is committed and a
        retry of its id is answered the same (docs/live-sessions.md, "Reconnecting") —
        so it is one log line, not a traceback (docs/performance.md, "Under overload"):
        starlette raises WebSocketDisconnect for the first failed send and
        WebSocketDisconnected (a RuntimeError) for every later one, on either task.
        """
        try:
            await self.ws.send_json(message)
        except (WebSocketDisconnect, WebSocketDisconnected, OSError):
            self._gone(message)
            raise WebSocketDisconnect(1006) from None

    async def _close(self, code: int, reason: str) -> None:
        try:
            await self.ws.close(code, reason)
        except (WebSocketDisconnect, WebSocketDisconnected, OSError):
            self._gone({"type": "close", "code": code})
            raise WebSocketDisconnect(1006) from None

    def _gone(self, message: dict[str, Any]) -> None:
        """One line per socket, whichever of its sends found it closed first."""
        if self.undelivered:
            return
        self.undelivered = True
        log.info(
            "live.socket_closed_before_send",
            extra={"session": str(self.session.id), "frame_type": message.get("type"),
                   "command_id": message.get("id"), "event_seq": message.get("seq")},
        )  # fmt: skip

    async def _send_events(self, sub: Subscription) -> None:
        while True:
            event = await sub.queue.get()
            if not isinstance(event, LiveEvent):  # a query's answer, in its place
                await self._send(event)
                continue
            if event.kind in self.kind.regroup_on and not await self._regroup():
                return
            if event.audience in self.audiences:
                await self._send(event_message(event))

    async def _regroup(self) -> bool:
        """Decide the socket's audiences again after a change of who sits where (the
        kind's ``regroup_on``); False: no longer a participant, the socket is closed."""
        async with acquire(self.pool) as conn:
            found = await self.kind.audiences(conn, self.actor, self.session)
        if found is None:
            await self._close(4403, "no longer a participant of this session")
            return False
        self.audiences = found
        return True

    async def _receive_commands(self) -> None:
        """Read each frame as it arrives and count it against the bucket then; apply the
        accepted ones, in order, on a worker. A slow commit delays answers, never the
        count: a server that fell behind does not read a backlog in one burst and refuse
        a client that kept to the limit (docs/live-sessions.md, "Limits")."""
        accepted: asyncio.Queue[Command | RequestInvalid | None] = asyncio.Queue(PENDING)
        worker = asyncio.create_task(self._work(accepted))
        stopping = False
        try:
            while True:
                frame = await self.ws.receive()
                if too_big(frame):
                    await self._close(
                        CLOSE_FRAME_TOO_BIG, f"a frame is at most {MAX_FRAME_BYTES} bytes"
                    )
                    return
                message = decode_frame(frame)
                wait = self.bucket.take(time.monotonic())
                if wait > 0:
                    if self.bucket.exhausted:
                        await self._close(CLOSE_RATE_LIMITED, "rate limit exceeded")
                        return
                    await self._send(error_message(reply_id(message), rate_limited(wait)))
                elif worker.done():  # its send found the socket gone: nothing more to do
                    return
                else:
                    await accepted.put(message)  # PENDING full: the reader waits (backpressure)
        except asyncio.CancelledError:
            stopping = True  # the server is stopping: nothing waits for the worker
            raise
        finally:
            await self._finish(worker, accepted, cancel=stopping)

    async def _finish(
        self,
        worker: asyncio.Task[None],
        accepted: asyncio.Queue[Command | RequestInvalid | None],
        *,
        cancel: bool,
    ) -> None:
        """The command being applied completes (a commit is never cut off because its
        socket closed: its id answers a retry); the worker stops at its first send that
        finds the socket gone, leaving later frames unapplied, as the client expects of
        frames it holds no answer for."""
        if cancel:
            worker.cancel()
        else:
            stop_after_applied(accepted)
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
            await worker

    async def _work(self, accepted: asyncio.Queue[Command | RequestInvalid | None]) -> None:
        try:
            while (message := await accepted.get()) is not None:
                if isinstance(message, RequestInvalid):
                    await self._send(error_message(None, message))
                else:
                    await self._apply(message)
        finally:
            while not accepted.empty():  # a reader waiting to put goes on, and sees us gone
                accepted.get_nowait()

    async def _apply(self, command: Command) -> None:
        if not valid_msg_id(command.id):
            refusal = RequestInvalid("a message id is 1–64 of A-Z a-z 0-9 _ . : -")
            await self._send(error_message(None, refusal))
            return
        if command.type == PRESENCE:
            await self._change_presence(command)
            return
        try:
            result = await self._commit(command)
        except EtenderError as exc:  # a refusal, with its code
            await self._send(error_message(command.id, exc))
            return
        except Exception as exc:  # anything else is ours, but a lost database or a full
            found = known(exc)  # disk is told as such (docs/faults.md): 503, 507
            told = found if isinstance(found, EtenderError) else exc
            if told is exc:
                log.exception("live.command_failed", extra={"session": str(self.session.id)})
            await self._send(error_message(command.id, told))
            return
        if isinstance(result, Reply):
            # After every event up to the seq the view was read at (live/hub.py).
            self.sub.answer(result.after, answer_message(command.id, result))
            return
        await self._send({"type": "ack", "id": command.id, "seq": result})

    async def _change_presence(self, command: Command) -> None:
        """Record idle/active only on a change: the attendance record, not a message log."""
        state = command.data.get("state")
        if state not in PRESENCE_STATES or set(command.data) != {"state"}:
            refusal = RequestInvalid("presence's data is exactly {'state': 'idle' | 'active'}")
            await self._send(error_message(command.id, refusal))
            return
        if state != self.state:
            self.state = state
            await self._presence(state)
        await self._send({"type": "ack", "id": command.id, "seq": None})

    async def _commit(self, command: Command) -> int | Reply | None:
        async with acquire(self.pool) as conn:
            return await live.apply(conn, self.kind, self.session, self.actor, command)

    async def _presence(self, event: str) -> None:
        # Presence is best effort at shutdown: the pool may be closing under us.
        with contextlib.suppress(
            asyncpg.PostgresError, asyncpg.InterfaceError, OSError, DatabaseUnavailable
        ):
            async with acquire(self.pool) as conn:
                await live.record_presence(conn, self.session, self.actor, event, node=NODE)


def _origin_ok(websocket: WebSocket) -> bool:
    """Cookie-authenticated sockets must come from our own pages (no cross-site hijack)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return False
    expected = urlsplit(services(websocket).settings.public_url).netloc
    return urlsplit(origin).netloc in (expected, websocket.headers.get("host", ""))


async def _authenticate(websocket: WebSocket, conn: asyncpg.Connection) -> Actor:
    presented = presented_token(websocket)  # type: ignore[arg-type]
    if presented is None:
        raise Unauthenticated("sign in first")
    token, kind = presented
    if kind is SessionKind.COOKIE and not _origin_ok(websocket):
        raise CsrfTokenInvalid("cross-site WebSocket refused")
    return await sessions.authenticate(conn, token, address=client_address(websocket), kind=kind)  # type: ignore[arg-type]


async def _refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept, then close with a code a client can act on (a bare HTTP 403 says nothing)."""
    await websocket.accept()
    await websocket.close(code=code, reason=reason[:120])


async def live_endpoint(websocket: WebSocket) -> None:
    """Authenticate, authorise, then run the participant's socket."""
    # Every parameter is checked before anything is registered or read (issue 9, item
    # 10: an 'after' beyond bigint crashed the handler after it had subscribed).
    try:
        session_id = UUID(websocket.path_params["session_id"])
        after = parse_after(websocket.query_params.get("after", "0"))
    except ValueError:
        await _refuse(websocket, 4422, "bad session id or 'after'")
        return
    engine = LiveEngine.of(websocket)
    try:
        async with acquire(engine.pool) as conn:
            actor = await _authenticate(websocket, conn)
            session, audiences = await live.enter(conn, engine.kinds, session_id, actor)
    except Exception as exc:  # a refusal, or a lost database: 4503 (docs/faults.md)
        refusal = known(exc)
        if not isinstance(refusal, EtenderError):
            raise
        await _refuse(websocket, close_code_for(refusal), refusal.message)
        return
    if audiences is None:
        await _refuse(websocket, 4403, "not a participant of this session")
        return
    await websocket.accept()
    try:
        await LiveConnection(websocket, engine, actor, session, audiences).run(after)
    except Exception as exc:  # the database went away under the socket: say so, 4503
        if (down := as_unavailable(exc)) is None:
            raise
        with contextlib.suppress(WebSocketDisconnect, WebSocketDisconnected, OSError):
            await websocket.close(close_code_for(down), down.message[:120])


ROUTES = [WebSocketRoute("/api/v1/live/{session_id}", live_endpoint)]


def stop_after_applied(accepted: asyncio.Queue[Command | RequestInvalid | None]) -> None:
    """Queue the worker's stop. A full queue has no room for it: the frames still queued
    there are ones whose answers the closed socket will never get, so they are dropped
    (never applied: a retry of their ids applies them then) and the stop takes a place —
    dropping the stop instead left the worker waiting on an empty queue forever, and the
    server's shutdown waiting on the worker (docs/live-sessions.md, "Reconnecting")."""
    while True:
        try:
            accepted.put_nowait(None)
            return
        except asyncio.QueueFull:
            accepted.get_nowait()
