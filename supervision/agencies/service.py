"""Use cases of agency records (issue 14, item 1): the centre registers agencies and
their staff; a supervisor opens an inspection for its department and records findings
against it; anyone reads the published assessments. Each use case owns its
transaction and logs one entry per change (supervision/agencies/events.py); the clock
is the database's (DESIGN.md, "Time"). A refused request changes nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from uuid import UUID

import asyncpg

from accounts.model import Actor
from expert_pool.errors import ExpertPoolError
from expert_pool.id_card import id_card_digest, validate_id_card
from supervision.agencies import assessment as scoring
from supervision.agencies import assessment_queries, queries
from supervision.agencies.errors import (
    AgencyInspectionNotFound,
    AgencyNotFound,
    AgencyRegistrationInvalid,
    AgencyStaffInvalid,
)
from supervision.agencies.events import AgencyEvent, append
from supervision.agencies.formula import SHIPPED, Formula, load_formula
from supervision.agencies.model import (
    Finding,
    FindingInput,
    Inspection,
    InspectionInput,
    Project,
    Registration,
    RegistrationInput,
    StaffInput,
    StaffMember,
    check_finding,
    check_inspection,
    check_registration,
    check_staff,
    inspecting_department,
    require_inspector,
    require_reader,
    require_registry_reader,
    require_staff,
)
from tender.queries import database_now

PROJECTS_SHOWN = 200
FORMULA_OVERRIDE = Path("policies") / "agency-assessment.json"


def read_formula(data_dir: Path | None = None) -> Formula:
    """The assessment formula: ``<data dir>/policies/agency-assessment.json`` if present,
    else the shipped one; checked now, so a bad formula stops the application's start."""
    override = data_dir / FORMULA_OVERRIDE if data_dir is not None else None
    path = override if override is not None and override.exists() else SHIPPED
    return load_formula(path.read_text(encoding="utf-8"))


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AgencyRecord:
    """Everything recorded about one agency."""

    registration: Registration
    staff: tuple[StaffMember, ...]
    projects: tuple[Project, ...]
    inspections: tuple[Inspection, ...]
    assessments: tuple[assessment_queries.Assessment, ...]


async def _registration(conn: asyncpg.Connection, organisation_id: UUID) -> Registration:
    found = await queries.get_registration(conn, organisation_id)
    if found is None:
        raise AgencyNotFound(
            "no registered agency has this id",
            details={"organisation_id": str(organisation_id)},
        )
    return found


async def register_agency(
    conn: asyncpg.Connection, actor: Actor, given: RegistrationInput
) -> Registration:
    """The centre registers an organisation of kind agency with its details."""
    require_staff(actor, "register_agency")
    checked = check_registration(given)
    async with conn.transaction():
        kind = await queries.organisation_kind(conn, checked.organisation_id)
        if kind != "agency":
            raise AgencyRegistrationInvalid(
                "only an organisation of kind agency is registered as one",
                details={"field": "organisation_id", "kind": kind},
            )
        registration = Registration(
            organisation_id=checked.organisation_id, name="",
            registration_number=checked.registration_number,
            registered_on=checked.registered_on, address=checked.address,
            contact=checked.contact, scope=checked.scope, recorded_at=await database_now(conn),
        )  # fmt: skip
        await queries.insert_registration(conn, registration, actor.user_id)
        await append(
            conn, AgencyEvent.REGISTERED, checked.organisation_id, actor=actor,
            role="centre_staff",
            data={"registration_number": checked.registration_number, "scope": list(checked.scope)},
        )  # fmt: skip
        return await _registration(conn, checked.organisation_id)


async def add_staff(
    conn: asyncpg.Connection, actor: Actor, organisation_id: UUID, given: StaffInput,
    *, id_card_key: bytes,
) -> StaffMember:  # fmt: skip
    """The centre adds a person to an agency's staff (the number kept only as a hash)."""
    require_staff(actor, "add_agency_staff")
    role = check_staff(given)
    try:
        validate_id_card(given.id_number)
    except ExpertPoolError:
        raise AgencyStaffInvalid(
            "the identity-card number is not valid (GB 11643)", details={"field": "id_number"}
        ) from None
    async with conn.transaction():
        await _registration(conn, organisation_id)
        stored = await queries.insert_staff(
            conn, organisation_id, given, role,
            id_hash=id_card_digest(given.id_number, id_card_key),
            recorded_by=actor.user_id, now=await database_now(conn),
        )  # fmt: skip
        await append(
            conn, AgencyEvent.STAFF_ADDED, organisation_id, actor=actor, role="centre_staff",
            data={"staff_id": str(stored.id), "role": str(role),
                  "qualified": bool(stored.qualification)},
        )  # fmt: skip
        return stored


async def open_inspection(
    conn: asyncpg.Connection, actor: Actor, organisation_id: UUID, given: InspectionInput
) -> Inspection:
    """A supervisor opens a planned or ad hoc inspection of an agency for its department."""
    department = inspecting_department(actor, given.department_id)
    kind = check_inspection(given)
    async with conn.transaction():
        await _registration(conn, organisation_id)
        stored = await queries.insert_inspection(
            conn, organisation_id, department, kind, given,
            opened_by=actor.user_id, now=await database_now(conn),
        )  # fmt: skip
        await append(
            conn, AgencyEvent.INSPECTION_OPENED, organisation_id, actor=actor, role="supervisor",
            data={"inspection_id": str(stored.id), "department_id": str(department),
                  "kind": str(kind), "scheduled_on": stored.scheduled_on.isoformat()},
        )  # fmt: skip
        return stored


async def record_finding(
    conn: asyncpg.Connection, actor: Actor, inspection_id: UUID, given: FindingInput
) -> Finding:
    """A supervisor of the inspecting department records what the inspection found."""
    severity = check_finding(given)
    async with conn.transaction():
        inspection = await queries.get_inspection(conn, inspection_id)
        if inspection is None:
            raise AgencyInspectionNotFound(
                "no inspection has this id", details={"inspection_id": str(inspection_id)}
            )
        require_inspector(actor, inspection)
        stored = await queries.insert_finding(
            conn, inspection_id, severity, given,
            recorded_by=actor.user_id, now=await database_now(conn),
        )  # fmt: skip
        await append(
            conn, AgencyEvent.FINDING_RECORDED, inspection.organisation_id, actor=actor,
            role="supervisor",
            data={"inspection_id": str(inspection_id), "finding_id": str(stored.id),
                  "severity": str(severity),
                  "tender_id": str(stored.tender_id) if stored.tender_id else None},
        )  # fmt: skip
        return stored


async def list_agencies(conn: asyncpg.Connection, actor: Actor) -> list[Registration]:
    """The registry (centre staff and supervisors)."""
    require_registry_reader(actor)
    return await queries.list_registrations(conn)


async def agency_record(
    conn: asyncpg.Connection, actor: Actor, organisation_id: UUID
) -> AgencyRecord:
    """An agency's registration, staff, projects, inspections and assessments."""
    require_reader(actor, organisation_id)
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        registration = await _registration(conn, organisation_id)
        return AgencyRecord(
            registration=registration,
            staff=tuple(await queries.list_staff(conn, organisation_id)),
            projects=tuple(await queries.projects(conn, organisation_id, PROJECTS_SHOWN)),
            inspections=tuple(await queries.inspections(conn, organisation_id)),
            assessments=tuple(await assessment_queries.of_agency(conn, organisation_id)),
        )


async def publish_assessments(
    conn: asyncpg.Connection, actor: Actor, first: date, last: date, formula: Formula
) -> list[assessment_queries.Assessment]:
    """The centre computes and publishes every registered agency's assessment."""
    require_staff(actor, "publish_assessments")
    return await scoring.publish(conn, actor, first, last, formula)


async def published_assessments(
    conn: asyncpg.Connection, first: date | None, last: date | None, limit: int
) -> list[assessment_queries.Assessment]:
    """Published assessments (public: DOMAIN.md, results are published)."""
    return await assessment_queries.published(conn, first, last, limit)
