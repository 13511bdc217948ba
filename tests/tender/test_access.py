"""Which centre's staff act on a tender (tender/access.py; migration 0083).

A tender is hosted by one trading centre: its staff, and the city centre's above a
county sub-centre, host the opening, keep the bonds, appoint the committee and oversee
the tender (suspensions, archives). A county sub-centre's staff never act on the city's
tenders, nor another city's staff on ours (DESIGN.md "Who uses it"; session 9's hole).
"""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor, OrgKind, Role, RoleGrant
from accounts.permissions import Action, Resource, ResourceKind, is_allowed
from live.model import LiveSession
from tender import access
from tender.errors import HallCommandRefused
from tender.opening import session as hall
from tender.suspensions import service as suspensions
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.tender.world import World, published_tender


def _staff_of(centre: UUID) -> Actor:
    return Actor(
        user_id=uuid4(), organisation_id=centre, username="s", display_name="s",
        grants=frozenset({RoleGrant(role=Role.CENTRE_STAFF)}),
    )  # fmt: skip


def test_a_county_tenders_centre_and_the_city_above_it_host_it_and_no_one_else() -> None:
    """Relation ``centre``: the resource's centres meet the organisations the staff act for."""
    city, county, other_county, other_city = uuid4(), uuid4(), uuid4(), uuid4()
    tender = Resource(kind=ResourceKind.TENDER, centres=frozenset({county, city}))
    for action in (Action.HOST_OPENING, Action.APPOINT_COMMITTEE, Action.MANAGE_BONDS):
        assert is_allowed(_staff_of(county), action, tender)
        assert is_allowed(_staff_of(city), action, tender)
        assert not is_allowed(_staff_of(other_county), action, tender)
        assert not is_allowed(_staff_of(other_city), action, tender)
        assert not is_allowed(_staff_of(city), action, Resource(kind=ResourceKind.TENDER))


async def _outsiders(conn: asyncpg.Connection, world: World) -> dict[str, Actor]:
    """Staff of a county sub-centre of our city, and of another city's centre."""
    county = await make_organisation(
        conn, OrgKind.COUNTY_CENTRE, parent=world.centre, name="郎溪县交易分中心"
    )
    other_city = await make_organisation(conn, OrgKind.CITY_CENTRE, name="芜湖市公共资源交易中心")
    out = {}
    for name, org in (("county", county), ("other_city", other_city)):
        user = await make_user(conn, org, Role.CENTRE_STAFF, username=f"staff.{name}")
        out[name] = await actor_for(conn, user)
    return out


async def test_only_the_hosting_centres_staff_oversee_host_and_suspend(
    conn: asyncpg.Connection, world: World
) -> None:
    """Our city's staff host the tender; a county's or another city's staff neither
    suspend it (403, nothing written) nor see the host's events in the opening hall
    nor check its bonds there."""
    tender = await published_tender(conn, world)
    assert tender.centres == {world.centre.id}
    outsiders = await _outsiders(conn, world)
    assert access.is_host(world.staff, tender)
    assert access.is_overseer(world.staff, tender)
    session = LiveSession(
        id=uuid4(), kind=hall.KIND, subject_id=f"{tender.id}/1", last_seq=0, closed_at=None
    )
    kind = hall.OpeningHall(opening=lambda: pytest.fail("no opening needed"))
    assert hall.HOST in (await kind.audiences(conn, world.staff, session) or ())
    for who in outsiders.values():
        assert not access.is_host(who, tender)
        assert not access.is_overseer(who, tender)
        assert await kind.audiences(conn, who, session) == frozenset({"all", f"user:{who.user_id}"})
        with pytest.raises(HallCommandRefused):
            hall.refuse_unless_allowed(who, "bond_check", party=False, host=False)
        before = await conn.fetchval("SELECT count(*) FROM log_entries")
        with pytest.raises(PermissionDenied):
            await suspensions.suspend(conn, who, tender.id, reason="越权", source="supervision")
        assert await conn.fetchval("SELECT count(*) FROM log_entries") == before
        assert await conn.fetchval("SELECT count(*) FROM tender_suspensions") == 0
    done = await suspensions.suspend(
        conn, world.staff, tender.id, reason="投诉处理", source="supervision"
    )
    assert done.tender_id == tender.id


async def test_a_tenders_hosting_centre_is_a_centre_and_never_changes(
    conn: asyncpg.Connection, world: World
) -> None:
    """Constraints in the database too (migration 0083)."""
    tender = await published_tender(conn, world)
    with pytest.raises(asyncpg.CheckViolationError, match="never changes"):
        await conn.execute(
            "UPDATE tenders SET centre_id = $1 WHERE id = $2", world.department.id, tender.id
        )
