"""A lot's evaluation method: the format of each part, checked when a draft is saved."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

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


def sub(id: str = "plan", **changes: Any) -> SubItem:
    values: dict[str, Any] = {"id": id, "name": f"分项{id}", "max_hundredths": 1000}
    return SubItem(**(values | changes))


def crit(name: str, *, id: str = "") -> Criterion:
    return Criterion(id=id, name=name, max_points=5)


def full(**changes: Any) -> Evaluation:
    """A complete comprehensive method: 40 points of criteria and 60 of price."""
    values: dict[str, Any] = {
        "method": EvaluationMethod.COMPREHENSIVE,
        "qualification": (QualificationItem(id="licence", name="营业执照", guidance="有效期内"),),
        "criteria": (
            Criterion(
                id="tech",
                name="技术",
                items=(sub("plan", max_hundredths=2000), sub("team", steps=(0, 500, 1000))),
            ),
            Criterion(id="biz", name="商务", items=(sub("terms"),)),
        ),
        "price": PriceScore(points=60, formula=PriceFormula.LOWEST_PRICE_BASE),
        "tie_rule": TieRule.HIGHER_TECHNICAL,
    }
    return Evaluation(**(values | changes))


def test_a_criterions_maximum_is_the_sum_of_its_sub_items() -> None:
    """Criterion max = Σ sub-item max; the method totals criteria plus price points."""
    method = full()
    assert [c.max_hundredths for c in method.criteria] == [3000, 1000]
    assert method.total_hundredths == 10_000


def test_steps_give_a_sub_item_its_range_and_only_they_are_allowed() -> None:
    """Discrete steps: min and max are the first and last step; values between are not."""
    item = sub(steps=(0, 500, 1000))
    assert (item.min_hundredths, item.max_hundredths) == (0, 1000)
    assert [item.allows(v) for v in (0, 499, 500, 1000, 1001)] == [True, False, True, True, False]
    ranged = sub(min_hundredths=100, max_hundredths=300)
    assert [ranged.allows(v) for v in (99, 100, 300, 301)] == [False, True, True, False]


def test_sub_items_are_addressed_by_criterion_and_sub_item_id() -> None:
    """A score sheet names ``<criterion id>.<sub-item id>`` (docs: evaluation-method.md §2)."""
    assert list(full().scored_items) == ["tech.plan", "tech.team", "biz.terms"]


def test_a_criterion_stated_in_whole_points_is_one_sub_item() -> None:
    """The form before issue 11: name and max_points → id c<n> and sub-item "1" 0..max×100."""
    method = Evaluation(
        method=EvaluationMethod.COMPREHENSIVE,
        criteria=(Criterion(name="技术", max_points=30), Criterion(name="商务", max_points=10)),
    )
    first = method.criteria[0]
    assert [c.id for c in method.criteria] == ["c1", "c2"]
    assert first.items == (SubItem(id="1", name="技术", min_hundredths=0, max_hundredths=3000),)
    assert method.total_hundredths == 4000


def test_a_method_without_qualification_items_is_allowed() -> None:
    """No qualification items: the Reg. 51 reasons still apply to every bid."""
    assert full(qualification=()).qualification == ()


@pytest.mark.parametrize(
    "build",
    [
        lambda: sub(id="Plan"),  # capitals
        lambda: sub(id=""),
        lambda: sub(id="x" * 33),
        lambda: sub(name=""),
        lambda: sub(name="技术\x00"),  # NUL in text
        lambda: sub(guidance=" 前后空格 "),
        lambda: sub(min_hundredths=-1),
        lambda: sub(max_hundredths=10_001),
        lambda: sub(min_hundredths=500, max_hundredths=500),
        lambda: sub(max_hundredths=True),  # bool for int
        lambda: sub(max_hundredths=10.5),
        lambda: sub(steps=(500,)),
        lambda: sub(steps=(0, 500, 500)),
        lambda: sub(steps=(500, 0)),
        lambda: sub(steps=(0, 10_001)),
        lambda: sub(steps=(0, True)),
        lambda: sub(steps=[0, 500]),
        lambda: sub(steps=(0, 500), max_hundredths=1000),  # disagrees with the steps
        lambda: Criterion(id="tech", name="技术"),  # no sub-items, no max_points
        lambda: Criterion(name="技术", max_points=30, items=(sub(),)),
        lambda: Criterion(name="技术", max_points=0),
        lambda: Criterion(name="技术", max_points=True),
        lambda: Criterion(id="c-1", name="技术", items=(sub(),)),
        lambda: Criterion(name="技术", items=(sub("a"), sub("a"))),  # duplicate sub-item
        lambda: Criterion(name="技术", items=tuple(sub(f"s{i}") for i in range(33))),
        lambda: Criterion(
            name="技术", items=(sub("a", max_hundredths=6000), sub("b", max_hundredths=6000))
        ),
        lambda: QualificationItem(id="licence", name=""),
        lambda: QualificationItem(id="licence", name="证照", guidance="x" * 2001),
        lambda: AdjustmentItem(id="pay", name="付款", min_fen=1, max_fen=5),  # 0 not in range
        lambda: AdjustmentItem(id="pay", name="付款", min_fen=-5, max_fen=-1),
        lambda: AdjustmentItem(id="pay", name="付款", min_fen=0, max_fen=0),
        lambda: AdjustmentItem(id="pay", name="付款", min_fen=-(2**53), max_fen=0),
        lambda: AdjustmentItem(id="pay", name="付款", min_fen=False, max_fen=5),
        lambda: PriceScore(points=0, formula=PriceFormula.LOWEST_PRICE_BASE),
        lambda: PriceScore(points=True, formula=PriceFormula.LOWEST_PRICE_BASE),
        lambda: PriceScore(points=60, formula="lowest_price_base"),  # type: ignore[arg-type]
        lambda: full(tie_rule="lower_price"),
        lambda: full(drop_extremes=1),
        lambda: full(qualification=(QualificationItem(id="a", name="甲"),) * 2),
        lambda: full(criteria=(crit("甲", id="x"), crit("乙", id="x"))),
        lambda: full(criteria=(crit("甲", id="c2"), crit("乙"))),  # c2 twice
        lambda: full(criteria=(crit("甲"), crit("甲"))),  # names are unique too
        lambda: full(adjustments=(AdjustmentItem(id="a", name="甲", min_fen=0, max_fen=1),) * 2),
        lambda: full(
            qualification=tuple(QualificationItem(id=f"q{i}", name="甲") for i in range(65))
        ),
        lambda: full(criteria=[Criterion(name="甲", max_points=5)]),
    ],
)
def test_a_malformed_method_is_refused(build: Any) -> None:
    """Bad ids, text, ranges, steps, types, duplicates and counts: tender_input_invalid."""
    with pytest.raises(TenderInputInvalid) as caught:
        build()
    assert caught.value.code == "tender_input_invalid"


def test_ids_of_different_kinds_may_coincide() -> None:
    """Qualification, criterion and adjustment ids live in their own sheets."""
    method = full(
        qualification=(QualificationItem(id="a", name="甲"),),
        criteria=(Criterion(id="a", name="甲", items=(sub("a"),)),),
        adjustments=(AdjustmentItem(id="a", name="甲", min_fen=-1, max_fen=1),),
    )
    assert method.criteria[0].id == "a"


def test_an_explicit_id_is_kept_and_a_filled_one_is_by_position() -> None:
    """c<n> counts every criterion, named or not (the second one is c2 here)."""
    method = full(
        criteria=(
            Criterion(id="tech", name="技术", items=(sub(),)),
            Criterion(name="商务", max_points=10),
        )
    )
    assert [c.id for c in method.criteria] == ["tech", "c2"]
    assert dataclasses.replace(method) == method
