"""The draw's replacement round (补抽) run for real around a kit session
(tests/evaluation/kit.py): centre staff open it on the session's approved expert
replacements (expert_pool.requests.reopen), a supervisor's fresh entropy draws it,
each pick registers its certificate and answers with its own signed statement."""

from __future__ import annotations

import datetime as dt

import asyncpg

from accounts.model import Actor
from accounts.users.service import get_user
from expert_pool.answers import service as answers
from expert_pool.draws import access as draw_access
from expert_pool.experts import service as experts_service
from expert_pool.requests import reopen
from signing.certs import dump_pem_certificate
from signing.demo_ca import issue_identity
from signing.draw.response import Decision, DrawResponse
from tests.accounts.factory import actor_for
from tests.evaluation.kit import SessionWorld
from tests.expert_pool import world as pool_world

APPROVED_EXPERT_SEATS = """
SELECT r.seat FROM evaluation_replacements r
JOIN evaluation_members m USING (session_id, seat, generation)
WHERE r.session_id = $1 AND m.kind = 'expert' AND r.approved_at IS NOT NULL
  AND r.seated_at IS NULL
ORDER BY r.seat
"""


async def replacement_round(conn: asyncpg.Connection, w: SessionWorld) -> Actor:
    """The round for every approved, unseated expert replacement of the session, each
    pick confirming; the first pick's actor (the one to seat)."""
    draw_id = w.state.draw_id
    seats = [r["seat"] for r in await conn.fetch(APPROVED_EXPERT_SEATS, w.state.id)]
    opened = await reopen.open_replacement_round(conn, w.staff, draw_id, w.state.id, seats)
    await pool_world.contribute(conn, w.supervisor, draw_id, opened.r, pool_world.fresh_entropy())
    draw = await draw_access.get_draw(conn, draw_id)
    assert draw.transcript is not None
    actors = [await answer_pick(conn, w, p.expert_id) for p in draw.transcript.rounds[-1].picks]
    return actors[0]


async def answer_pick(
    conn: asyncpg.Connection,
    w: SessionWorld,
    expert_id: str,
    decision: Decision = Decision.CONFIRM,
    *,
    draw_id: str | None = None,
) -> Actor:
    """A drawn expert answers with a statement signed by its own certificate (registered
    now by a supervisor, as the pool's administration does)."""
    ca = w.scenario.world.ca
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    identity = issue_identity(ca, name=f"专家{expert_id}", now=now)
    pem = dump_pem_certificate(identity.certificate)
    await experts_service.register_certificate(conn, w.supervisor, expert_id, pem)
    user_id = await conn.fetchval("SELECT user_id FROM experts WHERE id = $1", expert_id)
    actor = await actor_for(conn, await get_user(conn, user_id))
    reason = "另有安排" if decision is Decision.DECLINE else ""
    statement = DrawResponse(
        draw_id=draw_id or w.state.draw_id, expert_id=expert_id, decision=decision,
        issued_at=dt.datetime.now(dt.UTC), reason=reason,
    )  # fmt: skip
    signature = statement.sign(identity.certificate, identity.key, identity.chain)
    await answers.respond(
        conn, actor, statement.draw_id, statement.to_bytes(), signature, trust=ca.trust_store()
    )
    return actor
