"""The Asia/Shanghai calendar: holidays and make-up days as data, Civil Code counting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tender.calendar import (
    HOLIDAY_DIR,
    load_calendar,
    local_date,
    opening_slot,
    parse_year,
    period_end,
)
from tender.errors import CalendarInvalid, CalendarNotCovered, TimeNotAware
from tender.policy import Period
from tests.tender.kit import CALENDAR, cst


def test_holidays_and_make_up_days_decide_working_days() -> None:
    """National Day 2026 is a rest day; Saturday 10 October 2026 is worked (调休)."""
    assert not CALENDAR.is_working_day(dt.date(2026, 10, 1))
    assert CALENDAR.is_working_day(dt.date(2026, 10, 10))  # a Saturday
    assert not CALENDAR.is_working_day(dt.date(2026, 10, 11))  # a Sunday
    assert CALENDAR.is_working_day(dt.date(2026, 10, 9))  # a Friday
    assert not CALENDAR.is_working_day(dt.date(2025, 1, 28))  # New Year's Eve 2025
    assert CALENDAR.is_working_day(dt.date(2025, 1, 26))  # a Sunday worked


def test_a_year_without_data_is_refused_not_guessed() -> None:
    """No 2031 file: asking about 2031 is calendar_not_covered."""
    assert not CALENDAR.covers(2031)
    with pytest.raises(CalendarNotCovered):
        CALENDAR.is_working_day(dt.date(2031, 5, 1))


def test_the_day_of_the_event_is_not_counted() -> None:
    """Civil Code Art. 201/203: 20 days from 3 March 09:00 end at 24:00 on 23 March."""
    end = period_end(cst(2026, 3, 3, 9), Period.parse("20d"), CALENDAR)
    assert end == cst(2026, 3, 24)


def test_a_period_ending_on_a_rest_day_ends_on_the_next_working_day() -> None:
    """Art. 203: 5 days from 3 March end on Sunday 8 March, so at 24:00 on Monday 9 March."""
    end = period_end(cst(2026, 3, 3, 9), Period.parse("5d"), CALENDAR)
    assert end == cst(2026, 3, 10)
    unextended = period_end(cst(2026, 3, 3, 9), Period.parse("5d"), CALENDAR, extend=False)
    assert unextended == cst(2026, 3, 9)


def test_a_period_ending_in_a_holiday_runs_past_it() -> None:
    """3 days from 28 September 2026 end on 1 October: moved past National Day (1–7 October)."""
    end = period_end(cst(2026, 9, 28, 10), Period.parse("3d"), CALENDAR)
    assert local_date(end - dt.timedelta(seconds=1)) == dt.date(2026, 10, 8)


def test_working_days_skip_the_spring_festival_and_count_make_up_days() -> None:
    """5 working days from Friday 13 February 2026: the 14th (Saturday) is worked."""
    end = period_end(cst(2026, 2, 13, 10), Period.parse("5wd"), CALENDAR)
    # 14 Feb (make-up), then the festival 15–23 Feb, then 24, 25, 26, 27 Feb.
    assert end == cst(2026, 2, 28)


def test_exact_periods_are_durations() -> None:
    """For drills and tests: 90s is 90 seconds, whatever the calendar."""
    start = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    assert period_end(start, Period.parse("90s"), CALENDAR) == start + dt.timedelta(seconds=90)


def test_naive_datetimes_are_refused() -> None:
    """Time is passed in as aware UTC (STYLE.md 3)."""
    with pytest.raises(TimeNotAware):
        period_end(dt.datetime(2026, 3, 3), Period.parse("5d"), CALENDAR)


def test_the_opening_slot_keeps_the_time_of_day_on_a_working_day() -> None:
    """From 24:00 on Wednesday 30 September 2026, a 09:30 opening lands on Thursday 8 October."""
    slot = opening_slot(cst(2026, 10, 1), dt.time(9, 30), CALENDAR, working_day=True)
    assert slot == cst(2026, 10, 8, 9, 30)
    anyday = opening_slot(cst(2026, 10, 1), dt.time(9, 30), CALENDAR, working_day=False)
    assert anyday == cst(2026, 10, 1, 9, 30)


def test_the_shipped_files_parse() -> None:
    """2025.json and 2026.json are complete: 7 holiday groups each and their make-up days."""
    for year in (2025, 2026):
        data = parse_year((HOLIDAY_DIR / f"{year}.json").read_bytes())
        assert data.year == year
        assert all(day.weekday() >= 5 for day in data.workdays)
    assert CALENDAR.covers(2025)
    assert CALENDAR.covers(2026)


def _file(tmp_path: Path, year: int, body: dict[str, object]) -> Path:
    path = tmp_path / f"{year}.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body",
    [
        {
            "year": 2027,
            "source": "x",
            "holidays": [{"name": "a", "dates": ["2028-01-01"]}],
            "workdays": [],
        },
        {"year": 2027, "source": "x", "holidays": [], "workdays": ["2027-01-04"]},
        {
            "year": 2027,
            "source": "x",
            "holidays": [{"name": "a", "dates": ["2027-02-06"]}],
            "workdays": ["2027-02-06"],
        },
        {"year": 2027, "holidays": [], "workdays": []},
        {"year": "2027", "source": "x", "holidays": [], "workdays": []},
    ],
)
def test_a_malformed_calendar_file_is_refused(tmp_path: Path, body: dict[str, object]) -> None:
    """Dates outside the year, weekday make-up days, clashes, missing keys."""
    _file(tmp_path, 2027, body)
    with pytest.raises(CalendarInvalid):
        load_calendar([tmp_path])


def test_an_operator_adds_next_year_in_the_data_dir(tmp_path: Path) -> None:
    """A file in <data dir>/holidays extends the shipped calendar without a release."""
    _file(
        tmp_path,
        2027,
        {
            "year": 2027,
            "source": "通知",
            "holidays": [{"name": "元旦", "dates": ["2027-01-01"]}],
            "workdays": [],
        },
    )
    calendar = load_calendar([HOLIDAY_DIR, tmp_path])
    assert calendar.covers(2026)
    assert not calendar.is_working_day(dt.date(2027, 1, 1))
    assert calendar.is_working_day(dt.date(2027, 1, 4))
