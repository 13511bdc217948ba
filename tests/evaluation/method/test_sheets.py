"""Reg. 49: a member's sheet holds every bid × item of the method exactly once, each value
allowed by the item; anything else is evaluation_sheet_invalid, pointing at the entry."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.errors import EvaluationError
from evaluation.method.errors import MethodSheetInvalid
from evaluation.method.model import (
    AdjustmentEntry,
    QualificationEntry,
    RejectionReason,
    ScoreEntry,
    validate_adjustments,
    validate_qualification,
    validate_scores,
)
from tests.evaluation.method.kit import (
    BID_A,
    BID_B,
    BIDS,
    comprehensive,
    lowest,
    passes,
    scores,
)

REFUSAL = {
    "bid": str(BID_B),
    "item": "licence",
    "pass": False,
    "reason": "not_qualified",
    "explanation": "营业执照已过期\n见第3页",
}
SCORES = scores({BID_A: (1550, 500, 1000), BID_B: (0, 0, 0)})
ADJUSTMENTS = [
    {"bid": str(bid), "item": item, "fen": fen}
    for bid in (BID_A, BID_B)
    for item, fen in (("pay", -100_000), ("time", 500_000))
]


def refused(call: Any) -> dict[str, Any]:
    """The details of the evaluation_sheet_invalid the call raises."""
    with pytest.raises(MethodSheetInvalid) as caught:
        call()
    assert caught.value.code == "evaluation_sheet_invalid"
    assert caught.value.status == 422
    assert isinstance(caught.value, EvaluationError)
    details = caught.value.details
    assert isinstance(details, dict)
    assert set(details) == {"entry", "field", "bid", "item"}
    return details


# --- what is accepted -------------------------------------------------------------------


def test_a_complete_qualification_sheet_comes_back_typed_and_sorted() -> None:
    """Passes and a refusal with its Reg. 51 reason and explanation, sorted by (bid, item)."""
    entries = [REFUSAL, *passes()]
    entries.remove({"bid": str(BID_B), "item": "licence", "pass": True})
    found = validate_qualification(comprehensive(), BIDS, list(reversed(entries)))
    assert [(str(e.bid)[-1], e.item) for e in found] == [
        (b, i) for b in "abc" for i in ("bond", "licence")
    ]
    assert found[3] == QualificationEntry(
        bid=BID_B,
        item="licence",
        passed=False,
        reason=RejectionReason.NOT_QUALIFIED,
        explanation="营业执照已过期\n见第3页",
    )
    assert found[3].to_json() == REFUSAL


def test_a_score_sheet_takes_ranges_and_steps() -> None:
    """Points anywhere in a range (15.50 of 0–20), on a step (5 of 0/5/10), in hundredths."""
    found = validate_scores(comprehensive(), (BID_A, BID_B), SCORES)
    assert found[0] == ScoreEntry(bid=BID_A, item="biz.terms", points=1000)
    assert sorted(e.to_json()["points"] for e in found if e.bid == BID_A) == [500, 1000, 1550]


def test_an_adjustment_sheet_takes_negative_fen_within_the_bounds() -> None:
    """Adjustments may lower a price; the bounds are inclusive."""
    found = validate_adjustments(lowest(), (BID_A, BID_B), ADJUSTMENTS)
    assert found[0] == AdjustmentEntry(bid=BID_A, item="pay", fen=-100_000)
    assert [e.to_json() for e in found] == ADJUSTMENTS


def test_a_method_with_no_items_takes_an_empty_sheet() -> None:
    """No qualification items: the sheet is []; an entry would name an unknown item."""
    method = comprehensive(qualification=())
    assert validate_qualification(method, BIDS, []) == ()
    details = refused(lambda: validate_qualification(method, BIDS, passes(items=("licence",))))
    assert details["field"] == "item"


# --- what is refused --------------------------------------------------------------------


def _with(entries: list[dict[str, Any]], index: int, **changes: Any) -> list[dict[str, Any]]:
    changed = copy.deepcopy(entries)
    for name, value in changes.items():
        if value is ...:
            del changed[index][name]
        else:
            changed[index][name] = value
    return changed


@pytest.mark.parametrize(
    ("entries", "pointer"),
    [
        ("not a list", {"entry": None, "field": "entries"}),
        ([*SCORES[:-1], "entry"], {"entry": 5, "field": None}),
        (_with(SCORES, 0, points=2001), {"entry": 0, "field": "points"}),  # out of range
        (_with(SCORES, 0, points=-1), {"entry": 0, "field": "points"}),
        (_with(SCORES, 1, points=250), {"entry": 1, "field": "points"}),  # between steps
        (_with(SCORES, 0, points=True), {"entry": 0, "field": "points"}),  # bool for int
        (_with(SCORES, 0, points=15.5), {"entry": 0, "field": "points"}),
        (_with(SCORES, 0, points="1550"), {"entry": 0, "field": "points"}),
        (_with(SCORES, 0, points=...), {"entry": 0, "field": "points"}),  # missing member
        (_with(SCORES, 0, note="x"), {"entry": 0, "field": "note"}),  # unknown member
        (_with(SCORES, 0, item="tech.price"), {"entry": 0, "field": "item"}),  # unknown item
        (_with(SCORES, 0, item="tech"), {"entry": 0, "field": "item"}),
        (_with(SCORES, 0, item=1), {"entry": 0, "field": "item"}),
        (_with(SCORES, 0, bid=str(BIDS[2])), {"entry": 0, "field": "bid"}),  # not evaluated
        (_with(SCORES, 0, bid=str(BID_A).upper()), {"entry": 0, "field": "bid"}),
        (_with(SCORES, 0, bid="a"), {"entry": 0, "field": "bid"}),
        (_with(SCORES, 0, bid=7), {"entry": 0, "field": "bid"}),
        (_with(SCORES, 1, item="tech.plan"), {"entry": 1, "field": None}),  # duplicate
        (SCORES[:-1], {"entry": None, "field": None}),  # missing pair
        ([], {"entry": None, "field": None}),
    ],
)
def test_a_bad_score_sheet_is_refused_at_the_entry(entries: Any, pointer: dict[str, Any]) -> None:
    """Out of range, off the steps, wrong type, bool for int, missing or unknown member,
    unknown bid or item, duplicate, missing pair: evaluation_sheet_invalid."""
    details = refused(lambda: validate_scores(comprehensive(), (BID_A, BID_B), entries))
    assert {k: details[k] for k in pointer} == pointer


def test_a_missing_pair_is_named() -> None:
    """The first missing (bid, item) in sheet order is in the details."""
    details = refused(lambda: validate_scores(comprehensive(), (BID_A, BID_B), SCORES[1:]))
    assert details == {"entry": None, "field": None, "bid": str(BID_A), "item": "tech.plan"}


def test_a_duplicate_names_its_bid_and_item() -> None:
    """The second entry for a pair is the one refused."""
    twice = [*SCORES, SCORES[0]]
    details = refused(lambda: validate_scores(comprehensive(), (BID_A, BID_B), twice))
    assert details == {"entry": 6, "field": None, "bid": str(BID_A), "item": "tech.plan"}


QUALIFICATION = [*passes((BID_A,)), REFUSAL, {"bid": str(BID_B), "item": "bond", "pass": True}]


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        (_with(QUALIFICATION, 2, reason=...), "reason"),  # a refusal needs a reason
        (_with(QUALIFICATION, 2, explanation=...), "explanation"),  # and an explanation
        (_with(QUALIFICATION, 2, reason="too_expensive"), "reason"),  # not a Reg. 51 reason
        (_with(QUALIFICATION, 2, reason=None), "reason"),
        (_with(QUALIFICATION, 2, explanation=""), "explanation"),
        (_with(QUALIFICATION, 2, explanation="   "), "explanation"),
        (_with(QUALIFICATION, 2, explanation="过期\x00"), "explanation"),  # NUL in text
        (_with(QUALIFICATION, 2, explanation="过期\x1b[31m"), "explanation"),
        (_with(QUALIFICATION, 2, explanation=" 过期"), "explanation"),
        (_with(QUALIFICATION, 2, explanation="过" * 2001), "explanation"),
        (_with(QUALIFICATION, 2, explanation=42), "explanation"),
        (_with(QUALIFICATION, 0, reason="not_qualified"), "reason"),  # a pass has no reason
        (_with(QUALIFICATION, 0, **{"pass": 1}), "pass"),  # int for bool
        (_with(QUALIFICATION, 0, **{"pass": "true"}), "pass"),
        (_with(QUALIFICATION, 0, **{"pass": ...}), "pass"),
        (_with(QUALIFICATION, 0, item="tax"), "item"),
    ],
)
def test_a_bad_qualification_entry_is_refused(entries: Any, field: str) -> None:
    """A refusal needs one of the Reg. 51 reasons and a printable written explanation."""
    details = refused(lambda: validate_qualification(comprehensive(), (BID_A, BID_B), entries))
    assert details["field"] == field


def test_the_explanation_limit_is_inclusive() -> None:
    """2000 characters, line breaks allowed inside."""
    entries = _with(QUALIFICATION, 2, explanation="过\n" * 999 + "过")
    found = validate_qualification(comprehensive(), (BID_A, BID_B), entries)
    assert len(found[3].explanation) == 1999


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        (_with(ADJUSTMENTS, 0, fen=-100_001), "fen"),
        (_with(ADJUSTMENTS, 1, fen=500_001), "fen"),
        (_with(ADJUSTMENTS, 1, fen=-1), "fen"),
        (_with(ADJUSTMENTS, 0, fen=False), "fen"),
        (_with(ADJUSTMENTS, 0, fen=1.0), "fen"),
        (_with(ADJUSTMENTS, 0, item="price"), "item"),
        (_with(ADJUSTMENTS, 0, points=5), "points"),
    ],
)
def test_a_bad_adjustment_entry_is_refused(entries: Any, field: str) -> None:
    """Fen within the adjustment's bounds, a whole number, for one of its items."""
    details = refused(lambda: validate_adjustments(lowest(), (BID_A, BID_B), entries))
    assert details["field"] == field


def test_a_score_sheet_under_lowest_price_is_empty() -> None:
    """Lowest price scores nothing: every score names an unknown item."""
    assert validate_scores(lowest(), BIDS, []) == ()
    details = refused(lambda: validate_scores(lowest(), (BID_A, BID_B), SCORES))
    assert details["field"] == "item"


@given(st.data())
def test_any_complete_sheet_of_allowed_values_round_trips(data: st.DataObject) -> None:
    """Property: entries of allowed points for every bid × sub-item, in any order, come
    back sorted and written back as sent (to_json)."""
    method = comprehensive()
    entries = [
        ScoreEntry(
            bid=bid,
            item=address,
            points=data.draw(
                st.sampled_from(sub.steps)
                if sub.steps
                else st.integers(sub.min_hundredths, sub.max_hundredths)
            ),
        )
        for bid in BIDS
        for address, sub in method.scored_items.items()
    ]
    sent = data.draw(st.permutations([e.to_json() for e in entries]))
    found = validate_scores(method, BIDS, sent)
    assert list(found) == sorted(entries, key=lambda e: (str(e.bid), e.item))
    assert sorted((e.to_json() for e in found), key=str) == sorted(sent, key=str)
