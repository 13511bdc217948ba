"""The written report on the procedure to the supervising department (Law 47).

Within 15 days of the award (``procedure_report_within``, counted from the moment the
tender became ``awarded``; the alerts job flags it once late) the agency submits its
written report as a signed statement: the canonical ``etender-procedure-report-v1``
(tender/results/statements.py) holding the report's text, signed CMS detached by the
agency user's registered certificate. The department, the centre, the tenderer and the
agency read it; nobody else.
"""

from __future__ import annotations

import logging
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor
from signing.canonical import sha256_hex
from tender import access
from tender.events import TenderEvent
from tender.lifecycle import append, load, lock_tender
from tender.results import common
from tender.results import outcome_queries as outcome_db
from tender.results import source_queries as sources
from tender.results.errors import ProcedureReportNotDue, ProcedureReportSubmitted
from tender.results.statements import REPORT_FORMAT, parse
from tender.setup import Setup

log = logging.getLogger(__name__)


async def submit_report(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    *,
    statement: bytes,
    signature: bytes,
    setup: Setup,
) -> outcome_db.ProcedureReport:
    """The agency submits its signed written report, once, after the award."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        log_actor = common.require_agency(actor, tender)
        due = await outcome_db.procedure_report(conn, tender_id)
        if due is None:
            raise ProcedureReportNotDue("the written report follows the award (Law 47)")
        if due.submitted_at is not None:
            raise ProcedureReportSubmitted("the written report was submitted")
        agency = await sources.organisation(conn, tender.agency_id)
        assert agency is not None
        expected = {
            "tender": str(tender_id), "code": tender.code or "",
            "agency": agency["credit_code"], "department": str(tender.content.department_id),
        }  # fmt: skip
        parsed = parse(statement, REPORT_FORMAT, expected)
        cert = await common.verify_signed(
            conn, statement, signature, setup.trust, now, agency["credit_code"]
        )
        done = await outcome_db.submit_report(
            conn, tender_id, text=parsed.text, statement=statement, signature=signature,
            cert_sha256=cert, at=now, by=actor.user_id,
        )  # fmt: skip
        if done is None:
            raise ProcedureReportSubmitted("the written report was submitted")
        data = {
            "statement_sha256": sha256_hex(statement),
            "cert_sha256": cert,
            "late": now > due.due_at,
        }
        await append(
            conn, TenderEvent.PROCEDURE_REPORT_SUBMITTED, tender_id, actor=log_actor,
            address=actor.address, data=data,
        )  # fmt: skip
    log.info("results.procedure_report_submitted", extra={"tender_id": str(tender_id)})
    return done


async def read_report(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID
) -> tuple[outcome_db.ProcedureReport, asyncpg.Record | None]:
    """The report's due time and, once submitted, its signed statement: the agency,
    the tenderer, the centre and the department's supervisors only."""
    tender = await load(conn, tender_id)
    access.hide_draft(actor, tender)
    if not common.may_oversee_results(actor, tender):
        raise PermissionDenied(
            "the written report is read by the department, the centre, the tenderer and the agency",
            details={"action": "read_procedure_report", "resource": "tender"},
        )
    found = await outcome_db.procedure_report(conn, tender_id)
    if found is None:
        raise ProcedureReportNotDue("the written report follows the award (Law 47)")
    signed = await outcome_db.report_signed(conn, tender_id) if found.submitted_at else None
    return found, signed
