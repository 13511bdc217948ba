"""Request and response bodies of the pool's endpoints (web/expert_pool/routes.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from expert_pool.model import ExpertStatus, PenaltyKind, RelationKind, Title

Id = Annotated[str, msgspec.Meta(max_length=64)]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Code = Annotated[str, msgspec.Meta(max_length=16)]


class Model(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of request and response bodies: unknown fields are refused."""


class ExpertCreate(Model, frozen=True, kw_only=True):
    id: Id
    name: Annotated[str, msgspec.Meta(max_length=64)]
    id_card: Annotated[str, msgspec.Meta(max_length=18)]
    phone: Annotated[str, msgspec.Meta(max_length=20)]
    specialties: Annotated[list[Code], msgspec.Meta(max_length=20)]
    title: Title
    years_of_practice: int
    birth_date: date
    region: Annotated[str, msgspec.Meta(max_length=6)]
    employer_credit_code: Annotated[str, msgspec.Meta(max_length=18)]
    status: ExpertStatus = ExpertStatus.ACTIVE
    user_id: UUID | None = None


class RelationshipBody(Model, frozen=True, kw_only=True):
    kind: RelationKind
    credit_code: Annotated[str, msgspec.Meta(max_length=18)] | None = None
    person_name: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class PenaltyBody(Model, frozen=True, kw_only=True):
    kind: PenaltyKind
    imposed_on: date
    authority: Short
    reference: Short = ""


class UnavailableBody(Model, frozen=True, kw_only=True):
    id: UUID | None = None
    starts_at: datetime
    ends_at: datetime
    note: Short = ""


class ExpertBody(Model, frozen=True, kw_only=True):
    id: str
    name: str
    id_card_last4: str
    phone: str
    specialties: list[str]
    title: Title
    years_of_practice: int
    birth_date: date
    region: str
    employer_credit_code: str
    status: ExpertStatus
    relationships: list[RelationshipBody]
    penalties: list[PenaltyBody]
    unavailable: list[UnavailableBody]
    user_id: UUID | None
    cert_sha256: str | None
    age_recipient: str | None


class ExpertRow(Model, frozen=True, kw_only=True):
    id: str
    name: str
    specialties: list[str]
    title: Title
    years_of_practice: int
    region: str
    employer_credit_code: str
    status: ExpertStatus
    id_card_last4: str
    has_certificate: bool
    has_account: bool


class ExpertPage(Model, frozen=True, kw_only=True):
    items: list[ExpertRow]
    next_cursor: str | None


class ImportResult(Model, frozen=True, kw_only=True):
    imported: int
    ids: list[str]


class StatusChange(Model, frozen=True, kw_only=True):
    status: ExpertStatus
    reason: Annotated[str, msgspec.Meta(max_length=500)]


class CertificateBody(Model, frozen=True, kw_only=True):
    pem: Annotated[str, msgspec.Meta(max_length=16384)]
    age_recipient: Annotated[str, msgspec.Meta(max_length=70)] | None = None


class AccountLink(Model, frozen=True, kw_only=True):
    user_id: UUID


class MatchQuery(Model, frozen=True, kw_only=True):
    id_card: Annotated[str, msgspec.Meta(max_length=18)]


class MatchResult(Model, frozen=True, kw_only=True):
    expert_id: str | None


class YearBody(Model, frozen=True, kw_only=True):
    expert_id: str
    name: str
    year: int
    points: int
    counts: dict[str, int]
    accepted: int
    attended: int
    sanctions: list[str]
    incidents: list[tuple[str, datetime, str]]  # (offence, when, draw id)


class VenueBody(Model, frozen=True, kw_only=True):
    id: Id
    name: Short
    region: Annotated[str, msgspec.Meta(max_length=6)]
    address: Short = ""
    seats: int
    active: bool = True


class VenueList(Model, frozen=True, kw_only=True):
    items: list[VenueBody]


class AlertBody(Model, frozen=True, kw_only=True):
    id: UUID
    kind: str
    draw_id: str | None
    expert_id: str | None
    data: dict[str, Any]
    created_at: datetime


class AlertList(Model, frozen=True, kw_only=True):
    items: list[AlertBody]


class PolicyBody(Model, frozen=True, kw_only=True):
    policy: dict[str, Any]
