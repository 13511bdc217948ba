"""Attendance deductions and yearly sanctions (DOMAIN.md, "Attendance and assessment")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from expert_pool.errors import PolicyInvalid, TimeNotAware
from expert_pool.policy import AssessmentPolicy, DeductionTable, Offence
from expert_pool.records.model import (
    Incident,
    Sanction,
    SanctionReason,
    assess_year,
    late_offence,
    year_record,
)

# 2025-03-10 09:00 in Shanghai.
START = datetime(2025, 3, 10, 1, 0, tzinfo=UTC)


def incident(offence: Offence, days: int = 0, expert_id: str = "E1") -> Incident:
    """An incident `days` after START."""
    return Incident(expert_id=expert_id, offence=offence, occurred_at=START + timedelta(days=days))


def reasons(decision_findings: object) -> list[SanctionReason]:
    """The reasons of a decision's findings, in order."""
    return [f.reason for f in decision_findings]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("offence", "points"),
    [
        (Offence.LATE, 10),
        (Offence.UNABLE_TO_OPERATE, 10),
        (Offence.ABSENT, 20),
        (Offence.LEFT_EARLY, 30),
        (Offence.HID_CONFLICT, 50),
    ],
)
def test_default_table_deducts_the_documented_points(offence: Offence, points: int) -> None:
    """Each offence costs the points of DOMAIN.md's table."""
    assert year_record("E1", 2025, [incident(offence)]).points == points


def test_more_than_fifteen_minutes_is_late() -> None:
    """15 minutes is on time; 15 minutes and 1 second is late."""
    assert late_offence(START, START + timedelta(minutes=15)) is None
    assert late_offence(START, START + timedelta(minutes=15, seconds=1)) is Offence.LATE


def test_grace_period_is_policy() -> None:
    """With a 5-minute grace period, 6 minutes is late."""
    table = DeductionTable(late_grace_minutes=5)
    assert late_offence(START, START + timedelta(minutes=6), table) is Offence.LATE


def test_naive_times_are_refused() -> None:
    """Lateness is computed on aware times only."""
    with pytest.raises(TimeNotAware):
        late_offence(datetime(2025, 3, 10, 9, 0), START)


def test_year_is_counted_in_shanghai() -> None:
    """An incident at 23:30 UTC on 31 December is in the next year in Shanghai."""
    new_year = Incident(
        expert_id="E1",
        offence=Offence.ABSENT,
        occurred_at=datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
    )
    assert year_record("E1", 2025, [new_year]).counts[Offence.ABSENT] == 1
    assert year_record("E1", 2024, [new_year]).points == 0


def test_record_counts_only_this_experts_incidents() -> None:
    """Incidents of other experts are ignored."""
    record = year_record("E1", 2025, [incident(Offence.LATE), incident(Offence.LATE, 1, "E2")])
    assert record.counts[Offence.LATE] == 1


def test_eight_points_are_reported_and_published() -> None:
    """One late arrival (10 points) reaches the 8-point threshold."""
    decision = assess_year(year_record("E1", 2025, [incident(Offence.LATE)]))
    assert decision.sanctions == {Sanction.REPORT_AND_PUBLISH}
    assert reasons(decision.findings) == [SanctionReason.POINTS_THRESHOLD]


def test_clean_year_has_no_sanction() -> None:
    """No incidents and full attendance: no findings."""
    decision = assess_year(year_record("E1", 2025, [], accepted=4, attended=4))
    assert decision.findings == ()


def test_three_late_arrivals_suspend() -> None:
    """Late 3 times in a year suspends; twice does not."""
    twice = [incident(Offence.LATE, d) for d in (0, 30)]
    assert Sanction.SUSPEND not in assess_year(year_record("E1", 2025, twice)).sanctions
    thrice = [*twice, incident(Offence.LATE, 60)]
    decision = assess_year(year_record("E1", 2025, thrice))
    assert SanctionReason.LATE_REPEATEDLY in reasons(decision.findings)
    assert Sanction.SUSPEND in decision.sanctions


def test_two_absences_suspend() -> None:
    """Absent twice in a year suspends."""
    record = year_record("E1", 2025, [incident(Offence.ABSENT, d) for d in (0, 10)])
    assert reasons(assess_year(record).findings) == [
        SanctionReason.POINTS_THRESHOLD,
        SanctionReason.ABSENT_REPEATEDLY,
    ]


def test_attending_fewer_than_a_third_of_accepted_draws_suspends() -> None:
    """1 of 4 accepted draws attended suspends; 1 of 3 is exactly enough."""
    low = assess_year(year_record("E1", 2025, [], accepted=4, attended=1))
    assert reasons(low.findings) == [SanctionReason.LOW_ATTENDANCE]
    assert assess_year(year_record("E1", 2025, [], accepted=3, attended=1)).findings == ()


def test_thresholds_and_points_are_policy() -> None:
    """A custom table and thresholds change the outcome."""
    table = DeductionTable(points={o: 1 for o in Offence})
    policy = AssessmentPolicy(deductions=table, report_points=3)
    record = year_record("E1", 2025, [incident(Offence.LEFT_EARLY)], table=table)
    assert record.points == 1
    assert assess_year(record, policy).findings == ()


def test_incomplete_deduction_table_is_refused() -> None:
    """The table must price every offence."""
    with pytest.raises(PolicyInvalid):
        DeductionTable(points={Offence.LATE: 10})
