"""Closing a draw: cancel-and-redraw with a supervisor's approval, publication after award.

DESIGN.md: "cancelling a draw and drawing again needs a supervisor's approval and is
counted" — each approval allows one cancel of a committed draw, and the committee's
next draw is its next attempt; "The transcript is public after the award where the
policy says so" — `publish_after_award` reveals the seed and every commitment's salt
in the log.
"""

from __future__ import annotations

import asyncpg

from accounts.model import Actor, Role
from accounts.permissions import Action, is_allowed, require
from expert_pool import journal
from expert_pool.answers import queries as queries_members
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.access import check_reason, get_draw, resource
from expert_pool.draws.model import DrawStatus, StoredDraw
from expert_pool.errors import (
    DrawApprovalMissing,
    DrawClosed,
    DrawStateInvalid,
)
from expert_pool.events import PoolEvent
from expert_pool.rounds import queries as queries_rounds

# --- cancel, redraw, award ----------------------------------------------------------------


async def approve_redraw(conn: asyncpg.Connection, actor: Actor, draw_id: str, reason: str) -> None:
    """A supervisor allows one cancel-and-redraw of this draw."""
    draw = await get_draw(conn, draw_id)
    role = require(actor, Action.CONTRIBUTE_ENTROPY, resource(draw))
    check_reason(reason)
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        if draw.status is DrawStatus.CANCELLED or draw.awarded_at is not None:
            raise DrawClosed("the draw is cancelled or awarded")
        await queries_draws.insert_approval(conn, draw.id, "redraw", reason, actor.user_id)
        await journal.append(
            conn,
            PoolEvent.DRAW_REDRAW_APPROVED,
            actor=actor,
            role=role,
            subject=("draw", draw.id),
            data={"draw_id": draw.id, "attempt": draw.attempt},
        )


def _canceller_role(actor: Actor, draw: StoredDraw) -> Role | None:
    if is_allowed(actor, Action.OPERATE_DRAW, resource(draw)):
        return Role.CENTRE_STAFF
    return require(actor, Action.REQUEST_DRAW, resource(draw))


async def cancel_draw(conn: asyncpg.Connection, actor: Actor, draw_id: str, reason: str) -> None:
    """Cancel a draw; once committed, only with a supervisor's unused approval."""
    draw = await get_draw(conn, draw_id)
    role = _canceller_role(actor, draw)
    check_reason(reason)
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        if draw.status is DrawStatus.CANCELLED or draw.awarded_at is not None:
            raise DrawClosed("the draw is already cancelled or awarded")
        approved = False
        if draw.transcript is not None:
            approval = await queries_draws.unused_approval(conn, draw.id, "redraw")
            if approval is None:
                raise DrawApprovalMissing(
                    "cancelling a committed draw to draw again needs a supervisor's approval"
                )
            await queries_draws.use_approval(conn, approval)
            approved = True
        await queries_draws.set_cancelled(conn, draw.id, reason.strip())
        # Selective abort (issue 9, item 2): a draw cancelled after entropy made picks
        # shows supervisors its seed, so they recompute the picks it would have seated.
        drawn = draw.transcript is not None and bool(draw.transcript.rounds)
        if drawn:
            await queries_draws.reveal_seed(conn, draw.id)
        await journal.append(
            conn,
            PoolEvent.DRAW_CANCELLED,
            actor=actor,
            role=role,
            subject=("draw", draw.id),
            data={
                "draw_id": draw.id,
                "attempt": draw.attempt,
                "was": str(draw.status),
                "approved": approved,
                "seed_revealed_to_supervisors": drawn,
            },
        )


async def publish_after_award(
    conn: asyncpg.Connection, actor: Actor | None, draw_id: str
) -> StoredDraw:
    """The tender is awarded: open the sealed list where the policy says so.

    `actor` None is the platform itself (the tender package's award use case, in its
    own transaction); otherwise a supervisor of the draw's department.
    """
    draw = await get_draw(conn, draw_id)
    role: Role | str = "platform"
    if actor is not None:
        role = require(actor, Action.VIEW_DRAW_NAMES, resource(draw)) or "user"
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        if draw.status is not DrawStatus.COMPLETE:
            raise DrawStateInvalid("only a complete committee's draw is published")
        if draw.awarded_at is None:
            await queries_draws.set_awarded(conn, draw.id)
            await journal.append(
                conn,
                PoolEvent.DRAW_PUBLISHED,
                actor=actor,
                role=role,
                subject=("draw", draw.id),
                data=await _reveals(conn, draw),
            )
    return await get_draw(conn, draw_id)


async def _reveals(conn: asyncpg.Connection, draw: StoredDraw) -> dict[str, object]:
    """The seed and the salts of every commitment, when the list becomes public."""
    data: dict[str, object] = {"draw_id": draw.id, "public": draw.policy.public_after_award}
    if not draw.policy.public_after_award:
        return data
    seed = await queries_draws.platform_seed(conn, draw.id)
    rounds = await queries_rounds.round_salts(conn, draw.id)
    salts = await queries_members.member_salts(conn, draw.id)
    data["platform_seed"] = seed.hex()
    data["round_salts"] = {str(r): salt.hex() for r, salt in rounds.items()}
    data["member_salts"] = {x: salt.hex() for x, salt in salts.items()}
    # Release rounds' own seeds (docs/formats/draw.md §4.2), only when there were any.
    if own := await queries_rounds.round_seeds(conn, draw.id):
        data["round_seeds"] = {str(r): s.seed.hex() for r, s in own.items()}
    # Opens the `actor` commitments of entries a drawn expert made (audit-log.md §1.3).
    users = await queries_members.member_users(conn, draw.id)
    data["member_users"] = {x: str(u) for x, u in users.items()}
    return data
