"""Background job of early warning: the monitoring rules over recently frozen tenders
(supervision/monitoring/service.py run_recent; docs/monitoring.md "Running").

Safe in several processes at once: an alert is raised once per (tender, kind, subject).
It runs at the tender alerts' interval (``ETENDER_POLICY_TENDER_ALERTS_JOB_SECONDS``).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from supervision.monitoring.service import run_recent
from tender.queries import database_now
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def monitor(app: Starlette) -> None:
    """Reg. 40, Reg. 34 and the experts' patterns: raise what the rules find."""
    built = services(app)
    async with acquire(built.pools.main) as conn:
        now = await database_now(conn)
        raised = await run_recent(
            conn, output_root=built.settings.data_dir / "opened", now=now, blobs=built.blobs
        )
    if raised:
        log.warning("monitoring.alerts_raised", extra={"count": raised})


JOBS = (Job("monitoring", monitor, lambda s: s.tender_alerts_job_seconds),)
