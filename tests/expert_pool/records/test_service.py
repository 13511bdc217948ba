"""Attendance, assessment, automatic sanctions and the yearly record, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.errors import PermissionDenied
from expert_pool import service
from expert_pool.errors import AttendanceConflict, AttendanceInvalid
from expert_pool.experts import queries as queries_experts
from expert_pool.model import ExpertStatus
from expert_pool.policy import Offence
from expert_pool.records import service as service_records
from expert_pool.records.model import Sanction
from expert_pool.records.service import AttendanceEvent
from expert_pool.views import service as service_views
from signing.draw.response import Decision
from tests.expert_pool.world import (
    World,
    add_experts,
    answer,
    committed_draw,
    contribute,
    fresh_entropy,
    seated,
)

POLICY = {"draw": {"min_pool_ratio": 1}, "assessment": {"suspend_absent_count": 1}}


async def _complete_draw(world: World) -> tuple[str, list[str]]:
    await service.set_policy(world.conn, world.admin, POLICY)
    await add_experts(world, [f"L{n:03d}" for n in range(6)], accounts=True)
    draw = await committed_draw(world, [("A08@local", 5)])
    c = world.conn
    await contribute(c, world.supervisor, draw.id, 0, fresh_entropy())
    members = await seated(world, draw.id)
    for expert_id in members:
        await answer(world, draw.id, expert_id, Decision.CONFIRM)
    return draw.id, members


async def test_sign_in_too_early_is_refused_and_opens_before_the_session(world: World) -> None:
    """Sign-in opens sign_in_opens_minutes before the start (the session is days away)."""
    draw_id, members = await _complete_draw(world)
    actor = await world.actor(world.expert_users[members[0]])
    with pytest.raises(AttendanceInvalid):
        await service_records.record_attendance(
            world.conn, actor, draw_id, members[0], AttendanceEvent.SIGNED_IN
        )


async def test_attendance_costs_points_and_suspends_by_the_policy(world: World) -> None:
    """Late sign-in reports, absence suspends, assessment offences count; names at sign-in."""
    draw_id, members = await _complete_draw(world)
    c = world.conn
    # The session began half an hour ago (test setup: the session time is the draw's data).
    await c.execute(
        "UPDATE draws SET session_start = clock_timestamp() - interval '30 minutes',"
        " session_end = clock_timestamp() + interval '3 hours'"
    )
    late, absent, assessed, quiet = members[0], members[1], members[2], members[3]
    late_actor = await world.actor(world.expert_users[late])
    quiet_actor = await world.actor(world.expert_users[quiet])
    with pytest.raises(PermissionDenied):  # the committee sees names only at sign-in
        await service_views.sealed_list(c, late_actor, draw_id)
    signed = await service_records.record_attendance(
        c, late_actor, draw_id, late, AttendanceEvent.SIGNED_IN
    )
    assert signed.offences == (Offence.LATE,)
    assert signed.sanctions == (Sanction.REPORT_AND_PUBLISH,)  # 10 points >= 8
    names = await service_views.sealed_list(c, late_actor, draw_id)
    assert {m.expert_id for m in names.members} == set(members)
    with pytest.raises(PermissionDenied):
        await service_views.sealed_list(c, quiet_actor, draw_id)
    with pytest.raises(AttendanceConflict):
        await service_records.record_attendance(
            c, late_actor, draw_id, late, AttendanceEvent.SIGNED_IN
        )
    with pytest.raises(PermissionDenied):  # an expert records only its own sign-in
        await service_records.record_attendance(
            c, late_actor, draw_id, absent, AttendanceEvent.ABSENT
        )
    with pytest.raises(PermissionDenied):
        await service_records.record_attendance(
            c, world.bidder, draw_id, absent, AttendanceEvent.ABSENT
        )
    gone = await service_records.record_attendance(
        c, world.centre_staff, draw_id, absent, AttendanceEvent.ABSENT
    )
    assert Sanction.SUSPEND in gone.sanctions
    profile = await queries_experts.expert(c, absent)
    assert profile is not None
    assert profile.expert.status is ExpertStatus.SUSPENDED
    history = await queries_experts.status_history(c, absent)
    assert history[-1][0] is ExpertStatus.SUSPENDED
    assert history[-1][2] is True  # automatic
    sanctions = await service_records.record_assessment(
        c,
        world.agency_actor,
        draw_id,
        assessed,
        score=55,
        comment="未主动回避",
        offences=(Offence.HID_CONFLICT,),
    )
    assert sanctions == (Sanction.REPORT_AND_PUBLISH,)
    with pytest.raises(PermissionDenied):
        await service_records.record_assessment(c, world.bidder, draw_id, assessed, score=90)
    year = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).year
    mine = await service_records.year_view(c, late_actor, year)
    assert (mine.record.record.points, mine.record.sanctions) == (
        10,
        (Sanction.REPORT_AND_PUBLISH,),
    )
    with pytest.raises(PermissionDenied):  # an expert reads only its own record
        await service_records.year_view(c, late_actor, year, assessed)
    theirs = await service_records.year_view(c, world.supervisor, year, assessed)
    assert theirs.record.record.points == 50
    csv = await service_records.export_year_records(c, world.supervisor, year)
    lines = csv.splitlines()
    assert lines[0].startswith("expert_id,name,year,points,late,")
    assert {line.split(",")[0] for line in lines[1:]} == {late, absent, assessed}
    with pytest.raises(PermissionDenied):
        await service_records.export_year_records(c, world.agency_actor, year)
    kinds = [r["kind"] for r in await c.fetch("SELECT kind FROM log_entries ORDER BY idx")]
    assert kinds.count("expert.attendance_recorded") == 2
    assert "expert.status_changed" in kinds
    alerts = await service.list_alerts(c, world.supervisor)
    assert {a.kind for a in alerts} >= {"expert_reported", "expert_suspended"}
    agency_alerts = await service.list_alerts(c, world.agency_actor)
    assert all(a.expert_id is None for a in agency_alerts)
