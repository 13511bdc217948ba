"""Appointing from the officials' registered keys (tender/committee/officials.py) and
the staff's and supervisors' worklist (tender.service.list_overseen)."""

from __future__ import annotations

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import OrgKind, Role
from tender import service
from tender.committee import officials
from tender.errors import TenderInputInvalid, TenderNotFound
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.tender.committee.registered import register_official_keys
from tests.tender.world import World, fast_draft


async def test_only_officials_with_registered_keys_are_appointable_and_seated_in_order(
    conn: asyncpg.Connection, world: World
) -> None:
    """Before registering nobody is listed and seating one is refused; after, the
    roster seats them x = 1…n in the order chosen, with their registered recipients."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    chosen = [o.user.id for o in reversed(world.officials)]
    assert await officials.appointable_officials(conn, world.staff, tender.id) == []
    with pytest.raises(TenderInputInvalid):
        await officials.appoint_registered(
            conn, world.staff, tender.id, "1", k=2, user_ids=chosen, setup=world.setup()
        )
    await register_official_keys(conn, world)
    listed = await officials.appointable_officials(conn, world.staff, tender.id)
    assert {o.user_id for o in listed} == set(chosen)
    roster = await officials.appoint_registered(
        conn, world.staff, tender.id, "1", k=2, user_ids=chosen, setup=world.setup()
    )
    assert [seat.user_id for seat in roster.seats] == chosen
    assert roster.seats[0].recipient == world.officials[-1].age.recipient().encode()
    with pytest.raises(TenderInputInvalid):
        await officials.appoint_registered(
            conn, world.staff, tender.id, "1", k=2, user_ids=[*chosen, chosen[0]],
            setup=world.setup(),
        )  # fmt: skip


async def test_the_agency_and_a_supervisor_may_not_list_or_appoint(
    conn: asyncpg.Connection, world: World
) -> None:
    """DESIGN.md: the centre appoints, never the agency nor the department."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    await register_official_keys(conn, world)
    for who in (world.agency, world.supervisor):
        with pytest.raises(PermissionDenied):
            await officials.appointable_officials(conn, who, tender.id)
    with pytest.raises(TenderNotFound):  # a draft the bidder cannot read does not exist
        await officials.appointable_officials(conn, world.bidders[0], tender.id)


async def test_the_worklist_holds_the_centres_and_the_departments_tenders_only(
    conn: asyncpg.Connection, world: World
) -> None:
    """The city centre's staff and the department's supervisor see the draft; a county
    sub-centre's staff, another department's supervisor and the agency see nothing."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    county = await make_organisation(conn, OrgKind.COUNTY_CENTRE, parent=world.centre)
    other = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT)
    outsiders = [
        await actor_for(conn, await make_user(conn, county, Role.CENTRE_STAFF)),
        await actor_for(conn, await make_user(conn, other, Role.SUPERVISOR, scope=other)),
        world.agency,
    ]
    for insider in (world.staff, world.supervisor):
        assert [t.id for t in await service.list_overseen(conn, insider)] == [tender.id]
    for outsider in outsiders:
        assert await service.list_overseen(conn, outsider) == []
