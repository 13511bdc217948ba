"""The WebSocket endpoint of live sessions: one socket per participant per session.

Protocol (docs/live-sessions.md has the exact shapes):

- connect to ``/api/v1/live/{session_id}?after=SEQ`` with the session cookie (browsers;
  the Origin must be ours) or ``Authorization: Bearer …`` (command-line clients);
- the server sends ``hello``, then every event after SEQ the participant may see, then
  new events as they commit, each ``{"type": "event", "seq", "kind", "data", "at"}``;
- the client sends commands ``{"id", "type", "data"}``; the id is the client's own
  (idempotent): the server answers ``ack`` with the event's seq only after the event is
  committed, or ``error`` with the one error body; a retried id gets the first answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
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

log = logging.getLogger(__name__)

NODE = socket.gethostname()


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

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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


class LiveConnection:
    """One participant's socket in one session."""

    def __init__(self, websocket: WebSocket, actor: Actor, session: queries.LiveSession) -> None:
        self.ws = websocket
        self.actor = actor
        self.session = session
        self.pool: asyncpg.Pool = websocket.app.state.pool
        self.kind: SessionKindHandler = websocket.app.state.live_kinds[session.kind]
        self.audiences: frozenset[str] = frozenset()

    async def run(self, after: int) -> None:
        hub: Hub = self.ws.app.state.live_hub
        sub = await hub.subscribe(self.session.id, after)
        await self._presence("join")
        sender = asyncio.create_task(self._send_events(sub))
        try:
            await self.ws.send_json(
                {"type": "hello", "session": str(self.session.id), "kind": self.session.kind,
                 "subject": self.session.subject_id, "after": after}
            )  # fmt: skip
            await self._receive_commands()
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender
            hub.unsubscribe(sub)
            await self._presence("leave")

    async def _send_events(self, sub: Subscription) -> None:
        while True:
            event = await sub.queue.get()
            if event.audience in self.audiences:
                await self.ws.send_json(_event_message(event))

    async def _receive_commands(self) -> None:
        while True:
            raw = await self.ws.receive_text()
            try:
                command = msgspec.json.decode(raw, type=Command)
            except msgspec.DecodeError as exc:
                await self.ws.send_json(
                    _error_message(None, LiveError("request_invalid", f"bad message: {exc}"))
                )
                continue
            await self._apply(command)

    async def _apply(self, command: Command) -> None:
        if command.type == "presence":
            state = command.data.get("state")
            if state in ("idle", "active"):
                await self._presence(state)
                await self.ws.send_json({"type": "ack", "id": command.id, "seq": None})
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

    async def _commit(self, command: Command) -> int | None:
        """Apply the command once; a retried id returns the seq of its first event."""
        if not _valid_msg_id(command.id):
            raise LiveError("request_invalid", "a message id is 1–64 of A-Z a-z 0-9 _ . : -")
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


def _valid_msg_id(value: str) -> bool:
    return 1 <= len(value) <= 64 and all(
        c.isascii() and (c.isalnum() or c in "_.:-") for c in value
    )


def _origin_ok(websocket: WebSocket) -> bool:
    """Cookie-authenticated sockets must come from our own pages (no cross-site hijack)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return False
    expected = urlsplit(websocket.app.state.settings.public_url).netloc
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
    try:
        session_id = UUID(websocket.path_params["session_id"])
        after = int(websocket.query_params.get("after", "0"))
        if after < 0:
            raise ValueError
    except ValueError:
        await _refuse(websocket, 4422, "bad session id or 'after'")
        return
    try:
        async with acquire(websocket.app.state.pool) as conn:
            actor = await _authenticate(websocket, conn)
            session = await queries.get_session(conn, session_id)
            if session is None or session.kind not in websocket.app.state.live_kinds:
                raise LiveError("live_session_not_found", "no such live session")
            kind: SessionKindHandler = websocket.app.state.live_kinds[session.kind]
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
