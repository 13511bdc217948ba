"""Complaints to the tender's supervising department (投诉, Reg. 60-62).

A party of the tender (queries.party: it downloaded the documents or bid) files a
complaint signed with its organisation's registered certificate, naming its matter;
for a matter of Reg. 22, 44 or 54 its own objection comes first and the objection's
answer period does not count toward the 10 days (model.filing_due); a later complaint
is filed all the same, marked ``late``. Then the department — a supervisor of the
tender's department, nobody else — takes each step signed (accept or refuse within 3
working days, pauses for testing or expert review, suspending and resuming the
procedure through tender/suspensions, the decision within 30 working days), and the
complainant may withdraw. Past a deadline the step needs a recorded reason. Every step
is logged on the tender's log. Refusals change nothing (one transaction per step).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from signing.canonical import sha256_hex
from signing.log.entry import Actor as LogActor
from signing.log.entry import format_time, new_salt
from supervision.complaints import model, statements
from supervision.complaints import queries as db
from supervision.complaints.errors import (
    ComplaintInputInvalid,
    ComplaintLateReasonRequired,
    ComplaintNotAParty,
    ComplaintNotFound,
    ComplaintObjectionPending,
    ComplaintObjectionRequired,
    ComplaintReplayed,
    ComplaintStatementInvalid,
    ComplaintStepConflict,
)
from supervision.complaints.events import OF_STEP, ComplaintEvent
from supervision.complaints.model import Complaint, ComplaintPolicy, Matter, Step, StepRecord
from tender import access
from tender.calendar import local_date
from tender.checks import check_text
from tender.errors import TenderInputInvalid
from tender.lifecycle import append, load, lock_tender
from tender.model import Tender
from tender.results import common
from tender.results import source_queries as sources
from tender.setup import Setup
from tender.suspensions import service as suspensions
from tender.suspensions.model import Span

log = logging.getLogger(__name__)
# The complainant in the log: a party of the tender, never named (who downloaded or bid
# stays secret until the deadline; tender/submission's HIDDEN_BIDDER does the same).
HIDDEN_COMPLAINANT = LogActor(user_id=None, role="complainant")


async def _credit_code(conn: asyncpg.Connection, org_id: UUID) -> str:
    found = await sources.organisation(conn, org_id)
    assert found is not None  # a foreign key of the tender or the actor
    code: str = found["credit_code"]
    return code


async def _objection_span(
    conn: asyncpg.Connection, matter: Matter, raw: str, tender_id: UUID, org_id: UUID, now: datetime
) -> tuple[UUID | None, Span | None]:
    """Reg. 60: the complainant's own objection of the matter, answered (or unanswered
    past its answer period): its id and the span that does not count."""
    if not matter.needs_objection:
        if raw:
            raise ComplaintStatementInvalid(
                "a complaint of another matter names no objection", details={"field": "objection"}
            )
        return None, None
    try:
        objection_id = UUID(raw)
    except ValueError:
        objection_id = None
    row = (
        None
        if objection_id is None
        else await db.objection(conn, matter, objection_id, tender_id, org_id)
    )
    if objection_id is None or row is None:
        raise ComplaintObjectionRequired(
            f"a complaint about {matter} ({model.REGULATION[matter]}) needs your objection "
            "to it first: name it in the statement's objection",
            details={"matter": str(matter), "regulation": model.REGULATION[matter]},
        )
    answered, due = row["answered_at"], row["answer_due"]
    if answered is None and (due is None or now < due):
        raise ComplaintObjectionPending(
            "the objection's answer period is running: complain after the answer",
            details={"answer_due": None if due is None else format_time(due)},
        )
    return objection_id, (row["filed_at"], answered or due)


async def file_complaint(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    *,
    statement: bytes,
    signature: bytes,
    setup: Setup,
    policy: ComplaintPolicy,
) -> Complaint:
    """A party complains to the tender's department (Reg. 60)."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        common.require_public(tender)
        # Who bid stays secret until the deadline (DESIGN.md, "Transparency log"): how
        # the complainant is a party is checked, never logged.
        if await db.party(conn, tender_id, actor.organisation_id) is None:
            raise ComplaintNotAParty(
                "only a party of the tender complains: an organisation that downloaded its "
                "documents or bid",
                details={"tender": str(tender_id)},
            )
        complainant = await _credit_code(conn, actor.organisation_id)
        department_id = tender.content.department_id
        parsed, matter, known_on = statements.parse_complaint(
            statement, tender=str(tender_id), complainant=complainant,
            department=await _credit_code(conn, department_id), today=local_date(now),
        )  # fmt: skip
        objection_id, span = await _objection_span(
            conn, matter, parsed.fields["objection"], tender_id, actor.organisation_id, now
        )
        cert = await statements.verify_signed(
            conn, statement, signature, setup.trust, now, complainant
        )
        due = model.filing_due(known_on, span, policy, setup.calendar).at
        assert due is not None  # an objection's span always ends
        filed = await db.insert_complaint(
            conn, tender_id=tender_id, department_id=department_id,
            complainant_id=actor.organisation_id,
            respondent_id=tender.agency_id if matter.needs_objection else None, matter=matter,
            objection_id=objection_id, known_on=known_on, text=parsed.text,
            statement=statement, signature=signature, cert_sha256=cert, filed_by=actor.user_id,
            filed_at=now, filing_due=due,
        )  # fmt: skip
        if filed is None:
            raise ComplaintReplayed(
                "this signed statement filed a complaint already: sign a new one to complain again"
            )
        salt = await db.salt(conn, filed.id, new_salt(), 0)
        data = {
            "format": statements.ENTRY_FORMAT, "complaint_id": str(filed.id),
            "matter": str(matter), "regulation": model.REGULATION[matter], "late": filed.late,
            "filing_due": format_time(due),
            "statement": statements.statement_commitment(sha256_hex(statement), salt),
        }  # fmt: skip
        # Only a party complains — a downloader or a bidder, who stay secret until the
        # deadline (and the certificate's hash names its user): the log says a complaint
        # was filed and what it rests on, never by whom (the department reads that); the
        # statement's hash only committed to, revealed after the deadline (reveal.py).
        await append(
            conn, ComplaintEvent.FILED, tender_id, actor=HIDDEN_COMPLAINANT, address=None,
            data=data, commitments=("statement",),
        )  # fmt: skip
    log.info("complaints.filed", extra={"tender_id": str(tender_id), "late": filed.late})
    return filed


def _peek_step(body: bytes) -> Step:
    """The step a statement names (who may sign it depends on it)."""
    try:
        fields = json.loads(body.decode("utf-8"))
        return Step(fields["step"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
        raise ComplaintStatementInvalid(
            "the statement names one of a complaint's steps",
            details={"steps": [str(s) for s in Step]},
        ) from None


def _authorise(actor: Actor, tender: Tender, complaint: Complaint, step: Step) -> LogActor:
    """The complainant withdraws; every other step is the department's supervisors'."""
    if step is Step.WITHDRAW:
        if actor.organisation_id != complaint.complainant_id:
            raise PermissionDenied(
                "only the complainant withdraws its complaint",
                details={"action": "withdraw_complaint", "resource": "complaint"},
            )
        return access.log_actor(actor, None)
    return access.authorise(actor, access.SUPERVISE, tender)


def _late(
    complaint: Complaint,
    steps: list[StepRecord],
    step: Step,
    policy: ComplaintPolicy,
    setup: Setup,
    now: datetime,
    late_reason: str | None,
) -> tuple[datetime | None, bool, str | None]:
    """The deadline the step meets (acceptance or decision) and whether it is late; a
    late step needs its reason (Reg. 61)."""
    if step not in (Step.ACCEPT, Step.REFUSE, Step.UPHOLD, Step.DISMISS):
        if late_reason is not None:  # it was dropped in silence (breaker F20)
            raise ComplaintInputInvalid(
                "only the department's accept, refuse, uphold and dismiss take a late reason",
                details={"field": "late_reason"},
            )
        return None, False, None
    due = model.due_of(complaint, steps, policy, setup.calendar)
    assert due is not None  # open (step_refusal)
    assert due.at is not None  # no pause runs (step_refusal)
    late = due.exact and now > due.at
    if not late:
        return due.at, False, None
    if late_reason is None:
        raise ComplaintLateReasonRequired(
            f"the step was due by {format_time(due.at)}: give the reason it is late",
            details={"due": format_time(due.at)},
        )
    try:
        check_text(late_reason, name="the late reason", limit=2000)
    except TenderInputInvalid as error:
        raise ComplaintInputInvalid(error.message, details={"field": "late_reason"}) from None
    return due.at, True, late_reason


async def take_step(
    conn: asyncpg.Connection,
    actor: Actor,
    complaint_id: UUID,
    *,
    statement: bytes,
    signature: bytes,
    setup: Setup,
    policy: ComplaintPolicy,
    late_reason: str | None = None,
) -> tuple[Complaint, StepRecord]:
    """One signed step of the department or the complainant's withdrawal (Reg. 61-62)."""
    found = await db.complaint(conn, complaint_id)
    if found is None:
        raise ComplaintNotFound("no complaint has this id")
    async with conn.transaction():
        locked = await lock_tender(conn, found.tender_id)
        tender, now = locked.tender, locked.now
        complaint = await db.complaint(conn, complaint_id, lock=True)
        assert complaint is not None
        step = _peek_step(statement)
        log_actor = _authorise(actor, tender, complaint, step)
        steps = await db.steps(conn, complaint_id)
        refusal = model.step_refusal(complaint.status, step, steps)
        if refusal is not None:
            raise ComplaintStepConflict(
                refusal, details={"status": str(complaint.status), "step": str(step)}
            )
        signer_org = complaint.complainant_id if step is Step.WITHDRAW else complaint.department_id
        signer = await _credit_code(conn, signer_org)
        signed = await db.signed(conn, complaint_id)
        assert signed is not None
        parsed, _ = statements.parse_step(
            statement, tender=str(tender.id), complaint=str(complaint_id),
            complaint_sha256=sha256_hex(bytes(signed["statement"])), signer=signer,
        )  # fmt: skip
        due, late, reason = _late(complaint, steps, step, policy, setup, now, late_reason)
        cert = await statements.verify_signed(conn, statement, signature, setup.trust, now, signer)
        suspension_id = await _suspension(conn, actor, complaint, step, steps)
        record = await db.insert_step(
            conn, complaint_id, step=step, text=parsed.text, statement=statement,
            signature=signature, cert_sha256=cert, by=actor.user_id, at=now, due=due,
            late=late, late_reason=reason, suspension_id=suspension_id,
        )  # fmt: skip
        if step in model.MOVES:
            moved = await db.move(
                conn, complaint_id, status=model.MOVES[step],
                decision=model.DECISIONS.get(step), at=now, was=complaint.status,
            )  # fmt: skip
            assert moved is not None  # the row lock is held
            complaint = moved
        # The department's statements too: each names the complaint's hash (reveal.py).
        salt = await db.salt(conn, complaint_id, new_salt(), record.seq)
        data: dict[str, Any] = {
            "format": statements.ENTRY_FORMAT, "complaint_id": str(complaint_id),
            "step": str(step), "status": str(complaint.status), "late": late,
            "statement": statements.statement_commitment(sha256_hex(statement), salt),
        }  # fmt: skip
        if step is not Step.WITHDRAW:
            data["cert_sha256"] = cert  # the department's: public officials act by name
        if due is not None:
            data["due"] = format_time(due)
        if suspension_id is not None:
            data["suspension_id"] = str(suspension_id)
        withdrawn = step is Step.WITHDRAW  # the complainant, hidden as at its filing
        await append(
            conn, OF_STEP[step], tender.id, actor=HIDDEN_COMPLAINANT if withdrawn else log_actor,
            address=None if withdrawn else actor.address, data=data, commitments=("statement",),
        )  # fmt: skip
    log.info("complaints.step", extra={"complaint_id": str(complaint_id), "step": str(step)})
    return complaint, record


async def _suspension(
    conn: asyncpg.Connection,
    actor: Actor,
    complaint: Complaint,
    step: Step,
    steps: list[StepRecord],
) -> UUID | None:
    """Reg. 62: the department suspends the procedure (tender/suspensions, source
    ``complaint``: the results' clocks stand still) and resumes it."""
    if step is Step.SUSPEND:
        reason = f"投诉处理期间暂停（Reg. 62）：complaint {complaint.id}"
        started = await suspensions.suspend(
            conn, actor, complaint.tender_id, reason=reason, source=suspensions.COMPLAINT,
            by_complaint=True,
        )  # fmt: skip
        return started.id
    if step is Step.RESUME:
        running = model.running_suspension(steps)
        assert running is not None  # step_refusal
        ended = await suspensions.resume(
            conn, actor, complaint.tender_id, running, by_complaint=True
        )
        return ended.id
    return None


def _may_read(actor: Actor, tender: Tender, complaint: Complaint) -> bool:
    """The complainant, the department's supervisors and centre staff."""
    return actor.organisation_id == complaint.complainant_id or access.is_overseer(actor, tender)


async def get_complaint(
    conn: asyncpg.Connection, actor: Actor, complaint_id: UUID
) -> tuple[Complaint, list[StepRecord]]:
    """A complaint and its steps for those who may read it; not found for anyone else."""
    found = await db.complaint(conn, complaint_id)
    if found is None or not _may_read(actor, await load(conn, found.tender_id), found):
        raise ComplaintNotFound("no complaint has this id")
    return found, await db.steps(conn, complaint_id)


async def statement_salt(conn: asyncpg.Connection, complaint: Complaint) -> bytes | None:
    """The salt of the complaint's statement commitments, for a reader of ``complaint``
    (get_complaint): it names the complainant no more than the complaint does."""
    return await db.salt_of(conn, complaint.id)


async def list_complaints(
    conn: asyncpg.Connection, actor: Actor, *, status: str | None = None
) -> list[Complaint]:
    """The desk: the complaints to the departments the actor supervises (centre staff:
    their centre's); anyone else: its organisation's own. Each one the actor may read
    (as get_complaint): a list named complainants to other centres' staff (breaker F2)."""
    if status is not None and status not in set(model.Status):
        raise ComplaintInputInvalid("status is one of a complaint's", details={"field": "status"})
    if actor.has_role(Role.CENTRE_STAFF):
        found = await db.complaints(conn, status=status)
    elif departments := sorted(actor.acting_for(Role.SUPERVISOR)):
        found = await db.complaints(conn, departments=list(departments), status=status)
    else:
        found = await db.complaints(conn, complainant_id=actor.organisation_id, status=status)
    tenders = {tender_id: await load(conn, tender_id) for tender_id in {c.tender_id for c in found}}
    return [c for c in found if _may_read(actor, tenders[c.tender_id], c)]


async def signed_statement(
    conn: asyncpg.Connection, actor: Actor, complaint_id: UUID, seq: int
) -> tuple[bytes, bytes]:
    """The signed bytes of the filing (``seq`` 0) or of a step, for those who may read."""
    await get_complaint(conn, actor, complaint_id)
    row = await (
        db.signed(conn, complaint_id) if seq == 0 else db.step_signed(conn, complaint_id, seq)
    )
    if row is None:
        raise ComplaintNotFound("the complaint has no such step")
    return bytes(row["statement"]), bytes(row["signature"])


def deadlines(
    complaint: Complaint, steps: list[StepRecord], policy: ComplaintPolicy, setup: Setup
) -> dict[str, Any]:
    """The complaint's deadlines as served (docs/api-complaints.md, "Deadlines")."""

    def shown(due: model.Deadline) -> dict[str, Any]:
        at = None if due.at is None else format_time(due.at)
        return {"at": at, "exact": due.exact}

    out: dict[str, Any] = {"filing": {"at": format_time(complaint.filing_due), "exact": True}}
    out["acceptance"] = shown(model.acceptance_due(complaint.filed_at, policy, setup.calendar))
    if complaint.accepted_at is not None:
        due = model.decision_due(complaint.accepted_at, steps, policy, setup.calendar)
        out["decision"] = shown(due)
    return out
