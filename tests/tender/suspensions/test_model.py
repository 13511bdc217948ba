"""The clocks that stand still during a suspension (tender/suspensions/model.py)."""

from __future__ import annotations

import datetime as dt

from tender.calendar import HolidayCalendar
from tender.policy import Period
from tender.suspensions.model import calendar_end, clock_end, merged, suspended_within

T0 = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def test_overlapping_spans_merge_and_an_open_end_swallows_the_rest() -> None:
    """Overlaps count once; a running suspension covers everything after it began."""
    assert merged([(day(3), day(5)), (day(1), day(4))]) == [(day(1), day(5))]
    assert merged([(day(1), None), (day(3), day(4))]) == [(day(1), None)]
    assert merged([(day(1), day(2)), (day(3), day(4))]) == [(day(1), day(2)), (day(3), day(4))]


def test_suspended_within_counts_only_the_overlap() -> None:
    """suspended_between: only the part of each span inside [start, end)."""
    spans = [(day(-2), day(1)), (day(5), day(7)), (day(9), None)]
    assert suspended_within(spans, day(0), day(10)) == dt.timedelta(days=4)
    assert suspended_within([], day(0), day(10)) == dt.timedelta(0)


def test_a_clock_without_suspensions_ends_where_the_calendar_says() -> None:
    assert clock_end(day(0), day(30), []) == day(30)


def test_a_suspension_inside_the_clock_pushes_its_end_by_its_length() -> None:
    """Law 46's 30 days and Reg. 57's 5 days skip the suspended time."""
    assert clock_end(day(0), day(30), [(day(10), day(30))]) == day(50)
    # A second suspension inside the extended part counts too.
    assert clock_end(day(0), day(30), [(day(10), day(30)), (day(40), day(45))]) == day(55)


def test_suspensions_outside_the_clock_change_nothing() -> None:
    """Before the start (what overlaps only), or after the end."""
    assert clock_end(day(0), day(30), [(day(31), day(40))]) == day(30)
    assert clock_end(day(0), day(30), [(day(-5), day(2))]) == day(32)


def test_a_running_suspension_stops_the_clock_with_no_end() -> None:
    assert clock_end(day(0), day(30), [(day(10), None)]) is None
    assert clock_end(day(0), day(30), [(day(31), None)]) == day(30)


def test_a_period_ending_in_a_year_the_calendar_lacks_ends_at_its_earliest_marked_inexact() -> None:
    """Without next year's holidays the rest-day extension cannot be known: the end
    without it (the earliest possible) stands in, marked inexact."""
    calendar = HolidayCalendar(years={})
    start = dt.datetime(2026, 12, 20, 2, tzinfo=dt.UTC)  # 10:00 Beijing time
    end, exact = calendar_end(start, Period.parse("30d"), calendar, extend=True)
    assert exact is False
    assert end == dt.datetime(2027, 1, 19, 16, tzinfo=dt.UTC)  # 24:00 Beijing, 19 January
    assert calendar_end(start, Period.parse("2h"), calendar, extend=True) == (
        start + dt.timedelta(hours=2),
        True,
    )
