"""The standard sheets of the report's tests, through the sheets feature's commands:
qualification (bid 3 rejected), scoring, one deviation explained, one revised, and one
clarification — each sheet sealed, signed by its member and revealed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from evaluation.model import Phase, SheetPhase
from evaluation.report.inputs import Clarification
from tests.evaluation.report.kit import EXPERTS, Kit

QUALIFICATION_ITEMS = ("q1", "q2")
SEATS = range(1, EXPERTS + 2)  # five experts and the tenderer's representative
# Points in hundredths per seat per bid (bids 0–2; bid 3 is rejected at qualification):
# (技术 c1.1 of 30 points, 商务 c2.1 of 10 points).
SCORES: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((2500, 800), (2400, 800), (2000, 700)),
    2: ((2600, 900), (2300, 700), (2100, 700)),
    3: ((1000, 800), (2500, 800), (2200, 600)),  # 10.00 for bid 0: far from the others
    4: ((2500, 850), (2450, 200), (2000, 650)),  # 2.00 for bid 1: revised to 7.00
    5: ((2550, 800), (2400, 750), (2050, 700)),
    6: ((2450, 800), (2350, 800), (1950, 700)),
}
ITEMS = ("c1.1", "c2.1")
EXPLAINED = "该投标人的施工组织设计缺少关键工序，故评分较低。"
REVISED = "复核后更正：误读了商务部分的业绩证明。"


async def standard_sheets(kit: Kit) -> None:
    """Qualification (bid 3 fails q2 for seats 1–4: rejected), scoring of bids 0–2; the
    deviation review flags seat 3's bid 0 c1.1 (explained) and seat 4's bid 1 c2.1
    (revised); the session ends in the ranking phase."""
    kit.state = dataclasses.replace(kit.state, phase=Phase.QUALIFICATION, phase_deadline=None)
    for seat in SEATS:
        data = kit.sheet(seat, SheetPhase.QUALIFICATION, qualification_entries(kit, seat))
        await kit.submit(seat, SheetPhase.QUALIFICATION, data)
    for seat in SEATS:
        await kit.reveal(seat, SheetPhase.QUALIFICATION)
    assert kit.phase_now() is Phase.SCORING
    for seat in SEATS:
        data = kit.sheet(seat, SheetPhase.SCORING, scoring_entries(kit, seat, SCORES[seat]))
        await kit.submit(seat, SheetPhase.SCORING, data)
    for seat in SEATS:
        await kit.reveal(seat, SheetPhase.SCORING)
    explain = {"phase": "scoring", "bid": str(kit.bid(0)), "item": "c1.1", "text": EXPLAINED}
    await kit.run_sheet("explain", 3, explain)
    revised = list(SCORES[4])
    revised[1] = (2450, 700)
    data = kit.sheet(4, SheetPhase.SCORING, scoring_entries(kit, 4, tuple(revised)), version=2)
    reason = {"bid": str(kit.bid(1)), "item": "c2.1", "reason": REVISED}
    await kit.revise(4, SheetPhase.SCORING, data, [reason])
    assert kit.phase_now() is Phase.RANKING
    at = dt.datetime(2026, 3, 31, 3, 30, tzinfo=dt.UTC)
    kit.source.clarifications.append(
        Clarification(
            bid=kit.bid(1),
            question="请说明项目经理的在建工程情况。",
            answer="项目经理无在建工程。",
            asked_at=at,
            answered_at=at + dt.timedelta(minutes=20),
        )
    )


def qualification_entries(kit: Kit, seat: int) -> list[dict[str, Any]]:
    """Every bid passes every item, but seats 1–4 fail bid 3 on q2 (not responsive)."""
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
    return entries


def scoring_entries(
    kit: Kit, seat: int, points: tuple[tuple[int, int], ...]
) -> list[dict[str, Any]]:
    """A scoring sheet's entries for bids 0–2."""
    return [
        {"bid": str(kit.bid(n)), "item": item, "points": value}
        for n, pair in enumerate(points)
        for item, value in zip(ITEMS, pair, strict=True)
    ]
