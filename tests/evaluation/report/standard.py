"""The standard sheets of the report's tests: qualification, scoring, one deviation
explained, one revised, one clarification (in the sheet format, signed by each member)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from evaluation.model import SheetPhase
from evaluation.report.inputs import Clarification, Explanation
from tests.evaluation.report.kit import EXPERTS, Kit

QUALIFICATION_ITEMS = ("q1", "q2")
# Points in hundredths per seat per bid (bids 0–2; bid 3 is rejected at qualification):
# (criterion 1 sub-item 1 of 30 points, criterion 2 sub-item 1 of 10 points).
SCORES: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((2500, 800), (2400, 800), (2000, 700)),
    2: ((2600, 900), (2300, 700), (2100, 700)),
    3: ((1000, 800), (2500, 800), (2200, 600)),  # 10.00 for bid 0: far from the others
    4: ((2500, 850), (2450, 200), (2000, 650)),  # 2.00 for bid 1: revised to 7.00
    5: ((2550, 800), (2400, 750), (2050, 700)),
    6: ((2450, 800), (2350, 800), (1950, 700)),
}
ITEMS = ("1.1", "2.1")


def standard_sheets(kit: Kit) -> None:
    """Qualification (bid 3 fails q2 for seats 1–4: rejected), scoring of bids 0–2, one
    deviation explained (seat 3, bid 0, 1.1) and one revised (seat 4, bid 1, 2.1)."""
    for seat in range(1, EXPERTS + 2):
        entries: list[dict[str, Any]] = []
        for n in range(4):
            for item in QUALIFICATION_ITEMS:
                entry: dict[str, Any] = {"bid": str(kit.bid(n)), "item": item, "pass": True}
                if n == 3 and item == "q2" and seat <= 4:
                    entry = {
                        **entry,
                        "pass": False,
                        "reason": "not_responsive",
                        "explanation": f"专家{seat}：工期未实质性响应招标文件",
                    }
                entries.append(entry)
        kit.sheet(seat, SheetPhase.QUALIFICATION, entries)
        kit.sheet(seat, SheetPhase.SCORING, scoring_entries(kit, seat, SCORES[seat]))
    at = dt.datetime(2026, 3, 31, 3, 30, tzinfo=dt.UTC)
    kit.source.explanations.append(
        Explanation(
            phase=SheetPhase.SCORING,
            seat=3,
            generation=1,
            bid=kit.bid(0),
            item="1.1",
            text="该投标人的施工组织设计缺少关键工序，故评分较低。",
            at=at,
        )
    )
    revised = list(SCORES[4])
    revised[1] = (2450, 700)
    kit.sheet(
        4,
        SheetPhase.SCORING,
        scoring_entries(kit, 4, tuple(revised)),
        version=2,
        reasons=(
            {
                "bid": str(kit.bid(1)),
                "item": "2.1",
                "reason": "复核后更正：误读了商务部分的业绩证明。",
            },
        ),
        at=at,
    )
    kit.source.clarifications.append(
        Clarification(
            bid=kit.bid(1),
            question="请说明项目经理的在建工程情况。",
            answer="项目经理无在建工程。",
            asked_at=at,
            answered_at=at + dt.timedelta(minutes=20),
        )
    )


def scoring_entries(
    kit: Kit, seat: int, points: tuple[tuple[int, int], ...]
) -> list[dict[str, Any]]:
    """A scoring sheet's entries for bids 0–2."""
    return [
        {"bid": str(kit.bid(n)), "item": item, "points": value}
        for n, pair in enumerate(points)
        for item, value in zip(ITEMS, pair, strict=True)
    ]
