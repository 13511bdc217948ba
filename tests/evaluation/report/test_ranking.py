"""The committee's outcome from the sheets, as pure functions (no database).

DOMAIN.md, "Evaluation": a bid is rejected when a majority fails it (Reg. 51), a
replaced member's findings are void, a price above the ceiling is rejected, the highest
and lowest are dropped when the lot says so, at most 3 candidates (Reg. 53). Expected
numbers are worked out here by docs/formats/evaluation-method.md §3, not by the code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

import pytest

from evaluation.model import (
    DEFAULT_POLICY,
    BidRef,
    Member,
    MemberKind,
    MemberStatus,
    Phase,
    SessionState,
    SheetPhase,
)
from evaluation.report.errors import PricesSealed
from evaluation.report.inputs import RevealedSheet
from evaluation.report.ranking import LotFacts, outcome_of, passed_bids, verdicts
from signing.canonical import canonical_json, sha256_hex
from tender.model import AdjustmentItem, Evaluation, EvaluationMethod, QualificationItem, TieRule
from tests.tender.kit import scoring

AT = dt.datetime(2026, 3, 31, 3, 0, tzinfo=dt.UTC)
Q1 = QualificationItem(id="q1", name="资格")
# One criterion of 40 points (item c1.1, 0–4000 hundredths) and 60 points of price.
METHOD = dataclasses.replace(scoring(60, ("技术", 40)), qualification=(Q1,))
LOWEST = Evaluation(
    method=EvaluationMethod.LOWEST_PRICE,
    qualification=(Q1,),
    adjustments=(AdjustmentItem(id="a1", name="付款条件", min_fen=-1000, max_fen=1000),),
)


def facts(s: SessionState, ceiling: int = 480_000_000, **received: dt.datetime) -> LotFacts:
    """The lot's ceiling; bid n received n minutes after AT unless ``received`` says
    otherwise (keyword ``b<n>``)."""
    times = {
        b.bid_id: received.get(f"b{n}", AT + dt.timedelta(minutes=n)) for n, b in enumerate(s.bids)
    }
    return LotFacts(ceiling_fen=ceiling, submitted_at=times)


def state(
    members: int = 5, prices: Sequence[int | None] = (300, 200, 100), **changes: Any
) -> SessionState:
    values: dict[str, Any] = {
        "id": uuid4(),
        "tender_id": uuid4(),
        "lot": "1",
        "attempt": 1,
        "draw_id": "d",
        "department_id": uuid4(),
        "phase": Phase.RANKING,
        "phase_deadline": None,
        "paused_at": None,
        "chair_seat": 1,
        "method": METHOD,
        "two_envelope": False,
        "main_venue_id": "main",
        "members": tuple(
            Member(seat=n, user_id=uuid4(), kind=MemberKind.EXPERT, status=MemberStatus.SEATED)
            for n in range(1, members + 1)
        ),
        "bids": tuple(
            BidRef(bid_id=uuid4(), bidder=f"b{n}", name=f"投标人{n}", price_fen=p)
            for n, p in enumerate(prices)
        ),
    }
    return SessionState(**(values | changes))


def sheet(
    s: SessionState,
    seat: int,
    phase: SheetPhase,
    entries: Sequence[Mapping[str, Any]],
    *,
    generation: int = 1,
    version: int = 1,
) -> RevealedSheet:
    body = canonical_json(
        {
            "format": "etender-sheet-v1",
            "session": str(s.id),
            "phase": str(phase),
            "seat": seat,
            "generation": generation,
            "version": version,
            "salt": "AA",
            "entries": list(entries),
        }
    )
    return RevealedSheet(
        phase=phase,
        seat=seat,
        generation=generation,
        version=version,
        sha256=sha256_hex(body),
        body=body,
        signature=b"",
        revealed_at=AT,
    )


def qualification(s: SessionState, failing: Mapping[int, set[int]]) -> list[RevealedSheet]:
    """seat → the bid indexes it fails (item q1, not_responsive)."""
    out = []
    for m in s.seated:
        entries: list[dict[str, Any]] = []
        for n, b in enumerate(s.bids):
            entry: dict[str, Any] = {"bid": str(b.bid_id), "item": "q1", "pass": True}
            if n in failing.get(m.seat, set()):
                entry = {**entry, "pass": False, "reason": "not_responsive", "explanation": "x"}
            entries.append(entry)
        out.append(sheet(s, m.seat, SheetPhase.QUALIFICATION, entries, generation=m.generation))
    return out


def scores(
    s: SessionState, points: Mapping[int, Sequence[int]], bids: Sequence[int] | None = None
) -> list[RevealedSheet]:
    """seat → points (item c1.1) per bid (of the bid indexes ``bids``, all by default)."""
    scored = [s.bids[n] for n in bids] if bids is not None else list(s.bids)
    return [
        sheet(
            s,
            seat,
            SheetPhase.SCORING,
            [
                {"bid": str(b.bid_id), "item": "c1.1", "points": p}
                for b, p in zip(scored, given, strict=True)
            ],
        )
        for seat, given in points.items()
    ]


def test_a_bid_a_majority_fails_is_rejected_and_a_tie_fails_too() -> None:
    """Strict majority to pass (evaluation-method.md): 3 of 5 fail bid 0, 2 of 4 fail bid 1."""
    s = state()
    found = verdicts(s, qualification(s, {1: {0}, 2: {0, 1}, 3: {0}}))
    assert [found[b.bid_id].passed for b in s.bids] == [False, True, True]
    assert found[s.bids[0].bid_id].reasons == ("not_responsive",)
    (item,) = found[s.bids[1].bid_id].items
    assert (item.passes, item.fails, item.reasons) == (4, 1, ("not_responsive",))
    four = state(members=4)
    found = verdicts(four, qualification(four, {1: {1}, 2: {1}}))
    assert found[four.bids[1].bid_id].passed is False


def test_a_replaced_members_findings_are_void() -> None:
    """Seat 2's first holder failed every bid; only its replacement's sheet counts."""
    s = state()
    members = list(s.members)
    members[1] = dataclasses.replace(members[1], status=MemberStatus.REPLACED)
    members.append(
        Member(
            seat=2,
            user_id=uuid4(),
            kind=MemberKind.EXPERT,
            status=MemberStatus.SEATED,
            generation=2,
        )
    )
    s = dataclasses.replace(s, members=tuple(members))
    void = sheet(
        s,
        2,
        SheetPhase.QUALIFICATION,
        [
            {
                "bid": str(b.bid_id),
                "item": "q1",
                "pass": False,
                "reason": "collusion_or_fraud",
                "explanation": "x",
            }
            for b in s.bids
        ],
        generation=1,
    )
    others = qualification(s, {1: {0}, 3: {0}})  # two of five fail bid 0: it passes
    assert all(v.passed for v in verdicts(s, [void, *others]).values())


def test_the_ranking_uses_each_members_latest_version_and_at_most_three_candidates() -> None:
    s = state(prices=(400, 300, 200, 100))
    sheets = qualification(s, {}) + scores(s, {n: (1000, 2000, 3000, 3900) for n in range(1, 6)})
    sheets.append(
        sheet(
            s,
            5,
            SheetPhase.SCORING,
            [
                {"bid": str(b.bid_id), "item": "c1.1", "points": p}
                for b, p in zip(s.bids, (1000, 2000, 3000, 100), strict=True)
            ],
            version=2,
        )
    )
    out = outcome_of(s, sheets, DEFAULT_POLICY, facts(s))
    assert out.totals[s.bids[3].bid_id].technical == (2 * (4 * 3900 + 100) + 5) // (2 * 5)
    assert len(out.candidates) == 3
    assert out.candidates == out.ranking[:3]


def test_the_highest_and_lowest_are_dropped_from_five_members_when_the_lot_says_so() -> None:
    method = dataclasses.replace(METHOD, drop_extremes=True)
    s = state(method=method, prices=(100, 100))
    sheets = qualification(s, {}) + scores(
        s, {1: (0, 0), 2: (10, 0), 3: (20, 0), 4: (30, 0), 5: (1000, 0)}
    )
    out = outcome_of(s, sheets, DEFAULT_POLICY, facts(s))
    assert out.totals[s.bids[0].bid_id].technical == 20  # (10 + 20 + 30) / 3
    assert out.totals[s.bids[0].bid_id].dropped == (1, 5)  # the lowest, the highest
    four = state(members=4, method=method, prices=(100,))
    sheets = qualification(four, {}) + scores(four, {1: (0,), 2: (10,), 3: (20,), 4: (1000,)})
    assert (
        outcome_of(four, sheets, DEFAULT_POLICY, facts(four)).totals[four.bids[0].bid_id].technical
        == 258  # 1030 / 4 = 257.5, a half up: fewer than five members, nothing dropped
    )


def test_a_price_above_the_ceiling_is_rejected_and_takes_no_part_in_the_base() -> None:
    s = state(prices=(500, 200, 100))
    sheets = qualification(s, {}) + scores(s, {n: (1000, 1000, 1000) for n in range(1, 6)})
    out = outcome_of(s, sheets, DEFAULT_POLICY, facts(s, ceiling=400))
    assert out.price_rejected == {s.bids[0].bid_id: "price_above_ceiling"}
    assert s.bids[0].bid_id not in out.ranking
    assert out.price_scores[s.bids[2].bid_id] == 6000  # the lowest valid price: full marks


def test_lowest_evaluated_price_ranks_by_price_plus_the_mean_adjustment() -> None:
    s = state(method=LOWEST, prices=(1000, 1100))
    adjust = [
        sheet(
            s,
            seat,
            SheetPhase.ADJUSTMENT,
            [
                {"bid": str(s.bids[0].bid_id), "item": "a1", "fen": 300},
                {"bid": str(s.bids[1].bid_id), "item": "a1", "fen": -50},
            ],
        )
        for seat in range(1, 6)
    ]
    out = outcome_of(s, qualification(s, {}) + adjust, DEFAULT_POLICY, facts(s))
    assert [out.totals[b].evaluated_price_fen for b in out.ranking] == [1050, 1300]
    assert out.ranking == (s.bids[1].bid_id, s.bids[0].bid_id)


def test_equal_totals_go_to_the_lower_price_then_the_earlier_submission() -> None:
    """§3.7 with the tie rule lower_price: then the submission decides."""
    s = state(prices=(100, 100, 90))
    sheets = qualification(s, {}) + scores(s, {n: (600, 500, 0) for n in range(1, 6)})
    # price scores 5400, 5400, 6000 → totals 6000, 5900, 6000: bid 2 (cheaper) first.
    late = facts(s, ceiling=1000, b2=AT + dt.timedelta(days=1))
    out = outcome_of(s, sheets, DEFAULT_POLICY, late)
    assert out.ranking == (s.bids[2].bid_id, s.bids[0].bid_id, s.bids[1].bid_id)
    assert [str(r.decided_by) for r in out.ranked[1:]] == ["tie_rule", "result"]
    s = state(prices=(100, 100))
    sheets = qualification(s, {}) + scores(s, {n: (500, 500) for n in range(1, 6)})
    out = outcome_of(
        s, sheets, DEFAULT_POLICY, facts(s, ceiling=1000, b1=AT, b0=AT + dt.timedelta(hours=1))
    )
    assert out.ranking == (s.bids[1].bid_id, s.bids[0].bid_id)
    assert str(out.ranked[1].decided_by) == "submission"


def test_the_lots_tie_rule_decides_equal_totals() -> None:
    """earlier_submission: of two equal totals the bid received first ranks first, even
    at a higher price."""
    method = dataclasses.replace(METHOD, tie_rule=TieRule.EARLIER_SUBMISSION)
    s = state(method=method, prices=(90, 100))
    # price scores 6000 and 5400: technical 0 and 600 → both total 6000.
    sheets = qualification(s, {}) + scores(s, {n: (0, 600) for n in range(1, 6)})
    later = facts(s, ceiling=1000, b0=AT + dt.timedelta(hours=1))
    out = outcome_of(s, sheets, DEFAULT_POLICY, later)
    assert out.ranking == (s.bids[1].bid_id, s.bids[0].bid_id)
    assert str(out.ranked[1].decided_by) == "tie_rule"


def test_ranking_a_passed_bid_without_its_price_is_refused() -> None:
    s = state(prices=(100, None))
    with pytest.raises(PricesSealed):
        outcome_of(s, qualification(s, {}), DEFAULT_POLICY, facts(s))
    failed = qualification(s, {n: {1} for n in range(1, 6)})
    scored = scores(s, {n: (100,) for n in range(1, 6)}, bids=[0])  # the passed bid only
    rejected_unpriced = outcome_of(s, failed + scored, DEFAULT_POLICY, facts(s))
    assert rejected_unpriced.ranking == (s.bids[0].bid_id,)  # a failed bid needs no price


def test_passed_bids_exist_once_the_qualification_reveal_is_over() -> None:
    s = state(two_envelope=True, prices=(None, None, None))
    sheets = qualification(s, {n: {2} for n in range(1, 6)})
    for phase in (Phase.QUALIFICATION, Phase.QUALIFICATION_REVEAL, Phase.SEALED):
        assert passed_bids(dataclasses.replace(s, phase=phase), sheets) is None
    found = passed_bids(dataclasses.replace(s, phase=Phase.COMMERCIAL_OPENING), sheets)
    assert found == frozenset(b.bid_id for b in s.bids[:2])
    assert isinstance(next(iter(found or {UUID(int=0)})), UUID)
