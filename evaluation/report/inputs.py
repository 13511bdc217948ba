"""What the report is built from besides the session: sheets, the deviation review,
clarifications.

Plain values, no I/O. They are read from the features that own the data:
evaluation/report/sources.py reads the sheets feature's (evaluation.sheets.service);
clarifications are read by sources.clarification_minutes
(TODO(integrator) there). The report consumes sheets in the format of
docs/formats/evaluation-sheet.md: ``body`` is the revealed sheet's canonical JSON, exactly
the bytes the member signed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from evaluation.model import SheetPhase


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RevealedSheet:
    """One revealed version of one member's sheet of one phase."""

    phase: SheetPhase
    seat: int
    generation: int  # the seat's holder (a replaced holder's sheets are void)
    version: int  # 1 at the reveal; 2, 3, … for revisions of flagged items or errors
    sha256: str  # the commitment: hex SHA-256 of ``body``
    body: bytes  # the sheet's canonical JSON (docs/formats/evaluation-sheet.md)
    signature: bytes  # the member's CMS detached signature over ``body``
    revealed_at: datetime  # when this version was revealed (or its revision accepted)
    # A revision's written reason per changed entry, [{"bid", "item", "reason"}]
    # (docs/formats/evaluation-sheet.md, ``revise``); None for a revealed sealed sheet.
    reasons: tuple[Mapping[str, str], ...] | None = None

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The sheet's entries, as the member wrote them (sorted by bid, item)."""
        value = json.loads(self.body)
        entries: list[dict[str, Any]] = value["entries"]
        return entries


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Flag:
    """An item the deviation review flagged for a member when the sheets were revealed
    (the session announced it: the report lists exactly these)."""

    phase: SheetPhase
    seat: int
    generation: int
    bid: UUID
    item: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Explanation:
    """A member's written explanation of an item the deviation review flagged."""

    phase: SheetPhase
    seat: int
    generation: int
    bid: UUID
    item: str
    text: str
    at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Clarification:
    """One written question to a bidder and its answer (Reg. 52: never the substance)."""

    bid: UUID
    question: str
    answer: str | None
    asked_at: datetime
    answered_at: datetime | None
    # Reg. 52: the chair refused the answer because it would change the substance.
    refusal: str | None = None
    refused_at: datetime | None = None
