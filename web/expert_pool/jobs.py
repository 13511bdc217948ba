"""Background jobs of the expert pool: confirmation timeouts and notice delivery.

Both are safe in several processes at once: timeouts lock each draw's row
(expert_pool.answers.service), notices are claimed with SKIP LOCKED
(expert_pool.notices.service). The interval is ``ETENDER_POLICY_DRAW_JOB_SECONDS`` (default 5);
the deadline itself is always decided by the database clock.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from expert_pool.answers.service import process_timeouts
from expert_pool.notices.service import dispatch_notifications
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def time_out_unanswered(app: Starlette) -> None:
    """Time out every drawn expert whose answer deadline passed, with its delivery record."""
    async with acquire(services(app).pools.main) as conn:
        count = await process_timeouts(conn)
    if count:
        log.info("expert_pool.timeouts", extra={"count": count})


async def send_notices(app: Starlette) -> None:
    """Send queued notices a crashed request left behind, and record their delivery."""
    async with acquire(services(app).pools.main) as conn:
        await dispatch_notifications(conn)


JOBS = (
    Job("draw-timeouts", time_out_unanswered, lambda settings: settings.draw_job_seconds),
    Job("draw-notices", send_notices, lambda settings: settings.draw_job_seconds),
)
