"""Agency records as data, and who may do what to them (issue 14, item 1). Pure: no I/O.

An agency (招标代理机构) is registered by the centre with its registration number, the
categories it serves and its staff with their qualifications. A supervising
department inspects it — planned or ad hoc — and its supervisors record findings
against the inspection; only supervisors of the inspecting department do (the
department answers for its inspection: CONTRACTS.md "Supervisors act for their
department"). DOMAIN.md "Monitoring and supervision": agencies are assessed on service
quality from platform data plus inspections (supervision/agencies/formula.py).
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime
from typing import Any
from uuid import UUID

from accounts.model import Actor, Role
from supervision.agencies.errors import (
    AgencyRecordForbidden,
    AgencyRegistrationInvalid,
    AgencyStaffInvalid,
    FindingInvalid,
    InspectionDepartmentDenied,
    InspectionInvalid,
)

CATEGORIES = ("works", "goods", "services")
REGISTRATION_NUMBER_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"
)


class StaffRole(enum.StrEnum):
    """What a person does at the agency."""

    PRINCIPAL = "principal"  # 负责人
    PROJECT_MANAGER = "project_manager"  # 项目负责人
    STAFF = "staff"  # 专职人员


class InspectionKind(enum.StrEnum):
    """Planned (in the department's yearly plan) or ad hoc (on a lead or complaint)."""

    PLANNED = "planned"
    AD_HOC = "ad_hoc"


class Severity(enum.StrEnum):
    """How much a finding weighs in the assessment (the formula's finding terms)."""

    OBSERVATION = "observation"
    MINOR = "minor"
    MAJOR = "major"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Registration:
    """An agency's registration with the centre."""

    organisation_id: UUID
    name: str
    registration_number: str
    registered_on: date
    address: str
    contact: str
    scope: tuple[str, ...]
    recorded_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Registration:
        return cls(
            organisation_id=row["organisation_id"], name=row["name"],
            registration_number=row["registration_number"],
            registered_on=row["registered_on"], address=row["address"],
            contact=row["contact"], scope=tuple(row["scope"]), recorded_at=row["recorded_at"],
        )  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StaffMember:
    """A person on the agency's staff (never the plain identity-card number)."""

    id: UUID
    name: str
    role: StaffRole
    qualification: str
    qualification_number: str
    qualification_valid_until: date | None
    joined_on: date

    @classmethod
    def from_row(cls, row: Any) -> StaffMember:
        return cls(
            id=row["id"], name=row["name"], role=StaffRole(row["role"]),
            qualification=row["qualification"],
            qualification_number=row["qualification_number"],
            qualification_valid_until=row["qualification_valid_until"],
            joined_on=row["joined_on"],
        )  # fmt: skip

    def qualified_on(self, day: date) -> bool:
        """Whether the person holds a qualification valid on ``day``."""
        if not self.qualification:
            return False
        return self.qualification_valid_until is None or day <= self.qualification_valid_until


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Project:
    """A tender the agency runs (read from tenders, never copied)."""

    tender_id: UUID
    code: str | None
    title: str
    category: str
    status: str
    published_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> Project:
        return cls(
            tender_id=row["id"], code=row["code"], title=row["title"],
            category=row["category"], status=row["status"], published_at=row["published_at"],
        )  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """What an inspection found."""

    id: UUID
    inspection_id: UUID
    severity: Severity
    description: str
    tender_id: UUID | None
    found_on: date
    recorded_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Finding:
        return cls(
            id=row["id"], inspection_id=row["inspection_id"],
            severity=Severity(row["severity"]), description=row["description"],
            tender_id=row["tender_id"], found_on=row["found_on"],
            recorded_at=row["recorded_at"],
        )  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Inspection:
    """An inspection of an agency by a department, with its findings."""

    id: UUID
    organisation_id: UUID
    department_id: UUID
    kind: InspectionKind
    scheduled_on: date
    subject: str
    opened_at: datetime
    findings: tuple[Finding, ...] = ()

    @classmethod
    def from_row(cls, row: Any) -> Inspection:
        return cls(
            id=row["id"], organisation_id=row["organisation_id"],
            department_id=row["department_id"], kind=InspectionKind(row["kind"]),
            scheduled_on=row["scheduled_on"], subject=row["subject"],
            opened_at=row["opened_at"],
        )  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RegistrationInput:
    """What the centre records when it registers an agency."""

    organisation_id: UUID
    registration_number: str
    registered_on: date
    address: str = ""
    contact: str = ""
    scope: tuple[str, ...] = CATEGORIES


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StaffInput:
    """A person added to an agency's staff (the number is hashed before storage)."""

    name: str
    id_number: str
    role: str
    qualification: str = ""
    qualification_number: str = ""
    qualification_valid_until: date | None = None
    joined_on: date


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class InspectionInput:
    """An inspection opened by a supervisor for a department."""

    kind: str
    scheduled_on: date
    subject: str
    department_id: UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class FindingInput:
    """A finding recorded against an inspection."""

    severity: str
    description: str
    found_on: date
    tender_id: UUID | None = None


def check_registration(given: RegistrationInput) -> RegistrationInput:
    """The registration's fields as the table's CHECKs want them, else a clear error."""
    number = given.registration_number.strip()
    if not 1 <= len(number) <= 64 or not set(number) <= REGISTRATION_NUMBER_CHARS:
        raise AgencyRegistrationInvalid(
            "the registration number is 1-64 letters, digits or '-'",
            details={"field": "registration_number"},
        )
    scope = tuple(dict.fromkeys(given.scope))
    if not scope or any(c not in CATEGORIES for c in scope):
        raise AgencyRegistrationInvalid(
            "the scope names one or more of works, goods, services", details={"field": "scope"}
        )
    if len(given.address) > 200 or len(given.contact) > 100:
        raise AgencyRegistrationInvalid(
            "the address is at most 200 characters, the contact at most 100",
            details={"field": "address" if len(given.address) > 200 else "contact"},
        )
    return dataclasses.replace(given, registration_number=number, scope=scope)


def check_staff(given: StaffInput) -> StaffRole:
    """The staff member's role, once every field is valid."""
    if not 1 <= len(given.name.strip()) <= 64:
        raise AgencyStaffInvalid("the name is 1-64 characters", details={"field": "name"})
    if given.role not in set(StaffRole):
        raise AgencyStaffInvalid(
            f"the role is one of {', '.join(StaffRole)}", details={"field": "role"}
        )
    if len(given.qualification) > 100 or len(given.qualification_number) > 64:
        raise AgencyStaffInvalid(
            "the qualification is at most 100 characters, its number at most 64",
            details={"field": "qualification"},
        )
    if given.qualification_number and not given.qualification:
        raise AgencyStaffInvalid(
            "a qualification number needs the qualification it numbers",
            details={"field": "qualification"},
        )
    return StaffRole(given.role)


def check_inspection(given: InspectionInput) -> InspectionKind:
    """The inspection's kind, once its subject is valid."""
    if given.kind not in set(InspectionKind):
        raise InspectionInvalid("the kind is planned or ad_hoc", details={"field": "kind"})
    if not 1 <= len(given.subject.strip()) <= 500:
        raise InspectionInvalid("the subject is 1-500 characters", details={"field": "subject"})
    return InspectionKind(given.kind)


def check_finding(given: FindingInput) -> Severity:
    """The finding's severity, once its description is valid."""
    if given.severity not in set(Severity):
        raise FindingInvalid(
            f"the severity is one of {', '.join(Severity)}", details={"field": "severity"}
        )
    if not 1 <= len(given.description.strip()) <= 4000:
        raise FindingInvalid(
            "the description is 1-4000 characters", details={"field": "description"}
        )
    return Severity(given.severity)


def is_centre_staff(actor: Actor) -> bool:
    """Centre staff keep the registry and publish the assessments."""
    return actor.has_role(Role.CENTRE_STAFF)


def supervised_departments(actor: Actor) -> frozenset[UUID]:
    """The departments the actor supervises for (its supervisor grants' scopes)."""
    return actor.acting_for(Role.SUPERVISOR)


def require_staff(actor: Actor, action: str) -> None:
    """Only centre staff may ``action`` (the registry is the centre's)."""
    if not is_centre_staff(actor):
        raise AgencyRecordForbidden(
            "only centre staff keep the agency registry and publish assessments",
            details={"action": action, "required": "centre_staff"},
        )


def require_reader(actor: Actor, organisation_id: UUID) -> None:
    """Records are read by centre staff, supervisors and the agency itself."""
    own = actor.organisation_id == organisation_id and actor.has_role(Role.AGENCY)
    if not (is_centre_staff(actor) or supervised_departments(actor) or own):
        raise AgencyRecordForbidden(
            "agency records are read by centre staff, supervisors and the agency itself",
            details={"action": "read_agency_record"},
        )


def require_registry_reader(actor: Actor) -> None:
    """The registry as a whole is read by centre staff and supervisors."""
    if not (is_centre_staff(actor) or supervised_departments(actor)):
        raise AgencyRecordForbidden(
            "the agency registry is read by centre staff and supervisors",
            details={"action": "list_agencies"},
        )


def inspecting_department(actor: Actor, wanted: UUID | None) -> UUID:
    """The department an inspection is opened for: ``wanted``, else the actor's only one."""
    departments = supervised_departments(actor)
    if not departments:
        raise AgencyRecordForbidden(
            "inspections are opened by supervisors",
            details={"action": "open_inspection", "required": "supervisor"},
        )
    if wanted is None:
        if len(departments) > 1:
            raise InspectionInvalid(
                "the actor supervises for several departments: name one",
                details={"field": "department_id"},
            )
        return next(iter(departments))
    if wanted not in departments:
        raise InspectionDepartmentDenied(
            "a supervisor opens inspections only for the department it acts for",
            details={"department_id": str(wanted)},
        )
    return wanted


def require_inspector(actor: Actor, inspection: Inspection) -> None:
    """Findings are recorded only by supervisors of the inspecting department."""
    if inspection.department_id not in supervised_departments(actor):
        raise InspectionDepartmentDenied(
            "only supervisors of the inspecting department record its findings",
            details={
                "inspection_id": str(inspection.id),
                "department_id": str(inspection.department_id),
            },
        )
