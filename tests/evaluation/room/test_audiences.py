"""Who is admitted to an evaluation session and what each one sees (no socket needed)."""

from __future__ import annotations

import asyncpg

from accounts.model import Actor
from evaluation.room.session import EvaluationRoom, audiences_for
from live import service as live
from live.kinds import registry
from live.model import EVERYONE, user_audience
from tender.lifecycle import load as load_tender
from tests.accounts.factory import actor_for
from tests.evaluation.kit import Template, load, send, session_world, to_conflicts

COMMITTEE, STAFF, SUPERVISOR, PANEL = (
    "role:committee", "role:staff", "role:supervisor", "role:panel",
)  # fmt: skip


async def test_each_role_belongs_to_its_audiences(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Members: committee; centre staff: staff; the department's supervisors: staff and
    supervisor; the three of them the panel; the agency and tenderer only everyone's."""
    w = await session_world(conn, evaluation_template)
    tender = await load_tender(conn, w.state.tender_id)

    def of(actor: Actor) -> frozenset[str] | None:
        found = audiences_for(actor, w.state, tender)
        return None if found is None else found - {EVERYONE, user_audience(actor.user_id)}

    assert of(w.member(3)) == frozenset({COMMITTEE, PANEL})
    assert of(w.staff) == frozenset({STAFF, PANEL})
    assert of(w.supervisor) == frozenset({STAFF, SUPERVISOR, PANEL})
    assert of(w.agency) == frozenset()
    assert of(w.tenderer) == frozenset()
    everyone = audiences_for(w.agency, w.state, tender)
    assert everyone == frozenset({EVERYONE, user_audience(w.agency.user_id)})


async def test_everyone_else_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A bidder of the lot, another department's supervisor, an expert of another
    committee: not participants (the socket is closed with 4403)."""
    w = await session_world(conn, evaluation_template)
    tender = await load_tender(conn, w.state.tender_id)
    stranger = await actor_for(conn, w.scenario.other_lot_expert)
    for actor in (w.bidder, w.other_supervisor, stranger):
        assert audiences_for(actor, w.state, tender) is None


async def test_a_member_who_left_is_no_longer_admitted(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Seat 2 declares a conflict: recused, it is not a participant any more."""
    w = await session_world(conn, evaluation_template)
    await to_conflicts(conn, w)
    await send(conn, w, w.member(2), "declare", {"conflict": True, "explanation": "亲属"})
    tender = await load_tender(conn, w.state.tender_id)
    assert audiences_for(w.member(2), await load(conn, w), tender) is None


async def test_the_engine_admits_through_the_room(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """live.service.enter asks the registered room (what the WebSocket endpoint does)."""
    w = await session_world(conn, evaluation_template)
    kinds = registry([EvaluationRoom(trust=w.scenario.world.ca.trust_store)])
    _, member = await live.enter(conn, kinds, w.live.id, w.member(1))
    _, bidder = await live.enter(conn, kinds, w.live.id, w.bidder)
    assert member is not None
    assert COMMITTEE in member
    assert bidder is None
