"""Background job of the results: overdue publicities, objection answers and written
reports become alerts (tender/results/alerts.py; Reg. 54, Law 47).

Safe in several processes at once: an alert is raised once per (tender, kind, subject).
It runs at the tender alerts' interval (``ETENDER_POLICY_TENDER_ALERTS_JOB_SECONDS``).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from tender.results.alerts import raise_results_alerts
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def alert_overdue(app: Starlette) -> None:
    """Reg. 54 and Law 47: flag what the agency owes past its time."""
    built = services(app)
    async with acquire(built.pools.main) as conn:
        raised = await raise_results_alerts(conn, built.setup)
    if raised:
        log.warning("tender.results_overdue_alerts", extra={"count": raised})


JOBS = (Job("tender-results-alerts", alert_overdue, lambda s: s.tender_alerts_job_seconds),)
