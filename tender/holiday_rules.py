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
checked here); 春节 the lunar new year's eve and its first three days, 清明节 the solar
term, 端午节 and 中秋节 their lunar days. The code has no lunar calendar, so those are
checked against the Gregorian days they can fall on (breaker F11: a made-up combined
entry, ``元旦、春节`` on 1–3 January, or a one-day 春节 made Spring Festival's days working
days and cut every period over it short): each entry holds at least its festival's
statutory days inside that window, and no day more than a week outside it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

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
# Per festival: its statutory days (Art. 2, 2024 revision) and the first and last
# (month, day) they can fall on: 春节 from the eve of the earliest lunar new year (21
# January) to the third day of the latest (20 February); 清明节 the solar term (4 or 5
# April, one day of margin either side); 端午节 (5/5) and 中秋节 (8/15) the Gregorian days
# those lunar days fall on this century, with a day or two of margin.
STATUTORY: dict[str, tuple[int, tuple[int, int], tuple[int, int]]] = {
    "元旦": (1, (1, 1), (1, 1)),
    "春节": (4, (1, 20), (2, 22)),
    "清明节": (1, (4, 3), (4, 6)),
    "劳动节": (2, (5, 1), (5, 2)),
    "端午节": (1, (5, 27), (6, 26)),
    "中秋节": (1, (9, 7), (10, 8)),
    "国庆节": (3, (10, 1), (10, 3)),
}
# The days off around a festival (weekends, 调休) lie at most this far outside its window.
SLACK = timedelta(days=7)
# The one pair of festivals a notice names as one entry when they share their days, in
# the order their days come: 中秋节、国庆节 when Mid-Autumn falls in September and the
# days begin then (as in 2023), 国庆节、中秋节 when they begin on 1 October (as in 2025).
COMBINED = {"中秋节、国庆节": 9, "国庆节、中秋节": 10}  # name -> month of its first day
KEYS = frozenset({"year", "source", "source_url", "holidays", "workdays"})
# The notice as the State Council publishes it: an https address on gov.cn or www.gov.cn
# (breaker F12: parsed, not a prefix test; http, userinfo, other ports refused).
SOURCE_HOSTS = frozenset({"www.gov.cn", "gov.cn", "www.gov.cn:443", "gov.cn:443"})
SOURCE_URL_MOST = 500
_URL_CHARACTERS = re.compile(r"[!-\[\]-~]+")  # printable ASCII but the backslash
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TITLE_YEAR = re.compile(r"([0-9]{4})年")
# Control, format (bidi controls, zero-width), surrogate, private-use, unassigned
# characters and the line/paragraph separators: never in a notice's title or a name, and
# a bidi override would make `etender calendar list` show a title other than the one
# stored (breaker F12; the platform refuses them in every request, issue 15).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _fail(name: str, message: str) -> CalendarInvalid:
    return CalendarInvalid(f"{name}: {message}")


def _text(value: object, name: str, field: str, most: int) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= most:
        raise _fail(name, f"{field} is text of 1 to {most} characters")
    if any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in value):
        raise _fail(name, f"{field} holds control or format characters (such as bidi controls)")
    return value


def _source_url(url: object, name: str) -> None:
    """An https address on gov.cn or www.gov.cn, with no control character even encoded."""
    fault = _fail(name, "source_url is the notice's https address on www.gov.cn or gov.cn")
    if not isinstance(url, str) or not 1 <= len(url) <= SOURCE_URL_MOST:
        raise fault
    if not _URL_CHARACTERS.fullmatch(url):
        raise fault
    try:
        parts = urlsplit(url)
    except ValueError:
        raise fault from None
    decoded = unquote(parts.path + parts.query)
    if (
        parts.scheme.lower() != "https"
        or parts.netloc.lower() not in SOURCE_HOSTS
        or not parts.path.startswith("/")
        or parts.fragment
        or "#" in url
        or any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in decoded)
    ):
        raise fault


def _title(value: object, name: str, year: int) -> None:
    """The notice's title names the file's year (关于YYYY年…); any other year in it is the
    year before, the notice's date (breaker F12: a 2027 notice filed as 2026)."""
    title = _text(value, name, "source (the notice's title)", 200)
    years = {int(y) for y in _TITLE_YEAR.findall(title)}
    if f"关于{year}年" not in title or not years <= {year, year - 1}:
        raise _fail(name, f"source is the title of the notice for {year} (关于{year}年…)")


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
    _title(obj.get("source"), name, year)
    url = obj.get("source_url")
    if url is not None or need_url:
        _source_url(url, name)
    groups = obj.get("holidays")
    if not isinstance(groups, list) or not groups:
        raise _fail(name, "holidays is a list of {name, dates}, one per festival of the notice")
    named: list[str] = []
    seen: dict[date, str] = {}
    for group in groups:
        _group(group, name, year, named, seen)
    if sorted(named) != sorted(FESTIVALS):
        raise _fail(name, f"holidays name each of {'、'.join(FESTIVALS)} once, each in one entry")
    for (month, mday), festival in FIXED_DAYS.items():
        if festival not in seen.get(date(year, month, mday), ""):
            raise _fail(name, f"{year}-{month:02d}-{mday:02d} is a statutory {festival} holiday")
    for day in _days(obj.get("workdays"), name, "workdays", year):
        if day.weekday() < 5 or day in seen:
            raise _fail(name, f"make-up working day {day} is a weekend day, never a holiday")


def _group(group: Any, name: str, year: int, named: list[str], seen: dict[date, str]) -> None:
    """One festival's days (or Mid-Autumn's and National Day's shared days): in a row."""
    if not isinstance(group, Mapping) or set(group) != {"name", "dates"}:
        raise _fail(name, "each holiday is an object with the keys dates, name")
    label = _text(group["name"], name, "a holiday's name", 20)
    if label not in STATUTORY and label not in COMBINED:
        raise _fail(
            name,
            f"holiday {label}: a holiday is named {'、'.join(FESTIVALS)}, or 中秋节、国庆节 "
            "or 国庆节、中秋节 for their shared days",
        )
    festivals = label.split("、")
    named.extend(festivals)
    days = _days(group["dates"], name, f"holiday {label}", year)
    if not days or any(b - a != timedelta(days=1) for a, b in itertools.pairwise(days)):
        raise _fail(name, f"holiday {label}: its dates are consecutive days")
    if label in COMBINED and days[0].month != COMBINED[label]:
        raise _fail(
            name,
            f"holiday {label}: shared days are named in the order they come: 中秋节、国庆节 "
            "when they begin in September, 国庆节、中秋节 when they begin on 1 October",
        )
    _plausible(festivals, days, name, label, year)
    for day in days:
        if day in seen:
            raise _fail(name, f"{day} is in two holidays")
        seen[day] = label


def _plausible(festivals: list[str], days: list[date], name: str, label: str, year: int) -> None:
    """At least each festival's statutory days inside the days they can fall on, and no day
    more than :data:`SLACK` outside those (breaker F11)."""
    windows = []
    for festival in festivals:
        count, (m1, d1), (m2, d2) = STATUTORY[festival]
        start, end = date(year, m1, d1), date(year, m2, d2)
        if sum(start <= day <= end for day in days) < count:
            raise _fail(
                name,
                f"holiday {label}: {festival} holds its {count} statutory day(s) between "
                f"{start:%m-%d} and {end:%m-%d}",
            )
        windows += [start, end]
    first, last = min(windows), max(windows)
    if days[0] < first - SLACK or days[-1] > last + SLACK:
        raise _fail(
            name,
            f"holiday {label}: its days lie within a week of {first:%m-%d} to {last:%m-%d}",
        )
