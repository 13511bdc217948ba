"""The committee's findings from its members' sheets: the qualification majority, the
deviation review (±30 % by default) and the aggregation (docs: evaluation-method.md §3)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.method.committee import aggregate, deviations, qualification_majority
from evaluation.method.model import QualificationEntry, RejectionReason, ScoreEntry
from evaluation.method.price import price_scores
from tests.evaluation.method.kit import (
    BID_A,
    BID_B,
    BID_C,
    comprehensive,
    finding,
    lowest,
    score_entries,
)

# --- qualification majority -------------------------------------------------------------


def sheet(licence_a: str | None, bond_a: str | None = None) -> list[QualificationEntry]:
    """A member's qualification sheet: bid B passes all; bid A as given."""
    return [
        finding(BID_A, "bond", bond_a),
        finding(BID_A, "licence", licence_a),
        finding(BID_B, "bond"),
        finding(BID_B, "licence"),
    ]


def test_a_strict_majority_fails_a_bid_and_its_reasons_are_kept() -> None:
    """3 of 5 fail the licence: the bid fails with the reasons they named, most named first."""
    sheets = {
        1: sheet("not_qualified"),
        2: sheet("collusion_or_fraud"),
        3: sheet("collusion_or_fraud"),
        4: sheet(None),
        5: sheet(None),
    }
    a, b = qualification_majority(comprehensive(), (BID_A, BID_B), sheets)
    assert (a.bid, a.passed, b.passed) == (BID_A, False, True)
    licence = a.items[0]  # the method's order: licence, bond
    assert (licence.item, licence.passes, licence.fails) == ("licence", 2, 3)
    assert licence.reasons == (RejectionReason.COLLUSION_OR_FRAUD, RejectionReason.NOT_QUALIFIED)
    assert a.reasons == licence.reasons


def test_a_minority_refusal_does_not_fail_the_bid_but_is_recorded() -> None:
    """2 of 5 fail it: the bid passes; the item still counts the refusals."""
    sheets = {n: sheet("not_qualified" if n <= 2 else None) for n in range(1, 6)}
    a = qualification_majority(comprehensive(), (BID_A, BID_B), sheets)[0]
    assert a.passed
    assert (a.items[0].fails, a.items[0].reasons, a.reasons) == (
        2,
        (RejectionReason.NOT_QUALIFIED,),
        (),
    )


def test_a_tie_fails_the_item() -> None:
    """2 pass, 2 fail: no strict majority found it qualified, so it fails."""
    sheets = {n: sheet("not_responsive" if n <= 2 else None) for n in range(1, 5)}
    a = qualification_majority(comprehensive(), (BID_A, BID_B), sheets)[0]
    assert (a.items[0].passes, a.items[0].fails, a.items[0].passed) == (2, 2, False)
    assert not a.passed


def test_a_bid_fails_on_any_failed_item_with_each_items_reasons() -> None:
    """Failing two items gives both items' reasons, in the method's item order."""
    sheets = {n: sheet("not_qualified", "no_signature") for n in range(1, 4)}
    a = qualification_majority(comprehensive(), (BID_A, BID_B), sheets)[0]
    assert a.reasons == (RejectionReason.NOT_QUALIFIED, RejectionReason.NO_SIGNATURE)


def test_no_qualification_items_pass_every_bid() -> None:
    """Empty sheets: each bid is listed, passed."""
    found = qualification_majority(comprehensive(qualification=()), (BID_B, BID_A), {1: []})
    assert [(q.bid, q.passed) for q in found] == [(BID_A, True), (BID_B, True)]


def test_sheets_that_do_not_cover_the_bids_are_a_bug() -> None:
    """Sheets validated against another bid list, or no sheet at all: ValueError."""
    with pytest.raises(ValueError, match="seat 2"):
        qualification_majority(comprehensive(), (BID_A, BID_B), {1: sheet(None), 2: []})
    with pytest.raises(ValueError, match="no member"):
        qualification_majority(comprehensive(), (BID_A, BID_B), {})


# --- deviation review -------------------------------------------------------------------


def one_item(*points: int) -> dict[int, list[ScoreEntry]]:
    """Seats 1…n scoring bid A: tech.plan as given, the other sub-items 0."""
    return {
        seat: score_entries({BID_A: (value, 0, 0)}) for seat, value in enumerate(points, start=1)
    }


def flagged(sheets: dict[int, list[ScoreEntry]], percent: int = 30) -> list[tuple[int, str]]:
    return [(d.seat, d.item) for d in deviations(comprehensive(), sheets, percent)]


def test_a_score_more_than_30_percent_from_the_others_mean_is_flagged() -> None:
    """Others 1000, 1000, 1000: 1301 is 30.1 % off (flagged); 1300 is exactly 30 % (not)."""
    assert flagged(one_item(1000, 1000, 1000, 1301)) == [(4, "tech.plan")]
    assert flagged(one_item(1000, 1000, 1000, 1300)) == []
    assert flagged(one_item(1000, 1000, 1000, 699)) == [(4, "tech.plan")]
    assert flagged(one_item(1000, 1000, 1000, 700)) == []


def test_each_member_is_compared_with_the_mean_of_the_others() -> None:
    """1000, 1000, 2000: the 2000 is 100 % above 1000; each 1000 is 1000 vs a mean of 1500,
    33.3 % below: all three are flagged."""
    found = deviations(comprehensive(), one_item(1000, 1000, 2000), 30)
    assert [(d.seat, d.points, d.others_sum, d.others_count) for d in found] == [
        (1, 1000, 3000, 2),
        (2, 1000, 3000, 2),
        (3, 2000, 2000, 2),
    ]
    assert found[0].others_mean == 1500


def test_against_a_mean_of_zero_any_other_score_is_flagged() -> None:
    """percent % of 0 is 0: 50 against 0, 0, 0 deviates (and each 0 is 16.67 below a mean
    of 50/3, beyond 30 % of it); 0 among zeros does not."""
    found = deviations(comprehensive(), one_item(0, 0, 0, 50), 30)
    assert [(d.seat, d.others_sum) for d in found] == [(1, 50), (2, 50), (3, 50), (4, 0)]
    assert flagged(one_item(0, 0, 0, 0)) == []


def test_one_member_alone_has_nobody_to_deviate_from() -> None:
    """No others: nothing flagged."""
    assert flagged(one_item(2000)) == []


def test_the_percent_is_the_policys() -> None:
    """At 10 %, 1150 against 1000 is flagged; at 0 % any difference is."""
    assert flagged(one_item(1000, 1000, 1150), 10) != []
    assert flagged(one_item(1000, 1000, 1001), 0) == [
        (1, "tech.plan"),
        (2, "tech.plan"),
        (3, "tech.plan"),
    ]
    with pytest.raises(ValueError, match="percent"):
        flagged(one_item(1000, 1000), 101)


@given(st.lists(st.integers(0, 2000), min_size=2, max_size=9), st.integers(0, 100))
def test_deviations_match_the_rational_definition(points: list[int], percent: int) -> None:
    """Flagged exactly when |s − m| > percent/100 × m, m the others' mean as a fraction."""
    expected = []
    for seat, own in enumerate(points, start=1):
        others = [p for n, p in enumerate(points, start=1) if n != seat]
        mean = Fraction(sum(others), len(others))
        if abs(own - mean) > Fraction(percent, 100) * mean:
            expected.append((seat, "tech.plan"))
    assert flagged(one_item(*points), percent) == expected


# --- aggregation ------------------------------------------------------------------------

PRICES = {BID_A: 8_000_000, BID_B: 9_000_000}


def scoring_sheets(*totals: tuple[int, int]) -> dict[int, list[ScoreEntry]]:
    """Seat n gives bid A and bid B these tech.plan points (other sub-items: 500, 1000)."""
    return {
        seat: score_entries({BID_A: (a, 500, 1000), BID_B: (b, 500, 1000)})
        for seat, (a, b) in enumerate(totals, start=1)
    }


def test_the_committee_score_is_the_mean_of_the_members_totals() -> None:
    """Bid A: technical sums 3000, 3001, 3001 → 9002/3 = 3000.67 → 3001, plus 6000 price."""
    sheets = scoring_sheets((1500, 1500), (1501, 1500), (1501, 1500))
    prices = price_scores(comprehensive(), PRICES, 10_000_000)
    a, b = aggregate(comprehensive(), (BID_A, BID_B), sheets, prices)
    assert (a.bid, a.members, a.dropped) == (BID_A, {1: 3000, 2: 3001, 3: 3001}, ())
    assert (a.technical, a.price, a.total) == (3001, 6000, 9001)
    assert a.member_totals == {1: 9000, 2: 9001, 3: 9001}
    assert (b.technical, b.price, b.total, b.price_fen) == (3000, 5333, 8333, 9_000_000)


def test_drop_extremes_leaves_out_one_highest_and_one_lowest_from_five() -> None:
    """Sums 2000, 3000, 3000, 3000, 4000 (plan 500…2000): mean of the middle three = 3000."""
    sheets = scoring_sheets((500, 0), (1500, 0), (1500, 0), (1500, 0), (2000, 0))
    sheets[5] = score_entries({BID_A: (2000, 1000, 1000), BID_B: (0, 500, 1000)})
    method = comprehensive(drop_extremes=True)
    prices = price_scores(method, PRICES, 10_000_000)
    a = aggregate(method, (BID_A, BID_B), sheets, prices)[0]
    assert a.members == {1: 2000, 2: 3000, 3: 3000, 4: 3000, 5: 4000}
    assert (a.dropped, a.technical) == ((1, 5), 3000)
    b = aggregate(method, (BID_A, BID_B), sheets, prices)[1]
    assert b.dropped == (1, 5)  # all equal: the lowest and highest seats are left out


def test_drop_extremes_needs_five_members() -> None:
    """With four members nothing is dropped, even when the method says so."""
    sheets = scoring_sheets((500, 0), (1500, 0), (1500, 0), (2000, 0))
    method = comprehensive(drop_extremes=True)
    a = aggregate(method, (BID_A, BID_B), sheets, price_scores(method, PRICES, 10_000_000))[0]
    assert (a.dropped, a.technical) == ((), 2875)


def test_a_bid_rejected_for_its_price_is_not_aggregated() -> None:
    """Two-envelope lots open prices after scoring: a price above the ceiling drops the bid."""
    sheets = scoring_sheets((1500, 1500))
    prices = price_scores(comprehensive(), {BID_A: 8_000_000, BID_B: 11_000_000}, 10_000_000)
    assert [s.bid for s in aggregate(comprehensive(), (BID_A, BID_B), sheets, prices)] == [BID_A]


def test_a_scored_bid_without_a_price_score_is_a_bug() -> None:
    """Neither scored nor rejected by the price: ValueError; lowest price does not aggregate."""
    prices = price_scores(comprehensive(), {BID_A: 8_000_000}, 10_000_000)
    with pytest.raises(ValueError, match="price score"):
        aggregate(comprehensive(), (BID_A, BID_B), scoring_sheets((0, 0)), prices)
    with pytest.raises(ValueError, match="comprehensive"):
        aggregate(lowest(), (BID_A,), {1: []}, prices)


@given(
    st.lists(st.integers(0, 2000), min_size=1, max_size=11),
    st.booleans(),
)
def test_the_committee_technical_score_is_the_rounded_mean(plan: list[int], drop: bool) -> None:
    """technical = ⌊mean + ½⌋ of the kept sums (sorted, ends dropped from 5 members)."""
    sheets = {
        seat: score_entries({BID_C: (value, 0, 0)}) for seat, value in enumerate(plan, start=1)
    }
    method = comprehensive(drop_extremes=drop)
    prices = price_scores(method, {BID_C: 1}, 10)
    score = aggregate(method, (BID_C,), sheets, prices)[0]
    kept = sorted(plan)[1:-1] if drop and len(plan) >= 5 else plan
    assert score.technical == int(Fraction(sum(kept), len(kept)) + Fraction(1, 2))
    assert score.total == score.technical + 6000
