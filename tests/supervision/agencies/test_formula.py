"""The assessment formula as policy data: checked when loaded, applied exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from supervision.agencies.errors import AssessmentFormulaInvalid
from supervision.agencies.formula import FACTS, SHIPPED, load_formula, parse_formula

NONE = dict.fromkeys(FACTS, 0)


def shipped() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return raw


def test_the_shipped_formula_loads() -> None:
    """The platform's formula is valid and scores a clean agency at its base."""
    formula = load_formula(SHIPPED.read_text(encoding="utf-8"))
    assert formula.score({**NONE, "tenders_handled": 4}) == Decimal("100.00")
    assert formula.grade(Decimal("100.00")) == "A"


def test_a_formula_with_an_unknown_term_is_refused_naming_it() -> None:
    """A term outside the fact catalogue is agency_formula_invalid with its name."""
    raw = shipped()
    raw["terms"].append({"fact": "bribes_taken", "weight": -50, "per": "count"})
    with pytest.raises(AssessmentFormulaInvalid) as refused:
        parse_formula(raw)
    assert refused.value.code == "agency_formula_invalid"
    assert refused.value.details == {"field": "terms[8]", "term": "bribes_taken"}
    assert "bribes_taken" in refused.value.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r.update(extra=1), "extra"),
        (lambda r: r["terms"][0].update(per="year"), "terms[0].per"),
        (lambda r: r["terms"][0].update(weight="-4"), "terms[0].weight"),
        (lambda r: r["grades"].pop(), "grades"),
        (lambda r: r["terms"].append(dict(r["terms"][0])), "terms"),
        (lambda r: r.update(min=200), "min"),
        (lambda r: r.update(version="评价 v1"), "version"),
    ],
)
def test_a_formula_breaking_its_shape_is_refused(change: Any, field: str) -> None:
    """Unknown keys, bad units, strings for numbers, uncovered scores, doubled facts."""
    raw = shipped()
    change(raw)
    with pytest.raises(AssessmentFormulaInvalid) as refused:
        parse_formula(raw)
    assert isinstance(refused.value.details, dict)
    assert refused.value.details["field"] == field


def test_a_formula_that_is_not_json_or_repeats_a_key_is_refused() -> None:
    """Bad JSON and duplicate keys are refused, not guessed at."""
    with pytest.raises(AssessmentFormulaInvalid):
        load_formula("{")
    with pytest.raises(AssessmentFormulaInvalid):
        load_formula('{"version": "a", "version": "b"}')


def test_per_tender_terms_divide_by_tenders_handled_and_the_score_is_clamped() -> None:
    """Amendments weigh per tender; counts weigh each; the score stays in [min, max]."""
    formula = load_formula(SHIPPED.read_text(encoding="utf-8"))
    facts = {**NONE, "tenders_handled": 4, "documents_amended": 2, "overdue_alerts": 1}
    # 100 - 10 × 2/4 - 4 × 1 = 91
    assert formula.score(facts) == Decimal("91.00")
    assert formula.score({**NONE, "findings_major": 9}) == Decimal("0.00")
    assert formula.grade(Decimal("0.00")) == "D"
    # No tender handled: per-tender terms count 0, not a division by zero.
    assert formula.score({**NONE, "documents_amended": 3}) == Decimal("100.00")
