"""Where the sheets meet the lot's method (evaluation/method, built on another branch).

TODO(integrator): evaluation.method (METHOD) provides ``validate_sheet``,
``qualification_majority`` and ``deviations``; point these three functions at it and
delete the placeholders below. The sheets service calls only these names, with these
signatures, and ``ENTRIES_INVALID_CODE`` is the code a refused set of entries carries
(METHOD's ``MethodSheetInvalid`` code once merged). Until then the placeholders apply
the plan's rules to today's tender.model.Evaluation: criterion i (1-based, in order) is
item "i.1" with 0…max_points × 100 hundredths; qualification and adjustment items are
free-form but every entry must name a bid of the session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from evaluation.model import BidRef
from evaluation.sheets.errors import SheetEntriesInvalid
from signing.sheets import Entry, QualificationEntry, ScoreEntry, Sheet
from tender.model import Evaluation

ENTRIES_INVALID_CODE = SheetEntriesInvalid.code


def validate_sheet(
    method: Evaluation, phase: str, bids: Sequence[BidRef], entries: Sequence[Entry]
) -> None:
    """Refuse entries the method does not allow (unknown bid or item, out of range, missing)."""
    known = {b.bid_id for b in bids}
    for entry in entries:
        if entry.bid not in known:
            raise SheetEntriesInvalid(
                "an entry names a bid this session does not evaluate",
                details={"bid": str(entry.bid), "item": entry.item},
            )
    if phase == "scoring":
        _check_scores(method, known, entries)


def _check_scores(method: Evaluation, bids: set[UUID], entries: Sequence[Entry]) -> None:
    ranges = {f"{i}.1": c.max_points * 100 for i, c in enumerate(method.criteria, start=1)}
    for entry in entries:
        if not isinstance(entry, ScoreEntry) or entry.item not in ranges:
            raise SheetEntriesInvalid(
                "an entry names an item the method does not have",
                details={"bid": str(entry.bid), "item": entry.item},
            )
        if entry.points > ranges[entry.item]:
            raise SheetEntriesInvalid(
                f"points of item {entry.item} are 0–{ranges[entry.item]} hundredths",
                details={"bid": str(entry.bid), "item": entry.item},
            )
    given = {(e.bid, e.item) for e in entries}
    missing = sorted((str(b), i) for b in bids for i in ranges if (b, i) not in given)
    if missing:
        raise SheetEntriesInvalid(
            "every bid is scored on every item",
            details={"missing": [{"bid": b, "item": i} for b, i in missing]},
        )


def qualification_majority(
    method: Evaluation, sheets: Mapping[int, Sheet]
) -> list[dict[str, object]]:
    """Per bid: passed when more than half of the members pass it on every item; the
    failing members' Reg. 51 reasons (JSON-ready, sorted by bid)."""
    bids = sorted({e.bid for s in sheets.values() for e in s.entries}, key=str)
    result: list[dict[str, object]] = []
    for bid in bids:
        passes, reasons = 0, set[str]()
        for sheet in sheets.values():
            mine = [e for e in sheet.entries if e.bid == bid and isinstance(e, QualificationEntry)]
            if all(e.passed for e in mine):
                passes += 1
            reasons.update(e.reason for e in mine if e.reason is not None)
        passed = passes * 2 > len(sheets)
        result.append(
            {"bid": str(bid), "passed": passed, "reasons": [] if passed else sorted(reasons)}
        )
    return result


def deviations(
    method: Evaluation, sheets: Mapping[int, Sheet], percent: int
) -> set[tuple[int, UUID, str]]:
    """(seat, bid, item) of each value more than ``percent`` % from the others' mean."""
    values: dict[tuple[UUID, str], dict[int, int]] = {}
    for seat, sheet in sheets.items():
        for entry in sheet.entries:
            if isinstance(entry, ScoreEntry):
                values.setdefault((entry.bid, entry.item), {})[seat] = entry.points
    flagged: set[tuple[int, UUID, str]] = set()
    for (bid, item), by_seat in values.items():
        for seat, value in by_seat.items():
            others = [v for s, v in by_seat.items() if s != seat]
            if not others:
                continue
            total = sum(others)
            # |value − total/k| > percent % of total/k, in integers: no rounding.
            if abs(value * len(others) - total) * 100 > percent * total or (
                total == 0 and value != 0
            ):
                flagged.add((seat, bid, item))
    return flagged
