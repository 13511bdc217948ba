"""Counting periods in Asia/Shanghai with public holidays and make-up working days (调休).

The State Council publishes each year's holidays and the weekend days worked instead
(调休); they are data here (``tender/holidays/YYYY.json``, plus the years an operator
adds to ``<data dir>/holidays/`` with ``etender calendar add``), never code, each file
checked strictly (tender/holiday_rules.py). A year without data is refused
(``calendar_not_covered``) rather than guessed: a guessed calendar could put an
opening on a holiday or cut a period short.

Periods follow the Civil Code: Art. 201, the day of the event is not counted;
Art. 203, a period ends at 24:00 of its last day, and if that day is a statutory
rest day, at 24:00 of the next working day.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from types import MappingProxyType

from signing.regular_file import read_regular
from tender.errors import CalendarInvalid, CalendarNotCovered, TimeNotAware
from tender.holiday_rules import check_schedule
from tender.policy import Period, PeriodUnit

HOLIDAY_DIR = Path(__file__).parent / "holidays"
# The largest calendar file read (docs/deployment.md §11): a year's notice is under 4 KB.
# Anything larger, and anything but a regular file (a named pipe, /dev/zero), is refused
# unread, on the command line and at every server start (breaker F10).
MAX_FILE_BYTES = 64 * 1024


def _shanghai() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Shanghai")
    except (ImportError, KeyError, OSError):  # no tz database: China keeps UTC+8, no DST
        return timezone(timedelta(hours=8), "CST")


SHANGHAI = _shanghai()


def require_utc(at: datetime) -> datetime:
    """An aware datetime in UTC; naive ones are refused (STYLE.md 3)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise TimeNotAware("datetimes must be timezone-aware")
    return at.astimezone(UTC)


def local_date(at: datetime) -> date:
    """The calendar day in Asia/Shanghai of an instant."""
    return require_utc(at).astimezone(SHANGHAI).date()


def start_of_day(day: date) -> datetime:
    """00:00 Asia/Shanghai of ``day``, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def at_local(day: date, clock: time) -> datetime:
    """``clock`` on ``day`` in Asia/Shanghai, as a UTC instant."""
    return datetime.combine(day, clock, tzinfo=SHANGHAI).astimezone(UTC)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class YearCalendar:
    """One year's holidays and make-up working days, with the notice they come from."""

    year: int
    source: str
    holidays: frozenset[date]
    workdays: frozenset[date]
    source_url: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class HolidayCalendar:
    """Working days in mainland China for the years it has data for."""

    years: Mapping[int, YearCalendar]

    def covers(self, year: int) -> bool:
        """Whether the calendar has data for ``year``."""
        return year in self.years

    def is_working_day(self, day: date) -> bool:
        """Mon–Fri unless a holiday; Sat/Sun only when a make-up working day (调休)."""
        data = self.years.get(day.year)
        if data is None:
            raise not_covered(day.year)
        if day in data.holidays:
            return False
        return day in data.workdays or day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


def not_covered(year: int) -> CalendarNotCovered:
    """The refusal of a day in a year without data, saying what the centre does about it."""
    return CalendarNotCovered(
        f"the holiday calendar has no data for {year}: once the State Council publishes "
        f"its {year} holiday notice, the platform operator adds it (etender calendar add; "
        'docs/deployment.md, "Holiday calendar") and restarts the server; until then no '
        f"period reaching {year} can be counted",
        details={"year": year},
    )


def parse_year(raw: bytes, *, name: str = "calendar", need_url: bool = False) -> YearCalendar:
    """One ``YYYY.json`` file: {"year", "source", "source_url", "holidays": [{"name",
    "dates"}], "workdays"}, checked as tender/holiday_rules.py says (``need_url``: the
    notice's address is required, as it is of every file an operator adds)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise CalendarInvalid(
            f"{name}: not a holiday calendar file (save it as UTF-8 without a BOM)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CalendarInvalid(
            f"{name}: not a holiday calendar file (not UTF-8 at byte {exc.start})"
        ) from None
    try:
        obj = json.loads(text, object_pairs_hook=_once)
        check_schedule(obj, name=name, need_url=need_url)
        year = obj["year"]
        holidays = frozenset(
            date.fromisoformat(d) for group in obj["holidays"] for d in group["dates"]
        )
        workdays = frozenset(date.fromisoformat(d) for d in obj["workdays"])
        source, url = str(obj["source"]), obj.get("source_url")
    except RecursionError:  # breaker F12: 100,000 nested brackets were a traceback
        raise CalendarInvalid(f"{name}: not a holiday calendar file (nested too deeply)") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CalendarInvalid(f"{name}: not a holiday calendar file ({exc})") from None
    if type(year) is not int or any(d.year != year for d in holidays | workdays):
        raise CalendarInvalid(f"{name}: every date must fall in the file's year")
    if holidays & workdays or any(d.weekday() < 5 for d in workdays):
        raise CalendarInvalid(f"{name}: make-up working days are weekend days, never holidays")
    return YearCalendar(
        year=year, source=source, holidays=holidays, workdays=workdays, source_url=url
    )


def _once(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object whose names are each given once (RFC 8259 §4: otherwise unpredictable)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("a name is given twice in one object")
    return out


def read_year(path: Path, *, need_url: bool) -> YearCalendar:
    """The file ``path``, read as :data:`MAX_FILE_BYTES` at most of a regular file (else
    ``signing.regular_file.FileRefused``, an OSError naming it) and parsed."""
    return parse_year(read_regular(path, MAX_FILE_BYTES), name=str(path), need_url=need_url)


def load_calendar(directories: Iterable[Path] = (HOLIDAY_DIR,)) -> HolidayCalendar:
    """Every ``YYYY.json`` of the directories; a later directory overrides a year. A file
    outside the shipped directory names its notice's address (``source_url``)."""
    years: dict[int, YearCalendar] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        shipped = directory.resolve() == HOLIDAY_DIR.resolve()
        for path in sorted(directory.glob("[0-9][0-9][0-9][0-9].json")):
            data = read_year(path, need_url=not shipped)
            if str(data.year) != path.stem:
                raise CalendarInvalid(f"{path}: the file name must be its year")
            years[data.year] = data
    return HolidayCalendar(years=MappingProxyType(years))


def period_end(
    start: datetime, period: Period, calendar: HolidayCalendar, *, extend: bool = True
) -> datetime:
    """When ``period`` counted from the instant ``start`` ends (Civil Code Art. 201, 203)."""
    start = require_utc(start)
    exact = period.exact
    if exact is not None:
        return start + exact
    if period.count == 0:
        return start
    day = local_date(start)
    if period.unit is PeriodUnit.WORKING_DAYS:
        counted = 0
        while counted < period.count:
            day += timedelta(days=1)
            counted += calendar.is_working_day(day)
    else:
        day += timedelta(days=period.count)
        if extend:
            day = calendar.next_working_day(day)
    return start_of_day(day + timedelta(days=1))


def opening_slot(
    earliest: datetime, clock: time, calendar: HolidayCalendar, *, working_day: bool
) -> datetime:
    """The first instant at local ``clock`` on or after ``earliest`` (on a working day if asked).

    A moved deadline keeps the time of day of the old one, so the opening stays in
    office hours (Reg. 21: the deadline moves, and with it the opening).
    """
    earliest = require_utc(earliest)
    day = local_date(earliest)
    while True:
        candidate = at_local(day, clock)
        if candidate >= earliest and (not working_day or calendar.is_working_day(day)):
            return candidate
        day += timedelta(days=1)


def local_clock(at: datetime) -> time:
    """The Asia/Shanghai time of day of an instant."""
    return require_utc(at).astimezone(SHANGHAI).time()
