"""Sending queued notices through their channels and keeping each delivery record.

Notices are queued in the transaction that draws a round and sent after it commits,
so a rolled-back round notifies nobody. Claiming uses ``FOR UPDATE SKIP LOCKED``, so
several processes can dispatch at once without sending a notice twice; the
background job retries whatever a crash left unsent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

import asyncpg

from accounts.notifications.channels import deliver
from accounts.notifications.model import Channel, next_attempt
from expert_pool.notices import queries as queries_notices
from expert_pool.queries import database_now

log = logging.getLogger(__name__)


async def dispatch_notifications(
    conn: asyncpg.Connection,
    limit: int = 100,
    *,
    now: datetime | None = None,
    available: Mapping[str, Channel] | None = None,
) -> int:
    """Send up to `limit` queued notices due at `now` (the database clock when None)
    through the platform's channels; returns how many were attempted. A transient
    failure is tried again later, a bounded number of times (accounts/notifications)."""
    async with conn.transaction():
        claimed = await queries_notices.claim_pending(conn, limit, now)
        if not claimed:
            return 0
        at = now or await database_now(conn)
        attempts, retry_at = [], []
        for name, tried, notice in claimed:
            delivery = await deliver(name, notice.message(), available)
            attempts.append((notice.notification_id, name, delivery))
            retry_at.append(next_attempt(tried + 1, delivery, at))
        await queries_notices.record_deliveries(conn, attempts, retry_at)
    return len(claimed)
