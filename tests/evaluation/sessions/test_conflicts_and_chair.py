"""Conflict declarations (回避) after seeing the bidders, and the chair election."""

from __future__ import annotations

import asyncio
from typing import cast

import asyncpg

from evaluation.errors import (
    EvaluationCommandInvalid,
    EvaluationNotMember,
    EvaluationPhaseInvalid,
)
from evaluation.model import MemberStatus, Phase
from evaluation.sessions.errors import (
    EvaluationDeclared,
    EvaluationSeatNotFound,
    EvaluationSeatVacant,
    EvaluationVoted,
)
from tests.evaluation.kit import (
    Template,
    events,
    load,
    refuse,
    send,
    session_world,
    to_chair_election,
    to_conflicts,
    to_qualification,
)
from tests.tender.world import entries


async def test_when_everyone_declares_no_conflict_the_election_begins(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Five declarations without a conflict: conflicts → chair_election, with the last."""
    w = await session_world(conn, evaluation_template)
    await to_conflicts(conn, w)
    for seat in range(1, 5):
        await send(conn, w, w.member(seat), "declare", {"conflict": False})
        assert (await load(conn, w)).phase is Phase.CONFLICTS
    await send(conn, w, w.member(5), "declare", {"conflict": False})
    declared, phase = (await events(conn, w))[-2:]
    assert (declared.kind, declared.data) == ("member.declared", {"seat": 5, "conflict": False})
    assert (phase.kind, phase.data["phase"]) == ("session.phase", "chair_election")
    assert len(await entries(conn, "evaluation.conflict_declared")) == 5


async def test_a_declared_conflict_recuses_the_member_and_asks_for_a_replacement(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Seat 2 declares a conflict: it leaves (recused), a replacement is requested and
    the election waits for the seat; everyone sees the seat, staff the explanation."""
    w = await session_world(conn, evaluation_template)
    await to_conflicts(conn, w)
    text = "曾在投标人1处任职"
    await send(conn, w, w.member(2), "declare", {"conflict": True, "explanation": text})
    state = await load(conn, w)
    assert [m.status for m in state.members if m.seat == 2] == [MemberStatus.RECUSED]
    kinds = [(e.kind, e.audience, e.data) for e in await events(conn, w)][-4:]
    assert kinds[0] == ("member.declared", "all", {"seat": 2, "conflict": True})
    assert kinds[1] == ("replacement.requested", "all", {"seat": 2, "cause": "conflict"})
    assert kinds[2] == (
        "replacement.detail", "role:staff", {"seat": 2, "cause": "conflict", "reason": text},
    )  # fmt: skip
    assert (kinds[3][0], kinds[3][1]) == ("member.detail", "role:staff")
    for seat in (1, 3, 4, 5):
        await send(conn, w, w.member(seat), "declare", {"conflict": False})
    assert (await load(conn, w)).phase is Phase.CONFLICTS  # seat 2 is vacant
    [entry] = [e for e in await entries(conn, "evaluation.conflict_declared") if e.data["conflict"]]
    assert text not in repr(entry.data)  # the text stays in the session's rows


async def test_declaration_refusals(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Before the start; a conflict without explanation; a non-member; twice."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.staff, "open_sign_in")
    no = {"conflict": False}
    await refuse(conn, w, w.member(1), "declare", no, EvaluationPhaseInvalid)
    await to_conflicts(conn, w, open_sign_in=False)
    await refuse(conn, w, w.member(1), "declare", {"conflict": True}, EvaluationCommandInvalid)
    await refuse(conn, w, w.member(1), "declare", {"conflict": 0}, EvaluationCommandInvalid)
    await refuse(conn, w, w.supervisor, "declare", no, EvaluationNotMember)
    await send(conn, w, w.member(1), "declare", no)
    await refuse(conn, w, w.member(1), "declare", no, EvaluationDeclared)


async def test_a_strict_majority_elects_the_chair_and_qualification_begins(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """3 of 5 for seat 3: elected in round 1; the qualification review starts with its
    deadline from the policy."""
    w = await session_world(conn, evaluation_template)
    await to_chair_election(conn, w)
    for seat, candidate in zip(range(1, 6), (3, 3, 3, 1, 2), strict=True):
        await send(conn, w, w.member(seat), "vote_chair", {"seat": candidate})
    elected, phase = (await events(conn, w))[-2:]
    assert elected.kind == "chair.elected"
    assert elected.data == {"seat": 3, "round": 1, "tally": {"1": 1, "2": 1, "3": 3}}
    state = await load(conn, w)
    assert (state.chair_seat, state.phase) == (3, Phase.QUALIFICATION)
    assert phase.data["deadline"] is not None
    assert len(await entries(conn, "evaluation.chair_vote")) == 5
    [entry] = await entries(conn, "evaluation.chair_elected")
    assert entry.data["chair_seat"] == 3


async def test_without_a_majority_the_committee_votes_again(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """2–2–1: no strict majority; round 2 follows, where each member votes again."""
    w = await session_world(conn, evaluation_template)
    await to_chair_election(conn, w)
    for seat, candidate in zip(range(1, 6), (1, 1, 2, 2, 3), strict=True):
        await send(conn, w, w.member(seat), "vote_chair", {"seat": candidate})
    revote = (await events(conn, w))[-1]
    assert (revote.kind, revote.data["round"], revote.data["next_round"]) == ("chair.revote", 1, 2)
    assert (await load(conn, w)).chair_seat is None
    for seat in range(1, 6):
        await send(conn, w, w.member(seat), "vote_chair", {"seat": 2})
    assert (await load(conn, w)).chair_seat == 2


async def test_chair_vote_refusals(conn: asyncpg.Connection, evaluation_template: Template) -> None:
    """Before the election; a non-member; an empty seat; twice in one round."""
    w = await session_world(conn, evaluation_template)
    await to_conflicts(conn, w)
    await refuse(conn, w, w.member(1), "vote_chair", {"seat": 1}, EvaluationPhaseInvalid)
    for member in w.members:
        await send(conn, w, member, "declare", {"conflict": False})
    await refuse(conn, w, w.staff, "vote_chair", {"seat": 1}, EvaluationNotMember)
    await refuse(conn, w, w.member(1), "vote_chair", {"seat": 6}, EvaluationSeatNotFound)
    await send(conn, w, w.member(1), "vote_chair", {"seat": 1})
    await refuse(conn, w, w.member(1), "vote_chair", {"seat": 2}, EvaluationVoted)


async def test_once_elected_the_chair_is_not_voted_on_again(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """After the election a vote is the wrong phase while the chair is held."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    await refuse(conn, w, w.member(2), "vote_chair", {"seat": 2}, EvaluationPhaseInvalid)


async def test_the_chairs_holder_leaving_calls_a_new_election(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The host asks to replace the chair (seat 1), a supervisor approves: the chair is
    vacant; votes wait for the seat's replacement (the committee is incomplete)."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w, chair=1)
    await send(conn, w, w.staff, "request_replacement", {"seat": 1, "reason": "突发疾病"})
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 1})
    vacant = [e for e in await events(conn, w) if e.kind == "chair.vacant"]
    assert [e.data for e in vacant] == [{"seat": 1}]
    state = await load(conn, w)
    assert (state.chair_seat, state.phase) == (None, Phase.QUALIFICATION)
    await refuse(conn, w, w.member(2), "vote_chair", {"seat": 2}, EvaluationSeatVacant)


async def test_the_last_two_declarations_raced_on_two_connections_advance_once(
    pool: asyncpg.Pool, evaluation_template: Template
) -> None:
    """Commands of a session serialise on its row lock: two members declaring at once
    from two nodes both count, and the election begins exactly once."""
    async with pool.acquire() as one, pool.acquire() as two:
        c1, c2 = cast(asyncpg.Connection, one), cast(asyncpg.Connection, two)
        w = await session_world(c1, evaluation_template)
        await to_conflicts(c1, w)
        for seat in (1, 2, 3):
            await send(c1, w, w.member(seat), "declare", {"conflict": False})
        await asyncio.gather(
            send(c1, w, w.member(4), "declare", {"conflict": False}),
            send(c2, w, w.member(5), "declare", {"conflict": False}),
        )
        phases = [e for e in await events(c1, w) if e.kind == "session.phase"]
        assert [e.data["phase"] for e in phases][-1] == "chair_election"
        assert [e.data["phase"] for e in phases].count("chair_election") == 1
        assert await c1.fetchval("SELECT count(*) FROM evaluation_declarations") == 5


async def test_a_chair_votes_log_entry_names_seats_never_a_member(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Issue 11, item 3: until the result members are seats in every log entry. A vote's
    entry holds the voter's seat and salted commitment and the candidate's seat — no
    user id, name or username of any member in any entry of the election."""
    w = await session_world(conn, evaluation_template)
    await to_chair_election(conn, w)
    for seat, candidate in zip(range(1, 6), (3, 3, 3, 1, 2), strict=True):
        await send(conn, w, w.member(seat), "vote_chair", {"seat": candidate})
    votes = await entries(conn, "evaluation.chair_vote")
    assert [(e.data["seat"], e.data["candidate"]) for e in votes] == [
        (1, 3), (2, 3), (3, 3), (4, 1), (5, 2)
    ]  # fmt: skip
    for entry in votes:
        assert set(entry.data) == {"generation", "round", "candidate", "seat", "actor"}
        assert entry.actor.user_id is None
        assert entry.commitments == ("actor",)
    rows = await conn.fetch("SELECT entry FROM log_entries WHERE kind LIKE 'evaluation.%'")
    logged = b"".join(r["entry"] for r in rows)
    for member in w.members:
        user = next(u for u in w.scenario.committee if u.id == member.user_id)
        for secret in (str(user.id), user.display_name, user.username):
            assert secret.encode() not in logged, secret
