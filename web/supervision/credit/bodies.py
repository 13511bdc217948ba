"""Bodies of the credit and market-party API (docs/api-credit.md; msgspec, unknown fields
refused). People leave by name, role and ID hash: the ID number is only ever received."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from supervision.credit.model import Appeal, CreditScore, ListEntry, Sanction, Violation
from supervision.credit.records import PartyRecord
from supervision.parties.model import Party, Person, Project, Qualification, Relation
from web.http import struct_from

Text64 = Annotated[str, msgspec.Meta(max_length=64)]
Text200 = Annotated[str, msgspec.Meta(max_length=200)]
Text2000 = Annotated[str, msgspec.Meta(max_length=2000)]
Text4000 = Annotated[str, msgspec.Meta(max_length=4000)]


class Model(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of the credit API's bodies: unknown fields are refused."""


# --- requests -----------------------------------------------------------------------------


class ViolationCreate(Model, frozen=True, kw_only=True):
    organisation_id: UUID
    kind: Text64
    description: Text2000
    finding_source: Text64 | None = None
    finding_ref: Text200 | None = None
    found_at: datetime
    tender_id: UUID | None = None


class SanctionCreate(Model, frozen=True, kw_only=True):
    violation_id: UUID | None = None
    kind: Text64
    detail: Text2000
    amount_fen: int | None = None
    starts_at: datetime
    ends_at: datetime | None = None


class EntryCreate(Model, frozen=True, kw_only=True):
    list: Text64
    basis: Text2000
    basis_ref: Text200
    starts_at: datetime
    ends_at: datetime
    organisation_id: UUID | None = None
    credit_code: Text64 | None = None
    violation_id: UUID | None = None
    source: Text64 | None = None


class AppealCreate(Model, frozen=True, kw_only=True):
    grounds: Text4000


class AppealDecisionCreate(Model, frozen=True, kw_only=True):
    decision: Text64
    reasons: Text4000


class QualificationCreate(Model, frozen=True, kw_only=True):
    kind: Text200
    grade: Text64 = ""
    number: Text200
    issuer: Text200
    valid_from: date
    valid_to: date | None = None


class PersonCreate(Model, frozen=True, kw_only=True):
    role: Text64
    name: Text200
    id_number: Annotated[str, msgspec.Meta(max_length=32)]


class RelationCreate(Model, frozen=True, kw_only=True):
    from_org: UUID
    to_org: UUID
    kind: Text64
    basis: Text2000


# --- answers ------------------------------------------------------------------------------


class ViolationBody(Model, frozen=True, kw_only=True):
    id: UUID
    organisation_id: UUID
    kind: str
    description: str
    finding_source: str
    finding_ref: str
    tender_id: UUID | None
    found_at: datetime
    department_id: UUID
    recorded_at: datetime


class SanctionBody(Model, frozen=True, kw_only=True):
    id: UUID
    violation_id: UUID
    kind: str
    detail: str
    amount_fen: int | None
    starts_at: datetime
    ends_at: datetime | None
    department_id: UUID
    decided_at: datetime


class EntryBody(Model, frozen=True, kw_only=True):
    id: UUID
    organisation_id: UUID | None
    credit_code: str
    party_name: str | None
    list: str
    source: str
    violation_id: UUID | None
    basis: str
    basis_ref: str
    starts_at: datetime
    ends_at: datetime
    department_id: UUID
    entered_at: datetime
    appeal_state: str
    revoked_at: datetime | None


class PublicEntryBody(Model, frozen=True, kw_only=True):
    """What the public lists show of an entry: the party, source, basis and term."""

    id: UUID
    credit_code: str
    party_name: str | None
    list: str
    source: str
    basis: str
    basis_ref: str
    starts_at: datetime
    ends_at: datetime
    appeal_state: str


class PublicLists(Model, frozen=True, kw_only=True):
    as_of: datetime
    red: list[PublicEntryBody]
    black: list[PublicEntryBody]


class EntryList(Model, frozen=True, kw_only=True):
    items: list[EntryBody]


class AppealBody(Model, frozen=True, kw_only=True):
    id: UUID
    entry_id: UUID
    organisation_id: UUID
    grounds: str
    filed_at: datetime
    decision: str | None
    reasons: str | None
    decided_at: datetime | None


class AppealList(Model, frozen=True, kw_only=True):
    items: list[AppealBody]


class EntryWithAppeals(Model, frozen=True, kw_only=True):
    entry: EntryBody
    appeals: list[AppealBody]


class PartyBody(Model, frozen=True, kw_only=True):
    id: UUID
    credit_code: str
    name: str
    kind: str
    region: str


class PartyList(Model, frozen=True, kw_only=True):
    items: list[PartyBody]


class QualificationBody(Model, frozen=True, kw_only=True):
    id: UUID
    organisation_id: UUID
    kind: str
    grade: str
    number: str
    issuer: str
    valid_from: date
    valid_to: date | None


class PersonBody(Model, frozen=True, kw_only=True):
    id: UUID
    organisation_id: UUID
    role: str
    name: str
    id_hash: str


class RelationBody(Model, frozen=True, kw_only=True):
    from_org: UUID
    to_org: UUID
    kind: str
    basis: str
    recorded_at: datetime


class ProjectBody(Model, frozen=True, kw_only=True):
    tender_id: UUID
    title: str
    lot: str
    price_fen: int | None
    won_at: datetime
    signed_on: date | None
    contract_fen: int | None
    performed: bool


class CreditBody(Model, frozen=True, kw_only=True):
    score: float
    grade: str
    facts: dict[str, int]
    policy_version: str


class PartyRecordBody(Model, frozen=True, kw_only=True):
    party: PartyBody
    credit: CreditBody
    qualifications: list[QualificationBody]
    people: list[PersonBody]
    relations: list[RelationBody]
    projects: list[ProjectBody]
    violations: list[ViolationBody]
    sanctions: list[SanctionBody]
    entries: list[EntryBody]
    appeals: list[AppealBody]


def violation_body(v: Violation) -> ViolationBody:
    return struct_from(ViolationBody, v, finding_source=str(v.finding_source))


def sanction_body(s: Sanction) -> SanctionBody:
    return struct_from(SanctionBody, s, kind=str(s.kind))


def _entry_fields(e: ListEntry, model: type[Model]) -> dict[str, object]:
    # ``source`` is also struct_from's own parameter: the fields are copied here instead.
    values = {f: getattr(e, f) for f in model.__struct_fields__}
    return {**values, "list": str(e.list), "source": str(e.source),
            "appeal_state": str(e.appeal_state)}  # fmt: skip


def entry_body(e: ListEntry) -> EntryBody:
    return EntryBody(**_entry_fields(e, EntryBody))  # type: ignore[arg-type]


def public_entry_body(e: ListEntry) -> PublicEntryBody:
    return PublicEntryBody(**_entry_fields(e, PublicEntryBody))  # type: ignore[arg-type]


def appeal_body(a: Appeal) -> AppealBody:
    return struct_from(AppealBody, a, decision=str(a.decision) if a.decision else None)


def party_body(p: Party) -> PartyBody:
    return struct_from(PartyBody, p, kind=str(p.kind))


def qualification_body(q: Qualification) -> QualificationBody:
    return struct_from(QualificationBody, q)


def person_body(p: Person) -> PersonBody:
    return struct_from(PersonBody, p, role=str(p.role))


def relation_body(r: Relation) -> RelationBody:
    return struct_from(RelationBody, r, kind=str(r.kind))


def project_body(p: Project) -> ProjectBody:
    return struct_from(ProjectBody, p)


def credit_body(c: CreditScore) -> CreditBody:
    return struct_from(CreditBody, c, facts=dict(c.facts))


def record_body(r: PartyRecord) -> PartyRecordBody:
    return PartyRecordBody(
        party=party_body(r.party),
        credit=credit_body(r.credit),
        qualifications=[qualification_body(q) for q in r.qualifications],
        people=[person_body(p) for p in r.people],
        relations=[relation_body(x) for x in r.relations],
        projects=[project_body(p) for p in r.projects],
        violations=[violation_body(v) for v in r.violations],
        sanctions=[sanction_body(s) for s in r.sanctions],
        entries=[entry_body(e) for e in r.entries],
        appeals=[appeal_body(a) for a in r.appeals],
    )
