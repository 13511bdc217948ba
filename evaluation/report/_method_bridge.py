"""The method's arithmetic the report calls, until evaluation/method lands (issue 11).

TODO(integrator): the METHOD helper builds evaluation/method/model.py in parallel with
``qualification_majority``, ``price_scores``, ``deviations``, ``aggregate`` and ``rank``
(EVAL_PLAN.md, "Method"). Replace each body below by a call of its function there (keep
these signatures or adapt the report's two call sites, evaluation/report/model.py
``outcome_of`` and ``deviation_rows``) and delete this placeholder's arithmetic.

The placeholder is exact and documented so that the report's tests can recompute it:
every value is an integer (points in hundredths, money in fen); a mean is rounded half
away from zero; ``drop_extremes`` drops one highest and one lowest member value when
there are at least three; ties are broken by the lower price, then the higher technical
score, then the bid id — the method's stated tie rule replaces that (METHOD).

``sheets`` maps a seat to the entries of its holder's latest revealed version, in the
sheet format (docs/formats/evaluation-sheet.md): qualification entries carry ``pass``
(and ``reason``), scoring entries ``points``, adjustment entries ``fen``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
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


def mean(values: Sequence[int], *, drop_extremes: bool = False) -> int:
    """The rounded mean, one highest and one lowest dropped when asked and n ≥ 3."""
    kept = sorted(values)
    if drop_extremes and len(kept) >= 3:
        kept = kept[1:-1]
    return divide(sum(kept), len(kept))


def qualification_majority(sheets: Sheets) -> dict[UUID, Verdict]:
    """A bid fails when more than half the members who judged an item failed it."""
    judged: dict[tuple[UUID, str], list[Mapping[str, Any]]] = {}
    for entries in sheets.values():
        for entry in entries:
            judged.setdefault((UUID(entry["bid"]), entry["item"]), []).append(entry)
    failed: dict[UUID, set[str]] = {}
    for (bid, _), found in judged.items():
        failing = [e for e in found if not e["pass"]]
        failed.setdefault(bid, set())
        if 2 * len(failing) > len(found):
            failed[bid].update(e["reason"] for e in failing)
    return {
        bid: Verdict(bid=bid, passed=not reasons, reasons=tuple(sorted(reasons)))
        for bid, reasons in failed.items()
    }


def price_scores(method: Evaluation, prices: Mapping[UUID, int]) -> dict[UUID, int]:
    """The price score of each bid in hundredths, from the passed bids' opened prices."""
    if method.price is None or not prices:
        return {}
    full = method.price.points * 100
    if method.price.formula is PriceFormula.LOWEST_PRICE_BASE:
        lowest = min(prices.values())
        return {bid: divide(full * lowest, price) for bid, price in prices.items()}
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
    return scores


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
            evaluated_price_fen=prices[bid]
            + sum(mean(v, drop_extremes=drop_extremes) for v in items[bid].values()),
        )
        for bid in prices
    }


def rank(
    method: Evaluation, totals: Mapping[UUID, Total], *, prices: Mapping[UUID, int]
) -> list[UUID]:
    """Every aggregated bid, best first (ties: lower price, higher technical, bid id)."""

    def key(bid: UUID) -> tuple[int, int, int, str]:
        total = totals[bid]
        if method.method is EvaluationMethod.COMPREHENSIVE:
            primary = -(total.total or 0)
        else:
            primary = total.evaluated_price_fen or 0
        return (primary, prices[bid], -(total.technical or 0), str(bid))

    return sorted(totals, key=key)
