"""Reg. 49: a lot's evaluation method fits its kind before the tender is published."""

from __future__ import annotations

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
from tender.rules import check_tender
from tests.tender.kit import a_draft, a_lot, a_tender, context, lowest_price, scoring


def evaluation_codes(*methods: Evaluation) -> list[tuple[str, str | None]]:
    """The method rules the lots (1, 2, …) with these methods break, with the lot."""
    lots = tuple(a_lot(str(n), evaluation=m) for n, m in enumerate(methods, start=1))
    found = check_tender(a_tender(a_draft(lots=lots)), {}, context())
    return [(v.code, v.lot) for v in found if v.code.startswith("evaluation_")]


def halves() -> Evaluation:
    """40.5 + 59.5 points: sub-items in hundredths need not be whole points."""
    return Evaluation(
        method=EvaluationMethod.COMPREHENSIVE,
        criteria=(
            Criterion(
                id="tech",
                name="技术",
                items=(
                    SubItem(id="plan", name="方案", steps=(0, 1050, 2050)),
                    SubItem(id="team", name="团队", max_hundredths=2000),
                ),
            ),
        ),
        price=PriceScore(points=59, formula=PriceFormula.LOWEST_PRICE_BASE),
    )


def test_comprehensive_scoring_totals_100_points_with_a_price_score() -> None:
    """Σ criteria maxima + price points = 10000 hundredths, else evaluation_points_invalid."""
    assert evaluation_codes(scoring(60)) == []
    assert evaluation_codes(scoring(59)) == [("evaluation_points_invalid", "1")]
    assert evaluation_codes(halves()) == [("evaluation_points_invalid", "1")]
    no_price = Evaluation(
        method=EvaluationMethod.COMPREHENSIVE,
        criteria=(Criterion(name="技术", max_points=100),),
    )
    assert evaluation_codes(no_price) == [("evaluation_points_invalid", "1")]


def test_sub_items_in_hundredths_may_total_100_points() -> None:
    """20.5 + 20 + 59.5 is not possible (price is whole) but 20.5 + 19.5 + 60 is."""
    method = Evaluation(
        method=EvaluationMethod.COMPREHENSIVE,
        criteria=(
            Criterion(
                id="tech",
                name="技术",
                items=(
                    SubItem(id="plan", name="方案", steps=(0, 1050, 2050)),
                    SubItem(id="team", name="团队", max_hundredths=1950),
                ),
            ),
        ),
        price=PriceScore(points=60, formula=PriceFormula.LOWEST_PRICE_BASE),
    )
    assert evaluation_codes(method) == []


def test_lowest_price_has_no_criteria_and_no_price_score() -> None:
    """Lowest evaluated price ranks by price: scored criteria or a price score break Reg. 49."""
    assert evaluation_codes(lowest_price()) == []
    with_criteria = Evaluation(
        method=EvaluationMethod.LOWEST_PRICE, criteria=(Criterion(name="技术", max_points=5),)
    )
    with_price = Evaluation(
        method=EvaluationMethod.LOWEST_PRICE,
        price=PriceScore(points=100, formula=PriceFormula.LOWEST_PRICE_BASE),
    )
    assert evaluation_codes(with_criteria, with_price) == [
        ("evaluation_points_invalid", "1"),
        ("evaluation_points_invalid", "2"),
    ]


def test_a_method_without_qualification_items_may_be_published() -> None:
    """Qualification items are optional; with them the method is just as valid."""
    listed = Evaluation(
        method=EvaluationMethod.LOWEST_PRICE,
        qualification=(QualificationItem(id="licence", name="营业执照"),),
    )
    assert evaluation_codes(lowest_price(), listed) == []


def test_adjustments_belong_to_lowest_price_only() -> None:
    """Comprehensive scoring with evaluated-price adjustments is inconsistent."""
    adjusted = Evaluation(
        method=EvaluationMethod.COMPREHENSIVE,
        criteria=scoring().criteria,
        price=scoring().price,
        adjustments=(AdjustmentItem(id="pay", name="付款", min_fen=-100, max_fen=100),),
    )
    assert evaluation_codes(adjusted) == [("evaluation_method_inconsistent", "1")]
    lowest = Evaluation(method=EvaluationMethod.LOWEST_PRICE, adjustments=adjusted.adjustments)
    assert evaluation_codes(lowest) == []


def test_lowest_price_cannot_break_ties_by_a_technical_score() -> None:
    """Nothing technical is scored under lowest evaluated price."""
    method = Evaluation(method=EvaluationMethod.LOWEST_PRICE, tie_rule=TieRule.HIGHER_TECHNICAL)
    assert evaluation_codes(method) == [("evaluation_method_inconsistent", "1")]


def test_a_benchmark_formula_loses_points_off_the_benchmark() -> None:
    """A benchmark formula with no deduction either way would give every price full marks."""
    flat = PriceScore(points=60, formula=PriceFormula.BENCHMARK_DEVIATION)
    sloped = PriceScore(points=60, formula=PriceFormula.BENCHMARK_DEVIATION, below_per_percent=50)
    base = scoring()
    methods = (
        Evaluation(method=base.method, criteria=base.criteria, price=flat),
        Evaluation(method=base.method, criteria=base.criteria, price=sloped),
    )
    assert evaluation_codes(*methods) == [("evaluation_method_inconsistent", "1")]
