"""The records handover of assisting venues as values and rules (no I/O, time passed in).

DOMAIN.md, "Remote cross-city evaluation": everything is recorded, and the assisting
venues (副场) hand their records over within 5 working days (the evaluation policy's
``records_handover_working_days``, snapshotted at the close). Working days are the
tender calendar's (tender/calendar.py: holidays and make-up days are data), counted
from the day after the close (Civil Code Art. 201) and ending at 24:00 of the last.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from uuid import UUID

from evaluation.model import SessionState
from tender.calendar import HolidayCalendar, period_end
from tender.policy import Period, PeriodUnit

SHA256 = re.compile(r"[0-9a-f]{64}")
VENUE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # expert_pool.model.validate_id
NOTE_MAX = 1000
OVERDUE_ALERT = "venue_records_overdue"  # the tender alert's kind (supervision_alerts)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Handover:
    """One assisting venue's handover of one closed session's records."""

    session_id: UUID
    venue_id: str
    tender_id: UUID
    closed_at: datetime
    working_days: int
    venue_salt: bytes = dataclasses.field(repr=False)
    records_sha256: str | None = None
    note: str | None = None
    recorded_by: UUID | None = None
    handed_over_at: datetime | None = None
    alerted_at: datetime | None = None

    def due(self, calendar: HolidayCalendar) -> datetime:
        """When the records are due: the working days after the close, to 24:00."""
        return due_at(self.closed_at, self.working_days, calendar)

    def late(self, calendar: HolidayCalendar, now: datetime) -> bool:
        """Handed over after the due time, or not yet and the due time has passed."""
        return (self.handed_over_at or now) > self.due(calendar)


def due_at(closed_at: datetime, working_days: int, calendar: HolidayCalendar) -> datetime:
    """The end of ``working_days`` working days after ``closed_at`` (0: the close itself)."""
    return period_end(closed_at, Period(count=working_days, unit=PeriodUnit.WORKING_DAYS), calendar)


def assisting_venues(state: SessionState) -> tuple[str, ...]:
    """The venues other than the main one where a member of the session signed in."""
    return tuple(
        sorted(
            {m.venue_id for m in state.members if m.venue_id and m.venue_id != state.main_venue_id}
        )
    )
