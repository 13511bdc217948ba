"""Who confirms a member's identity (confirm_identity): at an assisting venue (副场) only
centre staff assigned to that venue (expert_pool/venues/staff.py), at the main venue
the host — per role: the host, the venue's staff, another venue's staff, a supervisor,
a member and a bidder."""

from __future__ import annotations

import asyncpg
import pytest

from accounts.model import Actor, OrgKind, Role
from evaluation.errors import EvaluationHostOnly
from evaluation.sessions.errors import EvaluationNotParticipant, EvaluationVenueStaffOnly
from expert_pool.answers import queries as draw_answers
from expert_pool.venues import service as venues
from expert_pool.venues import staff as venue_staff
from expert_pool.venues.model import Venue
from signing.errors import EtenderError
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.evaluation.kit import (
    MAIN_VENUE,
    OTHER_VENUE,
    SessionWorld,
    Template,
    load,
    refuse,
    send,
    session_world,
)

WUHU = Venue(id="V-WUHU", name="芜湖市公共资源交易中心评标室", region="340200", seats=20)


async def _centre_staff(conn: asyncpg.Connection, region: str, name: str) -> tuple[Actor, Actor]:
    """A city centre of ``region``: its manager (assigns) and a staff user (assigned)."""
    centre = await make_organisation(conn, OrgKind.CITY_CENTRE, region=region)
    manager = await make_user(conn, centre, Role.CENTRE_STAFF, username=f"{name}.manager")
    staff = await make_user(conn, centre, Role.CENTRE_STAFF, username=f"{name}.staff")
    return await actor_for(conn, manager), await actor_for(conn, staff)


async def _world(
    conn: asyncpg.Connection, template: Template
) -> tuple[SessionWorld, Actor, Actor, Actor]:
    """The draw picked Hefei and Wuhu; each city's centre assigned its own staff user;
    the sign-in is open; seat 1 signed in at Hefei, seat 2 at the main venue. The
    world, Hefei's staff user, Wuhu's, and Hefei's manager."""
    w = await session_world(conn, template)
    await venues.create_venue(conn, w.staff, WUHU)
    picks = [(OTHER_VENUE.id, "venue@remote", 0), (WUHU.id, "venue@remote", 1)]
    await draw_answers.insert_venue_picks(conn, w.state.draw_id, 90, picks)
    hefei_manager, hefei = await _centre_staff(conn, OTHER_VENUE.region, "hefei")
    wuhu_manager, wuhu = await _centre_staff(conn, WUHU.region, "wuhu")
    await venue_staff.assign_staff(conn, hefei_manager, OTHER_VENUE.id, hefei.user_id)
    await venue_staff.assign_staff(conn, wuhu_manager, WUHU.id, wuhu.user_id)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": OTHER_VENUE.id})
    await send(conn, w, w.member(2), "sign_in", {"venue": MAIN_VENUE.id})
    return w, hefei, wuhu, hefei_manager


async def room_audiences(
    conn: asyncpg.Connection, w: SessionWorld, actor: Actor
) -> frozenset[str] | None:
    """What the room admits ``actor`` to when its socket opens (None: not at all)."""
    return await w.room.audiences(conn, actor, w.live)


async def _confirmed(conn: asyncpg.Connection, w: SessionWorld, seat: int) -> bool:
    member = next(m for m in (await load(conn, w)).seated if m.seat == seat)
    return member.identity_confirmed_at is not None


async def test_the_assisting_venues_own_staff_confirm_there_and_the_host_at_the_main_venue(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Hefei's assigned staff user confirms seat 1 (signed in at Hefei); the host
    confirms seat 2 (the main venue); both sign-ins count."""
    w, hefei, _, _ = await _world(conn, evaluation_template)
    await send(conn, w, hefei, "confirm_identity", {"seat": 1})
    await send(conn, w, w.staff, "confirm_identity", {"seat": 2})
    assert await _confirmed(conn, w, 1)
    assert await _confirmed(conn, w, 2)
    row = await conn.fetchrow(
        "SELECT identity_confirmed_by FROM evaluation_members WHERE session_id = $1 AND seat = 1",
        w.state.id,
    )
    assert row is not None
    assert row["identity_confirmed_by"] == hefei.user_id


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("host", EvaluationVenueStaffOnly),  # centre staff, but not at Hefei
        ("other venue", EvaluationVenueStaffOnly),  # Wuhu's staff
        ("supervisor", EvaluationHostOnly),
        ("member", EvaluationHostOnly),
        ("bidder", EvaluationNotParticipant),
    ],
)
async def test_no_one_else_confirms_at_an_assisting_venue(
    conn: asyncpg.Connection, evaluation_template: Template, who: str, error: type[EtenderError]
) -> None:
    """Seat 1 signed in at Hefei: anyone but Hefei's staff is refused, nothing written."""
    w, _, wuhu, _ = await _world(conn, evaluation_template)
    actor = {"host": w.staff, "other venue": wuhu, "supervisor": w.supervisor,
             "member": w.member(2), "bidder": w.bidder}[who]  # fmt: skip
    refused = await refuse(conn, w, actor, "confirm_identity", {"seat": 1}, error)
    if error is EvaluationVenueStaffOnly:
        assert (refused.code, refused.status) == ("evaluation_venue_staff_only", 403)
    assert not await _confirmed(conn, w, 1)


async def test_staff_unassigned_from_the_venue_no_longer_confirm_there(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """An ended assignment counts for nothing: another city's staff assigned to no venue
    of the session is no participant of it any more (evaluation_not_participant)."""
    w, hefei, _, manager = await _world(conn, evaluation_template)
    await venue_staff.unassign_staff(conn, manager, OTHER_VENUE.id, hefei.user_id)
    await refuse(conn, w, hefei, "confirm_identity", {"seat": 1}, EvaluationNotParticipant)


async def test_an_assisting_venues_staff_act_there_only_and_another_citys_staff_not_at_all(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The tender's centre hosts (migration 0083): Hefei's staff see the staff's events
    and confirm at Hefei, but neither confirm at the main venue nor host (open, pause);
    a centre's staff assigned to no venue of the session is no participant at all."""
    w, hefei, _, _ = await _world(conn, evaluation_template)
    assert "role:staff" in (await room_audiences(conn, w, hefei) or ())
    await refuse(conn, w, hefei, "confirm_identity", {"seat": 2}, EvaluationHostOnly)
    await refuse(conn, w, hefei, "pause", {"reason": "断网"}, EvaluationHostOnly)
    _, stranger = await _centre_staff(conn, "340800", "anqing")
    assert await room_audiences(conn, w, stranger) is None
    await refuse(conn, w, stranger, "snapshot", {}, EvaluationNotParticipant)
    await send(conn, w, w.staff, "confirm_identity", {"seat": 2})  # the host still does
    assert await _confirmed(conn, w, 2)
