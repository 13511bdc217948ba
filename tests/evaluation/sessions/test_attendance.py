"""The session's members as the expert pool's attendance record (考勤; issue 11, item 9):
a counted sign-in and an absence enter the pool's record in the command's transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from uuid import UUID

import asyncpg

from accounts.model import Actor
from evaluation.errors import EvaluationHostOnly
from evaluation.model import DEFAULT_POLICY
from expert_pool.answers import queries as draw_members
from expert_pool.errors import AttendanceInvalid
from expert_pool.experts import queries as experts
from expert_pool.journal import commit_member
from expert_pool.policy import Offence
from expert_pool.records import service as records
from expert_pool.records.service import AttendanceEvent
from signing.log.entry import LogEntry, commit
from tests.evaluation.kit import (
    MAIN_VENUE,
    SessionWorld,
    Template,
    context,
    load,
    refuse,
    send,
    session_world,
    sign_in_all,
    tenderer_user,
    to_qualification,
)

KIND = "expert.attendance_recorded"


async def _expert_id(conn: asyncpg.Connection, user_id: UUID) -> str:
    profile = await experts.expert_of_user(conn, user_id)
    assert profile is not None
    return profile.expert.id


async def _attendance(
    conn: asyncpg.Connection, w: SessionWorld
) -> list[tuple[str, str, dt.datetime]]:
    """The draw's attendance as expert_pool shows it to the centre's staff."""
    return await records.attendance_of(conn, w.staff, w.state.draw_id)


async def _pool_entries(conn: asyncpg.Connection) -> list[tuple[LogEntry, bytes]]:
    rows = await conn.fetch("SELECT entry FROM log_entries WHERE kind = $1 ORDER BY idx", KIND)
    return [(LogEntry.from_bytes(r["entry"]), bytes(r["entry"])) for r in rows]


async def _year(conn: asyncpg.Connection, w: SessionWorld, expert_id: str) -> records.YearView:
    year = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).year
    return await records.year_view(conn, w.supervisor, year, expert_id)


async def _sealed(conn: asyncpg.Connection, w: SessionWorld, raw: bytes) -> None:
    """No member of the committee is named: not its expert id, user id, nor name."""
    for member in w.members:
        assert str(member.user_id).encode() not in raw
        assert member.display_name.encode() not in raw
        profile = await experts.expert_of_user(conn, member.user_id)
        if profile is not None:
            assert profile.expert.id.encode() not in raw


async def _start_moved(conn: asyncpg.Connection, w: SessionWorld, minutes: int) -> None:
    # Test setup: the session time is the draw's data (as in tests/expert_pool/records).
    await conn.execute(
        "UPDATE draws SET session_start = clock_timestamp() - make_interval(mins => $2),"
        " session_end = clock_timestamp() + interval '3 hours' WHERE id = $1",
        w.state.draw_id,
        minutes,
    )


async def test_a_confirmed_sign_in_is_the_experts_attendance_and_representatives_have_none(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """signed_in at the moment the member signed in, once its identity is confirmed (not
    before), in the draw's attendance; the tenderer's representatives are in no pool;
    the pool's entry names the member by its draw commitment and the staff by name."""
    reps = [await tenderer_user(conn, evaluation_template, n) for n in ("rep1", "rep2")]
    w = await session_world(conn, evaluation_template, representatives=reps)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    assert await _attendance(conn, w) == []  # a sign-in counts once it is confirmed
    await send(conn, w, w.staff, "confirm_identity", {"seat": 1})
    first = await _expert_id(conn, w.member(1).user_id)
    signed_at = next(m for m in (await load(conn, w)).seated if m.seat == 1).signed_in_at
    assert await _attendance(conn, w) == [(first, "signed_in", signed_at)]
    for seat in range(2, 8):
        await send(conn, w, w.member(seat), "sign_in", {"venue": MAIN_VENUE.id})
        await send(conn, w, w.staff, "confirm_identity", {"seat": seat})
    shown = await _attendance(conn, w)
    expert_ids = [await _expert_id(conn, w.member(s).user_id) for s in range(1, 6)]
    assert [(x, e) for x, e, _ in shown] == [(x, "signed_in") for x in expert_ids]
    assert await conn.fetchval("SELECT count(*) FROM expert_incidents") == 0  # in time
    salts = await draw_members.member_salts(conn, w.state.draw_id)
    logged = await _pool_entries(conn)
    assert len(logged) == 5
    for (entry, raw), expert_id in zip(logged, expert_ids, strict=True):
        assert entry.data["member"] == commit_member(expert_id, salts[expert_id])
        assert entry.data["event"] == "signed_in"
        assert (entry.actor.user_id, entry.actor.role) == (str(w.staff.user_id), "centre_staff")
        await _sealed(conn, w, raw)


async def test_a_late_sign_in_costs_the_late_deduction(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Signed in more than 15 minutes after the draw's session start: LATE, 10 points
    (the deduction table), reported at 8 (the yearly record, at once)."""
    w = await session_world(conn, evaluation_template)
    await _start_moved(conn, w, 30)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(2), "sign_in", {"venue": MAIN_VENUE.id})
    await send(conn, w, w.staff, "confirm_identity", {"seat": 2})
    late = await _expert_id(conn, w.member(2).user_id)
    year = await _year(conn, w, late)
    assert [i.offence for i in year.incidents] == [Offence.LATE]
    assert year.record.record.points == 10
    assert [str(s) for s in year.record.sanctions] == ["report_and_publish"]


async def _marked_absent(
    conn: asyncpg.Connection, w: SessionWorld, chair: Actor, seats: Iterable[int]
) -> None:
    """What the chair's close_phase does for each member without a sheet, through the
    core's real Ops in the chair's context (closing with no sheet at all is refused:
    sheet_none_counted_conflict, so the tests call the Ops as close_phase does)."""
    async with conn.transaction():
        ctx = await context(conn, w, chair)
        for seat in seats:
            await ctx.ops.mark_absent(ctx, seat, "no sheet")


async def test_an_absent_member_is_recorded_absent_with_its_deduction(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The chair closes the qualification after its deadline and the experts have no
    sheet in: each is absent (ops.mark_absent, as close_phase calls it); each expert's
    record gains ABSENT (20 points), the representatives' nothing. The chair here is a
    representative: the pool's entry hides it as the session's log does."""
    reps = [await tenderer_user(conn, evaluation_template, n) for n in ("rep1", "rep2")]
    policy = dataclasses.replace(DEFAULT_POLICY, qualification_minutes=0)
    w = await session_world(conn, evaluation_template, representatives=reps, policy=policy)
    await to_qualification(conn, w, chair=6)
    await _marked_absent(conn, w, w.member(6), range(1, 6))
    expert_ids = [await _expert_id(conn, w.member(s).user_id) for s in range(1, 6)]
    absent = [x for x, event, _ in await _attendance(conn, w) if event == "absent"]
    assert absent == expert_ids
    for expert_id in expert_ids:
        year = await _year(conn, w, expert_id)
        assert [i.offence for i in year.incidents] == [Offence.ABSENT]
        assert year.record.record.points == 20
    salt = await conn.fetchval(
        "SELECT salt FROM evaluation_members WHERE user_id = $1", w.member(6).user_id
    )
    logged = [(e, raw) for e, raw in await _pool_entries(conn) if e.data["event"] == "absent"]
    assert len(logged) == 5
    for entry, raw in logged:
        assert (entry.actor.user_id, entry.actor.role, entry.address) == (
            None,
            "representative",
            None,
        )
        assert entry.data["actor"] == commit(str(w.member(6).user_id), salt)
        await _sealed(conn, w, raw)


async def test_an_expert_chair_marking_absent_is_hidden_by_its_draw_commitment(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """An expert chair acting is the pool's hidden expert actor (docs/audit-log.md §1.3)."""
    policy = dataclasses.replace(DEFAULT_POLICY, qualification_minutes=0)
    w = await session_world(conn, evaluation_template, policy=policy)
    await to_qualification(conn, w, chair=3)
    await _marked_absent(conn, w, w.member(3), range(1, 6))
    chair = await _expert_id(conn, w.member(3).user_id)
    salt = (await draw_members.member_salts(conn, w.state.draw_id))[chair]
    logged = [(e, raw) for e, raw in await _pool_entries(conn) if e.data["event"] == "absent"]
    assert len(logged) == 5
    for entry, raw in logged:
        assert (entry.actor.user_id, entry.actor.role, entry.address) == (None, "expert", None)
        assert entry.data["actor"] == commit(str(w.member(3).user_id), salt)
        await _sealed(conn, w, raw)


async def test_a_refused_command_leaves_no_attendance(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A refused confirmation records nothing; when the pool refuses (the expert is no
    longer a confirmed member of the draw), the confirmation is refused whole: the
    session's change and the pool's record commit together or not at all."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    await refuse(conn, w, w.member(2), "confirm_identity", {"seat": 1}, EvaluationHostOnly)
    expert_id = await _expert_id(conn, w.member(1).user_id)
    await conn.execute(
        "UPDATE draw_members SET status = 'declined' WHERE draw_id = $1 AND expert_id = $2",
        w.state.draw_id,
        expert_id,
    )
    error = await refuse(conn, w, w.staff, "confirm_identity", {"seat": 1}, AttendanceInvalid)
    assert error.code == "attendance_invalid"
    assert not next(m for m in (await load(conn, w)).seated if m.seat == 1).present
    assert await conn.fetchval("SELECT count(*) FROM attendance_events") == 0
    assert await _pool_entries(conn) == []


async def test_a_sign_in_the_pool_holds_already_stands_and_the_session_goes_on(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """An expert recorded its own sign-in through the pool's API: the session's
    confirmation is not refused, and the pool keeps its first record."""
    w = await session_world(conn, evaluation_template)
    await _start_moved(conn, w, 0)
    expert_id = await _expert_id(conn, w.member(1).user_id)
    own = await records.record_attendance(
        conn, w.member(1), w.state.draw_id, expert_id, AttendanceEvent.SIGNED_IN
    )
    await sign_in_all(conn, w)
    assert next(m for m in (await load(conn, w)).seated if m.seat == 1).present
    mine = [(e, at) for x, e, at in await _attendance(conn, w) if x == expert_id]
    assert mine == [("signed_in", own.occurred_at)]
