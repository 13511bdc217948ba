"""Methods, bids and sheets for the method tests (no database)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from evaluation.method.model import (
    AdjustmentEntry,
    QualificationEntry,
    RejectionReason,
    ScoreEntry,
)
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

BID_A = UUID("00000000-0000-4000-8000-00000000000a")
BID_B = UUID("00000000-0000-4000-8000-00000000000b")
BID_C = UUID("00000000-0000-4000-8000-00000000000c")
BIDS = (BID_A, BID_B, BID_C)


def comprehensive(**changes: Any) -> Evaluation:
    """Two qualification items; technical 30 (a range of 20 and steps of 0/5/10) and
    commercial 10; price 60 by the lowest-price base."""
    values: dict[str, Any] = {
        "method": EvaluationMethod.COMPREHENSIVE,
        "qualification": (
            QualificationItem(id="licence", name="营业执照"),
            QualificationItem(id="bond", name="投标保证金"),
        ),
        "criteria": (
            Criterion(
                id="tech",
                name="技术",
                items=(
                    SubItem(id="plan", name="施工方案", max_hundredths=2000),
                    SubItem(id="team", name="项目团队", steps=(0, 500, 1000)),
                ),
            ),
            Criterion(
                id="biz",
                name="商务",
                items=(SubItem(id="terms", name="商务条款", max_hundredths=1000),),
            ),
        ),
        "price": PriceScore(points=60, formula=PriceFormula.LOWEST_PRICE_BASE),
    }
    return Evaluation(**(values | changes))


def lowest(**changes: Any) -> Evaluation:
    """Lowest evaluated price with one qualification item and two adjustments."""
    values: dict[str, Any] = {
        "method": EvaluationMethod.LOWEST_PRICE,
        "qualification": (QualificationItem(id="licence", name="营业执照"),),
        "adjustments": (
            AdjustmentItem(id="pay", name="付款条件", min_fen=-100_000, max_fen=100_000),
            AdjustmentItem(id="time", name="工期", min_fen=0, max_fen=500_000),
        ),
        "tie_rule": TieRule.EARLIER_SUBMISSION,
    }
    return Evaluation(**(values | changes))


def passes(
    bids: tuple[UUID, ...] = BIDS, items: tuple[str, ...] = ("bond", "licence")
) -> list[dict[str, Any]]:
    """A qualification sheet passing everything."""
    return [{"bid": str(b), "item": i, "pass": True} for b in bids for i in items]


def scores(points: Mapping[UUID, tuple[int, int, int]]) -> list[dict[str, Any]]:
    """A scoring sheet: (tech.plan, tech.team, biz.terms) per bid."""
    return [
        {"bid": str(bid), "item": item, "points": value}
        for bid, values in points.items()
        for item, value in zip(("tech.plan", "tech.team", "biz.terms"), values, strict=True)
    ]


def score_entries(points: Mapping[UUID, tuple[int, int, int]]) -> list[ScoreEntry]:
    """The same sheet, typed."""
    return [
        ScoreEntry(bid=UUID(e["bid"]), item=e["item"], points=e["points"]) for e in scores(points)
    ]


def adjust(fen: Mapping[UUID, tuple[int, int]]) -> list[AdjustmentEntry]:
    """An adjustment sheet, typed: (pay, time) per bid."""
    return [
        AdjustmentEntry(bid=bid, item=item, fen=value)
        for bid, values in fen.items()
        for item, value in zip(("pay", "time"), values, strict=True)
    ]


def finding(bid: UUID, item: str, reason: str | None = None) -> QualificationEntry:
    """A typed qualification entry: a pass, or a refusal with the reason."""
    if reason is None:
        return QualificationEntry(bid=bid, item=item, passed=True)
    return QualificationEntry(
        bid=bid,
        item=item,
        passed=False,
        reason=RejectionReason(reason),
        explanation="见投标文件第3页",
    )
