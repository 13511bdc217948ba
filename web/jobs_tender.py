"""Background job of tenders: alerts for overdue bond refunds and objection answers.

Safe in several processes at once: an alert is raised once per (tender, kind, subject)
(0022, ``tender_alerts`` UNIQUE), so two runs cannot double it. The interval is
``ETENDER_POLICY_TENDER_ALERTS_JOB_SECONDS`` (default 60); what is overdue is decided
by the database clock.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from tender.bonds.service import raise_overdue_alerts
from tender.policy import JOB_INTERVAL_KEY
from web import background

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 60.0


def interval(app: Starlette) -> float:
    """Seconds between runs, from the settings' policy overrides."""
    raw = app.state.settings.policy_overrides.get(JOB_INTERVAL_KEY, "")
    try:
        return max(0.2, float(raw)) if raw else DEFAULT_INTERVAL
    except ValueError:
        return DEFAULT_INTERVAL


@background.register("tender-overdue-alerts", interval)
async def alert_overdue(app: Starlette) -> None:
    """Reg. 57 and Reg. 22: flag refunds and objection answers past their due time."""
    async with app.state.pool.acquire() as conn:
        raised = await raise_overdue_alerts(conn)
    if raised:
        log.warning("tender.overdue_alerts", extra={"count": raised})
