"""The core's SessionOps as every feature's handlers call them: advance, log, mark_absent."""

from __future__ import annotations

import dataclasses
import datetime as dt

import asyncpg
import pytest

from evaluation.events import EvaluationEvent
from evaluation.model import DEFAULT_POLICY, MemberStatus, Phase
from evaluation.sessions.errors import EvaluationSeatNotFound
from evaluation.sessions.model import phase_deadline
from evaluation.sessions.ops import Ops
from signing.log.entry import commit
from tests.evaluation.kit import (
    Template,
    context,
    events,
    load,
    session_world,
    tenderer_user,
    to_qualification,
)
from tests.tender.world import entries


async def test_advance_follows_the_methods_flow_with_the_policys_deadlines(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """qualification → qualification_reveal (reveal_minutes) → scoring (scoring_minutes):
    the comprehensive method of the scenario's lot."""
    policy = dataclasses.replace(DEFAULT_POLICY, reveal_minutes=7, scoring_minutes=11)
    w = await session_world(conn, evaluation_template, policy=policy)
    await to_qualification(conn, w)
    for to, minutes in ((Phase.QUALIFICATION_REVEAL, 7), (Phase.SCORING, 11)):
        async with conn.transaction():
            ctx = await context(conn, w, w.member(1))
            [emit] = await Ops().advance(ctx)
        assert (emit.kind, emit.audience, emit.data["phase"]) == ("session.phase", "all", to)
        state = await load(conn, w)
        assert state.phase is to
        assert state.phase_deadline == ctx.now + dt.timedelta(minutes=minutes)
    assert phase_deadline(Phase.RANKING, policy, ctx.now) is None


async def test_a_members_log_entry_names_it_by_seat_and_commitment_only(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """An expert: actor {null, expert}, no address, its seat and draw commitment; a
    representative likewise, under its own role and salt; staff by name."""
    rep = await tenderer_user(conn, evaluation_template, "rep1")
    rep2 = await tenderer_user(conn, evaluation_template, "rep2")
    w = await session_world(conn, evaluation_template, representatives=[rep, rep2])
    async with conn.transaction():
        for actor in (w.member(2), w.member(6), w.staff):
            ctx = await context(conn, w, actor)
            await Ops().log(ctx, EvaluationEvent.TIME_SHORT_VOTE, {"deadline": None})
    expert, representative, staff = await entries(conn, "evaluation.time_short_vote")
    assert (expert.actor.user_id, expert.actor.role, expert.address) == (None, "expert", None)
    assert expert.data["seat"] == 2
    assert "actor" in expert.commitments
    salt = await conn.fetchval(
        "SELECT salt FROM evaluation_members WHERE user_id = $1", w.member(6).user_id
    )
    assert (representative.actor.user_id, representative.actor.role) == (None, "representative")
    assert representative.data["actor"] == commit(str(w.member(6).user_id), salt)
    assert (staff.actor.user_id, staff.actor.role) == (str(w.staff.user_id), "centre_staff")
    assert "seat" not in staff.data


async def test_mark_absent_voids_the_holder_and_asks_for_a_replacement(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """What SHEETS calls for a member who cannot reveal: absent, a replacement
    requested (waiting for a supervisor), everyone sees the seat only."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    async with conn.transaction():
        ctx = await context(conn, w, w.member(1))
        emits = await Ops().mark_absent(ctx, 3, "no key revealed within the limit")
    assert [(e.kind, e.audience) for e in emits] == [
        ("member.absent", "all"),
        ("replacement.requested", "all"),
        ("replacement.detail", "role:staff"),
        ("member.detail", "role:staff"),
    ]
    assert emits[0].data == {"seat": 3}
    state = await load(conn, w)
    assert [m.status for m in state.members if m.seat == 3] == [MemberStatus.ABSENT]
    [entry] = await entries(conn, "evaluation.member_absent")
    assert (entry.data["member_seat"], entry.data["seat"]) == (3, 1)  # acted on, acting
    assert len(await events(conn, w)) > 0


async def test_mark_absent_needs_a_seated_holder(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """An empty seat cannot be marked absent twice."""
    w = await session_world(conn, evaluation_template)
    async with conn.transaction():
        ctx = await context(conn, w, w.staff)
        await Ops().mark_absent(ctx, 3, "absent")
    with pytest.raises(EvaluationSeatNotFound):
        async with conn.transaction():
            await Ops().mark_absent(await context(conn, w, w.staff), 3, "absent")
