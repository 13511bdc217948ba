"""Expert attendance and assessment (DOMAIN.md, "Attendance and assessment").

Each recorded incident deducts points by a configurable table (late over 15 minutes
10, unable to operate e-evaluation 10, absent 20, leaving early 30, hiding a conflict
50). Per calendar year (Asia/Shanghai) an expert's record adds the points and counts
incidents; the sanctions are: 8 or more points → reported and published; late 3 times,
or absent twice, or attending fewer than 1/3 of the draws it accepted → suspended.
Everything returns decisions with their reasons; nothing here changes a status.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from expert_pool.model import require_aware
from expert_pool.policy import AssessmentPolicy, DeductionTable, Offence

SHANGHAI = ZoneInfo("Asia/Shanghai")


def late_offence(
    scheduled: datetime, arrived: datetime, table: DeductionTable | None = None
) -> Offence | None:
    """LATE when an expert signed in more than the grace period after the start."""
    grace = (table or DeductionTable()).late_grace_minutes
    delay = require_aware(arrived, what="arrived") - require_aware(scheduled, what="scheduled")
    return Offence.LATE if delay.total_seconds() > grace * 60 else None


@dataclass(frozen=True, kw_only=True, slots=True)
class Incident:
    """One recorded offence of an expert, at a moment (aware UTC)."""

    expert_id: str
    offence: Offence
    occurred_at: datetime
    session_id: str = ""

    def __post_init__(self) -> None:
        require_aware(self.occurred_at, what="occurred_at")

    @property
    def year(self) -> int:
        """The calendar year of the incident in Asia/Shanghai."""
        return self.occurred_at.astimezone(SHANGHAI).year


@dataclass(frozen=True, kw_only=True, slots=True)
class YearRecord:
    """An expert's year: points, incident counts, draws accepted and attended."""

    expert_id: str
    year: int
    points: int
    counts: Mapping[Offence, int]
    accepted: int = 0
    attended: int = 0


def year_record(
    expert_id: str,
    year: int,
    incidents: Iterable[Incident],
    *,
    accepted: int = 0,
    attended: int = 0,
    table: DeductionTable | None = None,
) -> YearRecord:
    """Sum an expert's incidents of one year by the deduction table."""
    points_of = (table or DeductionTable()).points
    mine = [i for i in incidents if i.expert_id == expert_id and i.year == year]
    counts = Counter(i.offence for i in mine)
    return YearRecord(
        expert_id=expert_id,
        year=year,
        points=sum(points_of[i.offence] for i in mine),
        counts=MappingProxyType({o: counts[o] for o in Offence}),
        accepted=accepted,
        attended=attended,
    )


class Sanction(enum.StrEnum):
    """What the pool keeper must do about an expert."""

    REPORT_AND_PUBLISH = "report_and_publish"
    SUSPEND = "suspend"


class SanctionReason(enum.StrEnum):
    """The rule that called for a sanction."""

    POINTS_THRESHOLD = "points_threshold"
    LATE_REPEATEDLY = "late_repeatedly"
    ABSENT_REPEATEDLY = "absent_repeatedly"
    LOW_ATTENDANCE = "low_attendance"


@dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """One sanction with the rule behind it and the figures."""

    sanction: Sanction
    reason: SanctionReason
    detail: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentDecision:
    """The outcome of a year's assessment; no findings means no sanction."""

    expert_id: str
    year: int
    points: int
    findings: tuple[Finding, ...]

    @property
    def sanctions(self) -> frozenset[Sanction]:
        """The distinct sanctions called for."""
        return frozenset(f.sanction for f in self.findings)


def _findings(record: YearRecord, policy: AssessmentPolicy) -> list[Finding]:
    found: list[Finding] = []
    late, absent = record.counts[Offence.LATE], record.counts[Offence.ABSENT]
    if record.points >= policy.report_points:
        detail = f"{record.points} points in {record.year} (threshold {policy.report_points})"
        found.append(
            Finding(
                sanction=Sanction.REPORT_AND_PUBLISH,
                reason=SanctionReason.POINTS_THRESHOLD,
                detail=detail,
            )
        )
    if late >= policy.suspend_late_count:
        detail = f"late {late} times (threshold {policy.suspend_late_count})"
        found.append(
            Finding(sanction=Sanction.SUSPEND, reason=SanctionReason.LATE_REPEATEDLY, detail=detail)
        )
    if absent >= policy.suspend_absent_count:
        detail = f"absent {absent} times (threshold {policy.suspend_absent_count})"
        found.append(
            Finding(
                sanction=Sanction.SUSPEND, reason=SanctionReason.ABSENT_REPEATEDLY, detail=detail
            )
        )
    # attended / accepted < num / den, in integers so 1 of 3 is exactly enough.
    if record.attended * policy.min_attendance_den < record.accepted * policy.min_attendance_num:
        detail = f"attended {record.attended} of {record.accepted} accepted draws"
        found.append(
            Finding(sanction=Sanction.SUSPEND, reason=SanctionReason.LOW_ATTENDANCE, detail=detail)
        )
    return found


def assess_year(record: YearRecord, policy: AssessmentPolicy | None = None) -> AssessmentDecision:
    """Apply the yearly sanction rules to a record."""
    return AssessmentDecision(
        expert_id=record.expert_id,
        year=record.year,
        points=record.points,
        findings=tuple(_findings(record, policy or AssessmentPolicy())),
    )
