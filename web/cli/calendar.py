"""`etender calendar`: the operator adds a year's holiday schedule when the State Council
publishes it (docs/deployment.md, "Holiday calendar").

The platform counts working days on the State Council's yearly notice and never guesses a
year (``calendar_not_covered``); a year's notice comes each autumn, after the release.
``check`` validates a file as the server will (tender/holiday_rules.py); ``add`` writes it
to ``<data dir>/holidays/YYYY.json`` once it passes, atomically, and never over a year
already there unless ``--replace`` (a later notice changing that year); ``list`` shows
the years covered and their notices. The server reads the calendar at start: restart
every node after ``add``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from signing.regular_file import read_regular
from tender.calendar import HOLIDAY_DIR, MAX_FILE_BYTES, YearCalendar, load_calendar, parse_year
from tender.errors import CalendarInvalid
from web.cli.common import settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `etender calendar …` to the command tree."""
    calendar = subparsers.add_parser(
        "calendar", help="the holiday calendar: add a year's State Council schedule"
    )
    commands = calendar.add_subparsers(dest="calendar_command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="validate a YYYY.json file; write nothing")
    check.add_argument("file", type=Path)
    check.set_defaults(func=cmd_check)
    add = commands.add_parser("add", help="validate a YYYY.json file and add it to the data dir")
    add.add_argument("file", type=Path)
    add.add_argument("--data-dir", type=Path, help="default: ETENDER_DATA_DIR (var)")
    add.add_argument(
        "--replace", action="store_true", help="replace a year the calendar has already"
    )
    add.set_defaults(func=cmd_add)
    listing = commands.add_parser("list", help="the years covered and their notices")
    listing.add_argument("--data-dir", type=Path, help="default: ETENDER_DATA_DIR (var)")
    listing.set_defaults(func=cmd_list)


def _data_dir(args: argparse.Namespace) -> Path:
    given: Path | None = args.data_dir
    return given if given is not None else settings().data_dir


def _read(path: Path) -> tuple[bytes, YearCalendar]:
    # A regular file of MAX_FILE_BYTES at most, else exit 2 naming it (breaker F10).
    raw = read_regular(path, MAX_FILE_BYTES)
    found = parse_year(raw, name=str(path), need_url=True)
    return raw, found


def _summary(found: YearCalendar) -> str:
    return (
        f"{found.year}: {len(found.holidays)} holiday dates, {len(found.workdays)} make-up "
        f"working days (调休); {found.source} <{found.source_url or 'shipped'}>"
    )


def cmd_check(args: argparse.Namespace) -> int:
    _, found = _read(args.file)
    print(_summary(found))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    raw, found = _read(args.file)
    directory = _data_dir(args) / "holidays"
    covered = load_calendar([HOLIDAY_DIR, directory])
    if covered.covers(found.year) and not args.replace:
        raise CalendarInvalid(
            f"{found.year} is covered already ({covered.years[found.year].source}): "
            "give --replace to replace it with a later notice"
        )
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{found.year}.json"
    # Written whole or not at all: a server starting meanwhile reads the old file or the new.
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".calendar-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    print(_summary(found))
    print(f"written to {target}; restart the server (every node) to count periods on it")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    covered = load_calendar([HOLIDAY_DIR, _data_dir(args) / "holidays"])
    for year in sorted(covered.years):
        print(_summary(covered.years[year]))
    if not covered.years:
        print("no year is covered", file=sys.stderr)
    return 0
