"""Background job of tenders: alerts for overdue bond refunds, objection answers and
contracts (Law 46: a lot without a contract 30 days after its award).

Safe in several processes at once: an alert is raised once per (tender, kind, subject)
(0077, ``supervision_alerts`` UNIQUE), so two runs cannot double it. The interval is
``ETENDER_POLICY_TENDER_ALERTS_JOB_SECONDS`` (default 60); what is overdue is decided
by the database clock.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from tender.bonds.service import raise_overdue_alerts
from tender.contracts.service import raise_contract_alerts
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def alert_overdue(app: Starlette) -> None:
    """Reg. 57, Reg. 22, Law 46: flag refunds, objection answers and contracts past due."""
    async with acquire(services(app).pools.main) as conn:
        raised = await raise_overdue_alerts(conn)
        raised += await raise_contract_alerts(conn, services(app).tender_setup())
    if raised:
        log.warning("tender.overdue_alerts", extra={"count": raised})


JOBS = (Job("tender-overdue-alerts", alert_overdue, lambda s: s.tender_alerts_job_seconds),)
