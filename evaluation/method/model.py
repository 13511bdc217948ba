"""One member's findings, as entries of a sheet, checked against the lot's method.

A member seals one sheet per sheet phase (evaluation/model.py ``SheetPhase``); its
``entries`` (docs/formats/evaluation-method.md §2) are exactly one per bid × item:

- qualification: ``{"bid", "item", "pass": true}`` or ``{"bid", "item", "pass": false,
  "reason", "explanation"}`` — a refusal names one of the Reg. 51 reasons and says why;
- scoring: ``{"bid", "item": "<criterion id>.<sub-item id>", "points"}`` in hundredths,
  within the sub-item's range or one of its steps;
- adjustment: ``{"bid", "item", "fen"}`` within the adjustment's bounds.

Reg. 49: only the method's items may be used, so an unknown item, an unknown bid, a
duplicate, a missing pair, a mistyped member (``true`` is not a number) or text with
control characters refuses the whole sheet: ``evaluation_sheet_invalid`` with
``details`` pointing at the entry. The validated entries come back typed, sorted by
(bid, item) — the order of the sheet's canonical form.
"""

from __future__ import annotations

import dataclasses
import enum
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, TypeVar
from uuid import UUID

from evaluation.method.errors import MethodSheetInvalid
from tender.model import Evaluation

EXPLANATION_LIMIT = 2000  # characters of a refusal's written explanation


class RejectionReason(enum.StrEnum):
    """Reg. 51: the only reasons a bid is rejected (否决投标)."""

    NO_SIGNATURE = "no_signature"  # not signed or sealed
    NOT_QUALIFIED = "not_qualified"  # the bidder lacks a required qualification
    TWO_BIDS = "two_bids"  # two bids, or two prices, from one bidder
    PRICE_ABOVE_CEILING = "price_above_ceiling"  # above the ceiling (最高投标限价)
    PRICE_BELOW_COST = "price_below_cost"
    NOT_RESPONSIVE = "not_responsive"  # does not respond to the substance of the documents
    COLLUSION_OR_FRAUD = "collusion_or_fraud"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class QualificationEntry:
    """A member's finding on one qualification item of one bid."""

    bid: UUID
    item: str
    passed: bool
    reason: RejectionReason | None = None  # set exactly when not passed
    explanation: str = ""

    def to_json(self) -> dict[str, Any]:
        """The entry as the sheet carries it."""
        head: dict[str, Any] = {"bid": str(self.bid), "item": self.item, "pass": self.passed}
        if self.passed:
            return head
        return head | {"reason": str(self.reason), "explanation": self.explanation}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ScoreEntry:
    """A member's points (hundredths) for one sub-item of one bid."""

    bid: UUID
    item: str  # "<criterion id>.<sub-item id>"
    points: int

    def to_json(self) -> dict[str, Any]:
        """The entry as the sheet carries it."""
        return {"bid": str(self.bid), "item": self.item, "points": self.points}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AdjustmentEntry:
    """A member's adjustment (fen, may be negative) of one bid's price for one item."""

    bid: UUID
    item: str
    fen: int

    def to_json(self) -> dict[str, Any]:
        """The entry as the sheet carries it."""
        return {"bid": str(self.bid), "item": self.item, "fen": self.fen}


Entry = TypeVar("Entry", QualificationEntry, ScoreEntry, AdjustmentEntry)


# --- reading one entry ------------------------------------------------------------------


def _refused(
    message: str,
    *,
    entry: int | None = None,
    field: str | None = None,
    bid: str | None = None,
    item: str | None = None,
) -> MethodSheetInvalid:
    details = {"entry": entry, "field": field, "bid": bid, "item": item}
    return MethodSheetInvalid(message, details=details)


@dataclasses.dataclass(frozen=True, slots=True)
class _Raw:
    """One entry of the sheet while it is read: its position and members."""

    index: int
    data: Mapping[str, Any]

    def refuse(self, message: str, field: str | None = None) -> MethodSheetInvalid:
        bid, item = self.data.get("bid"), self.data.get("item")
        return _refused(
            f"entry {self.index}: {message}",
            entry=self.index,
            field=field,
            bid=bid if isinstance(bid, str) else None,
            item=item if isinstance(item, str) else None,
        )

    def int(self, name: str) -> int:
        value = self.data[name]
        # type() and not isinstance(): JSON true is never a number of points or fen.
        if type(value) is not int:
            raise self.refuse(f"{name} is a whole number", name)
        return value

    def text(self, name: str) -> str:
        value = self.data[name]
        if type(value) is not str or not value or len(value) > EXPLANATION_LIMIT:
            raise self.refuse(f"{name} is text of 1–{EXPLANATION_LIMIT} characters", name)
        controls = any(unicodedata.category(ch)[0] == "C" and ch not in "\n\t" for ch in value)
        if controls or value != value.strip():
            raise self.refuse(f"{name} is printable, without surrounding spaces", name)
        return value


def _raw_entries(entries: object, members: Callable[[_Raw], set[str]]) -> list[_Raw]:
    """Each entry an object with exactly the members its kind has (by ``members``)."""
    if not isinstance(entries, list):
        raise _refused("entries is an array", field="entries")
    found = []
    for index, data in enumerate(entries):
        if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
            raise _refused(f"entry {index} is an object", entry=index)
        raw = _Raw(index, data)
        wanted = members(raw)
        if missing := sorted(wanted - data.keys()):
            raise raw.refuse(f"lacks {', '.join(missing)}", missing[0])
        if unknown := sorted(data.keys() - wanted):
            raise raw.refuse(f"has no member {', '.join(unknown)}", unknown[0])
        found.append(raw)
    return found


def _bid(raw: _Raw, bids: Collection[UUID]) -> UUID:
    value = raw.data["bid"]
    try:
        bid = UUID(value) if type(value) is str else None
    except ValueError:
        bid = None
    if bid is None or str(bid) != value:  # the canonical lowercase form only
        raise raw.refuse("bid is a bid id (lowercase UUID)", "bid")
    if bid not in bids:
        raise raw.refuse("bid is not one this sheet evaluates", "bid")
    return bid


def _item(raw: _Raw, items: Collection[str]) -> str:
    value = raw.data["item"]
    if type(value) is not str or value not in items:
        raise raw.refuse("item is not one of the method's", "item")
    return value


def _complete(
    found: Iterable[Entry], raws: list[_Raw], bids: Collection[UUID], items: Iterable[str]
) -> tuple[Entry, ...]:
    """Every bid × item exactly once: no duplicate, nothing missing; sorted."""
    seen: set[tuple[UUID, str]] = set()
    result = []
    for raw, entry in zip(raws, found, strict=True):
        if (entry.bid, entry.item) in seen:
            raise raw.refuse("a second entry for this bid and item")
        seen.add((entry.bid, entry.item))
        result.append(entry)
    wanted = sorted((str(bid), item) for bid in bids for item in items)
    missing = next(((b, i) for b, i in wanted if (UUID(b), i) not in seen), None)
    if missing is not None:
        bid, item = missing
        raise _refused(f"no entry for bid {bid}, item {item}", bid=bid, item=item)
    return tuple(sorted(result, key=lambda e: (str(e.bid), e.item)))


# --- the three sheet phases -------------------------------------------------------------


def _qualification_members(raw: _Raw) -> set[str]:
    passed = raw.data.get("pass")
    if "pass" in raw.data and type(passed) is not bool:
        raise raw.refuse("pass is true or false", "pass")
    return {"bid", "item", "pass"} | ({"reason", "explanation"} if passed is False else set())


def validate_qualification(
    method: Evaluation, bids: Collection[UUID], entries: object
) -> tuple[QualificationEntry, ...]:
    """A qualification sheet's entries: every bid × qualification item, pass or a
    refusal with its Reg. 51 reason and written explanation."""
    items = [q.id for q in method.qualification]
    raws = _raw_entries(entries, _qualification_members)
    found = [_qualification(raw, bids, items) for raw in raws]
    return _complete(found, raws, bids, items)


def _qualification(raw: _Raw, bids: Collection[UUID], items: list[str]) -> QualificationEntry:
    bid, item = _bid(raw, bids), _item(raw, items)
    if raw.data["pass"]:
        return QualificationEntry(bid=bid, item=item, passed=True)
    try:
        reason = RejectionReason(raw.data["reason"])
    except (ValueError, TypeError):
        raise raw.refuse("reason is one of the Reg. 51 reasons", "reason") from None
    explanation = raw.text("explanation")
    return QualificationEntry(
        bid=bid, item=item, passed=False, reason=reason, explanation=explanation
    )


def validate_scores(
    method: Evaluation, bids: Collection[UUID], entries: object
) -> tuple[ScoreEntry, ...]:
    """A scoring sheet's entries: every bid × sub-item, points allowed by the sub-item."""
    items = method.scored_items
    raws = _raw_entries(entries, lambda _: {"bid", "item", "points"})
    found = []
    for raw in raws:
        bid, item = _bid(raw, bids), _item(raw, items)
        points, sub = raw.int("points"), items[item]
        if not sub.allows(points):
            allowed = (
                f"one of {', '.join(map(str, sub.steps))}"
                if sub.steps
                else f"{sub.min_hundredths}–{sub.max_hundredths}"
            )
            raise raw.refuse(f"points for {item} are {allowed} (hundredths)", "points")
        found.append(ScoreEntry(bid=bid, item=item, points=points))
    return _complete(found, raws, bids, items)


def validate_adjustments(
    method: Evaluation, bids: Collection[UUID], entries: object
) -> tuple[AdjustmentEntry, ...]:
    """An adjustment sheet's entries: every bid × adjustment item, fen within its bounds."""
    items = {a.id: a for a in method.adjustments}
    raws = _raw_entries(entries, lambda _: {"bid", "item", "fen"})
    found = []
    for raw in raws:
        bid, item = _bid(raw, bids), _item(raw, items)
        fen, adjustment = raw.int("fen"), items[item]
        if not adjustment.min_fen <= fen <= adjustment.max_fen:
            bounds = f"{adjustment.min_fen}–{adjustment.max_fen}"
            raise raw.refuse(f"fen for {item} are {bounds}", "fen")
        found.append(AdjustmentEntry(bid=bid, item=item, fen=fen))
    return _complete(found, raws, bids, items)


# --- the committee's sheets together ----------------------------------------------------


def require_complete(
    sheets: Mapping[int, Iterable[QualificationEntry | ScoreEntry | AdjustmentEntry]],
    bids: Collection[UUID],
    items: Iterable[str],
) -> None:
    """Every member's sheet (by seat) covers exactly bids × items: what the validate
    functions guarantee one sheet at a time, checked across sheets before they are
    combined (ValueError: a caller mixed sheets of different bid lists)."""
    if not sheets:
        raise ValueError("no member's sheet to combine")
    wanted = {(bid, item) for bid in bids for item in items}
    for seat, entries in sheets.items():
        pairs = [(e.bid, e.item) for e in entries]
        if len(pairs) != len(wanted) or set(pairs) != wanted:
            raise ValueError(f"the sheet of seat {seat} does not cover the bids and items")
