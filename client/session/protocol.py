"""The live-session protocol as this client speaks it, without I/O (docs/live-sessions.md).

URLs, the frames both ways, which close codes end the client and which are retried, and
the socket's token bucket mirrored on our side so that a burst of commands is paced
before the server has to refuse it ("Limits"). Time is an argument (STYLE.md 3).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit
from uuid import UUID

from client.session.errors import (
    SessionClientError,
    SessionNotFound,
    SessionNotParticipant,
    SessionProtocolError,
    SessionUnauthenticated,
    SessionUrlInvalid,
)

# docs/live-sessions.md, "Client → server": 1–64 of A-Z a-z 0-9 _ . : -
COMMAND_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
MAX_SEQ = (1 << 63) - 1

# "Refusals are sent as a close frame right after the handshake": these four say who
# or what is wrong, and no retry changes that; anything else (a server going away,
# 4429, 4000 + 5xx) is retried with backoff.
_FATAL_CLOSE: dict[int, tuple[type[SessionClientError], str]] = {
    4401: (SessionUnauthenticated, "the server does not accept this token (close 4401)"),
    4403: (SessionNotParticipant, "this user is not a participant of the session (close 4403)"),
    4404: (SessionNotFound, "the server has no such live session (close 4404)"),
    4422: (SessionUrlInvalid, "the server refused the session id or 'after' (close 4422)"),
}
CLOSE_RATE_LIMITED = 4429


def close_refusal(code: int | None) -> SessionClientError | None:
    """The fatal refusal a close code means, or None when reconnecting may help."""
    if code is None or code not in _FATAL_CLOSE:
        return None
    cls, message = _FATAL_CLOSE[code]
    return cls(message)


def ws_url(server: str, session: UUID, after: int) -> str:
    """``ws(s)://host[/prefix]/api/v1/live/{session}?after={after}`` for a --server URL."""
    parts = _split(server)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = f"{parts.path.rstrip('/')}/api/v1/live/{session}"
    return urlunsplit((scheme, parts.netloc, path, f"after={after}", ""))


def http_base(server: str) -> str:
    """The HTTP API's base URL for a --server URL (``ws`` becomes ``http``)."""
    parts = _split(server)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _split(server: str) -> SplitResult:
    parts = urlsplit(server.strip())
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.netloc:
        raise SessionUrlInvalid(f"--server {server!r} is not an http(s):// or ws(s):// URL")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SessionUrlInvalid(f"--server {server!r}: give the base URL only")
    return parts


def command_frame(command_id: str, command: str, data: Mapping[str, object]) -> str:
    """The exact text of a command frame; it is stored and resent byte for byte."""
    if not COMMAND_ID.fullmatch(command_id):
        raise ValueError(f"bad command id {command_id!r}")
    body = {"id": command_id, "type": command, "data": dict(data)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def frame_id(frame: str) -> str | None:
    """The id of a stored command frame (None if it is not one of ours)."""
    try:
        body = json.loads(frame)
    except ValueError:
        return None
    if not isinstance(body, dict) or set(body) != {"id", "type", "data"}:
        return None
    found = body["id"]
    return found if isinstance(found, str) and COMMAND_ID.fullmatch(found) else None


# --- server → client ---


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Hello:
    """The first frame: which session and kind this socket is in."""

    session: str
    kind: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Event:
    """An event of the session; ``raw`` is the frame as received (what ``join`` prints)."""

    seq: int
    kind: str
    data: dict[str, Any]
    raw: dict[str, Any]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Ack:
    """A command applied and committed; ``seq`` its first event (None: it caused none).

    ``reply``: a query's answer (an ``answer`` frame: ``snapshot``), as an event of its
    kind whose ``seq`` is the session's seq the view was read at; it is no event of the
    session (never stored, never numbered) and every event up to that seq came first.
    """

    id: str
    seq: int | None
    reply: Event | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Refusal:
    """An ``error`` frame: the command's id (None for a frame without a valid one)."""

    id: str | None
    code: str
    message: str
    details: object

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before resending a ``live_rate_limited`` command."""
        if self.code != "live_rate_limited":
            return None
        found = self.details.get("retry_after_ms") if isinstance(self.details, dict) else None
        # null: the bucket never refills (a misconfigured server): wait one token's time.
        return max(0.001, found / 1000) if isinstance(found, int) and found >= 0 else 1.0


Frame = Hello | Event | Ack | Refusal


def parse_frame(text: str | bytes) -> Frame:
    """A server frame; anything else is the server breaking the protocol."""
    try:
        body = json.loads(text)
        kind = body["type"]
        if kind == "hello":
            return Hello(session=str(body["session"]), kind=str(body["kind"]))
        if kind == "event":
            return _event(body)
        if kind == "ack":
            return Ack(id=_id(body["id"]), seq=_seq_or_none(body["seq"]))
        if kind == "answer":
            return Ack(id=_id(body["id"]), seq=None, reply=_answer(body))
        if kind == "error":
            error = body["error"]
            found = body["id"]
            return Refusal(
                id=None if found is None else _id(found),
                code=str(error["code"]),
                message=str(error["message"]),
                details=error.get("details"),
            )
    except (ValueError, KeyError, TypeError) as exc:
        raise SessionProtocolError(f"the server sent a malformed frame: {exc}") from exc
    raise SessionProtocolError(f"the server sent a frame of unknown type {kind!r}")


def _event(body: dict[str, Any]) -> Event:
    seq, data = body["seq"], body["data"]
    if _seq_or_none(seq) is None or not isinstance(data, dict):
        raise ValueError("an event needs an integer seq and an object data")
    return Event(seq=seq, kind=str(body["kind"]), data=data, raw=body)


def _answer(body: dict[str, Any]) -> Event:
    """A query's answer as an event of its kind; ``seq`` the session's seq it was read at
    (0 for a session without events yet)."""
    seq, data = body["seq"], body["data"]
    if type(seq) is not int or not 0 <= seq <= MAX_SEQ or not isinstance(data, dict):
        raise ValueError("an answer needs a whole seq from 0 and an object data")
    return Event(seq=seq, kind=str(body["kind"]), data=data, raw=body)


def _id(value: object) -> str:
    if not isinstance(value, str) or not COMMAND_ID.fullmatch(value):
        raise ValueError(f"bad command id {value!r}")
    return value


def _seq_or_none(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not 1 <= value <= MAX_SEQ:
        raise ValueError(f"bad seq {value!r}")
    return value


# --- pacing (docs/live-sessions.md, "Limits") ---

BURST = 10
PER_SECOND = 1.0


@dataclasses.dataclass(kw_only=True, slots=True)
class Pacer:
    """The server's token bucket, mirrored: how long to wait before the next frame."""

    burst: int = BURST
    per_second: float = PER_SECOND
    tokens: float = float(BURST)
    stamp: float | None = None
    hold_until: float = 0.0

    def delay(self, now: float) -> float:
        """Seconds to wait before a frame may go; 0.0 spends a token now."""
        if self.stamp is None:
            self.stamp, self.tokens = now, float(self.burst)
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if now < self.hold_until:
            return self.hold_until - now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.per_second if self.per_second > 0 else 1.0

    def refused(self, now: float, retry_after: float) -> None:
        """The server refused a frame: our bucket was fuller than its. Take its word —
        one token in ``retry_after`` — hold until then, and pace from there."""
        self.hold_until = max(self.hold_until, now + retry_after)
        self.tokens = max(0.0, 1.0 - retry_after * self.per_second)
        self.stamp = now
