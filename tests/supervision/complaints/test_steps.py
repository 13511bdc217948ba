"""The department's steps (Reg. 61-62) and the complainant's withdrawal: each signed by
a registered certificate and logged; only the tender's department's supervisors; late
steps need their reason; the suspension stops the results' clocks; overdue alerts."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from signing.certs import Identity
from supervision.complaints import service
from supervision.complaints.alerts import raise_complaint_alerts
from supervision.complaints.errors import (
    ComplaintInputInvalid,
    ComplaintLateReasonRequired,
    ComplaintStatementInvalid,
    ComplaintStepConflict,
)
from supervision.complaints.model import Complaint, ComplaintPolicy, Status, StepRecord
from tender.contracts.errors import ContractInputInvalid, SuspensionConflict
from tender.suspensions import service as suspensions
from tests.supervision.alerts_kit import alerts_of
from tests.supervision.complaints.kit import (
    POLICY,
    department_identity,
    filed_complaint,
    footprint,
    policy,
    step_body,
)
from tests.tender.results.kit import Closed
from tests.tender.world import entries, wait_until


async def _step(
    conn: asyncpg.Connection,
    closed: Closed,
    complaint: Complaint,
    step: str,
    who: Identity,
    *,
    rules: ComplaintPolicy = POLICY,
    late_reason: str | None = None,
) -> tuple[Complaint, StepRecord]:
    body = await step_body(conn, complaint, step, who, closed.world.department.credit_code)
    return await service.take_step(
        conn, closed.supervisor, complaint.id, setup=closed.setup(), policy=rules,
        late_reason=late_reason, **body,
    )  # fmt: skip


async def test_the_department_takes_every_step_signed_and_logged(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Accept, an expert review, suspend and resume the procedure, uphold."""
    dept = await department_identity(conn, closed)
    filed = await filed_complaint(conn, closed)
    accepted, record = await _step(conn, closed, filed, "accept", dept)
    assert accepted.status is Status.ACCEPTED
    assert (record.seq, record.late, record.due is not None) == (1, False, True)
    await _step(conn, closed, accepted, "pause_expert_review", dept)
    _, got = await service.get_complaint(conn, closed.supervisor, filed.id)
    assert service.deadlines(accepted, got, POLICY, closed.setup())["decision"]["at"] is None
    await _step(conn, closed, accepted, "end_pause", dept)
    _, suspended = await _step(conn, closed, accepted, "suspend", dept)
    [running] = await suspensions.list_suspensions(conn, closed.supervisor, closed.tender_id)
    assert (running.id, running.source, running.ends_at) == (
        suspended.suspension_id, "complaint", None,
    )  # fmt: skip
    # Only the complaint's own signed step ends it: not the centre through the plain
    # endpoint (outside tester, H3), nor may anyone start a "complaint" suspension there.
    before = await footprint(conn)
    with pytest.raises(SuspensionConflict):
        await suspensions.resume(conn, closed.staff, closed.tender_id, running.id)
    with pytest.raises(ContractInputInvalid):
        await suspensions.suspend(
            conn, closed.staff, closed.tender_id, reason="投诉", source="complaint"
        )
    assert await footprint(conn) == before
    _, resumed = await _step(conn, closed, accepted, "resume", dept)
    assert resumed.suspension_id == suspended.suspension_id
    # The results' clocks (contract, refund) skip the complaint's suspension.
    [ended] = await suspensions.list_suspensions(conn, closed.supervisor, closed.tender_id)
    assert ended.ends_at is not None
    stood_still = await suspensions.suspended_between(
        conn, closed.tender_id, suspended.at, resumed.at + dt.timedelta(seconds=1)
    )
    assert stood_still == ended.ends_at - ended.starts_at > dt.timedelta(0)
    decided, _ = await _step(conn, closed, accepted, "uphold", dept)
    assert (decided.status, decided.decision) == (Status.DECIDED, "upheld")
    assert decided.decided_at is not None
    row = await conn.fetchrow("SELECT status, decision FROM complaints WHERE id = $1", filed.id)
    assert tuple(row) == ("decided", "upheld")
    kinds = [
        e.kind for k in ("accepted", "paused", "pause_ended", "suspended", "resumed", "decided")
        for e in await entries(conn, f"complaint.{k}")
    ]  # fmt: skip
    assert len(kinds) == 6
    assert len(await entries(conn, "tender.suspension_started")) == 1
    with pytest.raises(ComplaintStepConflict):
        await _step(conn, closed, decided, "dismiss", dept)


async def test_a_decision_by_another_departments_supervisor_is_refused(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    dept = await department_identity(conn, closed)
    filed = await filed_complaint(conn, closed)
    before = await footprint(conn)
    body = await step_body(conn, filed, "accept", dept, closed.world.department.credit_code)
    for who in (closed.other_supervisor, closed.agency, closed.bidder(2)):
        with pytest.raises(PermissionDenied) as raised:
            await service.take_step(
                conn, who, filed.id, setup=closed.setup(), policy=POLICY, **body
            )
        assert raised.value.status == 403
        assert raised.value.details["action"] == "supervise_tender"  # type: ignore[index]
    assert await footprint(conn) == before


async def test_a_late_acceptance_needs_its_reason(conn: asyncpg.Connection, closed: Closed) -> None:
    """Past the 3 working days (shortened to 1 s) the step is refused without a reason,
    nothing changed; with one it is recorded late."""
    dept = await department_identity(conn, closed)
    filed = await filed_complaint(conn, closed)
    quick = policy(acceptance="1s")
    await wait_until(conn, filed.filed_at + dt.timedelta(seconds=1))
    before = await footprint(conn)
    with pytest.raises(ComplaintLateReasonRequired) as raised:
        await _step(conn, closed, filed, "accept", dept, rules=quick)
    assert "due" in raised.value.details  # type: ignore[operator]
    assert await footprint(conn) == before
    accepted, record = await _step(
        conn, closed, filed, "accept", dept, rules=quick, late_reason="材料补正"
    )
    assert (accepted.status, record.late, record.late_reason) == (
        Status.ACCEPTED, True, "材料补正",
    )  # fmt: skip


async def test_the_complainant_withdraws_and_no_one_else(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    filed = await filed_complaint(conn, closed)
    body = await step_body(
        conn, filed, "withdraw", closed.bidder_identity(2), closed.candidates[1].credit_code
    )
    with pytest.raises(PermissionDenied):
        await service.take_step(
            conn, closed.bidder(3), filed.id, setup=closed.setup(), policy=POLICY, **body
        )
    with pytest.raises(ComplaintInputInvalid):  # a withdrawal is never late (F20)
        await service.take_step(
            conn, closed.bidder(2), filed.id, setup=closed.setup(), policy=POLICY,
            late_reason="迟了", **body,
        )  # fmt: skip
    withdrawn, _ = await service.take_step(
        conn, closed.bidder(2), filed.id, setup=closed.setup(), policy=POLICY, **body
    )
    assert (withdrawn.status, withdrawn.decision) == (Status.WITHDRAWN, "withdrawn")
    [entry] = await entries(conn, "complaint.withdrawn")
    assert (entry.actor.user_id, entry.address) == (None, None)  # hidden as at the filing
    assert "cert_sha256" not in entry.data


async def test_a_department_step_signed_as_the_complainant_is_refused(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    filed = await filed_complaint(conn, closed)
    body = await step_body(
        conn, filed, "accept", closed.bidder_identity(2), closed.candidates[1].credit_code
    )
    before = await footprint(conn)
    with pytest.raises(ComplaintStatementInvalid):
        await service.take_step(
            conn, closed.supervisor, filed.id, setup=closed.setup(), policy=POLICY, **body
        )
    assert await footprint(conn) == before


async def test_overdue_acceptance_and_decision_raise_one_alert_each(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    dept = await department_identity(conn, closed)
    filed = await filed_complaint(conn, closed)
    quick = policy(acceptance="1s", decision="1s")
    await wait_until(conn, filed.filed_at + dt.timedelta(seconds=1))
    assert await raise_complaint_alerts(conn, closed.setup(), POLICY) == 0
    assert await raise_complaint_alerts(conn, closed.setup(), quick) == 1
    assert await raise_complaint_alerts(conn, closed.setup(), quick) == 0
    accepted, record = await _step(
        conn, closed, filed, "accept", dept, rules=quick, late_reason="材料补正"
    )
    await wait_until(conn, record.at + dt.timedelta(seconds=1))
    assert await raise_complaint_alerts(conn, closed.setup(), quick) == 1
    assert await alerts_of(conn, closed.tender_id) == [
        ("complaint_acceptance_overdue", str(filed.id)),
        ("complaint_decision_overdue", str(filed.id)),
    ]
    assert accepted.status is Status.ACCEPTED


async def test_a_refusal_closes_the_complaint_without_a_decision(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    dept = await department_identity(conn, closed)
    filed = await filed_complaint(conn, closed)
    refused, record = await _step(conn, closed, filed, "refuse", dept)
    assert (refused.status, refused.decision, refused.decided_at) == (Status.REFUSED, None, None)
    assert record.due is not None
    before = await footprint(conn)
    with pytest.raises(ComplaintStepConflict) as raised:
        await _step(conn, closed, refused, "accept", dept)
    assert raised.value.details == {"status": "refused", "step": "accept"}
    assert await footprint(conn) == before
    assert len(await entries(conn, "complaint.refused")) == 1


async def test_the_database_keeps_complaints_moving_forward_and_steps_unchanged(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """0078's triggers: no status goes back, no filing is rewritten, no step is edited."""
    dept = await department_identity(conn, closed)
    filed = await filed_complaint(conn, closed)
    await _step(conn, closed, filed, "accept", dept)
    for sql in (
        "UPDATE complaints SET status = 'filed' WHERE id = $1",
        "UPDATE complaints SET text = '改写' WHERE id = $1",
        "UPDATE complaint_steps SET text = '改写' WHERE complaint_id = $1",
        "DELETE FROM complaint_steps WHERE complaint_id = $1",
    ):
        with pytest.raises(asyncpg.CheckViolationError):
            await owner_conn.execute(sql, filed.id)
