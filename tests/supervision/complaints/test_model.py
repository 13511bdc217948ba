"""The deadlines of a complaint in working days by the 2026 holiday calendar (Reg. 60-61).

The Must-show of issue 14: one complaint followed through every deadline. 2026 has
National Day (10-01..10-07, holidays) and the make-up working day Saturday 10-10
(tender/holidays/2026.json); 2027 has no calendar file yet.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import pytest

from supervision.complaints.model import (
    Complaint,
    Deadline,
    Matter,
    Status,
    Step,
    StepRecord,
    acceptance_due,
    decision_due,
    due_of,
    filing_due,
    load_policy,
    period_skipping,
    step_refusal,
)
from tender.calendar import at_local, load_calendar, period_end
from tender.policy import Period

CAL = load_calendar()
POLICY = load_policy()


def local(day: str, clock: str = "00:00") -> datetime:
    return at_local(date.fromisoformat(day), time.fromisoformat(clock))


def record(seq: int, step: Step, at: datetime, suspension: uuid.UUID | None = None) -> StepRecord:
    return StepRecord(
        id=uuid.uuid4(), complaint_id=uuid.uuid4(), seq=seq, step=step, text="理由",
        cert_sha256="0" * 64, at=at, due=None, late=False, late_reason=None,
        suspension_id=suspension,
    )  # fmt: skip


def complaint(status: Status, filed_at: datetime, accepted_at: datetime | None) -> Complaint:
    return Complaint(
        id=uuid.uuid4(), tender_id=uuid.uuid4(), department_id=uuid.uuid4(),
        complainant_id=uuid.uuid4(), respondent_id=uuid.uuid4(), matter=Matter.CANDIDATES,
        objection_id=uuid.uuid4(), known_on=date(2026, 9, 18), text="投诉", cert_sha256="0" * 64,
        filed_at=filed_at, filing_due=filed_at, late=False, status=status, decision=None,
        accepted_at=accepted_at, decided_at=None,
    )  # fmt: skip


def test_the_shipped_periods_are_the_regulations() -> None:
    assert POLICY.to_json() == {"within": "10d", "acceptance": "3wd", "decision": "30wd"}


def test_one_complaint_through_every_deadline_in_2026_working_days() -> None:
    # Reg. 54: the candidates publicised on Friday 09-18 (the bidder knew then); it
    # objected on Monday 09-21 and the agency answered on Wednesday 09-23.
    objection = (local("2026-09-21", "10:00"), local("2026-09-23", "15:00"))
    # Reg. 60: 10 days from 09-18, the objection's days 09-21..09-23 not counted:
    # 19 20 24 25 26 27 28 29 30 | 10-01 is the 10th day, a holiday (National Day to
    # 10-07): the period ends with the next working day, Thursday 10-08, at 24:00.
    due = filing_due(date(2026, 9, 18), objection, POLICY, CAL)
    assert due == Deadline(at=local("2026-10-09"))
    # Without the objection's answer period the 10 days would end on 09-28.
    assert filing_due(date(2026, 9, 18), None, POLICY, CAL).at == local("2026-09-29")
    filed = local("2026-10-08", "16:00")  # in time
    assert filed <= due.at  # type: ignore[operator]
    # Reg. 61: accepted or refused within 3 working days: Friday 10-09, Saturday 10-10
    # (a make-up working day, 调休), Monday 10-12 -> 24:00 of 10-12.
    assert acceptance_due(filed, POLICY, CAL) == Deadline(at=local("2026-10-13"))
    accepted = local("2026-10-12", "10:00")
    # Reg. 61: decided within 30 working days of the acceptance (24:00 of 11-23) ...
    assert decision_due(accepted, [], POLICY, CAL) == Deadline(at=local("2026-11-24"))
    # ... the days of an expert review (Tuesday 10-20 to Thursday 10-22) not counted:
    steps = [
        record(1, Step.ACCEPT, accepted),
        record(2, Step.PAUSE_EXPERT_REVIEW, local("2026-10-20", "09:00")),
    ]
    running = complaint(Status.ACCEPTED, filed, accepted)
    # while the review runs the deadline has no end ...
    assert due_of(running, steps, POLICY, CAL) == Deadline(at=None)
    steps.append(record(3, Step.END_PAUSE, local("2026-10-22", "17:00")))
    # ... and once it ended the 30 working days end three working days later, 11-26.
    assert due_of(running, steps, POLICY, CAL) == Deadline(at=local("2026-11-27"))
    assert step_refusal(Status.ACCEPTED, Step.UPHOLD, steps) is None


def test_working_days_without_pauses_are_the_calendars_count() -> None:
    for start in (local("2026-02-13", "09:00"), local("2026-09-30", "18:00")):
        for count in (3, 30):
            period = Period.parse(f"{count}wd")
            assert period_skipping(start, period, CAL).at == period_end(start, period, CAL)


def test_a_year_without_a_calendar_counts_monday_to_friday_marked_inexact() -> None:
    # 30 working days from 2026-12-07 end in January 2027 (no calendar file yet).
    due = decision_due(local("2026-12-07", "10:00"), [], POLICY, CAL)
    assert due.exact is False
    assert due.at is not None
    assert due.at.year == 2027
    assert acceptance_due(local("2026-12-07", "10:00"), POLICY, CAL).exact is True


@pytest.mark.parametrize(
    ("status", "step", "why"),
    [
        (Status.FILED, Step.UPHOLD, "accepted first"),
        (Status.FILED, Step.SUSPEND, "accepted first"),
        (Status.ACCEPTED, Step.ACCEPT, "accepted already"),
        (Status.DECIDED, Step.WITHDRAW, "takes no more steps"),
        (Status.REFUSED, Step.ACCEPT, "takes no more steps"),
        (Status.ACCEPTED, Step.END_PAUSE, "no pause"),
        (Status.ACCEPTED, Step.RESUME, "not suspended"),
    ],
)
def test_steps_follow_the_order_of_reg_61_62(status: Status, step: Step, why: str) -> None:
    refusal = step_refusal(status, step, [])
    assert refusal is not None
    assert why in refusal


def test_a_suspension_is_resumed_even_after_the_decision() -> None:
    suspension = uuid.uuid4()
    steps = [record(1, Step.SUSPEND, local("2026-10-13"), suspension)]
    assert step_refusal(Status.DECIDED, Step.RESUME, steps) is None
    assert "already" in (step_refusal(Status.ACCEPTED, Step.SUSPEND, steps) or "")


def test_no_decision_while_a_pause_runs() -> None:
    steps = [record(1, Step.PAUSE_TESTING, local("2026-10-13"))]
    assert "pause" in (step_refusal(Status.ACCEPTED, Step.DISMISS, steps) or "")
    assert "already" in (step_refusal(Status.ACCEPTED, Step.PAUSE_TESTING, steps) or "")
