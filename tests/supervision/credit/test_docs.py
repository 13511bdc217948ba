"""docs/api-credit.md is exact: its error table is the classes', its endpoints the routes',
its log kinds the events', its example a valid body, its formula the shipped one."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import msgspec

from signing.errors import EtenderError
from supervision.credit import errors as credit_errors
from supervision.credit.events import CreditEvent
from supervision.credit.records import load_default_policy
from supervision.parties import errors as party_errors
from supervision.parties.events import PartyEvent
from web.supervision.credit import bodies, pages
from web.supervision.credit.routes import ROUTES

DOC = (Path(__file__).parents[3] / "docs" / "api-credit.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_error_is_in_the_table_with_its_status_and_class() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \| `([a-z_.A-Za-z]+)` \|", DOC, re.MULTILINE)
    classes = [
        c for module in (credit_errors, party_errors)
        for _, c in inspect.getmembers(module, inspect.isclass)
        if issubclass(c, EtenderError) and c.__module__ == module.__name__
        and c.code not in ("credit_error", "parties_error")
    ]  # fmt: skip
    assert sorted(rows) == sorted((c.code, str(c.status), f"{c.__module__}.{c.__name__}")
                                  for c in classes)  # fmt: skip


def test_the_endpoints_are_the_routes() -> None:
    rows = re.findall(r"^\| (GET|POST) \| `([^`]+)` \|", _section("Endpoints"), re.MULTILINE)
    assert rows == [(r.method, r.path) for r in ROUTES]


def test_the_log_kinds_are_the_events() -> None:
    rows = re.findall(r"^\| `([a-z_.]+)` \| `", _section("Log entries"), re.MULTILINE)
    assert rows == [str(k) for k in (*CreditEvent, *PartyEvent)]


def test_the_example_entry_is_a_valid_body() -> None:
    example = re.search(r"```json\n(.*?)\n```", DOC, re.DOTALL)
    assert example is not None
    made = msgspec.json.decode(example.group(1).encode(), type=bodies.EntryCreate)
    assert made.list == "black"


def test_the_described_formula_is_the_shipped_one() -> None:
    policy = load_default_policy()
    text = _section("The credit score (policy data)")
    assert f"(version `{policy.version}`)" in text
    weights = {t.fact: t.weight for t in policy.terms}
    assert weights == {
        "violations": -10, "sanctions": -5, "complaints_upheld": -5, "black_entries": -40,
        "red_entries": 5, "projects_performed": 1,
    }  # fmt: skip
    assert [(g.grade, g.least) for g in policy.grades] == [
        ("A", 100),
        ("B", 85),
        ("C", 60),
        ("D", 0),
    ]
    shipped = json.loads(
        (Path(__file__).parents[3] / "supervision" / "credit" / "policy.json").read_text()
    )
    assert (shipped["base"], shipped["floor"], shipped["ceiling"], shipped["window_days"]) == (
        100,
        0,
        120,
        1095,
    )


def test_the_pages_are_the_page_routes() -> None:
    rows = re.findall(r"^\| `(/[^`]*)` \|", _section("Pages"), re.MULTILINE)
    served = [r.path for r in pages.routes() if "GET" in (getattr(r, "methods", None) or ())]
    assert rows == served
