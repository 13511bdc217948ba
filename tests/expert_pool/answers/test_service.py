"""Answers to a draw: races on two real connections, notices, completion and the seed."""

from __future__ import annotations

import asyncio

import asyncpg

from accounts.model import Actor
from expert_pool.answers import service as service_answers
from expert_pool.draws import access as service_common
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.model import DrawStatus, MemberStatus
from expert_pool.errors import DrawResponseConflict
from expert_pool.notices.service import dispatch_notifications
from expert_pool.requests import close as service_close
from expert_pool.views import service as service_views
from signing.draw.response import Decision
from tests.expert_pool.world import (
    World,
    add_experts,
    answer,
    committed_draw,
    contribute,
    fresh_entropy,
    pending,
    seated,
    signed,
)
from tests.supervision.alerts_kit import pool_alerts_of

CATEGORIES = [("A08@local", 5)]


async def _drawn(world: World) -> str:
    await add_experts(world, [f"L{n:03d}" for n in range(16)], accounts=True)
    draw = await committed_draw(world, CATEGORIES)
    await contribute(world.conn, world.supervisor, draw.id, 0, fresh_entropy())
    return draw.id


async def _respond(
    pool: asyncpg.Pool, world: World, actor: Actor, draw_id: str, body: bytes, sig: bytes
) -> object:
    async with pool.acquire() as conn:
        try:
            return await service_answers.respond(
                conn, actor, draw_id, body, sig, trust=world.ca.trust_store()
            )
        except DrawResponseConflict as exc:
            return exc


async def test_two_confirmations_of_one_member_at_once_record_one(
    world: World, pool: asyncpg.Pool
) -> None:
    """A double submission on two connections: one confirmation, one conflict."""
    draw_id = await _drawn(world)
    expert_id = (await seated(world, draw_id))[0]
    body, sig = signed(world, draw_id, expert_id, Decision.CONFIRM)
    actor = await world.actor(world.expert_users[expert_id])
    results = await asyncio.gather(
        _respond(pool, world, actor, draw_id, body, sig),
        _respond(pool, world, actor, draw_id, body, sig),
    )
    assert sum(isinstance(r, DrawResponseConflict) for r in results) == 1
    kinds = [r["kind"] for r in await world.conn.fetch("SELECT kind FROM log_entries")]
    assert kinds.count("draw.member_confirmed") == 1
    served = await world.conn.fetchval(
        "SELECT count(*) FROM expert_services WHERE expert_id = $1", expert_id
    )
    assert served == 1


async def test_the_last_two_confirmations_at_once_complete_the_committee_once(
    world: World, pool: asyncpg.Pool
) -> None:
    """Two members confirm the last seats concurrently: one completion, seed revealed."""
    draw_id = await _drawn(world)
    members = await seated(world, draw_id)
    for expert_id in members[:3]:
        await answer(world, draw_id, expert_id, Decision.CONFIRM)
    before = await service_views.transcript(world.conn, world.supervisor, draw_id)
    assert before.platform_seed is None  # not revealed before the committee is complete
    last = [
        (await world.actor(world.expert_users[x]), *signed(world, draw_id, x, Decision.CONFIRM))
        for x in members[3:]
    ]
    await asyncio.gather(*(_respond(pool, world, a, draw_id, b, s) for a, b, s in last))
    draw = await service_common.get_draw(world.conn, draw_id)
    assert draw.status is DrawStatus.COMPLETE
    kinds = [r["kind"] for r in await world.conn.fetch("SELECT kind FROM log_entries")]
    assert kinds.count("draw.completed") == 1
    after = await service_views.transcript(world.conn, world.supervisor, draw_id)
    assert after.platform_seed == (await queries_draws.platform_seed(world.conn, draw_id)).hex()


async def test_notices_never_name_the_project_and_keep_delivery_records(world: World) -> None:
    """Each drawn expert gets a notice without tender, project, tenderer or agency."""
    draw_id = await _drawn(world)
    draw = await service_common.get_draw(world.conn, draw_id)
    rows = await world.conn.fetch("SELECT body FROM draw_notifications WHERE draw_id = $1", draw_id)
    assert len(rows) == 5
    secrets_ = [
        draw.parties.tender_id,
        draw.parties.project_id,
        draw.parties.tenderer,
        draw.parties.agency_code,
        world.agency.name,
    ]
    for row in rows:
        assert draw_id in row["body"]
        assert not any(s in row["body"] for s in secrets_)
    deliveries = await world.conn.fetch("SELECT status, channel FROM notification_deliveries")
    assert [tuple(d) for d in deliveries] == [("delivered", "log")] * 5
    assert await dispatch_notifications(world.conn) == 0  # nothing is sent twice
    expert_id = (await seated(world, draw_id))[0]
    actor = await world.actor(world.expert_users[expert_id])
    invitations = await service_answers.my_invitations(world.conn, actor)
    assert [(i.draw_id, i.status) for i in invitations] == [(draw_id, MemberStatus.NOTIFIED)]
    await answer(world, draw_id, expert_id, Decision.DECLINE)
    assert expert_id not in await pending(world, draw_id)
    assert await pool_alerts_of(world.conn) == [("replacement_needed", False)]


async def test_cancel_and_redraw_is_counted_and_each_needs_an_approval(world: World) -> None:
    """A cancelled committee can be drawn again as attempt 2; the log counts both."""
    draw_id = await _drawn(world)
    c = world.conn
    await service_close.approve_redraw(c, world.supervisor, draw_id, "专家集体回避")
    await service_close.cancel_draw(c, world.centre_staff, draw_id, "专家集体回避")
    cancelled = await service_common.get_draw(c, draw_id)
    again = await committed_draw(world, CATEGORIES, tender=cancelled.parties.tender_id)
    assert (cancelled.status, again.attempt) == (DrawStatus.CANCELLED, 2)
    kinds = [r["kind"] for r in await c.fetch("SELECT kind FROM log_entries ORDER BY idx")]
    assert kinds.count("draw.cancelled") == 1
    assert kinds.count("draw.redraw_approved") == 1
