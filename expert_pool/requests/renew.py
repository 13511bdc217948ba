"""A new committee after a sealed session (DOMAIN.md, "Remote cross-city evaluation":
past the fault limits everything is sealed and a new committee is formed; issue 11).

Centre staff cancel the lot's evaluation draw whose committee sat in a session sealed
past the fault limits and request the committee's next draw in one step: the same
parties and categories (the exclusions are recomputed when it is prepared), new session
times, the next attempt. Cancelling a committed draw still needs a supervisor's unused
approval and is counted (DESIGN.md, "Verifiable expert draw"; expert_pool.requests.close).
The new draw is then prepared, committed and drawn like any; once complete the lot's
next session (attempt 2) is scheduled on it (evaluation.sessions.service.schedule).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action, require
from expert_pool import journal, queries
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.access import check_reason, get_draw, new_draw_id, resource
from expert_pool.draws.model import Purpose, StoredDraw, check_spec
from expert_pool.errors import DrawRequestInvalid, DrawStateInvalid
from expert_pool.events import PoolEvent
from expert_pool.requests import close
from expert_pool.requests import queries as queries_releases
from expert_pool.service import load_policy
from expert_pool.specialties import default_specialties

log = logging.getLogger(__name__)


async def new_committee_after_seal(
    conn: asyncpg.Connection,
    actor: Actor,
    draw_id: str,
    *,
    session_start: datetime,
    session_end: datetime,
    reason: str,
) -> StoredDraw:
    """Cancel the sealed committee's draw and request the committee's next draw."""
    draw = await get_draw(conn, draw_id)
    role = require(actor, Action.OPERATE_DRAW, resource(draw))
    check_reason(reason)
    policy = await load_policy(conn)
    spec = replace(draw.spec, session_start=session_start, session_end=session_end)
    check_spec(spec, policy, specialties=default_specialties())
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        if draw.parties.purpose is not Purpose.EVALUATION or not (
            await queries_releases.sat_in_sealed_session(conn, draw.id)
        ):
            raise DrawStateInvalid(
                "a new committee is formed this way only when the draw's committee sat in "
                "an evaluation session sealed past the fault limits"
            )
        if spec.session_start <= await queries.database_now(conn):
            raise DrawRequestInvalid("the session must start in the future")
        # The cancel's own rules: not cancelled or awarded yet, a supervisor's approval.
        await close.cancel_draw(conn, actor, draw.id, reason)
        attempt = await queries_draws.previous_attempts(conn, draw.parties) + 1
        renewed = await queries_draws.insert_draw(
            conn, new_draw_id(), draw.parties, spec, policy=policy, attempt=attempt,
            requested_by=actor.user_id,
        )  # fmt: skip
        await journal.append(
            conn,
            PoolEvent.DRAW_REQUESTED,
            actor=actor,
            role=role,
            subject=("draw", renewed.id),
            data={
                "draw_id": renewed.id,
                "tender_id": draw.parties.tender_id,
                "lot": draw.parties.lot,
                "purpose": str(draw.parties.purpose),
                "attempt": attempt,
                "categories": [[c.label, c.count] for c in spec.categories],
                "entropy_roles": [str(r) for r in spec.entropy_roles],
                "after_sealed_draw": draw.id,
            },
        )
    log.info("expert_pool.draw_renewed", extra={"draw_id": renewed.id, "was": draw.id})
    return renewed
