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
from web import background

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 5.0


def interval(app: Starlette) -> float:
    """Seconds between runs, from the settings' policy overrides."""
    raw = app.state.settings.policy_overrides.get("draw_job_seconds", "")
    try:
        return max(0.2, float(raw)) if raw else DEFAULT_INTERVAL
    except ValueError:
        return DEFAULT_INTERVAL


@background.register("draw-timeouts", interval)
async def time_out_unanswered(app: Starlette) -> None:
    """Time out every drawn expert whose answer deadline passed, with its delivery record."""
    async with app.state.pool.acquire() as conn:
        count = await process_timeouts(conn)
    if count:
        log.info("expert_pool.timeouts", extra={"count": count})


@background.register("draw-notices", interval)
async def send_notices(app: Starlette) -> None:
    """Send queued notices a crashed request left behind, and record their delivery."""
    async with app.state.pool.acquire() as conn:
        await dispatch_notifications(conn)


JOB_NAMES = ("draw-timeouts", "draw-notices")
