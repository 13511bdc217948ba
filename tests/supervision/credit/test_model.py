"""The credit formula is data, validated on load; the score follows it (pure)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from supervision.credit.errors import CreditPolicyInvalid, ViolationFindingMissing
from supervision.credit.model import (
    AppealState,
    FindingSource,
    ListEntry,
    ListKind,
    blocking,
    finding,
    load_policy,
    score,
)
from supervision.credit.records import load_default_policy

T0 = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
BASE = {
    "version": "t", "base": 100, "floor": 0, "ceiling": 100, "window_days": 365,
    "terms": [{"fact": "violations", "weight": -30}, {"fact": "projects_performed",
              "weight": 5, "cap": 2}],
    "grades": [{"least": 90, "grade": "A"}, {"least": 0, "grade": "D"}],
}  # fmt: skip


def test_the_shipped_policy_loads() -> None:
    assert load_default_policy().terms


def test_an_unknown_fact_in_the_formula_is_refused_naming_it() -> None:
    bad = {**BASE, "terms": [{"fact": "bribes", "weight": -5}]}
    with pytest.raises(CreditPolicyInvalid) as refused:
        load_policy(bad)
    assert refused.value.details["fact"] == "bribes"  # type: ignore[index]


@pytest.mark.parametrize(
    "change",
    [
        {"base": "100"},
        {"base": 200},
        {"window_days": 0},
        {"grades": [{"least": 0, "grade": "D"}, {"least": 90, "grade": "A"}]},
        {"terms": [{"fact": "violations", "weight": -1, "cap": -1}]},
    ],
)
def test_a_formula_with_bad_numbers_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(CreditPolicyInvalid):
        load_policy({**BASE, **change})


def test_the_score_follows_the_formula_capped_and_clamped() -> None:
    policy = load_policy(BASE)
    assert score(policy, {"projects_performed": 9}).score == 100  # capped, then clamped
    low = score(policy, {"violations": 5})
    assert (low.score, low.grade) == (0, "D")


def test_a_violation_needs_both_the_source_and_the_reference_of_its_finding() -> None:
    assert finding("authority", " 信用中国 1 ") == (FindingSource.AUTHORITY, "信用中国 1")
    for source, ref in ((None, "x"), ("inspection", ""), ("", "x")):
        with pytest.raises(ViolationFindingMissing):
            finding(source, ref)


def _entry(kind: ListKind, starts: dt.datetime, days: int, revoked: bool = False) -> ListEntry:
    return ListEntry(
        id=uuid.uuid4(), organisation_id=uuid.uuid4(), credit_code="91341800MA2N000001",
        party_name="x", list=kind, source=FindingSource.INSPECTION, violation_id=None,
        basis="b", basis_ref="r", starts_at=starts, ends_at=starts + dt.timedelta(days=days),
        department_id=uuid.uuid4(), entered_at=starts,
        appeal_state=AppealState.UPHELD if revoked else AppealState.NONE,
        revoked_at=starts if revoked else None,
    )  # fmt: skip


def test_only_a_black_entry_in_force_blocks() -> None:
    running = _entry(ListKind.BLACK, T0, 10)
    others = [
        _entry(ListKind.RED, T0, 10),
        _entry(ListKind.BLACK, T0 - dt.timedelta(days=20), 10),  # ended
        _entry(ListKind.BLACK, T0 + dt.timedelta(days=1), 10),  # not begun
        _entry(ListKind.BLACK, T0, 10, revoked=True),
    ]
    now = T0 + dt.timedelta(hours=1)
    assert blocking(others, now) is None
    assert blocking([*others, running], now) == running
