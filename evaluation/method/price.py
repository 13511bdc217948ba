"""Prices: computed from the opened prices, never typed (issue 11, item 1).

docs/formats/evaluation-method.md §3.3 and §3.6. Reg. 51: a price above the lot's
ceiling (最高投标限价) is rejected (``price_above_ceiling``) and takes no part in the
base of the formula. The caller passes the opened prices of the bids that passed
qualification; everything is in fen and hundredths of a point.

- Comprehensive scoring, :func:`price_scores`, with P the price points (× 100):
  - ``lowest_price_base`` (低价优先法): base = the lowest valid price;
    score = round½↑(P × 100 × base / price) (a price of 0 is the base: full marks);
  - ``benchmark_deviation`` (基准价法): base = round½↑(mean of the valid prices);
    score = max(0, P × 100 − round½↑(r × |price − base| × 100 / base)), r the
    hundredths lost per 1 % above (``above_per_percent``) or below
    (``below_per_percent``) the base, linearly in between (a base of 0: full marks).
- Lowest evaluated price, :func:`evaluated_prices`: evaluated price = opened price +
  Σ over the adjustment items of the committee's adjustment, which is the mean of the
  members' adjustments rounded to the fen, a half away from zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from uuid import UUID

from evaluation.method.model import AdjustmentEntry, RejectionReason, require_complete
from evaluation.method.rounding import div_half_away, div_half_up
from tender.model import Evaluation, EvaluationMethod, PriceFormula


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PriceScores:
    """The price score of each valid bid, and the bids the ceiling rejects."""

    formula: PriceFormula
    base_fen: int | None  # the lowest valid price, or the benchmark; None: no valid price
    prices: Mapping[UUID, int]  # the opened price of each scored bid
    scores: Mapping[UUID, int]  # hundredths of a point
    rejected: Mapping[UUID, RejectionReason]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class EvaluatedPrice:
    """Lowest evaluated price: one bid's opened price and the committee's adjustments."""

    bid: UUID
    price_fen: int  # as opened
    adjustments: Mapping[str, int]  # the committee's adjustment per item, in fen
    evaluated_fen: int  # price_fen + Σ adjustments


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class EvaluatedPrices:
    """The evaluated price of each valid bid (sorted by bid), and the bids rejected."""

    prices: tuple[EvaluatedPrice, ...]
    rejected: Mapping[UUID, RejectionReason]


def within_ceiling(
    prices: Mapping[UUID, int], ceiling_fen: int
) -> tuple[dict[UUID, int], dict[UUID, RejectionReason]]:
    """Reg. 51: the prices at or below the ceiling, and the bids above it rejected."""
    _require_fen(ceiling_fen, "the ceiling")
    for price in prices.values():
        _require_fen(price, "a price")
    valid = {bid: p for bid, p in prices.items() if p <= ceiling_fen}
    rejected = {bid: RejectionReason.PRICE_ABOVE_CEILING for bid in prices if bid not in valid}
    return valid, rejected


def _require_fen(value: int, name: str) -> None:
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} is a whole number of fen, at least 0")


def price_scores(method: Evaluation, prices: Mapping[UUID, int], ceiling_fen: int) -> PriceScores:
    """Comprehensive scoring: each valid bid's price score by the lot's formula."""
    if method.method is not EvaluationMethod.COMPREHENSIVE or method.price is None:
        raise ValueError("only comprehensive scoring with a price score has price scores")
    valid, rejected = within_ceiling(prices, ceiling_fen)
    full = method.price.points * 100
    if not valid:
        base = None
        scores: dict[UUID, int] = {}
    elif method.price.formula is PriceFormula.LOWEST_PRICE_BASE:
        base = min(valid.values())
        scores = {bid: _lowest_base(full, base, p) for bid, p in valid.items()}
    else:
        base = div_half_up(sum(valid.values()), len(valid))
        above, below = method.price.above_per_percent, method.price.below_per_percent
        scores = {bid: _benchmark(full, base, p, above, below) for bid, p in valid.items()}
    return PriceScores(
        formula=method.price.formula, base_fen=base, prices=valid, scores=scores, rejected=rejected
    )


def _lowest_base(full: int, base: int, price: int) -> int:
    # price = 0 only when the base is 0 too: the lowest price gets full marks.
    return full if price == 0 else div_half_up(full * base, price)


def _benchmark(full: int, base: int, price: int, above: int, below: int) -> int:
    if base == 0:  # every valid price is 0: all at the benchmark
        return full
    rate = above if price > base else below
    # r hundredths per 1 %: r × (|price − base| / base × 100), rounded once.
    lost = div_half_up(rate * abs(price - base) * 100, base)
    return max(0, full - lost)


def evaluated_prices(
    method: Evaluation,
    bids: Collection[UUID],
    sheets: Mapping[int, Sequence[AdjustmentEntry]],
    prices: Mapping[UUID, int],
    ceiling_fen: int,
) -> EvaluatedPrices:
    """Lowest evaluated price: each valid bid's evaluated price from the members' sheets."""
    if method.method is not EvaluationMethod.LOWEST_PRICE:
        raise ValueError("only lowest evaluated price has evaluated prices")
    items = [a.id for a in method.adjustments]
    require_complete(sheets, bids, items)
    if missing := set(bids) - prices.keys():
        raise ValueError(f"no opened price for {len(missing)} bid(s)")
    valid, rejected = within_ceiling({bid: prices[bid] for bid in bids}, ceiling_fen)
    given: dict[tuple[UUID, str], list[int]] = {}
    for entries in sheets.values():
        for entry in entries:
            given.setdefault((entry.bid, entry.item), []).append(entry.fen)
    result = []
    for bid in sorted(valid, key=str):
        # The committee's adjustment: the members' mean, to the fen, a half away from 0.
        adjusted = {item: div_half_away(sum(given[bid, item]), len(sheets)) for item in items}
        price = valid[bid]
        result.append(
            EvaluatedPrice(
                bid=bid,
                price_fen=price,
                adjustments=adjusted,
                evaluated_fen=price + sum(adjusted.values()),
            )
        )
    return EvaluatedPrices(prices=tuple(result), rejected=rejected)
