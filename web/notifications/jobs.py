"""The notifications job: run the tender's triggers, then send what is due.

Each tick queues the bid-deadline reminders and the result messages that became due
(idempotent: tender/notify), then sends queued notifications whose attempt is due, by
the database clock. Safe in several processes: queuing skips repeats, sending claims
with SKIP LOCKED. Interval: ``ETENDER_POLICY_NOTIFY_JOB_SECONDS`` (default 10).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from accounts.notifications import service as notifications
from accounts.queries import database_now
from tender.notify import service as triggers
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def notify(app: Starlette) -> None:
    """Queue what the triggers make due, then send what is due."""
    built = services(app)
    lead = triggers.reminder_lead(built.settings.policy_overrides)
    async with acquire(built.pools.main) as conn:
        now = await database_now(conn)
        queued = await triggers.queue_reminders(conn, now, lead)
        queued += await triggers.queue_results(conn, now)
        sent = await notifications.dispatch(conn, now)
    if queued or sent:
        log.info("notifications.sent", extra={"queued": queued, "attempted": sent})


JOBS = (Job("notifications", notify, lambda settings: settings.notify_job_seconds),)
