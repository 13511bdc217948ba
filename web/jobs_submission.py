"""Background job of submission: freeze every lot whose bid deadline has passed.

DESIGN.md, "Submission, receipt, freeze": at the deadline each lot's freeze list is
written and logged. The deadline itself is enforced by the database clock under the
tender's row lock at every submission, so the job's delay never admits a late bid; it
only decides how soon the freeze list appears. Safe in several processes at once:
:func:`tender.freeze.freeze_tender` runs under the row lock and skips frozen lots.
Interval: ``ETENDER_POLICY_FREEZE_JOB_SECONDS`` (default 2).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from tender.freeze import freeze_due
from web import background

log = logging.getLogger(__name__)
INTERVAL_KEY = "freeze_job_seconds"
DEFAULT_INTERVAL = 2.0


def interval(app: Starlette) -> float:
    """Seconds between runs, from the settings' policy overrides."""
    raw = app.state.settings.policy_overrides.get(INTERVAL_KEY, "")
    try:
        return max(0.2, float(raw)) if raw else DEFAULT_INTERVAL
    except ValueError:
        return DEFAULT_INTERVAL


@background.register("bid-freeze", interval)
async def freeze_at_deadline(app: Starlette) -> None:
    """Write the freeze lists of tenders whose deadline has passed."""
    async with app.state.pool.acquire() as conn:
        frozen = await freeze_due(conn)
    if frozen:
        log.info("bids.freeze_job", extra={"tenders": frozen})
