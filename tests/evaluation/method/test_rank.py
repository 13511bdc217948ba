"""Reg. 53: at most three ranked candidates; ties follow the method's stated rule."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import pytest

from evaluation.method.committee import BidScore
from evaluation.method.price import EvaluatedPrice
from evaluation.method.rank import DecidedBy, rank
from tender.model import TieRule
from tests.evaluation.method.kit import BID_A, BID_B, BID_C, comprehensive, lowest

BID_D = UUID("00000000-0000-4000-8000-00000000000d")
T0 = dt.datetime(2026, 3, 31, 1, tzinfo=dt.UTC)
SUBMITTED = {
    bid: T0 + dt.timedelta(minutes=n) for n, bid in enumerate((BID_D, BID_C, BID_B, BID_A))
}


def score(bid: UUID, total: int, *, price_fen: int = 1000, technical: int = 3000) -> BidScore:
    return BidScore(
        bid=bid,
        price_fen=price_fen,
        price=total - technical,
        members={1: technical},
        dropped=(),
        technical=technical,
        total=total,
    )


def evaluated(bid: UUID, fen: int, *, price_fen: int | None = None) -> EvaluatedPrice:
    opened = fen if price_fen is None else price_fen
    return EvaluatedPrice(
        bid=bid, price_fen=opened, adjustments={"pay": fen - opened}, evaluated_fen=fen
    )


def test_comprehensive_scoring_ranks_the_higher_total_first() -> None:
    """Totals 80, 90, 70, 85 → B, D, A, C; the first three are the candidates."""
    results = [score(BID_A, 8000), score(BID_B, 9000), score(BID_C, 7000), score(BID_D, 8500)]
    ranking = rank(comprehensive(), results, SUBMITTED)
    assert [(r.rank, r.bid, r.total) for r in ranking.order] == [
        (1, BID_B, 9000),
        (2, BID_D, 8500),
        (3, BID_A, 8000),
        (4, BID_C, 7000),
    ]
    assert ranking.candidates == (BID_B, BID_D, BID_A)
    assert [r.decided_by for r in ranking.order] == [None, *[DecidedBy.RESULT] * 3]


def test_lowest_price_ranks_the_lower_evaluated_price_first() -> None:
    """Evaluated prices, not opened ones: A opened lowest but adjusts above B."""
    results = [evaluated(BID_A, 1_200, price_fen=900), evaluated(BID_B, 1_000)]
    ranking = rank(lowest(), results, SUBMITTED)
    assert [(r.bid, r.evaluated_fen, r.total) for r in ranking.order] == [
        (BID_B, 1_000, None),
        (BID_A, 1_200, None),
    ]


def test_a_tie_goes_to_the_lower_price_under_lower_price() -> None:
    """Equal totals: the lower opened price first, decided by the tie rule."""
    results = [score(BID_A, 9000, price_fen=1100), score(BID_B, 9000, price_fen=1000)]
    ranking = rank(comprehensive(tie_rule=TieRule.LOWER_PRICE), results, SUBMITTED)
    assert [(r.bid, r.decided_by) for r in ranking.order] == [
        (BID_B, None),
        (BID_A, DecidedBy.TIE_RULE),
    ]


def test_a_tie_goes_to_the_higher_technical_score_under_higher_technical() -> None:
    """Equal totals: the higher committee technical score first."""
    results = [score(BID_A, 9000, technical=3500), score(BID_B, 9000, technical=3000)]
    ranking = rank(comprehensive(tie_rule=TieRule.HIGHER_TECHNICAL), results, SUBMITTED)
    assert ranking.candidates == (BID_A, BID_B)
    assert ranking.order[1].decided_by is DecidedBy.TIE_RULE


def test_a_tie_goes_to_the_earlier_bid_under_earlier_submission() -> None:
    """Equal evaluated prices: the bid received first (B before A here)."""
    results = [evaluated(BID_A, 1_000), evaluated(BID_B, 1_000)]
    ranking = rank(lowest(tie_rule=TieRule.EARLIER_SUBMISSION), results, SUBMITTED)
    assert [(r.bid, r.decided_by) for r in ranking.order] == [
        (BID_B, None),
        (BID_A, DecidedBy.TIE_RULE),
    ]


def test_when_the_tie_rule_does_not_separate_the_earlier_submission_does() -> None:
    """Equal totals and prices under lower_price: received first, shown as submission."""
    results = [score(BID_A, 9000), score(BID_B, 9000)]
    ranking = rank(comprehensive(tie_rule=TieRule.LOWER_PRICE), results, SUBMITTED)
    assert [(r.bid, r.decided_by) for r in ranking.order] == [
        (BID_B, None),
        (BID_A, DecidedBy.SUBMISSION),
    ]


def test_when_nothing_stated_separates_two_bids_the_report_says_so() -> None:
    """Same total, price and time: ordered by bid id, decided_by bid_id."""
    same = {BID_A: T0, BID_B: T0}
    ranking = rank(comprehensive(), [score(BID_B, 9000), score(BID_A, 9000)], same)
    assert [(r.bid, r.decided_by) for r in ranking.order] == [
        (BID_A, None),
        (BID_B, DecidedBy.BID_ID),
    ]


def test_candidates_are_at_most_three_and_at_most_the_policys() -> None:
    """Reg. 53 caps at 3 whatever the policy; a policy of 1 names one."""
    results = [score(b, 9000 - n) for n, b in enumerate((BID_A, BID_B, BID_C, BID_D))]
    assert len(rank(comprehensive(), results, SUBMITTED, max_candidates=5).candidates) == 3
    assert rank(comprehensive(), results, SUBMITTED, max_candidates=1).candidates == (BID_A,)
    assert rank(comprehensive(), results[:2], SUBMITTED).candidates == (BID_A, BID_B)
    assert rank(comprehensive(), [], SUBMITTED).order == ()


def test_a_ranking_of_the_wrong_kind_or_without_times_is_a_bug() -> None:
    """Results of the other method, a bid twice, a missing or naive time, 0 candidates."""
    naive = {BID_A: dt.datetime(2026, 3, 31, 9)}
    bad = [
        (comprehensive(), [evaluated(BID_A, 1)], SUBMITTED, 3),
        (lowest(), [score(BID_A, 1)], SUBMITTED, 3),
        (comprehensive(), [score(BID_A, 1), score(BID_A, 2)], SUBMITTED, 3),
        (comprehensive(), [score(BID_A, 1)], {}, 3),
        (comprehensive(), [score(BID_A, 1)], naive, 3),
        (comprehensive(), [score(BID_A, 1)], SUBMITTED, 0),
    ]
    for method, results, times, most in bad:
        with pytest.raises(ValueError):
            rank(method, results, times, max_candidates=most)  # type: ignore[arg-type]
