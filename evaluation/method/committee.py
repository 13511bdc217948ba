"""The committee's findings from its members' revealed sheets (DOMAIN.md "Evaluation").

docs/formats/evaluation-method.md §3.2, §3.4, §3.5. Sheets come by seat, each already
validated (model.py) against the same method and bids; only the sheets of members whose
findings count are passed (a replaced member's are void).

- :func:`qualification_majority` — a bid passes an item when a **strict majority** of
  the members pass it (passes × 2 > members): the committee decides by majority, and a
  bid must be found qualified, so a tie fails it. A bid passes when it passes every item.
- :func:`deviations` — a member's points for a sub-item of a bid are flagged when they
  lie more than ``percent`` % from the mean of the other members' points for it:
  |s − m| > percent/100 × m with m = S/k (S the others' sum, k their number), decided
  exactly as |s·k − S| × 100 > percent × S. With m = 0 every non-zero score is flagged.
- :func:`aggregate` — a member's total for a bid is the sum of its sub-item points plus
  the bid's price score; the committee's technical score is the mean of the members'
  technical sums, rounded to the hundredth a half up, after dropping one lowest and one
  highest when the method says so and at least 5 members scored.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from uuid import UUID

from evaluation.method.model import (
    QualificationEntry,
    RejectionReason,
    ScoreEntry,
    require_complete,
)
from evaluation.method.price import PriceScores
from evaluation.method.rounding import div_half_up
from tender.model import Evaluation, EvaluationMethod

DROP_EXTREMES_FROM = 5  # members needed before the highest and lowest are dropped


# --- qualification ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ItemVerdict:
    """The committee on one qualification item of one bid."""

    item: str
    passes: int
    fails: int
    reasons: tuple[RejectionReason, ...]  # of the members who failed it, most named first

    @property
    def passed(self) -> bool:
        """A strict majority of the members passed it (a tie fails)."""
        return self.passes * 2 > self.passes + self.fails


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidQualification:
    """The committee's qualification of one bid: a verdict per item."""

    bid: UUID
    items: tuple[ItemVerdict, ...]  # in the method's order

    @property
    def passed(self) -> bool:
        """The bid passed every item (no items: it passes)."""
        return all(v.passed for v in self.items)

    @property
    def reasons(self) -> tuple[RejectionReason, ...]:
        """The majority's reasons: those named on the items it failed, in order, once each."""
        failed = (r for v in self.items if not v.passed for r in v.reasons)
        return tuple(dict.fromkeys(failed))


def qualification_majority(
    method: Evaluation,
    bids: Collection[UUID],
    sheets: Mapping[int, Sequence[QualificationEntry]],
) -> tuple[BidQualification, ...]:
    """Each bid (sorted by id) passed or failed by the committee's majority, per item."""
    items = [q.id for q in method.qualification]
    require_complete(sheets, bids, items)
    findings: dict[tuple[UUID, str], list[QualificationEntry]] = {}
    for entries in sheets.values():
        for entry in entries:
            findings.setdefault((entry.bid, entry.item), []).append(entry)
    return tuple(
        BidQualification(
            bid=bid, items=tuple(_verdict(item, findings[bid, item]) for item in items)
        )
        for bid in sorted(set(bids), key=str)
    )


def _verdict(item: str, entries: list[QualificationEntry]) -> ItemVerdict:
    named = Counter(e.reason for e in entries if not e.passed and e.reason is not None)
    order = list(RejectionReason)
    # Most named first; equal counts in the order Reg. 51 lists them.
    reasons = sorted(named, key=lambda r: (-named[r], order.index(r)))
    passes = sum(e.passed for e in entries)
    return ItemVerdict(
        item=item, passes=passes, fails=len(entries) - passes, reasons=tuple(reasons)
    )


# --- deviation review -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Deviation:
    """A member's points that lie too far from the others' mean: explained or revised."""

    seat: int
    bid: UUID
    item: str
    points: int
    others_sum: int  # the other members' points for the same bid and sub-item
    others_count: int

    @property
    def others_mean(self) -> int:
        """The others' mean in hundredths, rounded a half up (shown; the test is exact)."""
        return div_half_up(self.others_sum, self.others_count)


def deviations(
    method: Evaluation, sheets: Mapping[int, Sequence[ScoreEntry]], percent: int
) -> tuple[Deviation, ...]:
    """Every score more than ``percent`` % from the other members' mean, sorted by
    (bid, item, seat). One member alone has no others: nothing is flagged."""
    if type(percent) is not int or not 0 <= percent <= 100:
        raise ValueError("the deviation is a whole percent from 0 to 100")
    bids = {e.bid for entries in sheets.values() for e in entries}
    require_complete(sheets, bids, method.scored_items)
    given: dict[tuple[UUID, str], dict[int, int]] = {}
    for seat, entries in sheets.items():
        for entry in entries:
            given.setdefault((entry.bid, entry.item), {})[seat] = entry.points
    flagged = []
    for (bid, item), points in given.items():
        total, k = sum(points.values()), len(points) - 1
        for seat, own in points.items():
            others = total - own
            if k and abs(own * k - others) * 100 > percent * others:
                flagged.append(
                    Deviation(
                        seat=seat,
                        bid=bid,
                        item=item,
                        points=own,
                        others_sum=others,
                        others_count=k,
                    )
                )
    return tuple(sorted(flagged, key=lambda d: (str(d.bid), d.item, d.seat)))


# --- aggregation ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidScore:
    """Comprehensive scoring: one bid's scores, per member and the committee's."""

    bid: UUID
    price_fen: int  # as opened
    price: int  # the price score, hundredths (the same for every member)
    members: Mapping[int, int]  # seat → the member's technical sum, hundredths
    dropped: tuple[int, ...]  # the seats left out of the mean: (lowest, highest) or ()
    technical: int  # the committee's technical score, hundredths
    total: int  # technical + price

    @property
    def member_totals(self) -> dict[int, int]:
        """Seat → the member's total for this bid (technical sum + price score)."""
        return {seat: points + self.price for seat, points in self.members.items()}


def aggregate(
    method: Evaluation,
    bids: Collection[UUID],
    sheets: Mapping[int, Sequence[ScoreEntry]],
    prices: PriceScores,
) -> tuple[BidScore, ...]:
    """Comprehensive scoring: each scored bid's committee score (sorted by bid); the
    bids ``prices`` rejects (above the ceiling) are left out."""
    if method.method is not EvaluationMethod.COMPREHENSIVE:
        raise ValueError("only comprehensive scoring aggregates scores")
    require_complete(sheets, bids, method.scored_items)
    sums: dict[UUID, dict[int, int]] = {bid: dict.fromkeys(sheets, 0) for bid in bids}
    for seat, entries in sheets.items():
        for entry in entries:
            sums[entry.bid][seat] += entry.points
    scored = [bid for bid in sorted(sums, key=str) if bid not in prices.rejected]
    if missing := [bid for bid in scored if bid not in prices.scores]:
        raise ValueError(f"no price score for {len(missing)} scored bid(s)")
    return tuple(_bid_score(bid, sums[bid], prices, drop=method.drop_extremes) for bid in scored)


def _bid_score(bid: UUID, members: dict[int, int], prices: PriceScores, *, drop: bool) -> BidScore:
    # Seats by (sum, seat): with equal sums the lower seat counts as the lower; the
    # mean is the same whichever of the equal ones is left out.
    ranked = sorted(members, key=lambda seat: (members[seat], seat))
    dropped = (ranked[0], ranked[-1]) if drop and len(ranked) >= DROP_EXTREMES_FROM else ()
    kept = [members[seat] for seat in ranked if seat not in dropped]
    technical = div_half_up(sum(kept), len(kept))
    price = prices.scores[bid]
    return BidScore(
        bid=bid,
        price_fen=prices.prices[bid],
        price=price,
        members=members,
        dropped=dropped,
        technical=technical,
        total=technical + price,
    )
