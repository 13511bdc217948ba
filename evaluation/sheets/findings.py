"""The committee's findings by the lot's method, from the members' revealed sheets (pure).

evaluation/method decides every rule (docs/formats/evaluation-method.md §2, §3.2, §3.4);
this module only hands it the sheets, so that the sheets feature (the reveal's check,
the qualification result, the deviation flags) and the report (its verdicts, its
ranking) apply the same rules to the same entries and cannot disagree:

- :func:`check_entries` — one sheet's entries against the method and the bids the sheet
  evaluates (``evaluation_sheet_invalid``, evaluation/method/errors.py);
- :func:`bids_evaluated` — which bids a phase's sheets cover: every bid of the session
  in qualification; in scoring and adjustment the bids the committee's qualification
  passed (§2.2, §2.3);
- :func:`qualification` — the committee's majority on each bid (§3.2), and
  :func:`result_json`, its one JSON form (the ``qualification.result`` event, its log
  entry and the report's ``qualification.result``);
- :func:`deviations` — the scores the deviation review flags (§3.4).

Entries come as the sheet carries them (its JSON ``entries``), so a stored sheet is read
by the same strict code that checked it at the reveal. Sheets come by seat: those of the
seated members whose findings count (evaluation/sheets/service.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from evaluation.method import committee
from evaluation.method.committee import BidQualification, Deviation
from evaluation.method.model import (
    AdjustmentEntry,
    QualificationEntry,
    ScoreEntry,
    validate_adjustments,
    validate_qualification,
    validate_scores,
)
from evaluation.model import SheetPhase
from tender.model import Evaluation

Entry = QualificationEntry | ScoreEntry | AdjustmentEntry
RawSheets = Mapping[int, object]  # seat → a sheet's JSON ``entries``, not yet checked
Check = Callable[[Evaluation, Collection[UUID], object], Sequence[Entry]]

_CHECKS: dict[SheetPhase, Check] = {
    SheetPhase.QUALIFICATION: validate_qualification,
    SheetPhase.SCORING: validate_scores,
    SheetPhase.ADJUSTMENT: validate_adjustments,
}


def entries_of(sheet: bytes) -> object:
    """The ``entries`` of a sheet's bytes (parsed strictly by signing.sheets before)."""
    body: dict[str, Any] = json.loads(sheet)
    return body["entries"]


def check_entries(
    method: Evaluation, phase: SheetPhase, bids: Collection[UUID], entries: object
) -> tuple[Entry, ...]:
    """The sheet's entries, typed: exactly one per bid × item of the phase, each allowed
    by the method (MethodSheetInvalid otherwise)."""
    return tuple(_CHECKS[phase](method, bids, entries))


def qualification(
    method: Evaluation, bids: Collection[UUID], sheets: RawSheets
) -> tuple[BidQualification, ...]:
    """The committee's majority on every bid of the session (§3.2), sorted by bid id."""
    typed = {seat: validate_qualification(method, bids, raw) for seat, raw in sheets.items()}
    return committee.qualification_majority(method, bids, typed)


def passed(result: Iterable[BidQualification]) -> frozenset[UUID]:
    """The bids the committee's majority passed."""
    return frozenset(q.bid for q in result if q.passed)


def bids_evaluated(
    method: Evaluation, phase: SheetPhase, bids: Collection[UUID], qualified: RawSheets
) -> frozenset[UUID]:
    """The bids a sheet of ``phase`` covers; ``qualified``: the qualification sheets."""
    if phase is SheetPhase.QUALIFICATION:
        return frozenset(bids)
    # §2.2, §2.3: only the bids that passed qualification are scored or adjusted.
    return passed(qualification(method, bids, qualified))


def deviations(
    method: Evaluation, bids: Collection[UUID], sheets: RawSheets, percent: int
) -> tuple[Deviation, ...]:
    """The scores more than ``percent`` % from the other members' mean (§3.4)."""
    typed = {seat: validate_scores(method, bids, raw) for seat, raw in sheets.items()}
    return committee.deviations(method, typed, percent)


def result_json(result: Iterable[BidQualification]) -> list[dict[str, Any]]:
    """The qualification result as the session announces it and the report states it:
    per bid ``{"bid", "passed", "reasons", "items": [{"item", "passes", "fails",
    "reasons"}]}`` (§3.2: a minority's refusals stay visible, per item)."""
    return [
        {
            "bid": str(q.bid),
            "passed": q.passed,
            "reasons": [str(r) for r in q.reasons],
            "items": [
                {
                    "item": v.item,
                    "passes": v.passes,
                    "fails": v.fails,
                    "reasons": [str(r) for r in v.reasons],
                }
                for v in q.items
            ],
        }
        for q in result
    ]
