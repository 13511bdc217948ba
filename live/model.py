"""Live sessions as values and rules, no I/O: sessions, events, commands, audiences.

docs/live-sessions.md has the exact shapes. Every command carries the client's own id
(idempotent retries); ``after`` is the last seq a reconnecting client saw.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

# ``after`` is a seq: a bigint of the database (0003), written in plain ASCII digits.
MAX_SEQ = (1 << 63) - 1
_SEQ = re.compile(r"[0-9]{1,19}")
PRESENCE_STATES = ("idle", "active")
PRESENCE = "presence"  # the one command every kind has: the engine answers it itself

# Audiences: every event names one; a participant sees the events of its audiences.
EVERYONE = "all"


def user_audience(user_id: UUID) -> str:
    """The audience of one participant (an answer meant for the asker alone)."""
    return f"user:{user_id}"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LiveSession:
    """A session row."""

    id: UUID
    kind: str
    subject_id: str
    last_seq: int
    closed_at: datetime | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LiveEvent:
    """One committed event of a session."""

    session_id: UUID
    seq: int
    kind: str
    data: dict[str, Any]
    audience: str
    actor_id: UUID | None
    client_msg_id: str | None
    created_at: datetime


class Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A client message."""

    id: str = msgspec.field()
    type: str
    data: dict[str, Any] = msgspec.field(default_factory=dict)


def command_digest(command: Command) -> str:
    """Hex SHA-256 of the command's type and data as read (compact JSON, keys sorted,
    UTF-8): what a client id stands for, so a replay with another body is refused."""
    body = {"type": command.type, "data": command.data}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Emit:
    """An event a command handler asks to append (in the handler's transaction).

    ``reply``: an answer for the sender alone (a query such as the evaluation session's
    ``snapshot``): sent on the sender's socket as an ``answer`` frame, never stored,
    numbered or fanned out — asking for a view must not grow the session's log
    (docs/live-sessions.md, "Answers to queries"). Its audience is the sender's own.
    """

    kind: str
    data: Mapping[str, Any]
    audience: str = EVERYONE
    reply: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Reply:
    """A query's answer: what a handler replied, and the session's last seq as it read it
    (every event up to ``after`` that the asker may see reaches it before the answer)."""

    kind: str
    data: Mapping[str, Any]
    after: int


def parse_after(raw: str) -> int:
    """``after``: plain ASCII digits, 0 to 2^63 − 1 (a seq); anything else is ValueError."""
    if not _SEQ.fullmatch(raw) or int(raw) > MAX_SEQ:
        raise ValueError(f"'after' must be a whole number from 0 to {MAX_SEQ}")
    return int(raw)


def valid_msg_id(value: str) -> bool:
    """A command id: 1–64 of A-Z a-z 0-9 _ . : - (docs/live-sessions.md)."""
    return 1 <= len(value) <= 64 and all(
        c.isascii() and (c.isalnum() or c in "_.:-") for c in value
    )
