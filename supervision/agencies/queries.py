"""SQL of agency records and assessments (the only place it lives; STYLE.md 5).

Database refusals become domain errors here: a second registration of an agency or of
its number is ``agency_registered_conflict``, the same person twice on one staff is
``agency_staff_duplicate_conflict``, a finding naming no tender is ``agency_finding_invalid``.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

import asyncpg

from supervision.agencies.errors import (
    AgencyRegistered,
    AgencyStaffDuplicate,
    FindingInvalid,
    InspectionInvalid,
)
from supervision.agencies.model import (
    Finding,
    FindingInput,
    Inspection,
    InspectionInput,
    InspectionKind,
    Project,
    Registration,
    Severity,
    StaffInput,
    StaffMember,
    StaffRole,
)

ORGANISATION_KIND = "SELECT kind FROM organisations WHERE id = $1"


async def organisation_kind(conn: asyncpg.Connection, organisation_id: UUID) -> str | None:
    kind: str | None = await conn.fetchval(ORGANISATION_KIND, organisation_id)
    return kind


INSERT_REGISTRATION = """
INSERT INTO agency_registrations (organisation_id, registration_number, registered_on,
    address, contact, scope, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""
GET_REGISTRATION = """
SELECT r.*, o.name FROM agency_registrations r JOIN organisations o ON o.id = r.organisation_id
WHERE r.organisation_id = $1
"""
LIST_REGISTRATIONS = """
SELECT r.*, o.name FROM agency_registrations r JOIN organisations o ON o.id = r.organisation_id
ORDER BY o.name, r.organisation_id
"""


async def insert_registration(
    conn: asyncpg.Connection, reg: Registration, recorded_by: UUID
) -> None:
    try:
        await conn.execute(
            INSERT_REGISTRATION, reg.organisation_id, reg.registration_number,
            reg.registered_on, reg.address, reg.contact, list(reg.scope), recorded_by,
            reg.recorded_at,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise AgencyRegistered(
            "the agency or its registration number is registered already",
            details={"organisation_id": str(reg.organisation_id)},
        ) from None


async def get_registration(conn: asyncpg.Connection, organisation_id: UUID) -> Registration | None:
    row = await conn.fetchrow(GET_REGISTRATION, organisation_id)
    return Registration.from_row(row) if row else None


async def list_registrations(conn: asyncpg.Connection) -> list[Registration]:
    return [Registration.from_row(r) for r in await conn.fetch(LIST_REGISTRATIONS)]


INSERT_STAFF = """
INSERT INTO agency_staff (organisation_id, name, role, id_hash, qualification,
    qualification_number, qualification_valid_until, joined_on, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING *
"""
LIST_STAFF = "SELECT * FROM agency_staff WHERE organisation_id = $1 ORDER BY joined_on, name, id"


async def insert_staff(
    conn: asyncpg.Connection, organisation_id: UUID, given: StaffInput, role: StaffRole, *,
    id_hash: str, recorded_by: UUID, now: datetime,
) -> StaffMember:  # fmt: skip
    try:
        row = await conn.fetchrow(
            INSERT_STAFF, organisation_id, given.name.strip(), str(role), id_hash,
            given.qualification.strip(), given.qualification_number.strip(),
            given.qualification_valid_until, given.joined_on, recorded_by, now,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise AgencyStaffDuplicate(
            "this person is on the agency's staff already", details={"field": "id_number"}
        ) from None
    return StaffMember.from_row(row)


async def list_staff(conn: asyncpg.Connection, organisation_id: UUID) -> list[StaffMember]:
    return [StaffMember.from_row(r) for r in await conn.fetch(LIST_STAFF, organisation_id)]


PROJECTS = """
SELECT id, code, title, category, status, published_at FROM tenders
WHERE agency_id = $1 AND status <> 'draft'
ORDER BY published_at DESC, id
LIMIT $2
"""


async def projects(conn: asyncpg.Connection, organisation_id: UUID, limit: int) -> list[Project]:
    return [Project.from_row(r) for r in await conn.fetch(PROJECTS, organisation_id, limit)]


INSERT_INSPECTION = """
INSERT INTO agency_inspections (organisation_id, department_id, kind, scheduled_on, subject,
    opened_by, opened_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *
"""
GET_INSPECTION = "SELECT * FROM agency_inspections WHERE id = $1"
LIST_INSPECTIONS = """
SELECT * FROM agency_inspections WHERE organisation_id = $1
ORDER BY scheduled_on DESC, opened_at DESC
"""
DEPARTMENT_KIND = "SELECT kind = 'industry_department' FROM organisations WHERE id = $1"


async def insert_inspection(
    conn: asyncpg.Connection, organisation_id: UUID, department_id: UUID,
    kind: InspectionKind, given: InspectionInput, *, opened_by: UUID, now: datetime,
) -> Inspection:  # fmt: skip
    if not await conn.fetchval(DEPARTMENT_KIND, department_id):
        raise InspectionInvalid(
            "inspections are opened for an industry department",
            details={"field": "department_id"},
        )
    row = await conn.fetchrow(
        INSERT_INSPECTION, organisation_id, department_id, str(kind), given.scheduled_on,
        given.subject.strip(), opened_by, now,
    )  # fmt: skip
    return Inspection.from_row(row)


async def get_inspection(conn: asyncpg.Connection, inspection_id: UUID) -> Inspection | None:
    row = await conn.fetchrow(GET_INSPECTION, inspection_id)
    return Inspection.from_row(row) if row else None


INSERT_FINDING = """
INSERT INTO agency_inspection_findings (inspection_id, severity, description, tender_id,
    found_on, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *
"""
FINDINGS_OF = """
SELECT * FROM agency_inspection_findings WHERE inspection_id = ANY($1::uuid[])
ORDER BY found_on, recorded_at, id
"""


async def insert_finding(
    conn: asyncpg.Connection, inspection_id: UUID, severity: Severity, given: FindingInput, *,
    recorded_by: UUID, now: datetime,
) -> Finding:  # fmt: skip
    try:
        row = await conn.fetchrow(
            INSERT_FINDING, inspection_id, str(severity), given.description.strip(),
            given.tender_id, given.found_on, recorded_by, now,
        )  # fmt: skip
    except asyncpg.ForeignKeyViolationError:
        raise FindingInvalid(
            "the finding names a tender that does not exist", details={"field": "tender_id"}
        ) from None
    return Finding.from_row(row)


async def inspections(conn: asyncpg.Connection, organisation_id: UUID) -> list[Inspection]:
    """The agency's inspections, newest first, each with its findings."""
    found = [Inspection.from_row(r) for r in await conn.fetch(LIST_INSPECTIONS, organisation_id)]
    rows = await conn.fetch(FINDINGS_OF, [i.id for i in found])
    findings = [Finding.from_row(r) for r in rows]
    return [
        dataclasses.replace(i, findings=tuple(f for f in findings if f.inspection_id == i.id))
        for i in found
    ]
