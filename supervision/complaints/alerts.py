"""Alerts of complaints, raised once each by the complaints job
(web/supervision/complaints/jobs.py; Reg. 61):

- ``complaint_acceptance_overdue`` — a complaint neither accepted nor refused within
  3 working days of its filing;
- ``complaint_decision_overdue`` — an accepted complaint undecided 30 working days
  after its acceptance, the days of pauses for testing or expert review not counted.

Only exact deadlines raise them (a deadline in a year the holiday calendar does not
cover yet waits for the calendar: model.py). What is overdue is decided by the database
clock; an alert is raised once per (tender, kind, subject = the complaint's id).
"""

from __future__ import annotations

import asyncpg

from signing.log.entry import format_time
from supervision.complaints import model
from supervision.complaints import queries as db
from supervision.complaints.model import ComplaintPolicy, Status
from tender.events import AlertKind
from tender.queries import database_now
from tender.results import common
from tender.setup import Setup


async def raise_complaint_alerts(
    conn: asyncpg.Connection, setup: Setup, policy: ComplaintPolicy
) -> int:
    """Alert once for each complaint past its acceptance or decision deadline."""
    raised = 0
    async with conn.transaction():
        now = await database_now(conn)
        for complaint in await db.open_complaints(conn):
            steps = await db.steps(conn, complaint.id)
            due = model.due_of(complaint, steps, policy, setup.calendar)
            if due is None or due.at is None or not due.exact or now <= due.at:
                continue
            kind = (
                AlertKind.COMPLAINT_ACCEPTANCE_OVERDUE
                if complaint.status is Status.FILED
                else AlertKind.COMPLAINT_DECISION_OVERDUE
            )
            data = {"complaint_id": str(complaint.id), "due": format_time(due.at)}
            raised += await common.alert_once(
                conn, complaint.tender_id, kind, str(complaint.id), data
            )
    return raised
