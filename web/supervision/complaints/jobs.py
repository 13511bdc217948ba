"""Background jobs of complaints: acceptance and decision deadlines past become alerts
(supervision/complaints/alerts.py; Reg. 61); after a tender's deadline its complaints'
statement hashes are revealed (supervision/complaints/reveal.py).

Safe in several processes at once: an alert is raised once per (tender, kind, subject),
a statement revealed once (under the tender's lock). Both run at the tender alerts'
interval (``ETENDER_POLICY_TENDER_ALERTS_JOB_SECONDS``).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from supervision.complaints.alerts import raise_complaint_alerts
from supervision.complaints.reveal import reveal_due
from tender.queries import database_now
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def alert_overdue(app: Starlette) -> None:
    """Reg. 61: flag what the department owes past its time."""
    built = services(app)
    async with acquire(built.pools.main) as conn:
        raised = await raise_complaint_alerts(conn, built.setup, built.complaint_policy)
    if raised:
        log.warning("complaints.overdue_alerts", extra={"count": raised})


async def reveal_statements(app: Starlette) -> None:
    """From a tender's deadline on, open its complaints' statement commitments."""
    async with acquire(services(app).pools.main) as conn:
        await reveal_due(conn, await database_now(conn))


JOBS = (
    Job("complaints-alerts", alert_overdue, lambda s: s.tender_alerts_job_seconds),
    Job("complaints-reveal", reveal_statements, lambda s: s.tender_alerts_job_seconds),
)
