"""Sending queued notices through their channels and keeping each delivery record.

Notices are queued in the transaction that draws a round and sent after it commits,
so a rolled-back round notifies nobody. Claiming uses ``FOR UPDATE SKIP LOCKED``, so
several processes can dispatch at once without sending a notice twice; the
background job retries whatever a crash left unsent.
"""

from __future__ import annotations

import logging

import asyncpg

from expert_pool.notices import queries as queries_notices
from expert_pool.notices.channels import Delivery, DeliveryStatus, Notice, channels

log = logging.getLogger(__name__)


async def _deliver(channel_name: str, notice: Notice) -> Delivery:
    channel = channels().get(channel_name)
    if channel is None:
        return Delivery(status=DeliveryStatus.FAILED, detail=f"no channel {channel_name!r}")
    try:
        return await channel.deliver(notice)
    except Exception as exc:  # a gateway's failure is a delivery record, not a crash
        log.warning("expert_pool.delivery_failed", extra={"channel": channel_name})
        return Delivery(status=DeliveryStatus.FAILED, detail=type(exc).__name__)


async def dispatch_notifications(conn: asyncpg.Connection, limit: int = 100) -> int:
    """Send up to `limit` queued notices; returns how many were attempted."""
    async with conn.transaction():
        claimed = await queries_notices.claim_pending(conn, limit)
        if not claimed:
            return 0
        attempts = [
            (notice.notification_id, name, await _deliver(name, notice)) for name, notice in claimed
        ]
        await queries_notices.record_deliveries(conn, attempts)
    return len(claimed)
