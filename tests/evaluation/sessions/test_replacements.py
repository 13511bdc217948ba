"""Replacing a seat's holder: requested, approved by a supervisor, seated by the host
as the seat's next generation (DOMAIN.md, "Evaluation")."""

from __future__ import annotations

import asyncpg

from evaluation.errors import (
    EvaluationCommandInvalid,
    EvaluationHostOnly,
    EvaluationSupervisorOnly,
)
from evaluation.model import MemberKind, MemberStatus, Phase
from evaluation.sessions.errors import (
    EvaluationNotParticipant,
    EvaluationReplacementIneligible,
    EvaluationReplacementState,
    EvaluationSeatNotFound,
)
from expert_pool.views.service import committee_member_salt
from signing.log.entry import commit
from tests.accounts.factory import actor_for
from tests.evaluation.kit import (
    MAIN_VENUE,
    Template,
    confirm_in_draw,
    events,
    load,
    refuse,
    send,
    session_world,
    tenderer_user,
    to_conflicts,
    to_qualification,
)
from tests.tender.world import entries

REASON = {"seat": 4, "reason": "专家4突发疾病"}


async def test_the_host_asks_a_supervisor_decides_the_holder_leaves_on_approval(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Requested: seat 4 still held; approved by the department's supervisor: its
    holder is replaced and the seat waits for the replacement."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    await send(conn, w, w.staff, "request_replacement", REASON)
    assert 4 in {m.seat for m in (await load(conn, w)).seated}
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 4})
    state = await load(conn, w)
    assert 4 not in {m.seat for m in state.seated}
    assert [m.status for m in state.members if m.seat == 4] == [MemberStatus.REPLACED]
    approved = [e for e in await events(conn, w) if e.kind == "replacement.approved"]
    assert [(e.data, e.audience) for e in approved] == [({"seat": 4}, "all")]
    [entry] = await entries(conn, "evaluation.replacement_approved")
    assert (entry.actor.user_id, entry.actor.role) == (str(w.supervisor.user_id), "supervisor")


async def test_replacement_requests_refusals(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Only the host asks, for a held seat, once, with a reason; only a supervisor of the
    tender's department approves, a request that waits for it."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    await refuse(conn, w, w.member(1), "request_replacement", REASON, EvaluationHostOnly)
    await refuse(
        conn, w, w.staff, "request_replacement", {"seat": 9, "reason": "x"}, EvaluationSeatNotFound
    )
    await refuse(
        conn, w, w.staff, "request_replacement", {"seat": 4, "reason": " "},
        EvaluationCommandInvalid,
    )  # fmt: skip
    await refuse(conn, w, w.staff, "approve_replacement", {"seat": 4}, EvaluationSupervisorOnly)
    await refuse(
        conn, w, w.supervisor, "approve_replacement", {"seat": 4}, EvaluationReplacementState
    )
    await send(conn, w, w.staff, "request_replacement", REASON)
    await refuse(conn, w, w.staff, "request_replacement", REASON, EvaluationReplacementState)
    # Another department's supervisor is no participant of this session at all.
    await refuse(
        conn, w, w.other_supervisor, "approve_replacement", {"seat": 4}, EvaluationNotParticipant
    )


async def test_the_replacement_is_an_expert_the_draw_confirmed_seated_as_the_next_generation(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Seat 4's replacement holds seat 4, generation 2, named in the log by its own draw
    commitment; it signs in, is confirmed and declares like everyone."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    await send(conn, w, w.staff, "request_replacement", REASON)
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 4})
    newcomer = await confirm_in_draw(conn, w)
    await send(conn, w, w.staff, "seat_replacement", {"seat": 4, "user_id": str(newcomer.user_id)})
    state = await load(conn, w)
    holder = next(m for m in state.seated if m.seat == 4)
    assert (holder.user_id, holder.generation, holder.kind) == (
        newcomer.user_id, 2, MemberKind.EXPERT,
    )  # fmt: skip
    replaced = [e for e in await events(conn, w) if e.kind == "member.replaced"]
    assert [(e.data, e.audience) for e in replaced] == [({"seat": 4, "generation": 2}, "all")]
    await send(conn, w, newcomer, "sign_in", {"venue": MAIN_VENUE.id})
    await send(conn, w, w.staff, "confirm_identity", {"seat": 4})
    await send(conn, w, newcomer, "declare", {"conflict": False})
    entry = (await entries(conn, "evaluation.signed_in"))[-1]
    salt = await committee_member_salt(conn, str(w.state.tender_id), "1", newcomer.user_id)
    assert salt is not None
    assert entry.data["actor"] == commit(str(newcomer.user_id), salt)
    assert (await load(conn, w)).phase is Phase.QUALIFICATION


async def test_who_may_take_a_seat(conn: asyncpg.Connection, evaluation_template: Template) -> None:
    """Not before the approval; not an expert the lot's draw did not confirm; not a
    member already; not a user id that is not one; only by the host."""
    w = await session_world(conn, evaluation_template)
    await to_conflicts(conn, w)
    other = await actor_for(conn, w.scenario.other_lot_expert)
    seat = {"seat": 4, "user_id": str(other.user_id)}
    await send(conn, w, w.staff, "request_replacement", REASON)
    await refuse(conn, w, w.staff, "seat_replacement", seat, EvaluationReplacementState)
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 4})
    await refuse(conn, w, w.staff, "seat_replacement", seat, EvaluationReplacementIneligible)
    member = {"seat": 4, "user_id": str(w.member(2).user_id)}
    await refuse(conn, w, w.staff, "seat_replacement", member, EvaluationReplacementIneligible)
    bad = {"seat": 4, "user_id": "not-a-uuid"}
    await refuse(conn, w, w.staff, "seat_replacement", bad, EvaluationCommandInvalid)
    newcomer = await confirm_in_draw(conn, w)
    good = {"seat": 4, "user_id": str(newcomer.user_id)}
    await refuse(conn, w, w.member(1), "seat_replacement", good, EvaluationHostOnly)
    await send(conn, w, w.staff, "seat_replacement", good)
    await refuse(conn, w, w.staff, "seat_replacement", good, EvaluationReplacementState)


async def test_a_representatives_seat_goes_to_another_user_of_the_tenderer(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Seat 7 (a representative) is replaced by another tenderer user, not an expert."""
    reps = [await tenderer_user(conn, evaluation_template, f"rep{n}") for n in (1, 2)]
    w = await session_world(conn, evaluation_template, representatives=reps)
    await send(conn, w, w.staff, "request_replacement", {"seat": 7, "reason": "另有公务"})
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 7})
    expert = await actor_for(conn, w.scenario.other_lot_expert)
    wrong = {"seat": 7, "user_id": str(expert.user_id)}
    await refuse(conn, w, w.staff, "seat_replacement", wrong, EvaluationReplacementIneligible)
    third = await tenderer_user(conn, evaluation_template, "rep3")
    await send(conn, w, w.staff, "seat_replacement", {"seat": 7, "user_id": str(third)})
    holder = next(m for m in (await load(conn, w)).seated if m.seat == 7)
    assert (holder.user_id, holder.kind, holder.generation) == (
        third, MemberKind.REPRESENTATIVE, 2,
    )  # fmt: skip


async def test_replacements_go_on_while_the_session_is_paused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A fault is often why: request, approve and seat are accepted during a pause."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    await send(conn, w, w.staff, "pause", {"reason": "专家4离席"})
    await send(conn, w, w.staff, "request_replacement", REASON)
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 4})
    newcomer = await confirm_in_draw(conn, w)
    await send(conn, w, w.staff, "seat_replacement", {"seat": 4, "user_id": str(newcomer.user_id)})
    assert next(m for m in (await load(conn, w)).seated if m.seat == 4).generation == 2
