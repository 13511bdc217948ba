"""SQL of notifications to drawn experts and their delivery records."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from expert_pool.notices.channels import Delivery, DeliveryStatus, Notice

INSERT_NOTIFICATIONS = """
INSERT INTO draw_notifications (draw_id, expert_id, channel, body, params)
SELECT $1, x, c, b, $5::jsonb FROM unnest($2::text[], $3::text[], $4::text[]) AS t(x, c, b)
"""


async def queue_notifications(
    conn: asyncpg.Connection,
    draw_id: str,
    notices: Sequence[tuple[str, str, str]],
    params: Mapping[str, str] | None = None,
) -> None:
    """Queue (expert id, channel, body) notices with the template parameters they share;
    they are sent after the commit."""
    await conn.execute(
        INSERT_NOTIFICATIONS,
        draw_id,
        [n[0] for n in notices],
        [n[1] for n in notices],
        [n[2] for n in notices],
        json.dumps(dict(params or {}), ensure_ascii=False),
    )


# SKIP LOCKED: several processes may dispatch at once without sending a notice twice.
# The address: the expert's own contact on the channel (accounts/notifications), else
# for SMS the pool record's phone; read at sending time. A failed attempt the channel
# calls transient is due again at next_attempt_at (bounded: model.MAX_ATTEMPTS).
CLAIM_PENDING = """
SELECT n.id, n.draw_id, n.expert_id, n.channel, n.body, n.params, n.attempts,
       coalesce(c.address, CASE WHEN n.channel = 'sms' THEN e.phone ELSE '' END) AS address
FROM draw_notifications n JOIN experts e ON e.id = n.expert_id
LEFT JOIN notification_contacts c ON c.user_id = e.user_id AND c.channel = n.channel
WHERE n.dispatched_at IS NULL
  AND (n.next_attempt_at IS NULL OR n.next_attempt_at <= coalesce($2, clock_timestamp()))
ORDER BY n.created_at, n.id
LIMIT $1
FOR UPDATE OF n SKIP LOCKED
"""


async def claim_pending(
    conn: asyncpg.Connection, limit: int, now: datetime | None = None
) -> list[tuple[str, int, Notice]]:
    """Lock up to `limit` unsent notices due at `now` (the database clock when None):
    (channel, attempts so far, notice)."""
    rows = await conn.fetch(CLAIM_PENDING, limit, now)
    return [
        (
            r["channel"],
            r["attempts"],
            Notice(
                notification_id=str(r["id"]),
                draw_id=r["draw_id"],
                expert_id=r["expert_id"],
                recipient=r["address"],
                body=r["body"],
                params=json.loads(r["params"]),
            ),
        )
        for r in rows
    ]


INSERT_DELIVERIES = """
INSERT INTO notification_deliveries (notification_id, channel, status, detail)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
"""
# A notice is done (dispatched) when delivered or finally failed; else due again.
MARK_ATTEMPTED = """
UPDATE draw_notifications n SET attempts = n.attempts + 1,
    dispatched_at = CASE WHEN t.retry_at IS NULL THEN clock_timestamp() END,
    next_attempt_at = t.retry_at
FROM unnest($1::uuid[], $2::timestamptz[]) AS t(id, retry_at)
WHERE n.id = t.id
"""


async def record_deliveries(
    conn: asyncpg.Connection,
    attempts: Sequence[tuple[str, str, Delivery]],
    retry_at: Sequence[datetime | None] | None = None,
) -> None:
    """Store the delivery attempts (notice id, channel, outcome); each notice is marked
    sent, or due again at its `retry_at` (None: done)."""
    ids = [UUID(n) for n, _, _ in attempts]
    await conn.execute(
        INSERT_DELIVERIES,
        ids,
        [channel for _, channel, _ in attempts],
        [str(d.status) for _, _, d in attempts],
        [d.detail[:500] for _, _, d in attempts],
    )
    await conn.execute(MARK_ATTEMPTED, ids, list(retry_at or [None] * len(ids)))


@dataclass(frozen=True, kw_only=True, slots=True)
class DeliveryRecord:
    """A stored delivery attempt of a member's notice."""

    id: int
    channel: str
    status: DeliveryStatus
    detail: str
    at: datetime


LATEST_DELIVERY = """
SELECT d.id, d.channel, d.status, d.detail, d.at
FROM notification_deliveries d JOIN draw_notifications n ON n.id = d.notification_id
WHERE n.draw_id = $1 AND n.expert_id = $2
ORDER BY d.id DESC LIMIT 1
"""


# Issue 9, item 2 (selective abort): a timeout rests on a notice the channel delivered.
LATEST_DELIVERED = """
SELECT d.id, d.channel, d.status, d.detail, d.at
FROM notification_deliveries d JOIN draw_notifications n ON n.id = d.notification_id
WHERE n.draw_id = $1 AND n.expert_id = $2 AND d.status = 'delivered'
ORDER BY d.id DESC LIMIT 1
"""


def _delivery(row: asyncpg.Record) -> DeliveryRecord:
    return DeliveryRecord(
        id=row["id"],
        channel=row["channel"],
        status=DeliveryStatus(row["status"]),
        detail=row["detail"],
        at=row["at"],
    )


async def latest_delivered(
    conn: asyncpg.Connection, draw_id: str, expert_id: str
) -> DeliveryRecord | None:
    """The newest record of a member's notice the channel delivered, if any."""
    row = await conn.fetchrow(LATEST_DELIVERED, draw_id, expert_id)
    return None if row is None else _delivery(row)


async def latest_delivery(
    conn: asyncpg.Connection, draw_id: str, expert_id: str
) -> DeliveryRecord | None:
    """The newest delivery record of a member's notices, if any was attempted."""
    row = await conn.fetchrow(LATEST_DELIVERY, draw_id, expert_id)
    return None if row is None else _delivery(row)


SELECT_NOTICES = """
SELECT n.draw_id, n.body, n.created_at, m.status, m.deadline
FROM draw_notifications n JOIN draw_members m USING (draw_id, expert_id)
WHERE n.expert_id = $1 ORDER BY n.created_at DESC LIMIT $2
"""


async def notices_of(
    conn: asyncpg.Connection, expert_id: str, limit: int = 50
) -> list[tuple[str, str, datetime, str, datetime]]:
    """An expert's notices: (draw id, body, sent, member status, deadline), newest first."""
    rows = await conn.fetch(SELECT_NOTICES, expert_id, limit)
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]
