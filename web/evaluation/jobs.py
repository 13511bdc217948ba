"""Background jobs of the evaluation: alert when an assisting venue's records are late,
and when a session's start passed with members not signed in.

DOMAIN.md, "Remote cross-city evaluation": assisting venues hand their records over
within the policy's working days of the session's close (evaluation/venues). A
handover still missing after its due time raises one tender alert, read by the centre
and the supervising department, as the tender's overdue alerts do (web/tender/jobs.py).
Safe in several processes at once: pending rows are taken with ``SKIP LOCKED`` and
each alert is unique per (tender, kind, subject). What is late is decided by the
database clock and the tender calendar.

A member who never signs in is a no-show (evaluation/sessions/no_shows.py): once the
session's start has passed with seats not signed in, one tender alert per session tells
the centre (whose staff may mark the seat absent after the policy's grace) and the
department. Both jobs run every ``ETENDER_POLICY_EVALUATION_HANDOVER_JOB_SECONDS``
(default 300).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from evaluation.sessions.no_shows import raise_sign_in_alerts
from evaluation.venues.service import raise_overdue_alerts
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def alert_late_handovers(app: Starlette) -> None:
    """One alert per assisting venue whose records are past due."""
    built = services(app)
    async with acquire(built.pools.main) as conn:
        raised = await raise_overdue_alerts(conn, built.setup.calendar)
    if raised:
        log.warning("evaluation.handover_alerts", extra={"count": raised})


async def alert_missing_sign_ins(app: Starlette) -> None:
    """One alert per session past its start with members not signed in."""
    async with acquire(services(app).pools.main) as conn:
        raised = await raise_sign_in_alerts(conn)
    if raised:
        log.warning("evaluation.sign_in_alerts", extra={"count": raised})


JOBS = (
    Job("evaluation-handover-alerts", alert_late_handovers,
        lambda s: s.evaluation_handover_job_seconds),
    Job("evaluation-sign-in-alerts", alert_missing_sign_ins,
        lambda s: s.evaluation_handover_job_seconds),
)  # fmt: skip
