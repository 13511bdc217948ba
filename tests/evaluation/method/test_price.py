"""Price scores and evaluated prices: computed from the opened prices in integers, with
the roundings docs/formats/evaluation-method.md §3 states."""

from __future__ import annotations

from fractions import Fraction
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.method.model import RejectionReason
from evaluation.method.price import evaluated_prices, price_scores, within_ceiling
from evaluation.method.rounding import div_half_away, div_half_up
from tender.model import PriceFormula, PriceScore
from tests.evaluation.method.kit import BID_A, BID_B, BID_C, adjust, comprehensive, lowest

CEILING = 10_000_000


def benchmark(above: int = 100, below: int = 50) -> PriceScore:
    return PriceScore(
        points=60,
        formula=PriceFormula.BENCHMARK_DEVIATION,
        above_per_percent=above,
        below_per_percent=below,
    )


def half_up(value: Fraction) -> int:
    """The reference: floor(value + 1/2)."""
    return int((value + Fraction(1, 2)) // 1)


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**9))
def test_div_half_up_rounds_a_half_upwards(n: int, d: int) -> None:
    """div_half_up(n, d) = ⌊n/d + ½⌋ exactly, for any sign of n."""
    assert div_half_up(n, d) == half_up(Fraction(n, d))


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**9))
def test_div_half_away_is_symmetric(n: int, d: int) -> None:
    """A half goes away from zero: −x rounds to −(x rounded)."""
    assert div_half_away(-n, d) == -div_half_away(n, d)
    assert abs(div_half_away(n, d) - Fraction(n, d)) <= Fraction(1, 2)


def test_rounding_examples() -> None:
    """2.5 → 3, −2.5 → −2 half up and −3 half away; a divisor of 0 is a bug."""
    assert (div_half_up(5, 2), div_half_up(-5, 2), div_half_away(-5, 2)) == (3, -2, -3)
    with pytest.raises(ValueError, match="divisor"):
        div_half_up(1, 0)


def test_lowest_price_base_gives_points_times_base_over_price() -> None:
    """60 × 8,000,000 / 9,000,000 = 53.333… → 5333 hundredths; the lowest gets 6000."""
    found = price_scores(comprehensive(), {BID_A: 8_000_000, BID_B: 9_000_000}, CEILING)
    assert found.scores == {BID_A: 6000, BID_B: 5333}
    assert (found.base_fen, found.rejected) == (8_000_000, {})


def test_a_price_above_the_ceiling_is_rejected_and_out_of_the_base() -> None:
    """Reg. 51: above the ceiling → price_above_ceiling, and the base is the valid lowest."""
    prices = {BID_A: 10_000_001, BID_B: 9_000_000, BID_C: CEILING}
    found = price_scores(comprehensive(), prices, CEILING)
    assert found.rejected == {BID_A: RejectionReason.PRICE_ABOVE_CEILING}
    assert found.scores == {BID_B: 6000, BID_C: 5400}
    assert found.prices == {BID_B: 9_000_000, BID_C: CEILING}


def test_every_price_above_the_ceiling_leaves_no_base() -> None:
    """No valid price: no scores, no base."""
    found = price_scores(comprehensive(), {BID_A: CEILING + 1}, CEILING)
    assert (found.scores, found.base_fen) == ({}, None)


def test_a_price_of_zero_is_the_base_with_full_marks() -> None:
    """0 / 0 is defined as the lowest price's full marks; any other price scores 0."""
    found = price_scores(comprehensive(), {BID_A: 0, BID_B: 5}, CEILING)
    assert found.scores == {BID_A: 6000, BID_B: 0}


def test_the_benchmark_is_the_mean_and_points_are_lost_per_percent() -> None:
    """Mean of 9,000,000, 10,000,000 and 11,000,000 = 10,000,000; 10 % below loses
    10 × 0.50 = 5 points, 10 % above loses 10 × 1.00 = 10 points."""
    method = comprehensive(price=benchmark())
    prices = {BID_A: 9_000_000, BID_B: 10_000_000, BID_C: 11_000_000}
    found = price_scores(method, prices, 20_000_000)
    assert found.base_fen == 10_000_000
    assert found.scores == {BID_A: 5500, BID_B: 6000, BID_C: 5000}


def test_the_benchmark_deduction_is_linear_and_rounded_once() -> None:
    """Mean of 1000 and 1003 fen = 1001.5 → 1002; 1003 is 1/1002 above:
    100 × 1 × 100 / 1002 = 9.98 → 10 hundredths; 1000 is 2/1002 below → 9.98 → 10."""
    method = comprehensive(price=benchmark())
    found = price_scores(method, {BID_A: 1000, BID_B: 1003}, CEILING)
    assert found.base_fen == 1002
    assert found.scores == {BID_A: 5990, BID_B: 5990}


def test_the_benchmark_score_never_goes_below_zero() -> None:
    """Far above the benchmark: 0, not negative."""
    method = comprehensive(price=benchmark(above=10_000))
    found = price_scores(method, {BID_A: 1000, BID_B: 3000}, CEILING)
    assert found.scores[BID_B] == 0


@given(st.dictionaries(st.uuids(), st.integers(0, 10**11), min_size=1, max_size=12))
def test_price_scores_lie_within_the_price_points(prices: dict[UUID, int]) -> None:
    """Every score is 0…points × 100, the base price gets full marks (both formulas)."""
    for formula in PriceFormula:
        price = PriceScore(points=60, formula=formula, above_per_percent=80, below_per_percent=40)
        found = price_scores(comprehensive(price=price), prices, 10**11)
        assert all(0 <= s <= 6000 for s in found.scores.values())
        if formula is PriceFormula.LOWEST_PRICE_BASE:
            assert found.scores[min(prices, key=prices.__getitem__)] == 6000


@pytest.mark.parametrize("price", [-1, True, 1.5, "100"])
def test_a_price_that_is_not_whole_fen_is_a_bug(price: object) -> None:
    """Prices come from the opening record: anything but a whole fen ≥ 0 is ValueError."""
    with pytest.raises(ValueError, match="fen"):
        within_ceiling({BID_A: price}, CEILING)  # type: ignore[dict-item]


def test_price_scores_belong_to_comprehensive_scoring() -> None:
    """Lowest price has no price score."""
    with pytest.raises(ValueError, match="comprehensive"):
        price_scores(lowest(), {BID_A: 1}, CEILING)


def test_the_evaluated_price_adds_the_committees_mean_adjustment() -> None:
    """Three members adjust "pay" by −1, −1, 0 fen: −2/3 → −1; "time" by 100, 101, 101:
    302/3 = 100.67 → 101. Evaluated = 5,000,000 − 1 + 101."""
    sheets = {
        1: adjust({BID_A: (-1, 100), BID_B: (0, 0)}),
        2: adjust({BID_A: (-1, 101), BID_B: (0, 0)}),
        3: adjust({BID_A: (0, 101), BID_B: (0, 0)}),
    }
    found = evaluated_prices(
        lowest(), (BID_A, BID_B), sheets, {BID_A: 5_000_000, BID_B: 4_000_000}, CEILING
    )
    first = found.prices[0]
    assert (first.bid, first.adjustments, first.evaluated_fen) == (
        BID_A,
        {"pay": -1, "time": 101},
        5_000_100,
    )
    assert found.prices[1].evaluated_fen == 4_000_000


def test_an_adjustment_mean_of_a_half_goes_away_from_zero() -> None:
    """Two members: −1 and −2 → −1.5 → −2; 1 and 2 → 1.5 → 2."""
    sheets = {1: adjust({BID_A: (-1, 1)}), 2: adjust({BID_A: (-2, 2)})}
    found = evaluated_prices(lowest(), (BID_A,), sheets, {BID_A: 1000}, CEILING)
    assert found.prices[0].adjustments == {"pay": -2, "time": 2}


def test_evaluated_prices_reject_a_price_above_the_ceiling() -> None:
    """Reg. 51 holds under lowest price too: the bid is out, whatever its adjustments."""
    sheets = {1: adjust({BID_A: (0, 0), BID_B: (0, 0)})}
    prices = {BID_A: CEILING + 1, BID_B: CEILING}
    found = evaluated_prices(lowest(), (BID_A, BID_B), sheets, prices, CEILING)
    assert [p.bid for p in found.prices] == [BID_B]
    assert found.rejected == {BID_A: RejectionReason.PRICE_ABOVE_CEILING}


def test_evaluated_prices_need_every_sheet_and_price() -> None:
    """A sheet missing a bid, no sheet at all, or a bid without a price is a caller's bug."""
    whole = {1: adjust({BID_A: (0, 0), BID_B: (0, 0)})}
    partial = {1: adjust({BID_A: (0, 0)})}
    prices = {BID_A: 1, BID_B: 1}
    for sheets, given_prices in ((partial, prices), ({}, prices), (whole, {BID_A: 1})):
        with pytest.raises(ValueError):
            evaluated_prices(lowest(), (BID_A, BID_B), sheets, given_prices, CEILING)
    with pytest.raises(ValueError, match="lowest"):
        evaluated_prices(comprehensive(), (BID_A,), whole, prices, CEILING)
