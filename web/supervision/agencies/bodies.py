"""Bodies of the agency records API (docs/api-agencies.md; msgspec, unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from supervision.agencies.assessment_queries import Assessment
from supervision.agencies.model import (
    CATEGORIES,
    Finding,
    Inspection,
    Project,
    Registration,
    StaffMember,
)
from supervision.agencies.service import AgencyRecord
from web.tender.bodies import Model

Text64 = Annotated[str, msgspec.Meta(max_length=64)]
Text100 = Annotated[str, msgspec.Meta(max_length=100)]
Text200 = Annotated[str, msgspec.Meta(max_length=200)]
Text500 = Annotated[str, msgspec.Meta(max_length=500)]
Text4000 = Annotated[str, msgspec.Meta(max_length=4000)]


class AgencyCreate(Model, frozen=True, kw_only=True):
    organisation_id: UUID
    registration_number: Text64
    registered_on: date
    address: Text200 = ""
    contact: Text100 = ""
    scope: Annotated[tuple[Text64, ...], msgspec.Meta(max_length=3)] = CATEGORIES


class AgencyBody(Model, frozen=True, kw_only=True):
    organisation_id: UUID
    name: str
    registration_number: str
    registered_on: date
    address: str
    contact: str
    scope: list[str]
    recorded_at: datetime


class AgencyList(Model, frozen=True, kw_only=True):
    items: list[AgencyBody]


class StaffCreate(Model, frozen=True, kw_only=True):
    name: Text64
    id_number: Annotated[str, msgspec.Meta(max_length=18)]
    role: Text64
    qualification: Text100 = ""
    qualification_number: Text64 = ""
    qualification_valid_until: date | None = None
    joined_on: date


class StaffBody(Model, frozen=True, kw_only=True):
    id: UUID
    name: str
    role: str
    qualification: str
    qualification_number: str
    qualification_valid_until: date | None
    joined_on: date


class InspectionCreate(Model, frozen=True, kw_only=True):
    kind: Text64
    scheduled_on: date
    subject: Text500
    department_id: UUID | None = None


class FindingCreate(Model, frozen=True, kw_only=True):
    severity: Text64
    description: Text4000
    found_on: date
    tender_id: UUID | None = None


class FindingBody(Model, frozen=True, kw_only=True):
    id: UUID
    inspection_id: UUID
    severity: str
    description: str
    tender_id: UUID | None
    found_on: date
    recorded_at: datetime


class InspectionBody(Model, frozen=True, kw_only=True):
    id: UUID
    organisation_id: UUID
    department_id: UUID
    kind: str
    scheduled_on: date
    subject: str
    opened_at: datetime
    findings: list[FindingBody]


class ProjectBody(Model, frozen=True, kw_only=True):
    tender_id: UUID
    code: str | None
    title: str
    category: str
    status: str
    published_at: datetime | None


class AssessmentBody(Model, frozen=True, kw_only=True):
    organisation_id: UUID
    name: str
    period_start: date
    period_end: date
    formula_version: str
    facts: dict[str, int]
    score: str
    grade: str
    published_at: datetime


class AssessmentList(Model, frozen=True, kw_only=True):
    items: list[AssessmentBody]


class FormulaTerm(Model, frozen=True, kw_only=True):
    fact: str
    weight: int | float
    per: str


class FormulaGrade(Model, frozen=True, kw_only=True):
    at_least: int | float
    grade: str


class FormulaBody(Model, frozen=True, kw_only=True):
    version: str
    base: int | float
    min: int | float
    max: int | float
    terms: list[FormulaTerm]
    grades: list[FormulaGrade]


class AssessmentCreate(Model, frozen=True, kw_only=True):
    period_start: date
    period_end: date


class AgencyRecordBody(Model, frozen=True, kw_only=True):
    registration: AgencyBody
    staff: list[StaffBody]
    projects: list[ProjectBody]
    inspections: list[InspectionBody]
    assessments: list[AssessmentBody]


def agency_body(r: Registration) -> AgencyBody:
    return AgencyBody(
        organisation_id=r.organisation_id, name=r.name, registration_number=r.registration_number,
        registered_on=r.registered_on, address=r.address, contact=r.contact,
        scope=list(r.scope), recorded_at=r.recorded_at,
    )  # fmt: skip


def staff_body(s: StaffMember) -> StaffBody:
    return StaffBody(
        id=s.id, name=s.name, role=str(s.role), qualification=s.qualification,
        qualification_number=s.qualification_number,
        qualification_valid_until=s.qualification_valid_until, joined_on=s.joined_on,
    )  # fmt: skip


def finding_body(f: Finding) -> FindingBody:
    return FindingBody(
        id=f.id, inspection_id=f.inspection_id, severity=str(f.severity),
        description=f.description, tender_id=f.tender_id, found_on=f.found_on,
        recorded_at=f.recorded_at,
    )  # fmt: skip


def inspection_body(i: Inspection) -> InspectionBody:
    return InspectionBody(
        id=i.id, organisation_id=i.organisation_id, department_id=i.department_id,
        kind=str(i.kind), scheduled_on=i.scheduled_on, subject=i.subject,
        opened_at=i.opened_at, findings=[finding_body(f) for f in i.findings],
    )  # fmt: skip


def project_body(p: Project) -> ProjectBody:
    return ProjectBody(
        tender_id=p.tender_id, code=p.code, title=p.title, category=p.category,
        status=p.status, published_at=p.published_at,
    )  # fmt: skip


def assessment_body(a: Assessment) -> AssessmentBody:
    return AssessmentBody(
        organisation_id=a.organisation_id, name=a.name, period_start=a.period_start,
        period_end=a.period_end, formula_version=a.formula_version, facts=dict(a.facts),
        score=str(a.score), grade=a.grade, published_at=a.published_at,
    )  # fmt: skip


def record_body(record: AgencyRecord) -> AgencyRecordBody:
    return AgencyRecordBody(
        registration=agency_body(record.registration),
        staff=[staff_body(s) for s in record.staff],
        projects=[project_body(p) for p in record.projects],
        inspections=[inspection_body(i) for i in record.inspections],
        assessments=[assessment_body(a) for a in record.assessments],
    )
