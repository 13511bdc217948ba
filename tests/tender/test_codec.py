"""The evaluation method's JSON form (docs/formats/evaluation-method.md §1): written in
full, parsed strictly, and the form stored before issue 11 still read."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tender.codec import evaluation_from_json, evaluation_to_json
from tender.errors import TenderInputInvalid
from tender.model import (
    AdjustmentItem,
    Criterion,
    Evaluation,
    EvaluationMethod,
    PriceFormula,
    PriceScore,
    QualificationItem,
    SubItem,
    TieRule,
)

FULL: dict[str, Any] = {
    "method": "comprehensive_scoring",
    "qualification": [{"id": "licence", "name": "营业执照", "guidance": "有效期内"}],
    "criteria": [
        {
            "id": "tech",
            "name": "技术",
            "items": [
                {
                    "id": "plan",
                    "name": "施工方案",
                    "guidance": "",
                    "min_hundredths": 0,
                    "max_hundredths": 2000,
                },
                {"id": "team", "name": "项目团队", "guidance": "", "steps": [0, 500, 1000]},
            ],
        }
    ],
    "price": {
        "points": 70,
        "formula": "benchmark_deviation",
        "above_per_percent": 100,
        "below_per_percent": 50,
    },
    "adjustments": [],
    "tie_rule": "earlier_submission",
    "drop_extremes": True,
}
LEGACY: dict[str, Any] = {
    "method": "comprehensive_scoring",
    "criteria": [{"name": "技术", "max_points": 30}, {"name": "商务", "max_points": 10}],
    "price": {
        "points": 60,
        "formula": "lowest_price_base",
        "above_per_percent": 0,
        "below_per_percent": 0,
    },
    "drop_extremes": False,
}


def test_the_full_form_round_trips_exactly() -> None:
    """Parse then write gives the same JSON, member for member."""
    method = evaluation_from_json(FULL)
    assert evaluation_to_json(method) == FULL
    assert method.criteria[0].items[1] == SubItem(id="team", name="项目团队", steps=(0, 500, 1000))
    assert method.tie_rule is TieRule.EARLIER_SUBMISSION


def test_every_model_round_trips() -> None:
    """A lowest-price method with adjustments survives write then parse."""
    method = Evaluation(
        method=EvaluationMethod.LOWEST_PRICE,
        qualification=(QualificationItem(id="bond", name="投标保证金"),),
        adjustments=(AdjustmentItem(id="pay", name="付款条件", min_fen=-500, max_fen=10_000),),
    )
    written = json.loads(json.dumps(evaluation_to_json(method)))
    assert evaluation_from_json(written) == method


def test_the_form_stored_before_issue_11_still_parses() -> None:
    """{name, max_points} criteria → c<n> with one sub-item "1" of 0..max_points × 100;
    the missing members take their defaults; what is written back is the full form."""
    method = evaluation_from_json(LEGACY)
    assert method.criteria == (
        Criterion(id="c1", name="技术", items=(SubItem(id="1", name="技术", max_hundredths=3000),)),
        Criterion(id="c2", name="商务", items=(SubItem(id="1", name="商务", max_hundredths=1000),)),
    )
    assert (method.qualification, method.adjustments) == ((), ())
    assert method.tie_rule is TieRule.LOWER_PRICE
    assert method.price == PriceScore(points=60, formula=PriceFormula.LOWEST_PRICE_BASE)
    written = evaluation_to_json(method)
    assert written["criteria"][0] == {
        "id": "c1",
        "name": "技术",
        "items": [
            {"id": "1", "name": "技术", "guidance": "", "min_hundredths": 0, "max_hundredths": 3000}
        ],
    }
    assert evaluation_from_json(written) == method


def test_the_oldest_lowest_price_form_parses() -> None:
    """{"method": …, "criteria": [], "price": null, "drop_extremes": false}."""
    old: dict[str, Any] = {
        "method": "lowest_evaluated_price",
        "criteria": [],
        "price": None,
        "drop_extremes": False,
    }
    assert evaluation_from_json(old) == Evaluation(method=EvaluationMethod.LOWEST_PRICE)


def _changed(path: str, value: Any) -> dict[str, Any]:
    """FULL with the member at ``path`` (dots; ``-`` deletes) replaced."""
    data = copy.deepcopy(FULL)
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value == "-":
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("method", "auction", "method"),
        ("method", 1, "method"),
        ("method", "-", "evaluation"),
        ("extra", 1, "evaluation"),  # unknown member
        ("tie_rule", "coin_toss", "tie_rule"),
        ("drop_extremes", 1, "drop_extremes"),  # int for bool
        ("qualification", {}, "qualification"),
        ("qualification.0.id", "Licence", "qualification[0]"),
        ("qualification.0.name", "证\x00照", "qualification[0]"),  # NUL in text
        ("qualification.0.name", 7, "qualification[0].name"),
        ("qualification.0.note", "x", "qualification[0]"),
        ("criteria.0.items", [], "criteria[0]"),
        ("criteria.0.max_points", 30, "criteria[0]"),  # both forms at once
        ("criteria.0.items.0.max_hundredths", True, "criteria[0].items[0].max_hundredths"),
        ("criteria.0.items.0.max_hundredths", 20.0, "criteria[0].items[0].max_hundredths"),
        ("criteria.0.items.0.max_hundredths", "-", "criteria[0].items[0]"),
        ("criteria.0.items.0.steps", [0, 100], "criteria[0].items[0]"),  # both forms
        ("criteria.0.items.1.steps", [0, "5"], "criteria[0].items[1].steps[1]"),
        ("criteria.0.items.1.steps", [5, 0], "criteria[0].items[1]"),
        ("criteria.0.items.1.id", "plan", "criteria[0]"),  # duplicate sub-item id
        ("price.points", "70", "price.points"),
        ("price.formula", "average", "price.formula"),
        ("price.above_per_percent", -1, "price"),
        ("adjustments", [{"id": "a", "name": "甲", "min_fen": 1, "max_fen": 2}], "adjustments[0]"),
        ("adjustments", [{"id": "a", "name": "甲", "min_fen": 0}], "adjustments[0]"),
    ],
)
def test_a_malformed_method_is_refused_with_where(path: str, value: Any, where: str) -> None:
    """Wrong type, bool for int, unknown or missing member, bad value: tender_input_invalid
    with ``details.path`` naming the member."""
    with pytest.raises(TenderInputInvalid) as caught:
        evaluation_from_json(_changed(path, value))
    assert caught.value.code == "tender_input_invalid"
    assert caught.value.details == {"path": where}


def test_a_legacy_criterion_with_a_string_of_points_is_refused() -> None:
    """The old parser took int("30"): the stored form only ever held integers."""
    bad = copy.deepcopy(LEGACY)
    bad["criteria"][0]["max_points"] = "30"
    with pytest.raises(TenderInputInvalid):
        evaluation_from_json(bad)


@pytest.mark.parametrize("data", [None, [], "method", {"method": "comprehensive_scoring", 1: 2}])
def test_not_an_object_is_refused(data: Any) -> None:
    """The method is a JSON object with string member names."""
    with pytest.raises(TenderInputInvalid):
        evaluation_from_json(data)
