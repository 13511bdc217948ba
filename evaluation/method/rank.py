"""The ranking and the candidates (Reg. 53: at most three, ranked).

docs/formats/evaluation-method.md §3.7. The bids ranked are those that passed
qualification and were not rejected for their price (the results of committee.aggregate
or price.evaluated_prices). They are ordered by

1. the result: comprehensive scoring, the higher committee total first; lowest
   evaluated price, the lower evaluated price first;
2. the method's tie rule: ``lower_price`` the lower opened price, ``higher_technical``
   the higher committee technical score (comprehensive only: rules.py refuses it for
   lowest price), ``earlier_submission`` the bid received first;
3. if still equal, the earlier submission, then the bid id — a last resort that only
   makes the order deterministic: the report shows ``decided_by`` (``bid_id``) so the
   committee settles such a tie as the documents say.

The candidates are the first min(3, ``max_candidates``) ranked bids.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from evaluation.method.committee import BidScore
from evaluation.method.price import EvaluatedPrice
from tender.model import Evaluation, EvaluationMethod, TieRule

MAX_CANDIDATES = 3  # Reg. 53


class DecidedBy(enum.StrEnum):
    """What put a bid below the one ranked just above it."""

    RESULT = "result"  # a lower total, or a higher evaluated price
    TIE_RULE = "tie_rule"
    SUBMISSION = "submission"  # the tie rule did not separate them: received later
    BID_ID = "bid_id"  # nothing stated separated them: the committee must settle it


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Ranked:
    """One bid's place."""

    rank: int  # 1, 2, …
    bid: UUID
    total: int | None  # comprehensive scoring: the committee's total, hundredths
    evaluated_fen: int | None  # lowest evaluated price
    decided_by: DecidedBy | None  # None for the first
    candidate: bool


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Ranking:
    """Every ranked bid in order, and the candidates among them."""

    order: tuple[Ranked, ...]

    @property
    def candidates(self) -> tuple[UUID, ...]:
        """The candidates, first ranked first."""
        return tuple(r.bid for r in self.order if r.candidate)


Result = BidScore | EvaluatedPrice


def rank(
    method: Evaluation,
    results: Sequence[BidScore] | Sequence[EvaluatedPrice],
    submitted_at: Mapping[UUID, datetime],
    *,
    max_candidates: int = MAX_CANDIDATES,
) -> Ranking:
    """The ranking of the results by the method and its tie rule; the candidates."""
    if type(max_candidates) is not int or max_candidates < 1:
        raise ValueError("at least one candidate")
    kind = BidScore if method.method is EvaluationMethod.COMPREHENSIVE else EvaluatedPrice
    if not all(isinstance(r, kind) for r in results):
        raise ValueError(f"{method.method} ranks {kind.__name__} results")
    if len({r.bid for r in results}) != len(results):
        raise ValueError("each bid is ranked once")
    for result in results:
        moment = submitted_at.get(result.bid)
        if moment is None or moment.utcoffset() is None:
            raise ValueError("every ranked bid has its (aware) submission time")
    keys = _keys(method, submitted_at)
    given: list[Result] = list(results)
    ordered = sorted(given, key=lambda r: tuple(key(r) for _, key in keys))
    count = min(MAX_CANDIDATES, max_candidates)
    order = []
    for place, result in enumerate(ordered):
        before = ordered[place - 1] if place else None
        order.append(
            Ranked(
                rank=place + 1,
                bid=result.bid,
                total=result.total if isinstance(result, BidScore) else None,
                evaluated_fen=result.evaluated_fen if isinstance(result, EvaluatedPrice) else None,
                decided_by=None if before is None else _decided_by(keys, before, result),
                candidate=place < count,
            )
        )
    return Ranking(order=tuple(order))


Key = Callable[[Any], Any]


def _keys(method: Evaluation, submitted_at: Mapping[UUID, datetime]) -> list[tuple[DecidedBy, Key]]:
    """The sort keys, in order, each with what it decides."""
    comprehensive = method.method is EvaluationMethod.COMPREHENSIVE
    result: Key = (lambda r: -r.total) if comprehensive else (lambda r: r.evaluated_fen)
    submission: Key = lambda r: submitted_at[r.bid]  # noqa: E731
    tie: Key | None = {
        TieRule.LOWER_PRICE: lambda r: r.price_fen,
        TieRule.HIGHER_TECHNICAL: (lambda r: -r.technical) if comprehensive else None,
        TieRule.EARLIER_SUBMISSION: submission,
    }[method.tie_rule]
    keys = [(DecidedBy.RESULT, result)]
    if tie is not None:
        keys.append((DecidedBy.TIE_RULE, tie))
    keys += [(DecidedBy.SUBMISSION, submission), (DecidedBy.BID_ID, lambda r: str(r.bid))]
    return keys


def _decided_by(keys: list[tuple[DecidedBy, Key]], before: Result, after: Result) -> DecidedBy:
    """The first key on which the bid ranked above differs from this one."""
    return next(what for what, key in keys if key(before) != key(after))
