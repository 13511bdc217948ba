"""Bodies of the contract API (docs/api-contracts.md; msgspec, unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from tender.contracts.model import (
    Contract,
    ContractChange,
    PerformanceKind,
    PerformanceRecord,
)
from tender.contracts.queries import ContractDocument
from tender.suspensions.model import Suspension
from web.http import struct_from
from web.tender.bodies import Model, Text200

Text2000 = Annotated[str, msgspec.Meta(max_length=2000)]
Text4000 = Annotated[str, msgspec.Meta(max_length=4000)]
Lot = Annotated[str, msgspec.Meta(max_length=2)]


class ContractCreate(Model, frozen=True, kw_only=True):
    lot: Lot
    supplier_id: UUID
    price_fen: int
    duration_days: int | None = None
    quality: Text200 | None = None
    project_manager: Text200 | None = None
    scope: Text200
    document_sha256: Annotated[str, msgspec.Meta(max_length=64)]
    signed_on: date
    late_reason: Text2000 | None = None


class ContractBody(Model, frozen=True, kw_only=True):
    id: UUID
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


class ContractChangeCreate(Model, frozen=True, kw_only=True):
    what: Text200
    description: Text4000
    reason: Text2000
    effective_on: date


class ContractChangeBody(Model, frozen=True, kw_only=True):
    id: UUID
    contract_id: UUID
    lot: str
    what: str
    description: str
    reason: str
    effective_on: date
    recorded_at: datetime


class PerformanceCreate(Model, frozen=True, kw_only=True):
    kind: PerformanceKind
    title: Text200
    description: Text4000 = ""
    amount_fen: int | None = None
    occurred_on: date


class PerformanceBody(Model, frozen=True, kw_only=True):
    id: UUID
    contract_id: UUID
    lot: str
    kind: PerformanceKind
    title: str
    description: str
    amount_fen: int | None
    occurred_on: date
    recorded_at: datetime


class ContractsPublished(Model, frozen=True, kw_only=True):
    contracts: list[ContractBody]
    changes: list[ContractChangeBody]
    performance: list[PerformanceBody]


class ContractDocumentBody(Model, frozen=True, kw_only=True):
    contract_id: UUID
    lot: str
    sha256: str
    size: int
    media_type: str
    uploaded_at: datetime


class SuspensionCreate(Model, frozen=True, kw_only=True):
    reason: Text2000
    source: Annotated[str, msgspec.Meta(max_length=32)] = "supervision"


class SuspensionBody(Model, frozen=True, kw_only=True):
    id: UUID
    starts_at: datetime
    ends_at: datetime | None
    reason: str
    source: str
    recorded_at: datetime


class SuspensionList(Model, frozen=True, kw_only=True):
    items: list[SuspensionBody]


def contract_body(c: Contract) -> ContractBody:
    """A contract's key terms (public once recorded)."""
    return struct_from(ContractBody, c)


def change_body(c: ContractChange) -> ContractChangeBody:
    """A change to a contract."""
    return struct_from(ContractChangeBody, c)


def performance_body(p: PerformanceRecord) -> PerformanceBody:
    """A performance record."""
    return struct_from(PerformanceBody, p)


def suspension_body(s: Suspension) -> SuspensionBody:
    """A suspension of the tender's clocks."""
    return struct_from(SuspensionBody, s)


def document_body(d: ContractDocument) -> ContractDocumentBody:
    """The signed contract document's record."""
    return struct_from(ContractDocumentBody, d)
