"""The WebSocket endpoint of live sessions: one socket per participant per session.

Protocol (docs/live-sessions.md has the exact shapes):

- connect to ``/api/v1/live/{session_id}?after=SEQ`` with the session cookie (browsers;
  the Origin must be ours) or ``Authorization: Bearer …`` (command-line clients);
- the server sends ``hello``, then every event after SEQ the participant may see, then
  new events as they commit, each ``{"type": "event", "seq", "kind", "data", "at"}``;
- the client sends commands ``{"id", "type", "data"}``; the id is the client's own
  (idempotent): the server answers ``ack`` with the event's seq only after the event is
  committed, or ``error`` with the one error body; a retried id gets the first answer;
- every frame costs a token of the socket's bucket (web/live/limits.py): without one it
  is refused (``live_rate_limited``) and nothing is written; presence is recorded only
  when it changes (issue 9, item 10: a flood must not become rows).

Nothing is registered before every parameter is valid, and every exit path unregisters
what was registered (``try/finally``): a refused socket leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import re
import socket
import time
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit
from uuid import UUID

import asyncpg
import msgspec
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from accounts import service as accounts
from accounts.errors import AccountsError
from accounts.model import Actor, SessionKind
from web.auth import client_address, presented_token
from web.db.database import acquire
from web.errormap import close_code_for
from web.live import queries
from web.live.hub import Hub, Subscription
from web.live.limits import CLOSE_RATE_LIMITED, LiveLimits, TokenBucket
from web.services import services

log = logging.getLogger(__name__)

NODE = socket.gethostname()

# ``after`` is a seq: a bigint of the database (0003), written in plain ASCII digits.
MAX_SEQ = (1 << 63) - 1
_SEQ = re.compile(r"[0-9]{1,19}")
PRESENCE_STATES = ("idle", "active")


class Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A client message."""

    id: str = msgspec.field()
    type: str
    data: dict[str, Any] = msgspec.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Emit:
    """An event a command handler asks to append (in the handler's transaction)."""

    kind: str
    data: Mapping[str, Any]
    audience: str = "all"


class SessionKindHandler(Protocol):
    """What a kind of session (opening hall, evaluation) plugs in."""

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: queries.LiveSession
    ) -> frozenset[str] | None:
        """The audiences the actor belongs to (``all``, ``role:x``, ``user:id``); None: refused."""

    async def handle(
        self,
        conn: asyncpg.Connection,
        actor: Actor,
        session: queries.LiveSession,
        command: Command,
    ) -> list[Emit]:
        """Apply a command inside the transaction; return the events it causes."""


class LiveError(Exception):
    """A refusal inside the live protocol, with a stable code."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def _event_message(event: queries.LiveEvent) -> dict[str, Any]:
    return {
        "type": "event",
        "seq": event.seq,
        "kind": event.kind,
        "data": event.data,
        "at": event.created_at.isoformat(),
    }


def _error_message(msg_id: str | None, exc: Exception) -> dict[str, Any]:
    return {
        "type": "error",
        "id": msg_id,
        "error": {
            "code": getattr(exc, "code", "internal_error"),
            "message": getattr(exc, "message", None) or "an internal error occurred",
            "details": getattr(exc, "details", None),
        },
    }


def _rate_limited(wait: float) -> LiveError:
    retry_ms = None if math.isinf(wait) else max(1, math.ceil(wait * 1000))
    return LiveError(
        "live_rate_limited",
        "too many messages on this socket: wait and send again",
        {"retry_after_ms": retry_ms},
    )


def _reply_id(message: Command | LiveError) -> str | None:
    """The id an answer names: the command's own, unless it had no valid one."""
    if isinstance(message, Command) and _valid_msg_id(message.id):
        return message.id
    return None


def _decode(raw: str) -> Command | LiveError:
    """A client frame as a command, or the refusal of a frame that is not one."""
    try:
        return msgspec.json.decode(raw, type=Command)
    except msgspec.DecodeError as exc:
        return LiveError("request_invalid", f"bad message: {exc}")


class LiveConnection:
    """One participant's socket in one session."""

    def __init__(self, websocket: WebSocket, actor: Actor, session: queries.LiveSession) -> None:
        self.ws = websocket
        self.actor = actor
        self.session = session
        self.pool: asyncpg.Pool = services(websocket).pools.main
        self.kind: SessionKindHandler = services(websocket).live.kinds[session.kind]
        self.audiences: frozenset[str] = frozenset()
        limits: LiveLimits = services(websocket).live.limits
        self.bucket: TokenBucket = limits.bucket(time.monotonic())
        self.state = "active"  # after the join; presence changes it

    async def run(self, after: int) -> None:
        hub: Hub = services(self.ws).live.hub
        # subscribe() registers nothing if it fails; from here on, finally unregisters.
        sub = await hub.subscribe(self.session.id, after)
        sender: asyncio.Task[None] | None = None
        try:
            await self._presence("join")
            sender = asyncio.create_task(self._send_events(sub))
            await self.ws.send_json(
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

    async def _send_events(self, sub: Subscription) -> None:
        while True:
            event = await sub.queue.get()
            if event.audience in self.audiences:
                await self.ws.send_json(_event_message(event))

    async def _receive_commands(self) -> None:
        while True:
            message = _decode(await self.ws.receive_text())
            wait = self.bucket.take(time.monotonic())
            if wait > 0:
                if self.bucket.exhausted:
                    await self.ws.close(CLOSE_RATE_LIMITED, "rate limit exceeded")
                    return
                await self.ws.send_json(_error_message(_reply_id(message), _rate_limited(wait)))
            elif isinstance(message, LiveError):
                await self.ws.send_json(_error_message(None, message))
            else:
                await self._apply(message)

    async def _apply(self, command: Command) -> None:
        if not _valid_msg_id(command.id):
            refusal = LiveError("request_invalid", "a message id is 1–64 of A-Z a-z 0-9 _ . : -")
            await self.ws.send_json(_error_message(None, refusal))
            return
        if command.type == "presence":
            await self._change_presence(command)
            return
        try:
            seq = await self._commit(command)
        except (LiveError, AccountsError) as exc:
            await self.ws.send_json(_error_message(command.id, exc))
            return
        except Exception as exc:  # domain errors carry a code; anything else is ours
            if not isinstance(getattr(exc, "code", None), str):
                log.exception("live.command_failed", extra={"session": str(self.session.id)})
            await self.ws.send_json(_error_message(command.id, exc))
            return
        await self.ws.send_json({"type": "ack", "id": command.id, "seq": seq})

    async def _change_presence(self, command: Command) -> None:
        """Record idle/active only on a change: the attendance record, not a message log."""
        state = command.data.get("state")
        if state not in PRESENCE_STATES:
            refusal = LiveError("request_invalid", "presence 'state' is 'idle' or 'active'")
            await self.ws.send_json(_error_message(command.id, refusal))
            return
        if state != self.state:
            self.state = state
            await self._presence(state)
        await self.ws.send_json({"type": "ack", "id": command.id, "seq": None})

    async def _commit(self, command: Command) -> int | None:
        """Apply the command once; a retried id returns the seq of its first event."""
        async with acquire(self.pool) as conn:
            earlier = await queries.event_by_client_msg(
                conn, self.session.id, self.actor.user_id, command.id
            )
            if earlier is not None:
                return earlier.seq
            try:
                async with conn.transaction():
                    emits = await self.kind.handle(conn, self.actor, self.session, command)
                    first = None
                    for n, emit in enumerate(emits):
                        event = await queries.append_event(
                            conn, self.session.id, kind=emit.kind, data=dict(emit.data),
                            audience=emit.audience, actor_id=self.actor.user_id,
                            client_msg_id=command.id if n == 0 else None,
                        )  # fmt: skip
                        first = first or event.seq
                    return first
            except asyncpg.UniqueViolationError:
                # The same id raced in on another socket and won: answer as it did.
                again = await queries.event_by_client_msg(
                    conn, self.session.id, self.actor.user_id, command.id
                )
                return again.seq if again else None

    async def _presence(self, event: str) -> None:
        # Presence is best effort at shutdown: the pool may be closing under us.
        with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            async with acquire(self.pool) as conn:
                await queries.record_presence(
                    conn, self.session.id, self.actor.user_id, event,
                    address=self.actor.address or "", node=NODE,
                )  # fmt: skip


def parse_after(raw: str) -> int:
    """``after``: plain ASCII digits, 0 to 2^63 − 1 (a seq); anything else is ValueError."""
    if not _SEQ.fullmatch(raw) or int(raw) > MAX_SEQ:
        raise ValueError(f"'after' must be a whole number from 0 to {MAX_SEQ}")
    return int(raw)


def _valid_msg_id(value: str) -> bool:
    return 1 <= len(value) <= 64 and all(
        c.isascii() and (c.isalnum() or c in "_.:-") for c in value
    )


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
        raise LiveError("unauthenticated", "sign in first")
    token, kind = presented
    if kind is SessionKind.COOKIE and not _origin_ok(websocket):
        raise LiveError("csrf_token_invalid", "cross-site WebSocket refused")
    return await accounts.authenticate(conn, token, address=client_address(websocket), kind=kind)  # type: ignore[arg-type]


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
    try:
        async with acquire(services(websocket).pools.main) as conn:
            actor = await _authenticate(websocket, conn)
            session = await queries.get_session(conn, session_id)
            if session is None or session.kind not in services(websocket).live.kinds:
                raise LiveError("live_session_not_found", "no such live session")
            kind: SessionKindHandler = services(websocket).live.kinds[session.kind]
            audiences = await kind.audiences(conn, actor, session)
    except (LiveError, AccountsError) as exc:
        code = {"unauthenticated": 4401, "live_session_not_found": 4404}.get(exc.code)
        await _refuse(websocket, code or close_code_for(exc), exc.message)
        return
    if audiences is None:
        await _refuse(websocket, 4403, "not a participant of this session")
        return
    await websocket.accept()
    connection = LiveConnection(websocket, actor, session)
    connection.audiences = audiences
    await connection.run(after)


ROUTES = [WebSocketRoute("/api/v1/live/{session_id}", live_endpoint)]
