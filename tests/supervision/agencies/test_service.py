"""Agency registry and records: the centre registers, supervisors inspect for their
department, findings are kept for good; refusals change nothing (issue 14, item 1)."""

from __future__ import annotations

import datetime as dt
import json
from uuid import UUID, uuid4

import asyncpg
import pytest

from expert_pool.id_card import check_character
from supervision.agencies import service
from supervision.agencies.errors import (
    AgencyError,
    AgencyNotFound,
    AgencyRecordForbidden,
    AgencyRegistrationInvalid,
    AgencyStaffDuplicate,
    AgencyStaffInvalid,
    InspectionDepartmentDenied,
)
from supervision.agencies.model import (
    FindingInput,
    InspectionInput,
    RegistrationInput,
    StaffInput,
)
from tests.supervision.factory import People, a_tender, cst
from tests.tender.world import entries

KEY = b"k" * 32
SAMPLE = "11010519491231002X"


def id_number(serial: int) -> str:
    """A valid identity-card number (GB 11643) differing by ``serial``."""
    first17 = f"3418211980010{serial:04d}"
    return first17 + check_character(first17)


def registration(org: UUID, number: str = "AH-2026-001") -> RegistrationInput:
    return RegistrationInput(
        organisation_id=org, registration_number=number, registered_on=dt.date(2026, 1, 5),
        address="宣城市宣州区", contact="0563-1234567", scope=("works", "services"),
    )  # fmt: skip


async def registered(conn: asyncpg.Connection, people: People) -> UUID:
    await service.register_agency(conn, people.staff, registration(people.agency.id))
    return people.agency.id


async def count(conn: asyncpg.Connection, table: str) -> int:
    value: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return value


async def test_centre_staff_register_an_agency_and_it_is_logged(
    conn: asyncpg.Connection, people: People
) -> None:
    """The centre registers an agency; the entry names its number and scope."""
    stored = await service.register_agency(conn, people.staff, registration(people.agency.id))
    assert stored.name == "皖南招标代理有限公司"
    assert stored.scope == ("works", "services")
    [entry] = await entries(conn, "agency.registered")
    assert entry.subject is not None
    assert entry.subject.id == str(people.agency.id)
    assert entry.data == {"registration_number": "AH-2026-001", "scope": ["works", "services"]}


async def test_only_an_agency_organisation_is_registered(
    conn: asyncpg.Connection, people: People
) -> None:
    """A tenderer is not an agency: agency_registration_invalid, nothing written."""
    with pytest.raises(AgencyRegistrationInvalid):
        await service.register_agency(conn, people.staff, registration(people.tenderer.id))
    assert await count(conn, "agency_registrations") == 0
    assert await entries(conn, "agency.registered") == []


@pytest.mark.parametrize("who", ["supervisor", "agent"])
async def test_only_centre_staff_register_agencies(
    conn: asyncpg.Connection, people: People, who: str
) -> None:
    """Supervisors and agencies read the registry; they do not keep it."""
    with pytest.raises(AgencyRecordForbidden) as refused:
        await service.register_agency(conn, getattr(people, who), registration(people.agency.id))
    assert refused.value.status == 403
    assert await count(conn, "agency_registrations") == 0


async def test_staff_are_recorded_with_qualifications_never_with_their_number(
    conn: asyncpg.Connection, people: People
) -> None:
    """The identity-card number is kept only as its HMAC; the log names no person."""
    agency = await registered(conn, people)
    member = StaffInput(
        name="王工", id_number=SAMPLE, role="project_manager", qualification="一级建造师",
        qualification_number="皖134060800123", qualification_valid_until=dt.date(2027, 6, 30),
        joined_on=dt.date(2020, 3, 1),
    )  # fmt: skip
    stored = await service.add_staff(conn, people.staff, agency, member, id_card_key=KEY)
    assert stored.qualified_on(dt.date(2026, 12, 1))
    assert not stored.qualified_on(dt.date(2027, 7, 1))
    hashes = await conn.fetch("SELECT id_hash FROM agency_staff")
    assert [r["id_hash"] for r in hashes] != [SAMPLE]
    [entry] = await entries(conn, "agency.staff_added")
    text = json.dumps(entry.data, ensure_ascii=False)
    assert SAMPLE not in text
    assert "王工" not in text
    with pytest.raises(AgencyStaffDuplicate):
        await service.add_staff(conn, people.staff, agency, member, id_card_key=KEY)


async def test_a_bad_identity_card_number_is_refused(
    conn: asyncpg.Connection, people: People
) -> None:
    """A number failing GB 11643's check character is agency_staff_invalid."""
    agency = await registered(conn, people)
    member = StaffInput(
        name="李工", id_number="110105194912310021", role="staff", joined_on=dt.date(2021, 1, 1)
    )
    with pytest.raises(AgencyStaffInvalid) as refused:
        await service.add_staff(conn, people.staff, agency, member, id_card_key=KEY)
    assert refused.value.details == {"field": "id_number"}
    assert await count(conn, "agency_staff") == 0


async def test_an_inspection_of_an_unknown_agency_is_refused_and_nothing_changes(
    conn: asyncpg.Connection, people: People
) -> None:
    """An agency not in the registry cannot be inspected: agency_not_found (404)."""
    planned = InspectionInput(kind="planned", scheduled_on=dt.date(2026, 5, 1), subject="年度检查")
    for unknown in (uuid4(), people.other_agency.id):
        with pytest.raises(AgencyNotFound) as refused:
            await service.open_inspection(conn, people.supervisor, unknown, planned)
        assert refused.value.status == 404
    assert await count(conn, "agency_inspections") == 0
    assert await entries(conn, "agency.inspection_opened") == []


async def test_a_finding_by_someone_of_another_department_is_refused_and_nothing_changes(
    conn: asyncpg.Connection, people: People
) -> None:
    """Only supervisors of the inspecting department record its findings (403)."""
    agency = await registered(conn, people)
    inspection = await service.open_inspection(
        conn, people.supervisor, agency,
        InspectionInput(kind="ad_hoc", scheduled_on=dt.date(2026, 6, 2), subject="投诉线索核查"),
    )  # fmt: skip
    finding = FindingInput(
        severity="major", description="未按时答复异议", found_on=dt.date(2026, 6, 3)
    )
    for outsider in (people.other_supervisor, people.staff, people.agent):
        with pytest.raises(AgencyError) as refused:
            await service.record_finding(conn, outsider, inspection.id, finding)
        assert refused.value.status == 403
        assert isinstance(refused.value, InspectionDepartmentDenied)
        assert refused.value.details == {
            "inspection_id": str(inspection.id),
            "department_id": str(people.department.id),
        }
    assert await count(conn, "agency_inspection_findings") == 0
    assert await entries(conn, "agency.finding_recorded") == []


async def test_a_supervisor_opens_inspections_only_for_its_own_department(
    conn: asyncpg.Connection, people: People
) -> None:
    """Naming another department is refused; centre staff do not inspect."""
    agency = await registered(conn, people)
    other = InspectionInput(
        kind="planned", scheduled_on=dt.date(2026, 5, 1), subject="检查",
        department_id=people.other_department.id,
    )  # fmt: skip
    with pytest.raises(InspectionDepartmentDenied):
        await service.open_inspection(conn, people.supervisor, agency, other)
    with pytest.raises(AgencyRecordForbidden):
        await service.open_inspection(conn, people.staff, agency, other)
    assert await count(conn, "agency_inspections") == 0


async def test_findings_are_recorded_and_the_record_shows_them_with_the_projects(
    conn: asyncpg.Connection, people: People
) -> None:
    """The agency's record: registration, staff, projects from tenders, inspections."""
    agency = await registered(conn, people)
    made = await a_tender(conn, people, published_at=cst(2026, 3, 2))
    inspection = await service.open_inspection(
        conn, people.supervisor, agency,
        InspectionInput(kind="planned", scheduled_on=dt.date(2026, 5, 1), subject="年度检查"),
    )  # fmt: skip
    found = await service.record_finding(
        conn, people.supervisor, inspection.id,
        FindingInput(severity="minor", description="档案不全", found_on=dt.date(2026, 5, 1),
                     tender_id=made.id),
    )  # fmt: skip
    [entry] = await entries(conn, "agency.finding_recorded")
    assert entry.data["finding_id"] == str(found.id)
    assert entry.data["severity"] == "minor"
    for reader in (people.staff, people.supervisor, people.other_supervisor, people.agent):
        record = await service.agency_record(conn, reader, agency)
        assert [p.tender_id for p in record.projects] == [made.id]
        [seen] = record.inspections
        assert [f.id for f in seen.findings] == [found.id]
    with pytest.raises(AgencyRecordForbidden):
        await service.agency_record(conn, people.bidder_user, agency)
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute("UPDATE agency_inspection_findings SET severity = 'observation'")


async def test_the_registry_is_read_by_centre_staff_and_supervisors_only(
    conn: asyncpg.Connection, people: People
) -> None:
    """An agency reads its own record, never the whole registry."""
    agency = await registered(conn, people)
    for reader in (people.staff, people.supervisor, people.other_supervisor):
        assert [r.organisation_id for r in await service.list_agencies(conn, reader)] == [agency]
    for outsider in (people.agent, people.bidder_user):
        with pytest.raises(AgencyRecordForbidden):
            await service.list_agencies(conn, outsider)
