"""All SQL of live sessions: sessions, sequenced events, presence."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from live.model import EVERYONE, LiveEvent, LiveSession

CHANNEL = "etender_live"


def _event(row: asyncpg.Record) -> LiveEvent:
    return LiveEvent(
        session_id=row["session_id"],
        seq=row["seq"],
        kind=row["kind"],
        data=json.loads(row["data"]),
        audience=row["audience"],
        actor_id=row["actor_id"],
        client_msg_id=row["client_msg_id"],
        created_at=row["created_at"],
    )


def _session(row: asyncpg.Record) -> LiveSession:
    return LiveSession(
        id=row["id"],
        kind=row["kind"],
        subject_id=row["subject_id"],
        last_seq=row["last_seq"],
        closed_at=row["closed_at"],
    )


OPEN_SESSION = """
INSERT INTO live_sessions (kind, subject_id) VALUES ($1, $2)
ON CONFLICT (kind, subject_id) DO UPDATE SET kind = EXCLUDED.kind
RETURNING id, kind, subject_id, last_seq, closed_at
"""


async def open_session(conn: asyncpg.Connection, kind: str, subject_id: str) -> LiveSession:
    """The session of a subject (an opening, an evaluation), created on first use."""
    row = await conn.fetchrow(OPEN_SESSION, kind, subject_id)
    assert row is not None  # INSERT … ON CONFLICT DO UPDATE always returns the row
    return _session(row)


SELECT_SESSION = "SELECT id, kind, subject_id, last_seq, closed_at FROM live_sessions WHERE id = $1"


async def get_session(conn: asyncpg.Connection, session_id: UUID) -> LiveSession | None:
    """A session by id."""
    row = await conn.fetchrow(SELECT_SESSION, session_id)
    return _session(row) if row else None


# Takes the session's row lock: events of one session are numbered in commit order.
NEXT_SEQ = "UPDATE live_sessions SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq"

INSERT_EVENT = """
INSERT INTO live_events
    (session_id, seq, kind, data, audience, actor_id, client_msg_id, command_sha256)
VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
RETURNING session_id, seq, kind, data::text AS data, audience, actor_id, client_msg_id, created_at
"""

NOTIFY = "SELECT pg_notify($1, $2)"


async def append_event(
    conn: asyncpg.Connection,
    session_id: UUID,
    *,
    kind: str,
    data: dict[str, Any],
    audience: str = EVERYONE,
    actor_id: UUID | None = None,
    client_msg_id: str | None = None,
    command_sha256: str | None = None,
) -> LiveEvent:
    """Add an event in the caller's transaction; every node hears of it at commit.
    A command's first event carries the client's id and its command's digest."""
    seq: int = await conn.fetchval(NEXT_SEQ, session_id)
    row = await conn.fetchrow(
        INSERT_EVENT, session_id, seq, kind, json.dumps(data, ensure_ascii=False),
        audience, actor_id, client_msg_id, command_sha256,
    )  # fmt: skip
    assert row is not None
    # NOTIFY is transactional: delivered at commit, never for a rolled-back event.
    await conn.execute(NOTIFY, CHANNEL, f"{session_id}:{seq}")
    return _event(row)


LOCK_SESSION = "SELECT id FROM live_sessions WHERE id = $1 FOR UPDATE"

HAS_EVENT = """
SELECT EXISTS (
    SELECT 1 FROM live_events WHERE session_id = $1 AND kind = $2 AND data ->> $3 = $4
)
"""


async def append_once(
    conn: asyncpg.Connection, session_id: UUID, *, kind: str, key: str, data: dict[str, Any]
) -> bool:
    """Append the event unless one of its kind carries the same ``data[key]`` (True: added).

    Call inside a transaction: the session's row lock makes check-and-append atomic across
    nodes (appends take the same row to number the event).
    """
    if await has_event(conn, session_id, kind=kind, key=key, value=str(data[key])):
        return False
    await append_event(conn, session_id, kind=kind, data=data)
    return True


async def has_event(
    conn: asyncpg.Connection, session_id: UUID, *, kind: str, key: str, value: str
) -> bool:
    """Whether the session has an event of ``kind`` with ``data[key] == value``.

    Takes the session's row lock first (held to the end of the caller's transaction),
    so no other node appends between this answer and the caller's own append.
    """
    await conn.execute(LOCK_SESSION, session_id)
    found: bool = await conn.fetchval(HAS_EVENT, session_id, kind, key, value)
    return found


SELECT_EVENTS_AFTER = """
SELECT session_id, seq, kind, data::text AS data, audience, actor_id, client_msg_id, created_at
FROM live_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
"""


async def events_after(
    conn: asyncpg.Connection, session_id: UUID, after: int, limit: int = 1000
) -> list[LiveEvent]:
    """Events a client has not seen yet, in order."""
    rows = await conn.fetch(SELECT_EVENTS_AFTER, session_id, after, limit)
    return [_event(r) for r in rows]


SELECT_BY_CLIENT_MSG = """
SELECT seq, command_sha256 FROM live_events
WHERE session_id = $1 AND actor_id = $2 AND client_msg_id = $3
"""


async def command_by_client_msg(
    conn: asyncpg.Connection, session_id: UUID, actor_id: UUID, client_msg_id: str
) -> tuple[int, str | None] | None:
    """The first event a client message already caused and the digest of that
    command (None for events stored before migration 0065), if any."""
    row = await conn.fetchrow(SELECT_BY_CLIENT_MSG, session_id, actor_id, client_msg_id)
    return (row["seq"], row["command_sha256"]) if row else None


INSERT_PRESENCE = """
INSERT INTO live_presence (session_id, user_id, event, address, node) VALUES ($1, $2, $3, $4, $5)
"""


async def record_presence(
    conn: asyncpg.Connection,
    session_id: UUID,
    user_id: UUID,
    event: str,
    *,
    address: str,
    node: str,
) -> None:
    """Record a join, leave or idle: the attendance record (考勤)."""
    await conn.execute(INSERT_PRESENCE, session_id, user_id, event, address, node)


SELECT_PRESENCE = """
SELECT user_id, event, at FROM live_presence WHERE session_id = $1 ORDER BY id
"""


async def presence(conn: asyncpg.Connection, session_id: UUID) -> list[tuple[UUID, str, datetime]]:
    """Every presence record of a session, in order."""
    rows = await conn.fetch(SELECT_PRESENCE, session_id)
    return [(r["user_id"], r["event"], r["at"]) for r in rows]
