"""The committee's outcome from the revealed sheets: qualification, totals, ranking (pure).

DOMAIN.md, "Evaluation": only the method in the tender documents is used (Reg. 49); a bid
a majority of the members failed on a qualification item is rejected with its Reg. 51
reasons; the others are aggregated by the lot's rule and ranked, at most
``policy.max_candidates`` (3) of them candidates. Only the sheets of each seat's current
holder count: a replaced member's findings are void (Reg. 48 / DOMAIN.md). The arithmetic
is the method's (evaluation/report/_method_bridge.py until evaluation/method lands).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from evaluation.model import EvaluationPolicy, Phase, SessionState, SheetPhase, sheet_phases
from evaluation.report import _method_bridge as method
from evaluation.report._method_bridge import Total, Verdict
from evaluation.report.errors import PricesSealed
from evaluation.report.inputs import RevealedSheet


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Outcome:
    """What the committee decided, bid by bid."""

    verdicts: Mapping[UUID, Verdict]  # every bid of the session: qualification
    price_rejected: Mapping[UUID, str]  # passed bids rejected for their price (Reg. 51)
    price_scores: Mapping[UUID, int]  # passed bids (comprehensive scoring)
    totals: Mapping[UUID, Total]  # passed bids
    ranking: tuple[UUID, ...]  # passed bids, best first
    candidates: tuple[UUID, ...]  # the first ≤ max_candidates of the ranking

    @property
    def passed(self) -> frozenset[UUID]:
        """The bids that passed qualification."""
        return frozenset(bid for bid, v in self.verdicts.items() if v.passed)


def counted(state: SessionState, sheets: Iterable[RevealedSheet]) -> list[RevealedSheet]:
    """The sheets of each seat's current (seated) holder: a replaced holder's are void."""
    holders = {(m.seat, m.generation) for m in state.seated}
    return [s for s in sheets if (s.seat, s.generation) in holders]


def latest(sheets: Iterable[RevealedSheet], phase: SheetPhase) -> dict[int, RevealedSheet]:
    """Each seat's latest version of its sheet of ``phase``."""
    found: dict[int, RevealedSheet] = {}
    for sheet in sheets:
        if sheet.phase is phase and (
            sheet.seat not in found or sheet.version > found[sheet.seat].version
        ):
            found[sheet.seat] = sheet
    return found


def first(sheets: Iterable[RevealedSheet], phase: SheetPhase) -> dict[int, RevealedSheet]:
    """Each seat's sheet of ``phase`` as revealed (version 1): the deviation review's input."""
    return {s.seat: s for s in sheets if s.phase is phase and s.version == 1}


def entries_by_seat(found: Mapping[int, RevealedSheet]) -> dict[int, list[dict[str, Any]]]:
    """seat → entries of its sheet."""
    return {seat: sheet.entries for seat, sheet in found.items()}


def value_phase(state: SessionState) -> SheetPhase:
    """The phase whose sheets carry values: scoring, or adjustment (lowest price)."""
    return sheet_phases(state.method.method)[1]


def verdicts(state: SessionState, sheets: Iterable[RevealedSheet]) -> dict[UUID, Verdict]:
    """Each bid's qualification result: passed unless a majority failed one of its items."""
    mine = counted(state, sheets)
    found = method.qualification_majority(entries_by_seat(latest(mine, SheetPhase.QUALIFICATION)))
    return {
        b.bid_id: found.get(b.bid_id, Verdict(bid=b.bid_id, passed=True, reasons=()))
        for b in state.bids
    }


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LotFacts:
    """What the method needs of the lot beyond the session: its ceiling, the receipts."""

    ceiling_fen: int  # 最高投标限价: a price above it is rejected (Reg. 51)
    submitted_at: Mapping[UUID, datetime]  # each bid's receipt time (a tie rule may use it)


def outcome_of(
    state: SessionState,
    sheets: Iterable[RevealedSheet],
    policy: EvaluationPolicy,
    lot: LotFacts,
) -> Outcome:
    """Qualification, price scores, totals, ranking and candidates of the session."""
    mine = counted(state, sheets)
    results = verdicts(state, mine)
    prices: dict[UUID, int] = {}
    for bid in state.bids:
        if not results[bid.bid_id].passed:
            continue
        if bid.price_fen is None:
            raise PricesSealed(
                "a bid that passed has no opened price yet: open the commercial parts first",
                details={"bid": str(bid.bid_id)},
            )
        prices[bid.bid_id] = bid.price_fen
    scores, rejected = method.price_scores(state.method, prices, lot.ceiling_fen)
    valid = {bid: price for bid, price in prices.items() if bid not in rejected}
    values = entries_by_seat(latest(mine, value_phase(state)))
    totals = method.aggregate(
        state.method, values, scores, state.method.drop_extremes, prices=valid
    )
    ranking = tuple(method.rank(state.method, totals, prices=valid, submitted_at=lot.submitted_at))
    return Outcome(
        verdicts=results,
        price_rejected=rejected,
        price_scores=scores,
        totals=totals,
        ranking=ranking,
        candidates=ranking[: policy.max_candidates],
    )


def outcome_json(state: SessionState, outcome: Outcome) -> dict[str, Any]:
    """The outcome's JSON (docs/formats/evaluation-report.md §3: the ``outcome`` object)."""
    return {
        "price_scores": [
            {"bid": str(bid), "price_fen": _price(state, bid), "points": points}
            for bid, points in sorted(outcome.price_scores.items(), key=lambda kv: str(kv[0]))
        ],
        "totals": [_total(state, outcome.totals[bid]) for bid in sorted(outcome.totals, key=str)],
        "ranking": [
            {
                "rank": n,
                "bid": str(bid),
                "total": outcome.totals[bid].total,
                "evaluated_price_fen": outcome.totals[bid].evaluated_price_fen,
            }
            for n, bid in enumerate(outcome.ranking, start=1)
        ],
        "candidates": [_candidate(state, n, bid) for n, bid in enumerate(outcome.candidates, 1)],
    }


def _price(state: SessionState, bid: UUID) -> int | None:
    found = state.bid(bid)
    return None if found is None else found.price_fen


def _total(state: SessionState, total: Total) -> dict[str, Any]:
    return {
        "bid": str(total.bid),
        "price_fen": _price(state, total.bid),
        "technical": total.technical,
        "price_score": total.price_score,
        "total": total.total,
        "evaluated_price_fen": total.evaluated_price_fen,
    }


def _candidate(state: SessionState, rank: int, bid: UUID) -> dict[str, Any]:
    found = state.bid(bid)
    assert found is not None  # the ranking holds only the session's bids
    return {"rank": rank, "bid": str(bid), "bidder": found.bidder, "name": found.name}


def passed_bids(state: SessionState, sheets: Iterable[RevealedSheet]) -> frozenset[UUID] | None:
    """The bids that passed qualification, or None before the committee's result exists.

    The result exists once the qualification reveal is over (issue 11, item 6: only these
    bids' commercial parts are opened in a two-envelope lot).
    """
    if state.phase in _BEFORE_RESULT:
        return None
    return frozenset(bid for bid, v in verdicts(state, sheets).items() if v.passed)


_BEFORE_RESULT = frozenset(
    {
        Phase.SCHEDULED,
        Phase.SIGN_IN,
        Phase.CONFLICTS,
        Phase.CHAIR_ELECTION,
        Phase.QUALIFICATION,
        Phase.QUALIFICATION_REVEAL,
        Phase.SEALED,
    }
)
