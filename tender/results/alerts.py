"""Alerts of the results, raised once each by the tender alerts job (web/tender/results/jobs.py).

- ``candidates_publicity_overdue`` — a lot's candidates not publicised within 3 days of
  the evaluation's result (Reg. 54; also raised at a late publication);
- ``candidate_objection_answer_overdue`` — an objection to candidates unanswered past
  its 3 days (Reg. 54);
- ``procedure_report_overdue`` — the written report not submitted within 15 days of
  the award (Law 47).

What is overdue is decided by the database clock; an alert is raised once per
(tender, kind, subject) (0077 ``supervision_alerts`` UNIQUE), so concurrent runs cannot
double it.
"""

from __future__ import annotations

import asyncpg

from signing.log.entry import format_time
from tender.events import AlertKind
from tender.lifecycle import load
from tender.queries import database_now
from tender.results import common
from tender.results import outcome_queries as outcome_db
from tender.results import queries as results_queries
from tender.results import source_queries as sources
from tender.setup import Setup


async def raise_results_alerts(conn: asyncpg.Connection, setup: Setup) -> int:
    """Alert once for each overdue publicity, objection answer and written report."""
    raised = 0
    async with conn.transaction():
        now = await database_now(conn)
        for row in await sources.unpublicised(conn):
            tender = await load(conn, row["tender_id"])
            ctx = common.context(setup, tender, now)
            due = ctx.end(row["closed_at"], ctx.policies.candidates_publicity_within)
            if now > due:
                data = {"lot": row["lot"], "due": format_time(due)}
                raised += await common.alert_once(
                    conn, tender.id, AlertKind.CANDIDATES_PUBLICITY_OVERDUE,
                    f"lot {row['lot']}", data,
                )  # fmt: skip
        for objection in await results_queries.overdue_objections(conn):
            data = {
                "objection_id": str(objection.id),
                "lot": objection.lot,
                "answer_due": format_time(objection.answer_due),
            }
            raised += await common.alert_once(
                conn, objection.tender_id, AlertKind.CANDIDATE_OBJECTION_ANSWER_OVERDUE,
                str(objection.id), data,
            )  # fmt: skip
        for report in await outcome_db.overdue_reports(conn):
            data = {"due": format_time(report.due_at)}
            raised += await common.alert_once(
                conn, report.tender_id, AlertKind.PROCEDURE_REPORT_OVERDUE, "report", data
            )
    return raised
