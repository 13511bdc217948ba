"""What a year's holiday file must be before a period is counted on it (no I/O).

A year's schedule is the State Council's notice (国务院办公厅关于 YYYY 年部分节假日安排的
通知), published each autumn for the next year; the platform never guesses one
(``calendar_not_covered``). An operator adds it (``etender calendar add``,
docs/deployment.md, "Holiday calendar"), so the file is checked as strictly as the rules
allow without the notice in hand: a file that passes can still hold a wrong lunar date,
but not the wrong year, a missing festival, a weekday make-up day, a date written two
ways, or a source that is not the State Council's.

The statutory days follow 《全国年节及纪念日放假办法》 Art. 2 as revised in 2024 and in
force from 2025: 元旦 1 January; 劳动节 1 and 2 May; 国庆节 1 to 3 October (fixed dates,
checked here); 春节, 清明节, 端午节 and 中秋节 by the lunar calendar or the solar term
(named, not dated, here).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from tender.errors import CalendarInvalid

FIRST_YEAR = 2025  # the 2024 revision's days; earlier years had fewer
LAST_YEAR = 2099
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
# (month, day) that are statutory holidays every year, and the festival they belong to.
FIXED_DAYS = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}
KEYS = frozenset({"year", "source", "source_url", "holidays", "workdays"})
# The notice as the State Council publishes it: an address on www.gov.cn.
SOURCE_URL = re.compile(r"https?://www\.gov\.cn/[!-~]{1,480}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _fail(name: str, message: str) -> CalendarInvalid:
    return CalendarInvalid(f"{name}: {message}")


def _text(value: object, name: str, field: str, most: int) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= most:
        raise _fail(name, f"{field} is text of 1 to {most} characters")
    if any(ord(c) < 32 or c == "\x7f" for c in value):
        raise _fail(name, f"{field} holds control characters")
    return value


def _days(value: object, name: str, field: str, year: int) -> list[date]:
    """Dates written YYYY-MM-DD, each once, in order, all in ``year``."""
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        raise _fail(name, f"{field} is a list of dates written YYYY-MM-DD")
    days = []
    for raw in value:
        try:
            if not _DAY.fullmatch(raw):
                raise ValueError(raw)
            days.append(date.fromisoformat(raw))
        except ValueError:
            raise _fail(name, f"{field}: {raw[:20]!r} is not a date written YYYY-MM-DD") from None
    if any(d.year != year for d in days):
        raise _fail(name, f"{field}: every date must fall in the file's year {year}")
    if days != sorted(set(days)):
        raise _fail(name, f"{field}: dates are listed once each, in order")
    return days


def check_schedule(obj: object, *, name: str, need_url: bool) -> None:
    """Refuse (``tender_calendar_invalid``) a file that is not one whole year's notice.

    ``need_url``: the notice's address on www.gov.cn is required (every file an operator
    adds; the files shipped with the platform name their notice by title only)."""
    if not isinstance(obj, Mapping) or not set(obj) <= KEYS:
        raise _fail(name, f"a calendar file is an object with the keys {', '.join(sorted(KEYS))}")
    year = obj.get("year")
    if type(year) is not int or not FIRST_YEAR <= year <= LAST_YEAR:
        raise _fail(name, f"year is a whole number from {FIRST_YEAR} to {LAST_YEAR}")
    _text(obj.get("source"), name, "source (the notice's title)", 200)
    url = obj.get("source_url")
    given = isinstance(url, str) and SOURCE_URL.fullmatch(url)
    if (url is not None or need_url) and not given:
        raise _fail(name, "source_url is the notice's address on https://www.gov.cn/")
    groups = obj.get("holidays")
    if not isinstance(groups, list) or not groups:
        raise _fail(name, "holidays is a list of {name, dates}, one per festival of the notice")
    named: list[str] = []
    seen: dict[date, str] = {}
    for group in groups:
        _group(group, name, year, named, seen)
    if sorted(named) != sorted(FESTIVALS):
        raise _fail(name, f"holidays name each of {'、'.join(FESTIVALS)} once")
    for (month, mday), festival in FIXED_DAYS.items():
        if festival not in seen.get(date(year, month, mday), ""):
            raise _fail(name, f"{year}-{month:02d}-{mday:02d} is a statutory {festival} holiday")
    for day in _days(obj.get("workdays"), name, "workdays", year):
        if day.weekday() < 5 or day in seen:
            raise _fail(name, f"make-up working day {day} is a weekend day, never a holiday")


def _group(group: Any, name: str, year: int, named: list[str], seen: dict[date, str]) -> None:
    """One festival's days (or two festivals' shared days, named 国庆节、中秋节): in a row."""
    if not isinstance(group, Mapping) or set(group) != {"name", "dates"}:
        raise _fail(name, "each holiday is an object with the keys dates, name")
    label = _text(group["name"], name, "a holiday's name", 20)
    named.extend(label.split("、"))
    days = _days(group["dates"], name, f"holiday {label}", year)
    if not days or any(b - a != timedelta(days=1) for a, b in itertools.pairwise(days)):
        raise _fail(name, f"holiday {label}: its dates are consecutive days")
    for day in days:
        if day in seen:
            raise _fail(name, f"{day} is in two holidays")
        seen[day] = label
