"""The Asia/Shanghai calendar: holidays and make-up days as data, Civil Code counting."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
from tests.tender.calendar_kit import SYNTHETIC_URL, synthetic_year, write_synthetic
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
    write_synthetic(tmp_path, 2027)
    calendar = load_calendar([HOLIDAY_DIR, tmp_path])
    assert calendar.covers(2026)
    assert calendar.years[2027].source_url == SYNTHETIC_URL
    assert not calendar.is_working_day(dt.date(2027, 1, 1))
    assert calendar.is_working_day(dt.date(2027, 1, 4))


def _broken(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    body = synthetic_year(2027)
    change(body)
    return body


def _set(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    return lambda body: body.__setitem__(key, value)


def _group(
    index: int, dates: list[str], name: str | None = None
) -> Callable[[dict[str, Any]], object]:
    def change(body: dict[str, Any]) -> None:
        body["holidays"][index] = {"name": name or body["holidays"][index]["name"], "dates": dates}

    return change


@pytest.mark.parametrize(
    "body",
    [
        _broken(lambda b: b.pop("source_url")),  # an operator's file names its notice
        _broken(_set("source_url", "https://www.example.com/2027.htm")),
        _broken(_set("source_url", "https://www.gov.cn.example.com/x")),
        _broken(_set("source_url", "https://www.gov.cn/a b")),
        _broken(_set("comment", "x")),  # an unknown key
        _broken(_set("year", 2024)),  # before the 2024 revision's days
        _broken(_set("source", "")),
        _broken(_set("source", "通知\u0000")),
        _broken(_group(0, ["2027-1-01"])),  # a date written another way
        _broken(_group(3, ["2027-05-02", "2027-05-01"])),  # out of order
        _broken(_group(6, ["2027-10-01", "2027-10-03"])),  # not consecutive (10-02 gone too)
        _broken(_group(0, ["2027-01-02"])),  # 1 January is no holiday
        _broken(_group(5, ["2027-10-01"])),  # one date in two holidays
        _broken(_group(4, ["2027-04-04"], name="清明节")),  # a festival twice, one missing
        _broken(lambda b: b["holidays"].pop()),  # a festival missing
        _broken(_set("workdays", ["2027-01-04"])),  # a Monday "make-up" day
        _broken(_set("workdays", ["2027-01-09", "2027-01-09"])),
        _broken(_set("workdays", ["2027-02-06"])),  # a holiday (春节's Saturday)
    ],
)
def test_a_file_that_is_not_a_whole_notice_is_refused(tmp_path: Path, body: dict[str, Any]) -> None:
    """tender/holiday_rules.py: the operator's file is checked strictly before any period is
    counted on it (the outside tester's finding 5: 2027 comes from the operator)."""
    _file(tmp_path, 2027, body)
    with pytest.raises(CalendarInvalid):
        load_calendar([tmp_path])


def test_a_name_given_twice_is_refused(tmp_path: Path) -> None:
    raw = json.dumps(synthetic_year(2027), ensure_ascii=False)
    (tmp_path / "2027.json").write_text(raw[:-1] + ', "year": 2027}', encoding="utf-8")
    with pytest.raises(CalendarInvalid):
        load_calendar([tmp_path])


def test_the_refusal_tells_staff_what_to_do() -> None:
    """calendar_not_covered names the year, the command and the restart."""
    with pytest.raises(CalendarNotCovered) as refused:
        CALENDAR.is_working_day(dt.date(2031, 1, 1))
    assert refused.value.details == {"year": 2031}
    assert "etender calendar add" in refused.value.message
    assert "restarts the server" in refused.value.message
