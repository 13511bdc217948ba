"""SQL of notification contacts, queued notifications and their delivery attempts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.notifications.model import Delivery, Kind, Message

UPSERT_CONTACT = """
INSERT INTO notification_contacts (user_id, channel, address) VALUES ($1, $2, $3)
ON CONFLICT (user_id, channel)
DO UPDATE SET address = EXCLUDED.address, updated_at = clock_timestamp()
RETURNING updated_at
"""
DELETE_CONTACT = "DELETE FROM notification_contacts WHERE user_id = $1 AND channel = $2"
SELECT_CONTACTS = """
SELECT channel, address, updated_at FROM notification_contacts
WHERE user_id = $1 ORDER BY channel
"""
SELECT_CHANNELS_OF = """
SELECT user_id, channel FROM notification_contacts
WHERE user_id = ANY($1::uuid[]) AND channel = ANY($2::text[])
"""


async def upsert_contact(
    conn: asyncpg.Connection, user_id: UUID, channel: str, address: str
) -> datetime:
    """Store (or replace) a person's address on a channel; when."""
    at: datetime = await conn.fetchval(UPSERT_CONTACT, user_id, channel, address)
    return at


async def delete_contact(conn: asyncpg.Connection, user_id: UUID, channel: str) -> bool:
    """Remove a person's address on a channel; whether there was one."""
    return await conn.execute(DELETE_CONTACT, user_id, channel) == "DELETE 1"


async def contacts(conn: asyncpg.Connection, user_id: UUID) -> list[tuple[str, str, datetime]]:
    """A person's (channel, address, updated) contacts."""
    return [(r[0], r[1], r[2]) for r in await conn.fetch(SELECT_CONTACTS, user_id)]


async def channels_of(
    conn: asyncpg.Connection, user_ids: Sequence[UUID], channels: Sequence[str]
) -> set[tuple[UUID, str]]:
    """Which of `channels` each user has an address on: (user id, channel)."""
    rows = await conn.fetch(SELECT_CHANNELS_OF, list(user_ids), list(channels))
    return {(r[0], r[1]) for r in rows}


# The dedupe key makes every trigger idempotent: queued once however often it runs.
INSERT_NOTIFICATIONS = """
INSERT INTO notifications (kind, dedupe_key, user_id, tender_id, channel, params, body)
SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[],
                     $6::jsonb[], $7::text[])
ON CONFLICT (dedupe_key) DO NOTHING
"""


@dataclass(frozen=True, kw_only=True, slots=True)
class Row:
    """One notification to insert."""

    kind: Kind
    dedupe_key: str
    user_id: UUID
    tender_id: UUID | None
    channel: str
    params: dict[str, str]
    body: str


async def insert(conn: asyncpg.Connection, rows: Sequence[Row]) -> int:
    """Queue notifications (those already queued are skipped); how many were new."""
    if not rows:
        return 0
    status = await conn.execute(
        INSERT_NOTIFICATIONS,
        [str(r.kind) for r in rows],
        [r.dedupe_key for r in rows],
        [r.user_id for r in rows],
        [r.tender_id for r in rows],
        [r.channel for r in rows],
        [json.dumps(r.params, ensure_ascii=False) for r in rows],
        [r.body for r in rows],
    )
    return int(status.rsplit(" ", 1)[1])


# SKIP LOCKED: several processes may dispatch at once without sending twice. The
# address is read at sending time (a corrected number applies to what is still queued).
CLAIM_DUE = """
SELECT n.id, n.kind, n.channel, n.params, n.body, n.attempts, coalesce(c.address, '') AS address
FROM notifications n
LEFT JOIN notification_contacts c ON c.user_id = n.user_id AND c.channel = n.channel
WHERE n.state = 'pending' AND n.next_attempt_at <= $1
ORDER BY n.next_attempt_at, n.id
LIMIT $2
FOR UPDATE OF n SKIP LOCKED
"""


async def claim_due(
    conn: asyncpg.Connection, now: datetime, limit: int
) -> list[tuple[str, int, Message]]:
    """Lock up to `limit` notifications due at `now`: (channel, attempts so far, message)."""
    rows = await conn.fetch(CLAIM_DUE, now, limit)
    return [
        (
            r["channel"],
            r["attempts"],
            Message(
                id=str(r["id"]),
                kind=Kind(r["kind"]),
                recipient=r["address"],
                body=r["body"],
                params=json.loads(r["params"]),
            ),
        )
        for r in rows
    ]


INSERT_ATTEMPT = """
INSERT INTO notification_attempts (notification_id, status, detail) VALUES ($1, $2, $3)
"""
UPDATE_AFTER_ATTEMPT = """
UPDATE notifications SET attempts = attempts + 1, state = $2,
    next_attempt_at = coalesce($3, next_attempt_at)
WHERE id = $1
"""


async def record_attempt(
    conn: asyncpg.Connection, notification_id: str, delivery: Delivery, retry_at: datetime | None
) -> None:
    """Store one attempt; the notification is delivered, failed, or due again at retry_at."""
    state = "delivered" if delivery.status == "delivered" else "pending" if retry_at else "failed"
    await conn.execute(
        INSERT_ATTEMPT, UUID(notification_id), str(delivery.status), delivery.detail[:500]
    )
    await conn.execute(UPDATE_AFTER_ATTEMPT, UUID(notification_id), state, retry_at)


@dataclass(frozen=True, kw_only=True, slots=True)
class Failure:
    """A notification that could not be delivered, as centre staff see it."""

    source: str  # "notification" or "draw"
    id: str
    kind: str
    channel: str
    tender_code: str
    attempts: int
    detail: str
    at: datetime


# Centre staff see the failures of tenders hosted by their centre or a county centre
# under it (0083); failures tied to no platform tender (a draw for a tender outside
# the platform) are seen by every centre's staff. No address, no name.
SELECT_FAILURES = """
WITH mine AS (
    SELECT id FROM organisations WHERE id = ANY($1::uuid[]) OR parent_id = ANY($1::uuid[])
)
SELECT * FROM (
    SELECT 'notification' AS source, n.id::text AS id, n.kind, n.channel,
           coalesce(t.code, '') AS tender_code, n.attempts, a.detail, a.at
    FROM notifications n
    LEFT JOIN tenders t ON t.id = n.tender_id
    JOIN LATERAL (SELECT detail, at FROM notification_attempts x
                  WHERE x.notification_id = n.id ORDER BY x.id DESC LIMIT 1) a ON true
    WHERE n.state = 'failed' AND (t.id IS NULL OR t.centre_id IN (SELECT id FROM mine))
    UNION ALL
    SELECT 'draw', d.id::text, 'draw_invitation', d.channel, coalesce(t.code, ''),
           d.attempts, a.detail, a.at
    FROM draw_notifications d
    JOIN draws dr ON dr.id = d.draw_id
    LEFT JOIN tenders t ON t.id::text = dr.tender_id
    JOIN LATERAL (SELECT status, detail, at FROM notification_deliveries x
                  WHERE x.notification_id = d.id ORDER BY x.id DESC LIMIT 1) a ON true
    WHERE d.dispatched_at IS NOT NULL AND a.status = 'failed'
      AND (t.id IS NULL OR t.centre_id IN (SELECT id FROM mine))
) f
ORDER BY at DESC, id
LIMIT $2
"""


async def failures(conn: asyncpg.Connection, centres: Sequence[UUID], limit: int) -> list[Failure]:
    """The newest failed deliveries the staff of `centres` see."""
    rows = await conn.fetch(SELECT_FAILURES, list(centres), limit)
    return [Failure(**dict(r)) for r in rows]
