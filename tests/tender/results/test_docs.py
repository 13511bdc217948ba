"""docs/api-results.md is exact: its statements are the builders' bytes, its error
table the classes' codes and statuses, its worked end of a publicity the calendar's."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from pathlib import Path

from tender.calendar import period_end
from tender.errors import TenderError
from tender.policy import Period
from tender.results import errors
from tender.results.statements import answer_statement, objection_statement, report_statement
from tests.tender.world import CALENDAR

DOC = (Path(__file__).parents[3] / "docs" / "api-results.md").read_text(encoding="utf-8")
TENDER = "0b6f6a52-2f4e-4c5b-9a3e-6d1c2b7f9a10"


def _examples() -> list[str]:
    return re.findall(r"```\n(\{.*\})\n```", DOC)


def test_the_documented_statements_are_the_canonical_bytes() -> None:
    """Each example is byte for byte what the builder makes of its fields."""
    objection = objection_statement(
        tender=TENDER, lot="1", publicity_sha256="5f2b" + "0" * 60,
        bidder="91341800MA2N00002C", text="第一中标候选人项目经理有在建工程",
    )  # fmt: skip
    answer = answer_statement(
        tender=TENDER, lot="1", objection="7d1e2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b",
        objection_sha256="a1c9" + "0" * 60, agency="91341800MA2N0000A5", upheld=False,
        answer="经核查，该项目经理无在建工程，异议不成立。",
    )  # fmt: skip
    report = report_statement(
        tender=TENDER, code="XC-2026-0001", agency="91341800MA2N0000A5",
        department="3e0a9c1d-6b2f-4d8e-9a7c-1f2e3d4c5b6a", text="本项目于……完成评标，中标人为……",
    )  # fmt: skip
    assert [e.encode() for e in _examples()] == [objection, answer, report]


def test_every_error_of_the_results_is_in_the_table_with_its_status() -> None:
    """| `code` | status | rows for every class of tender/results/errors.py."""
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", DOC, flags=re.MULTILINE))
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, TenderError) and c.__module__ == errors.__name__
    ]  # fmt: skip
    assert {c.code: str(c.status) for c in classes} == rows


def test_the_worked_end_of_a_publicity_is_the_calendars() -> None:
    """Monday 10:00 Beijing time + 3 days ends Thursday 24:00 Beijing time."""
    published = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    end = period_end(published, Period.parse("3d"), CALENDAR)
    assert end.isoformat().replace("+00:00", "Z") == "2026-03-05T16:00:00Z"
    assert "`2026-03-05T16:00:00Z`" in DOC
