"""Complaints to the supervising department and their deadlines (no I/O; Reg. 60-62).

docs/api-complaints.md, "Deadlines". Every deadline is counted from the facts by the
holiday calendar (tender/calendar.py: the day of the event is not counted, a period
ends at 24:00 Asia/Shanghai — Civil Code Art. 201, 203):

- filing (Reg. 60): within ``within`` (10 days) of the day the complainant knew; for a
  matter of Reg. 22, 44 or 54 the days its objection waited for the answer (the
  objection's day to the answer's day, or to the end of the answer period if none came)
  are not counted. A later complaint is filed all the same, marked ``late`` for the
  department's decision;
- acceptance (Reg. 61): accepted or refused within ``acceptance`` (3 working days) of
  the filing;
- decision (Reg. 61): within ``decision`` (30 working days) of the acceptance; the days
  of a pause for testing or expert review (its first to its last day) are not counted,
  and while a pause runs the deadline has no end.

Where the calendar has no data for a year yet (next year's holidays are announced late
in the year), working days are counted Monday to Friday there and the deadline is
marked inexact (``exact`` False): the overdue alerts wait for exact deadlines.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from tender.calendar import HolidayCalendar, at_local, local_date, start_of_day
from tender.errors import CalendarNotCovered
from tender.policy import Period, PeriodUnit
from tender.suspensions.model import Span, clock_end

POLICY_FILE = Path(__file__).parent / "policy.json"


class Matter(enum.StrEnum):
    """What a complaint is about; the first three need an objection first (Reg. 60)."""

    DOCUMENTS = "documents"  # Reg. 22: the prequalification or tender documents
    OPENING = "opening"  # Reg. 44: the opening
    CANDIDATES = "candidates"  # Reg. 54: the evaluation's result (the candidates)
    OTHER = "other"

    @property
    def needs_objection(self) -> bool:
        return self is not Matter.OTHER


REGULATION = {
    Matter.DOCUMENTS: "Reg. 22",
    Matter.OPENING: "Reg. 44",
    Matter.CANDIDATES: "Reg. 54",
    Matter.OTHER: "Reg. 60",
}


class Status(enum.StrEnum):
    FILED = "filed"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        return self in (Status.FILED, Status.ACCEPTED)


class Step(enum.StrEnum):
    """A step after the filing: the department's, or the complainant's withdrawal."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    PAUSE_TESTING = "pause_testing"
    PAUSE_EXPERT_REVIEW = "pause_expert_review"
    END_PAUSE = "end_pause"
    SUSPEND = "suspend"
    RESUME = "resume"
    UPHOLD = "uphold"
    DISMISS = "dismiss"
    WITHDRAW = "withdraw"

    @property
    def is_pause(self) -> bool:
        return self in (Step.PAUSE_TESTING, Step.PAUSE_EXPERT_REVIEW)


DEPARTMENT_STEPS = frozenset(Step) - {Step.WITHDRAW}
# Where each step takes a complaint (steps absent here leave the status as it is).
MOVES = {
    Step.ACCEPT: Status.ACCEPTED,
    Step.REFUSE: Status.REFUSED,
    Step.UPHOLD: Status.DECIDED,
    Step.DISMISS: Status.DECIDED,
    Step.WITHDRAW: Status.WITHDRAWN,
}
DECISIONS = {Step.UPHOLD: "upheld", Step.DISMISS: "dismissed", Step.WITHDRAW: "withdrawn"}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ComplaintPolicy:
    """The periods of Reg. 60-61 (policy data: supervision/complaints/policy.json)."""

    within: Period  # Reg. 60: 10 days of knowing
    acceptance: Period  # Reg. 61: accepted or refused within 3 working days
    decision: Period  # Reg. 61: decided within 30 working days

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ComplaintPolicy:
        return cls(**{f.name: Period.parse(str(data[f.name])) for f in dataclasses.fields(cls)})

    def to_json(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in dataclasses.fields(self)}


def load_policy(path: Path = POLICY_FILE) -> ComplaintPolicy:
    """The shipped periods (loaded once by the composition root)."""
    return ComplaintPolicy.from_json(json.loads(path.read_text("utf-8")))


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StepRecord:
    """A recorded step (complaint_steps)."""

    id: UUID
    complaint_id: UUID
    seq: int
    step: Step
    text: str
    cert_sha256: str
    at: datetime
    due: datetime | None
    late: bool
    late_reason: str | None
    suspension_id: UUID | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Complaint:
    """A complaint as stored (complaints)."""

    id: UUID
    tender_id: UUID
    department_id: UUID
    complainant_id: UUID
    respondent_id: UUID | None
    matter: Matter
    objection_id: UUID | None
    known_on: date
    text: str
    cert_sha256: str
    filed_at: datetime
    filing_due: datetime
    late: bool
    status: Status
    decision: str | None
    accepted_at: datetime | None
    decided_at: datetime | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Deadline:
    """A deadline: ``at`` None while a pause runs; ``exact`` False if the calendar does
    not cover its year yet (see the module's docstring)."""

    at: datetime | None
    exact: bool = True


def knowing(known_on: date) -> datetime:
    """The instant a period from the day of knowing starts (its day is not counted)."""
    return at_local(known_on, time(12))


def filing_due(
    known_on: date, objection: Span | None, policy: ComplaintPolicy, calendar: HolidayCalendar
) -> Deadline:
    """Reg. 60: the end of the 10 days of knowing; the days the objection waited for its
    answer (its filing day to its answer's day) are not counted."""
    return period_skipping(
        knowing(known_on), policy.within, calendar, [] if objection is None else [objection]
    )


def pauses(steps: Sequence[StepRecord]) -> list[Span]:
    """The pauses for testing or expert review: (start, end or None while it runs)."""
    spans: list[Span] = []
    for record in steps:
        if record.step.is_pause:
            spans.append((record.at, None))
        elif record.step is Step.END_PAUSE and spans and spans[-1][1] is None:
            spans[-1] = (spans[-1][0], record.at)
    return spans


def running_pause(steps: Sequence[StepRecord]) -> bool:
    spans = pauses(steps)
    return bool(spans) and spans[-1][1] is None


def running_suspension(steps: Sequence[StepRecord]) -> UUID | None:
    """The suspension the complaint started and has not resumed, if any."""
    running: UUID | None = None
    for record in steps:
        if record.step is Step.SUSPEND:
            running = record.suspension_id
        elif record.step is Step.RESUME:
            running = None
    return running


def _paused_days(spans: Iterable[Span]) -> set[date]:
    days: set[date] = set()
    for start, end in spans:
        assert end is not None
        day, last = local_date(start), local_date(end)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def _working(calendar: HolidayCalendar, day: date) -> tuple[bool, bool]:
    """Whether ``day`` is a working day, and whether the calendar said so (else Mon-Fri)."""
    try:
        return calendar.is_working_day(day), True
    except CalendarNotCovered:
        return day.weekday() < 5, False


def period_skipping(
    start: datetime, period: Period, calendar: HolidayCalendar, spans: Sequence[Span] = ()
) -> Deadline:
    """The end of ``period`` from ``start`` not counting the paused spans."""
    if any(end is None for _, end in spans):
        return Deadline(at=None)
    exact = period.exact
    if exact is not None:  # drills and tests: the spans are skipped to the second
        return Deadline(at=clock_end(start, start + exact, spans))
    skipped, day, counted, known = _paused_days(spans), local_date(start), 0, True
    working_days = period.unit is PeriodUnit.WORKING_DAYS
    while counted < period.count:
        day += timedelta(days=1)
        working, covered = _working(calendar, day) if working_days else (True, True)
        known = known and covered
        counted += working and day not in skipped
    if not working_days:  # Civil Code Art. 203: a last day that is a rest day moves on
        working, covered = _working(calendar, day)
        while covered and not working:
            day += timedelta(days=1)
            working, covered = _working(calendar, day)
        known = known and covered
    return Deadline(at=start_of_day(day + timedelta(days=1)), exact=known)


def acceptance_due(filed_at: datetime, policy: ComplaintPolicy, cal: HolidayCalendar) -> Deadline:
    """Reg. 61: accepted or refused within 3 working days of the filing."""
    return period_skipping(filed_at, policy.acceptance, cal)


def decision_due(
    accepted_at: datetime,
    steps: Sequence[StepRecord],
    policy: ComplaintPolicy,
    cal: HolidayCalendar,
) -> Deadline:
    """Reg. 61: decided within 30 working days of the acceptance, pauses not counted."""
    return period_skipping(accepted_at, policy.decision, cal, pauses(steps))


def due_of(
    complaint: Complaint,
    steps: Sequence[StepRecord],
    policy: ComplaintPolicy,
    cal: HolidayCalendar,
) -> Deadline | None:
    """The deadline the department is held to now (None once the complaint is closed)."""
    if complaint.status is Status.FILED:
        return acceptance_due(complaint.filed_at, policy, cal)
    if complaint.status is Status.ACCEPTED:
        assert complaint.accepted_at is not None
        return decision_due(complaint.accepted_at, steps, policy, cal)
    return None


def step_refusal(status: Status, step: Step, steps: Sequence[StepRecord]) -> str | None:
    """Why ``step`` cannot follow now (None if it can): the order of Reg. 61-62.

    The procedure a complaint suspended is resumed by the department even after the
    complaint closed (decided, refused or withdrawn while the suspension ran)."""
    suspended = running_suspension(steps) is not None
    if step is Step.RESUME:
        return None if suspended else "this complaint has not suspended the procedure"
    if not status.is_open:
        return f"the complaint is {status}: it takes no more steps"
    if step in (Step.ACCEPT, Step.REFUSE) and status is not Status.FILED:
        return "the complaint was accepted already"
    if step not in (Step.ACCEPT, Step.REFUSE, Step.WITHDRAW) and status is not Status.ACCEPTED:
        return "the complaint is accepted first"
    paused = running_pause(steps)
    if step.is_pause and paused:
        return "a pause of this complaint is running already"
    if step is Step.END_PAUSE and not paused:
        return "no pause of this complaint is running"
    if step is Step.SUSPEND and suspended:
        return "this complaint suspended the procedure already"
    if step in (Step.UPHOLD, Step.DISMISS) and paused:
        return "a pause is running: end it before the decision"
    return None
