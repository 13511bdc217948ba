"""The method's arithmetic the report calls, until evaluation/method lands (issue 11).

TODO(integrator): the METHOD helper's evaluation/method (branch ``method``) has the real
functions. Replace each body below by a call of its counterpart and delete this
placeholder's arithmetic; the report calls only these five names, from
evaluation/report/ranking.py ``verdicts``/``outcome_of`` and model.py ``deviation_rows``:

- ``qualification_majority`` → committee.qualification_majority(method, bids, sheets)
  with the entries parsed by model.validate_qualification; Verdict(bid, passed,
  reasons) from BidQualification(bid, passed, reasons);
- ``price_scores`` → price.price_scores(method, prices, ceiling_fen): scores, and its
  ``rejected`` (Reg. 51 price_above_ceiling) returned as the second value;
- ``deviations`` → committee.deviations(method, sheets, percent) (seat, bid, item);
- ``aggregate`` → committee.aggregate(method, bids, sheets, PriceScores) (comprehensive)
  or price.evaluated_prices(method, bids, sheets, prices, ceiling_fen) (lowest price),
  as Total(bid, technical, price_score, total, evaluated_price_fen);
- ``rank`` → rank.rank(method, results, submitted_at, max_candidates=…).order.

The placeholder is exact and documented so that the report's tests can recompute it,
and follows evaluation-method.md where it can without the full method: every value is an
integer (points in hundredths, money in fen); a mean is rounded half away from zero; a
bid passes an item when a strict majority passed it (a tie fails); ``drop_extremes``
drops one highest and one lowest member sum when at least 5 members scored; a price
above the lot's ceiling is rejected (Reg. 51); ties are broken by the lower price, then
the earlier submission, then the bid id — the method's stated tie rule replaces that.

``sheets`` maps a seat to the entries of its holder's latest revealed version, in the
sheet format (docs/formats/evaluation-sheet.md): qualification entries carry ``pass``
(and ``reason``), scoring entries ``points``, adjustment entries ``fen``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from tender.model import Evaluation, EvaluationMethod, PriceFormula

Entries = Sequence[Mapping[str, Any]]
Sheets = Mapping[int, Entries]  # seat → entries of its latest version


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Verdict:
    """The committee's qualification result for one bid (majority of the members)."""

    bid: UUID
    passed: bool
    reasons: tuple[str, ...]  # the Reg. 51 codes of the items a majority failed


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Total:
    """One bid's aggregate: scores (comprehensive) or evaluated price (lowest price)."""

    bid: UUID
    technical: int | None = None  # hundredths: the mean of the members' sums
    price_score: int | None = None  # hundredths, from the opened price
    total: int | None = None
    evaluated_price_fen: int | None = None  # price + the mean adjustment of each item


def divide(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (integers only)."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    return sign * ((2 * n + d) // (2 * d))


DROP_EXTREMES_FROM = 5  # members needed before the highest and lowest are dropped
PRICE_ABOVE_CEILING = "price_above_ceiling"  # Reg. 51


def mean(values: Sequence[int], *, drop_extremes: bool = False) -> int:
    """The rounded mean, one highest and one lowest dropped when asked and n ≥ 5."""
    kept = sorted(values)
    if drop_extremes and len(kept) >= DROP_EXTREMES_FROM:
        kept = kept[1:-1]
    return divide(sum(kept), len(kept))


def qualification_majority(sheets: Sheets) -> dict[UUID, Verdict]:
    """A bid passes an item when a strict majority of the members who judged it passed
    it (a tie fails: the bid must be found qualified); it passes when it passes all."""
    judged: dict[tuple[UUID, str], list[Mapping[str, Any]]] = {}
    for entries in sheets.values():
        for entry in entries:
            judged.setdefault((UUID(entry["bid"]), entry["item"]), []).append(entry)
    failed: dict[UUID, set[str]] = {}
    for (bid, _), found in judged.items():
        failing = [e for e in found if not e["pass"]]
        failed.setdefault(bid, set())
        if 2 * (len(found) - len(failing)) <= len(found):
            failed[bid].update(e["reason"] for e in failing)
    return {
        bid: Verdict(bid=bid, passed=not reasons, reasons=tuple(sorted(reasons)))
        for bid, reasons in failed.items()
    }


def price_scores(
    method: Evaluation, prices: Mapping[UUID, int], ceiling_fen: int
) -> tuple[dict[UUID, int], dict[UUID, str]]:
    """Each valid bid's price score in hundredths, and the bids above the ceiling."""
    rejected = {bid: PRICE_ABOVE_CEILING for bid, price in prices.items() if price > ceiling_fen}
    prices = {bid: price for bid, price in prices.items() if bid not in rejected}
    if method.price is None or not prices:
        return {}, rejected
    full = method.price.points * 100
    if method.price.formula is PriceFormula.LOWEST_PRICE_BASE:
        lowest = min(prices.values())
        return {bid: divide(full * lowest, price) for bid, price in prices.items()}, rejected
    count, whole = len(prices), sum(prices.values())  # benchmark = whole / count
    scores = {}
    for bid, price in prices.items():
        per = (
            method.price.above_per_percent
            if price * count > whole
            else method.price.below_per_percent
        )
        lost = divide(per * abs(price * count - whole) * 100, whole)
        scores[bid] = max(0, full - lost)
    return scores, rejected


def _value_key(method: Evaluation) -> str:
    return "points" if method.method is EvaluationMethod.COMPREHENSIVE else "fen"


def deviations(
    method: Evaluation, sheets: Sheets, percent: int
) -> frozenset[tuple[int, UUID, str]]:
    """(seat, bid, item) whose value is more than ``percent`` % from the others' mean."""
    key = _value_key(method)
    by_item: dict[tuple[UUID, str], dict[int, int]] = {}
    for seat, entries in sheets.items():
        for entry in entries:
            by_item.setdefault((UUID(entry["bid"]), entry["item"]), {})[seat] = entry[key]
    flagged = set()
    for (bid, item), values in by_item.items():
        for seat, value in values.items():
            others = [v for s, v in values.items() if s != seat]
            if not others:
                continue
            whole, count = sum(others), len(others)
            # |value − whole/count| > percent % of |whole/count|, multiplied out.
            if abs(value * count - whole) * 100 > percent * abs(whole) or (whole == 0 != value):
                flagged.add((seat, bid, item))
    return frozenset(flagged)


def aggregate(
    method: Evaluation,
    sheets: Sheets,
    price_scores: Mapping[UUID, int],
    drop_extremes: bool,
    *,
    prices: Mapping[UUID, int],
) -> dict[UUID, Total]:
    """Each priced bid's total (comprehensive) or evaluated price (lowest price)."""
    if method.method is EvaluationMethod.COMPREHENSIVE:
        sums: dict[UUID, dict[int, int]] = {bid: {} for bid in prices}
        for seat, entries in sheets.items():
            for entry in entries:
                bid = UUID(entry["bid"])
                if bid in sums:
                    sums[bid][seat] = sums[bid].get(seat, 0) + entry["points"]
        totals = {}
        for bid in prices:
            technical = mean(list(sums[bid].values()), drop_extremes=drop_extremes)
            price = price_scores.get(bid, 0)
            totals[bid] = Total(
                bid=bid, technical=technical, price_score=price, total=technical + price
            )
        return totals
    items: dict[UUID, dict[str, list[int]]] = {bid: {} for bid in prices}
    for entries in sheets.values():
        for entry in entries:
            bid = UUID(entry["bid"])
            if bid in items:
                items[bid].setdefault(entry["item"], []).append(entry["fen"])
    return {
        bid: Total(
            bid=bid,
            # The committee's adjustment per item: the members' mean, nothing dropped.
            evaluated_price_fen=prices[bid] + sum(mean(v) for v in items[bid].values()),
        )
        for bid in prices
    }


def rank(
    method: Evaluation,
    totals: Mapping[UUID, Total],
    *,
    prices: Mapping[UUID, int],
    submitted_at: Mapping[UUID, datetime],
) -> list[UUID]:
    """Every aggregated bid, best first (ties: lower price, earlier submission, bid id)."""
    latest = datetime.max.replace(tzinfo=UTC)

    def key(bid: UUID) -> tuple[int, int, datetime, str]:
        total = totals[bid]
        if method.method is EvaluationMethod.COMPREHENSIVE:
            primary = -(total.total or 0)
        else:
            primary = total.evaluated_price_fen or 0
        return (primary, prices[bid], submitted_at.get(bid, latest), str(bid))

    return sorted(totals, key=key)
