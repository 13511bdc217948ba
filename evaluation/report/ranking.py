"""The committee's outcome from the revealed sheets: qualification, totals, ranking (pure).

DOMAIN.md, "Evaluation": only the method in the tender documents is used (Reg. 49); a bid
a majority of the members failed on a qualification item is rejected with its Reg. 51
reasons; the others are aggregated by the lot's rule and ranked, at most
``policy.max_candidates`` (3) of them candidates. Only the sheets of each seat's current
holder count: a replaced member's findings are void (Reg. 48 / DOMAIN.md).

Every rule is evaluation/method's (docs/formats/evaluation-method.md §3): the
qualification majority through evaluation/sheets/findings.py — the very code whose result
the session announced at the qualification reveal — and the price scores, the
aggregation or the evaluated prices, and the ranking with the lot's tie rule from
evaluation.method.price, committee and rank. This module only picks the sheets that count
and shapes the results for the report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from evaluation.method import committee, price, rank
from evaluation.method.committee import BidQualification, BidScore
from evaluation.method.model import RejectionReason, validate_adjustments, validate_scores
from evaluation.method.price import EvaluatedPrice
from evaluation.model import EvaluationPolicy, Phase, SessionState, SheetPhase, sheet_phases
from evaluation.report.errors import PricesSealed
from evaluation.report.inputs import RevealedSheet
from evaluation.sheets import findings
from tender.model import EvaluationMethod


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Total:
    """One ranked bid's figures as the report states them (the method computed them)."""

    bid: UUID
    price_fen: int  # as opened
    technical: int | None = None  # comprehensive: the committee's technical score
    price_score: int | None = None  # comprehensive: hundredths, from the opened price
    total: int | None = None  # comprehensive: technical + price score
    dropped: tuple[int, ...] = ()  # comprehensive: the seats left out of the mean
    evaluated_price_fen: int | None = None  # lowest price: price + the adjustments


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Outcome:
    """What the committee decided, bid by bid."""

    verdicts: Mapping[UUID, BidQualification]  # every bid of the session: qualification
    price_rejected: Mapping[UUID, RejectionReason]  # passed bids above the ceiling (Reg. 51)
    price_scores: Mapping[UUID, int]  # valid passed bids (comprehensive scoring)
    totals: Mapping[UUID, Total]  # the ranked bids
    ranked: tuple[rank.Ranked, ...]  # best first, each with what decided its place

    @property
    def passed(self) -> frozenset[UUID]:
        """The bids that passed qualification."""
        return findings.passed(self.verdicts.values())

    @property
    def ranking(self) -> tuple[UUID, ...]:
        """The ranked bids, best first."""
        return tuple(r.bid for r in self.ranked)

    @property
    def candidates(self) -> tuple[UUID, ...]:
        """The candidates (Reg. 53: at most three), best first."""
        return tuple(r.bid for r in self.ranked if r.candidate)


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


def as_revealed(sheets: Iterable[RevealedSheet], phase: SheetPhase) -> dict[int, RevealedSheet]:
    """Each seat's sheet of ``phase`` as revealed (the sealed version opened at the
    reveal, not a revision): what the deviation review judged."""
    return {s.seat: s for s in sheets if s.phase is phase and s.reasons is None}


def entries_by_seat(found: Mapping[int, RevealedSheet]) -> dict[int, list[dict[str, Any]]]:
    """seat → entries of its sheet, as written."""
    return {seat: sheet.entries for seat, sheet in found.items()}


def value_phase(state: SessionState) -> SheetPhase:
    """The phase whose sheets carry values: scoring, or adjustment (lowest price)."""
    return sheet_phases(state.method.method)[1]


def verdicts(state: SessionState, sheets: Iterable[RevealedSheet]) -> dict[UUID, BidQualification]:
    """Each bid's qualification: the committee's majority on every item (§3.2)."""
    found = latest(counted(state, sheets), SheetPhase.QUALIFICATION)
    bids = [b.bid_id for b in state.bids]
    result = findings.qualification(state.method, bids, entries_by_seat(found))
    return {q.bid: q for q in result}


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
    prices = _opened_prices(state, findings.passed(results.values()))
    values = entries_by_seat(latest(mine, value_phase(state)))
    if state.method.method is EvaluationMethod.COMPREHENSIVE:
        scored, scores, rejected = _comprehensive(state, prices, values, lot)
        totals = {s.bid: _score_total(s) for s in scored}
        ranked = rank.rank(
            state.method, scored, lot.submitted_at, max_candidates=policy.max_candidates
        )
    else:
        evaluated, rejected = _lowest_price(state, prices, values, lot)
        scores = {}
        totals = {e.bid: _price_total(e) for e in evaluated}
        ranked = rank.rank(
            state.method, evaluated, lot.submitted_at, max_candidates=policy.max_candidates
        )
    return Outcome(
        verdicts=results,
        price_rejected=rejected,
        price_scores=scores,
        totals=totals,
        ranked=ranked.order,
    )


def _opened_prices(state: SessionState, passed: frozenset[UUID]) -> dict[UUID, int]:
    """The opened price of each bid that passed (two envelopes: opened only for them)."""
    prices: dict[UUID, int] = {}
    for bid in state.bids:
        if bid.bid_id not in passed:
            continue
        if bid.price_fen is None:
            raise PricesSealed(
                "a bid that passed has no opened price yet: open the commercial parts first",
                details={"bid": str(bid.bid_id)},
            )
        prices[bid.bid_id] = bid.price_fen
    return prices


def _comprehensive(
    state: SessionState, prices: dict[UUID, int], values: Mapping[int, object], lot: LotFacts
) -> tuple[tuple[BidScore, ...], dict[UUID, int], dict[UUID, RejectionReason]]:
    """§3.3 and §3.5: price scores from the opened prices, the members' sheets aggregated."""
    scores = price.price_scores(state.method, prices, lot.ceiling_fen)
    if not prices:  # no bid passed: nothing is scored
        return (), {}, dict(scores.rejected)
    typed = {seat: validate_scores(state.method, prices, raw) for seat, raw in values.items()}
    scored = committee.aggregate(state.method, prices, typed, scores)
    return scored, dict(scores.scores), dict(scores.rejected)


def _lowest_price(
    state: SessionState, prices: dict[UUID, int], values: Mapping[int, object], lot: LotFacts
) -> tuple[tuple[EvaluatedPrice, ...], dict[UUID, RejectionReason]]:
    """§3.6: the opened prices with the committee's adjustments."""
    if not prices:  # no bid passed: nothing is adjusted
        return (), {}
    typed = {seat: validate_adjustments(state.method, prices, raw) for seat, raw in values.items()}
    found = price.evaluated_prices(state.method, prices, typed, prices, lot.ceiling_fen)
    return found.prices, dict(found.rejected)


def _score_total(score: BidScore) -> Total:
    return Total(
        bid=score.bid,
        price_fen=score.price_fen,
        technical=score.technical,
        price_score=score.price,
        total=score.total,
        dropped=score.dropped,
    )


def _price_total(evaluated: EvaluatedPrice) -> Total:
    return Total(
        bid=evaluated.bid,
        price_fen=evaluated.price_fen,
        evaluated_price_fen=evaluated.evaluated_fen,
    )


def outcome_json(state: SessionState, outcome: Outcome) -> dict[str, Any]:
    """The outcome's JSON (docs/formats/evaluation-report.md §3: the ``outcome`` object)."""
    return {
        "price_scores": [
            {"bid": str(bid), "price_fen": _price(state, bid), "points": points}
            for bid, points in sorted(outcome.price_scores.items(), key=lambda kv: str(kv[0]))
        ],
        "totals": [_total(outcome.totals[bid]) for bid in sorted(outcome.totals, key=str)],
        "ranking": [
            {
                "rank": r.rank,
                "bid": str(r.bid),
                "total": r.total,
                "evaluated_price_fen": r.evaluated_fen,
                "decided_by": None if r.decided_by is None else str(r.decided_by),
            }
            for r in outcome.ranked
        ],
        "candidates": [_candidate(state, r) for r in outcome.ranked if r.candidate],
    }


def _price(state: SessionState, bid: UUID) -> int | None:
    found = state.bid(bid)
    return None if found is None else found.price_fen


def _total(total: Total) -> dict[str, Any]:
    return {
        "bid": str(total.bid),
        "price_fen": total.price_fen,
        "technical": total.technical,
        "price_score": total.price_score,
        "total": total.total,
        "dropped": list(total.dropped),
        "evaluated_price_fen": total.evaluated_price_fen,
    }


def _candidate(state: SessionState, ranked: rank.Ranked) -> dict[str, Any]:
    found = state.bid(ranked.bid)
    assert found is not None  # the ranking holds only the session's bids
    return {"rank": ranked.rank, "bid": str(ranked.bid), "bidder": found.bidder, "name": found.name}


def passed_bids(state: SessionState, sheets: Iterable[RevealedSheet]) -> frozenset[UUID] | None:
    """The bids that passed qualification, or None before the committee's result exists.

    The result exists once the qualification reveal is over (issue 11, item 6: only these
    bids' commercial parts are opened in a two-envelope lot).
    """
    if state.phase in _BEFORE_RESULT:
        return None
    return findings.passed(verdicts(state, sheets).values())


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
