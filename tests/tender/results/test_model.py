"""The award's order as pure rules (Reg. 55): current candidates, first-ranked only
when state-funded, a re-tendered lot closed."""

from __future__ import annotations

import datetime as dt
from uuid import UUID, uuid4

import pytest

from tender.results.errors import (
    AwardExists,
    AwardLotDecided,
    AwardNotACandidate,
    AwardNotCurrent,
    AwardOutOfOrder,
)
from tender.results.model import (
    AwardDecision,
    AwardKind,
    Candidate,
    check_award,
    check_drop_out,
    check_retender,
    current_candidates,
    lot_done,
)

AT = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)
CANDIDATES = [
    Candidate(
        rank=n,
        bid_id=uuid4(),
        bidder_id=uuid4(),
        credit_code=f"code{n}",
        name=f"投标人{n}",
        fields={"price": 100 * n},
        total=None,
        evaluated_price_fen=None,
    )
    for n in (1, 2, 3)
]


def _decision(
    step: int, kind: AwardKind, bid: UUID | None, *, current: bool = False
) -> AwardDecision:
    return AwardDecision(
        id=uuid4(), tender_id=uuid4(), lot="1", step=step, kind=kind, bid_id=bid,
        bidder_id=None, rank=None, price_fen=None, reason="r", decided_at=AT, current=current,
    )  # fmt: skip


def test_a_state_funded_lot_awards_its_first_current_candidate_only() -> None:
    assert check_award(CANDIDATES, [], CANDIDATES[0].bid_id, state_funded=True) == CANDIDATES[0]
    with pytest.raises(AwardOutOfOrder):
        check_award(CANDIDATES, [], CANDIDATES[1].bid_id, state_funded=True)
    assert check_award(CANDIDATES, [], CANDIDATES[2].bid_id, state_funded=False) == CANDIDATES[2]
    with pytest.raises(AwardNotACandidate):
        check_award(CANDIDATES, [], uuid4(), state_funded=False)


def test_after_the_first_drops_out_the_second_is_first() -> None:
    done = [
        _decision(1, AwardKind.AWARD, CANDIDATES[0].bid_id),
        _decision(2, AwardKind.DROP_OUT, CANDIDATES[0].bid_id),
    ]
    assert current_candidates(CANDIDATES, done) == CANDIDATES[1:]
    assert check_award(CANDIDATES, done, CANDIDATES[1].bid_id, state_funded=True) == CANDIDATES[1]
    with pytest.raises(AwardNotACandidate):
        check_award(CANDIDATES, done, CANDIDATES[0].bid_id, state_funded=False)
    with pytest.raises(AwardNotCurrent):
        check_drop_out(CANDIDATES, done, CANDIDATES[0].bid_id)


def test_a_current_award_blocks_another_award_and_a_retender() -> None:
    done = [_decision(1, AwardKind.AWARD, CANDIDATES[0].bid_id, current=True)]
    assert lot_done(done)
    with pytest.raises(AwardExists):
        check_award(CANDIDATES, done, CANDIDATES[1].bid_id, state_funded=False)
    with pytest.raises(AwardExists):
        check_retender(done)


def test_a_retendered_lot_takes_no_more_decisions() -> None:
    done = [_decision(1, AwardKind.RETENDER, None)]
    assert lot_done(done)
    for refused in (
        lambda: check_award(CANDIDATES, done, CANDIDATES[0].bid_id, state_funded=True),
        lambda: check_drop_out(CANDIDATES, done, CANDIDATES[0].bid_id),
        lambda: check_retender(done),
    ):
        with pytest.raises(AwardLotDecided):
            refused()
