"""Faults and time: pause and resume within the policy's limits, sealing past them,
and Reg. 48's extension when more than 1/3 of the members say the time is too short.

Periods are shortened through the session's policy (a zero limit has passed by the
next command), never by waiting or by faking clocks (STYLE.md, 3)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import asyncpg
import pytest

from evaluation.errors import (
    EvaluationHostOnly,
    EvaluationNotMember,
    EvaluationPaused,
    EvaluationSessionOver,
)
from evaluation.model import DEFAULT_POLICY, Phase
from evaluation.sessions import service
from evaluation.sessions.errors import (
    EvaluationDeadlineInvalid,
    EvaluationDrawIncomplete,
    EvaluationNotPaused,
    EvaluationVoted,
)
from tests.evaluation.kit import (
    MAIN_VENUE,
    Template,
    events,
    load,
    refuse,
    send,
    session_world,
    to_chair_election,
    to_qualification,
)
from tests.tender.world import entries

NO_WAIT = dataclasses.replace(
    DEFAULT_POLICY, pause_before_start=dt.timedelta(0), pause_during=dt.timedelta(0)
)
PAUSE = {"reason": "副场网络中断"}


async def test_a_pause_stops_every_command_but_the_hosts_resume(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Paused: members' commands are refused; the reason goes to staff only; a second
    pause is refused; the host resumes within the limit."""
    w = await session_world(conn, evaluation_template)
    await to_chair_election(conn, w)
    await refuse(conn, w, w.member(1), "pause", PAUSE, EvaluationHostOnly)
    await send(conn, w, w.staff, "pause", PAUSE)
    paused, detail = (await events(conn, w))[-2:]
    assert (paused.kind, paused.audience) == ("session.paused", "all")
    assert "reason" not in paused.data
    assert (detail.kind, detail.audience, detail.data) == (
        "pause.detail", "role:staff", PAUSE,
    )  # fmt: skip
    await refuse(conn, w, w.member(1), "vote_chair", {"seat": 1}, EvaluationPaused)
    await refuse(conn, w, w.staff, "pause", PAUSE, EvaluationPaused)
    await refuse(conn, w, w.member(1), "resume", {}, EvaluationHostOnly)
    await send(conn, w, w.staff, "resume")
    assert (await load(conn, w)).paused_at is None
    await send(conn, w, w.member(1), "vote_chair", {"seat": 1})
    await refuse(conn, w, w.staff, "resume", {}, EvaluationNotPaused)
    assert [e.data["reason_sha256"] for e in await entries(conn, "evaluation.paused")]


async def test_a_pause_does_not_eat_the_phases_time(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The qualification deadline moves by the pause's length at the resume."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    before = await load(conn, w)
    await send(conn, w, w.staff, "pause", PAUSE)
    paused_at = (await load(conn, w)).paused_at
    await send(conn, w, w.staff, "resume")
    after = await load(conn, w)
    assert before.phase_deadline is not None
    assert after.phase_deadline is not None
    assert paused_at is not None
    moved = after.phase_deadline - before.phase_deadline
    now = await conn.fetchval("SELECT clock_timestamp()")
    assert dt.timedelta(0) < moved <= now - paused_at


@pytest.mark.parametrize("command", ["resume", "snapshot", "vote_chair"])
async def test_past_the_limit_the_next_command_seals_the_session(
    conn: asyncpg.Connection, evaluation_template: Template, command: str
) -> None:
    """DOMAIN.md: resume within the limit, else seal everything. Whatever comes next
    seals (and is not applied): session.sealed, phase sealed, logged."""
    w = await session_world(conn, evaluation_template, policy=NO_WAIT)
    await to_chair_election(conn, w)
    await send(conn, w, w.staff, "pause", PAUSE)
    actor = w.staff if command != "vote_chair" else w.member(1)
    data = {"seat": 1} if command == "vote_chair" else {}
    seq = await send(conn, w, actor, command, data)
    sealed = (await events(conn, w))[-1]
    assert (sealed.seq, sealed.kind) == (seq, "session.sealed")
    assert sealed.data["reason"] == "pause_limit"
    assert (await load(conn, w)).phase is Phase.SEALED
    assert await conn.fetchval("SELECT count(*) FROM evaluation_chair_votes") == 0
    [entry] = await entries(conn, "evaluation.sealed")
    assert entry.data["phase"] == "chair_election"


async def test_before_the_start_the_pause_limit_is_the_pre_start_one(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A pause during sign-in is measured against pause_before_start (here zero)."""
    policy = dataclasses.replace(DEFAULT_POLICY, pause_before_start=dt.timedelta(0))
    w = await session_world(conn, evaluation_template, policy=policy)
    await send(conn, w, w.staff, "open_sign_in")
    await send(conn, w, w.staff, "pause", PAUSE)
    await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
    assert (await load(conn, w)).phase is Phase.SEALED


async def test_a_sealed_session_changes_no_more_and_its_committee_does_not_sit_again(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """After the seal every command is refused; a new session of the lot needs a new
    draw: the sealed committee's draw is refused."""
    w = await session_world(conn, evaluation_template, policy=NO_WAIT)
    await send(conn, w, w.staff, "pause", PAUSE)
    await send(conn, w, w.staff, "resume")
    await refuse(conn, w, w.staff, "open_sign_in", {}, EvaluationSessionOver)
    await refuse(conn, w, w.staff, "resume", {}, EvaluationSessionOver)
    await refuse(conn, w, w.staff, "request_replacement", {"seat": 1, "reason": "x"},
                 EvaluationSessionOver)  # fmt: skip
    with pytest.raises(EvaluationDrawIncomplete):
        await service.schedule(
            conn, w.staff, w.state.tender_id, "1", main_venue_id=MAIN_VENUE.id,
            representatives=[], starts_at=dt.datetime.now(dt.UTC),
        )  # fmt: skip


async def test_more_than_a_third_saying_the_time_is_too_short_extends_it(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Reg. 48: of 5 members, 1 is not enough (3 > 5 fails), 2 are (6 > 5): the deadline
    moves by extension_minutes, once; votes for the new deadline start afresh."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    first = (await load(conn, w)).phase_deadline
    assert first is not None
    await send(conn, w, w.member(1), "time_short")
    assert (await load(conn, w)).phase_deadline == first
    await refuse(conn, w, w.member(1), "time_short", {}, EvaluationVoted)
    await send(conn, w, w.member(2), "time_short")
    extended = (await load(conn, w)).phase_deadline
    assert extended == first + dt.timedelta(minutes=DEFAULT_POLICY.extension_minutes)
    vote, event = (await events(conn, w))[-2:]
    assert vote.data == {"seat": 2, "votes": 2, "seated": 5}
    assert event.kind == "time.extended"
    await send(conn, w, w.member(1), "time_short")  # the new deadline's first vote
    assert (await load(conn, w)).phase_deadline == extended
    assert len(await entries(conn, "evaluation.time_extended")) == 1


async def test_time_short_refusals(conn: asyncpg.Connection, evaluation_template: Template) -> None:
    """A phase without a time limit; a non-member; a limit already passed."""
    w = await session_world(conn, evaluation_template)
    await to_chair_election(conn, w)
    await refuse(conn, w, w.member(1), "time_short", {}, EvaluationDeadlineInvalid)
    for member in w.members:
        await send(conn, w, member, "vote_chair", {"seat": 1})
    await refuse(conn, w, w.staff, "time_short", {}, EvaluationNotMember)
    await conn.execute(
        "UPDATE evaluation_sessions SET phase_deadline = clock_timestamp() WHERE id = $1",
        w.state.id,
    )  # the limit has passed (set in the past, not waited for)
    await refuse(conn, w, w.member(1), "time_short", {}, EvaluationDeadlineInvalid)
