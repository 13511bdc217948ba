"""Contracts of awarded lots, their changes and their performance (no I/O).

Law 46: the tenderer and the winner sign a written contract within 30 days of the
award notice, on the terms of the tender documents and the winning bid; Reg. 57: they
may not agree otherwise on the main terms. :func:`term_differences` compares the
contract's main terms — the supplier, the price, the duration, the quality, the
project manager and the lot's scope — with what the winning bid stated at the opening
(its opening-form fields) and what the tender documents say (the lot's title).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from tender.checks import check_amount, check_text
from tender.contracts.errors import ContractInputInvalid
from tender.errors import TenderInputInvalid

_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_DAYS = 36_500
# Which opened part's fields count, later ones first: in a two-envelope tender the price
# is the commercial part's (evaluation/sessions/service.py does the same).
PART_ORDER = ("main", "commercial", "technical")


class PerformanceKind(enum.StrEnum):
    """What a performance record (履约信息) tells."""

    MILESTONE = "milestone"
    ACCEPTANCE = "acceptance"  # 验收
    PAYMENT = "payment"
    CHANGE = "change"


def _text(value: str | None, name: str, limit: int) -> None:
    if value is None:
        return
    try:
        check_text(value, name=name, limit=limit)
    except TenderInputInvalid as error:
        raise ContractInputInvalid(error.message, details={"field": name}) from None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ContractInput:
    """A contract as the agency records it (on the tenderer's behalf)."""

    lot: str
    supplier_id: UUID
    price_fen: int
    duration_days: int | None
    quality: str | None
    project_manager: str | None
    scope: str
    document_sha256: str
    signed_on: date
    late_reason: str | None = None

    def checked(self) -> ContractInput:
        """Field formats (the terms themselves are compared by :func:`term_differences`)."""
        try:
            check_amount(self.price_fen, name="price_fen")
        except TenderInputInvalid as error:
            raise ContractInputInvalid(error.message, details={"field": "price_fen"}) from None
        days = self.duration_days
        if days is not None and (type(days) is not int or not 0 <= days <= MAX_DAYS):
            raise ContractInputInvalid(
                f"duration_days is 0–{MAX_DAYS}", details={"field": "duration_days"}
            )
        _text(self.quality, "quality", 200)
        _text(self.project_manager, "project_manager", 200)
        _text(self.scope, "scope", 200)
        _text(self.late_reason, "late_reason", 2000)
        if not _SHA256.fullmatch(self.document_sha256):
            raise ContractInputInvalid(
                "document_sha256 is 64 lowercase hex digits", details={"field": "document_sha256"}
            )
        return self


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ExpectedTerms:
    """What the tender documents and the winning bid fix; None where they state nothing."""

    supplier_id: UUID
    price_fen: int
    duration_days: int | None
    quality: str | None
    project_manager: str | None
    scope: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class TermDifference:
    """One main term the contract changes: its name, the contract's and the expected value."""

    term: str
    contract: Any
    expected: Any
    source: str  # "bid" (the opening-form field), "award" or "tender_documents"

    def to_json(self) -> dict[str, Any]:
        """The error's details entry."""
        return {
            "term": self.term,
            "contract": _plain(self.contract),
            "expected": _plain(self.expected),
            "source": self.source,
        }


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, UUID) else value


def bid_fields(parts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One bid's opening-form fields over its opened parts (commercial before technical)."""
    merged: dict[str, Any] = {}
    for part in reversed(PART_ORDER):
        merged.update(parts.get(part, {}))
    return merged


def expected_terms(
    *, supplier_id: UUID, award_price_fen: int | None, fields: Mapping[str, Any], scope: str
) -> ExpectedTerms:
    """The terms fixed by the winning bid's opening-form fields and the lot's title.

    The price is the bid's opening-form price (the award's price if the form held none).
    """
    price = fields.get("price")
    duration = fields.get("duration")
    return ExpectedTerms(
        supplier_id=supplier_id,
        price_fen=price if type(price) is int else (award_price_fen or 0),
        duration_days=duration if type(duration) is int else None,
        quality=_opt_text(fields.get("quality")),
        project_manager=_opt_text(fields.get("project_manager")),
        scope=scope,
    )


def _opt_text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def term_differences(contract: ContractInput, expected: ExpectedTerms) -> list[TermDifference]:
    """Reg. 57: every main term in which the contract departs from the bid or documents.

    A term the bid did not state (its form had no such field) is not compared; text is
    compared exactly, after the check that it carries no surrounding spaces.
    """
    pairs: Sequence[tuple[str, Any, Any, str]] = (
        ("supplier", contract.supplier_id, expected.supplier_id, "award"),
        ("price", contract.price_fen, expected.price_fen, "bid"),
        ("duration", contract.duration_days, expected.duration_days, "bid"),
        ("quality", contract.quality, expected.quality, "bid"),
        ("project_manager", contract.project_manager, expected.project_manager, "bid"),
        ("scope", contract.scope, expected.scope, "tender_documents"),
    )
    return [
        TermDifference(term=term, contract=mine, expected=theirs, source=source)
        for term, mine, theirs, source in pairs
        if theirs is not None and mine != theirs
    ]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Contract:
    """A lot's contract as recorded: the key terms that are published."""

    id: UUID
    tender_id: UUID
    lot: str
    award_id: UUID
    bid_id: UUID
    supplier_id: UUID
    price_fen: int
    duration_days: int | None
    quality: str | None
    project_manager: str | None
    scope: str
    document_sha256: str
    signed_on: date
    deadline: datetime
    late: bool
    late_reason: str | None
    recorded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ContractChange:
    """A change to a contract: what changed, why, from when."""

    id: UUID
    contract_id: UUID
    tender_id: UUID
    lot: str
    what: str
    description: str
    reason: str
    effective_on: date
    recorded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ChangeInput:
    """A change as the agency records it."""

    what: str
    description: str
    reason: str
    effective_on: date

    def checked(self) -> ChangeInput:
        """Field formats."""
        _text(self.what, "what", 200)
        _text(self.description, "description", 4000)
        _text(self.reason, "reason", 2000)
        return self


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PerformanceRecord:
    """A milestone, an acceptance, a payment (amount in fen) or a change of performance."""

    id: UUID
    contract_id: UUID
    tender_id: UUID
    lot: str
    kind: PerformanceKind
    title: str
    description: str
    amount_fen: int | None
    occurred_on: date
    recorded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PerformanceInput:
    """A performance record as the agency enters it."""

    kind: PerformanceKind
    title: str
    description: str
    amount_fen: int | None
    occurred_on: date

    def checked(self) -> PerformanceInput:
        """A payment carries an amount of at least 1 fen; nothing else carries one."""
        _text(self.title, "title", 200)
        if self.description:
            _text(self.description, "description", 4000)
        if (self.kind is PerformanceKind.PAYMENT) != (self.amount_fen is not None):
            raise ContractInputInvalid(
                "a payment carries amount_fen, no other record does",
                details={"field": "amount_fen"},
            )
        if self.amount_fen is not None:
            try:
                check_amount(self.amount_fen, name="amount_fen")
            except TenderInputInvalid as error:
                raise ContractInputInvalid(error.message, details={"field": "amount_fen"}) from None
            if self.amount_fen == 0:
                raise ContractInputInvalid(
                    "a payment is at least 1 fen", details={"field": "amount_fen"}
                )
        return self
