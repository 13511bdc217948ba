"""Suspensions of a tender and the clocks that stand still during them (no I/O).

A complaint's suspension (Reg. 60-62; recorded by the supervision work, or for now by
centre staff and supervisors) stops the issue-13 clocks: the 30 days to the contract
(Law 46) and the 5 days to the bonds' refund (Reg. 57). A clock is first counted by the
calendar (tender/calendar.py, Civil Code Art. 201-203), then pushed later by every
moment of suspension that falls while it still runs (:func:`clock_end`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from uuid import UUID

from tender.calendar import HolidayCalendar, period_end
from tender.errors import CalendarNotCovered
from tender.policy import Period

_ZERO = timedelta(0)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Suspension:
    """A span during which the procedure stood still; ``ends_at`` None while it runs."""

    id: UUID
    tender_id: UUID
    starts_at: datetime
    ends_at: datetime | None
    reason: str
    source: str
    recorded_at: datetime


Span = tuple[datetime, datetime | None]


def merged(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted and merged where they overlap (an open end swallows what follows)."""
    out: list[Span] = []
    for start, end in sorted(spans, key=lambda s: s[0]):
        if out and (out[-1][1] is None or start <= out[-1][1]):
            last_start, last_end = out[-1]
            wider = None if end is None or last_end is None else max(end, last_end)
            out[-1] = (last_start, wider)
        else:
            out.append((start, end))
    return out


def suspended_within(spans: Iterable[Span], start: datetime, end: datetime) -> timedelta:
    """How much of [start, end) was suspended (a running suspension counts up to ``end``)."""
    total = _ZERO
    for s, e in merged(spans):
        lo, hi = max(s, start), min(end if e is None else e, end)
        total += max(hi - lo, _ZERO)
    return total


def clock_end(start: datetime, end: datetime, spans: Sequence[Span]) -> datetime | None:
    """When a clock running from ``start`` to ``end`` ends if it skips the suspensions.

    None while a suspension that began before the clock ran out is still running: the
    clock stands still and has no end yet.
    """
    at, remaining = start, end - start
    for s, e in merged(spans):
        if e is not None and e <= at:
            continue
        if s >= at + remaining:
            break
        remaining -= max(s - at, _ZERO)
        if e is None:
            return None
        at = max(at, e)
    return at + remaining


def calendar_end(
    start: datetime, period: Period, calendar: HolidayCalendar, *, extend: bool
) -> tuple[datetime, bool]:
    """The end of ``period`` from ``start`` and whether it is exact.

    When the holiday calendar does not cover the year of the period's last day yet
    (next year's holidays are announced late in the year), the end without the rest-day
    extension (Civil Code Art. 203) is returned, marked inexact: it is the earliest the
    end can be, so a time before it is certainly in time.
    """
    try:
        return period_end(start, period, calendar, extend=extend), True
    except CalendarNotCovered:
        return period_end(start, period, calendar, extend=False), False
