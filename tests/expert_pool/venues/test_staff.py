"""Venue staff (expert_pool/venues/staff.py, migration 0066): centre staff of the
venue's region assign centre staff users to it and end assignments; everything else is
refused with a stable code and writes nothing; each change is one log entry."""

from __future__ import annotations

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor, Organisation, OrgKind, Role
from expert_pool.errors import VenueNotFound, VenueStaffInvalid, VenueStaffNotFound
from expert_pool.venues import service as venues
from expert_pool.venues import staff
from expert_pool.venues.model import Venue, manages_region
from tests.accounts.factory import actor_for, log_size, make_organisation, make_user

COUNTY = Venue(id="V-XZ", name="宣州区评标室", region="341802", seats=10)  # in 宣城市
HEFEI = Venue(id="V-HF", name="合肥市评标室", region="340100", seats=10)


async def _staff(
    conn: asyncpg.Connection,
    kind: OrgKind,
    region: str,
    name: str,
    parent: Organisation | None = None,
) -> Actor:
    org = await make_organisation(conn, kind, region=region, parent=parent)
    return await actor_for(conn, await make_user(conn, org, Role.CENTRE_STAFF, username=name))


@pytest.fixture
async def people(conn: asyncpg.Connection) -> dict[str, Actor]:
    """Centre staff of the county (its district's own centre), of its city, of Hefei;
    a supervisor and a bidder; the two venues in the catalogue."""
    city = await make_organisation(conn, OrgKind.CITY_CENTRE, region="341800")
    found = {
        "county": await _staff(conn, OrgKind.COUNTY_CENTRE, "341802", "xz.staff", city),
        "city": await actor_for(conn, await make_user(conn, city, Role.CENTRE_STAFF)),
        "hefei": await _staff(conn, OrgKind.CITY_CENTRE, "340100", "hf.staff"),
    }
    department = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT)
    supervisor = await make_user(conn, department, Role.SUPERVISOR, scope=department)
    found["supervisor"] = await actor_for(conn, supervisor)
    bidder = await make_user(conn, await make_organisation(conn, OrgKind.BIDDER), Role.BIDDER)
    found["bidder"] = await actor_for(conn, bidder)
    for venue in (COUNTY, HEFEI):
        await venues.create_venue(conn, found["city"], venue)
    return found


def test_centre_staff_of_the_venues_region_or_its_city_manage_it() -> None:
    """The region's own centre and its city's; no other region, no region at all."""
    assert manages_region("341802", "341802", "341800")
    assert manages_region("341800", "341802", "341800")
    assert not manages_region("340100", "341802", "341800")
    assert not manages_region("", "341802", "341800")


async def test_the_regions_staff_assign_and_end_an_assignment_each_logged_once(
    conn: asyncpg.Connection, people: dict[str, Actor]
) -> None:
    """The county's centre assigns, the city's too (again: nothing changes, no entry);
    the list names the user; ending it empties the list; one entry per change."""
    target = people["county"].user_id
    before = await log_size(conn)
    listed = await staff.assign_staff(conn, people["county"], COUNTY.id, target)
    assert [(s.user_id, s.assigned_by) for s in listed] == [(target, target)]
    again = await staff.assign_staff(conn, people["city"], COUNTY.id, target)
    assert again == listed
    assert await log_size(conn) == before + 1
    assert await staff.is_venue_staff(conn, COUNTY.id, target)
    assert await staff.list_staff(conn, people["supervisor"], COUNTY.id) == listed
    assert await staff.unassign_staff(conn, people["city"], COUNTY.id, target) == []
    assert not await staff.is_venue_staff(conn, COUNTY.id, target)
    assert await log_size(conn) == before + 2
    kinds = await conn.fetch("SELECT kind FROM log_entries ORDER BY idx DESC LIMIT 2")
    assert [r["kind"] for r in kinds] == ["venue.staff_unassigned", "venue.staff_assigned"]
    # An ended assignment is kept (who could confirm there, and when).
    rows = await conn.fetchval("SELECT count(*) FROM venue_staff WHERE venue_id = $1", COUNTY.id)
    assert rows == 1


@pytest.mark.parametrize("who", ["hefei", "supervisor", "bidder"])
async def test_anyone_but_the_regions_centre_staff_is_refused(
    conn: asyncpg.Connection, people: dict[str, Actor], who: str
) -> None:
    """Another city's centre staff, a supervisor, a bidder: permission_denied, nothing
    written."""
    before = await log_size(conn)
    with pytest.raises(PermissionDenied):
        await staff.assign_staff(conn, people[who], COUNTY.id, people["county"].user_id)
    await staff.assign_staff(conn, people["county"], COUNTY.id, people["county"].user_id)
    with pytest.raises(PermissionDenied):
        await staff.unassign_staff(conn, people[who], COUNTY.id, people["county"].user_id)
    assert await log_size(conn) == before + 1
    assert await staff.is_venue_staff(conn, COUNTY.id, people["county"].user_id)


async def test_bad_assignments_are_refused_with_their_codes(
    conn: asyncpg.Connection, people: dict[str, Actor]
) -> None:
    """A user who is not centre staff: venue_staff_invalid; an unknown venue:
    venue_not_found; ending an assignment that does not exist: venue_staff_not_found;
    a bidder reading the list: permission_denied."""
    with pytest.raises(VenueStaffInvalid):
        await staff.assign_staff(conn, people["county"], COUNTY.id, people["bidder"].user_id)
    with pytest.raises(VenueNotFound):
        await staff.assign_staff(conn, people["county"], "V-NONE", people["county"].user_id)
    with pytest.raises(VenueStaffNotFound):
        await staff.unassign_staff(conn, people["county"], COUNTY.id, people["county"].user_id)
    with pytest.raises(PermissionDenied):
        await staff.list_staff(conn, people["bidder"], COUNTY.id)
    assert await conn.fetchval("SELECT count(*) FROM venue_staff") == 0


async def test_the_database_refuses_a_second_open_assignment(
    conn: asyncpg.Connection, people: dict[str, Actor]
) -> None:
    """One open assignment per (venue, user), whatever Python does."""
    user = people["hefei"].user_id
    await staff.assign_staff(conn, people["hefei"], HEFEI.id, user)
    with pytest.raises(asyncpg.UniqueViolationError):
        await conn.execute(
            "INSERT INTO venue_staff (venue_id, user_id, assigned_by) VALUES ($1, $2, $2)",
            HEFEI.id,
            user,
        )
