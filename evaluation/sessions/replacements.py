"""Replacing a seat's holder (DOMAIN.md, "Evaluation": a member replaced for conflict,
absence or illness has all findings voided; the replacement re-evaluates).

Three steps, each a command and a log entry:

1. requested — by the member's own conflict declaration (the holder is recused at
   once), by ``ops.mark_absent`` (absent at once), or by the host (``request_replacement``,
   absence or illness: the holder keeps the seat until the approval);
2. approved — by a supervisor of the tender's department (``approve_replacement``); a
   host-requested holder leaves now, status ``replaced``;
3. seated — the host names the replacement (``seat_replacement``): for an expert seat,
   the expert the draw's replacement round confirmed for this replacement (centre
   staff open the round on the approved replacement, a supervisor's entropy draws it,
   the pick confirms: expert_pool.requests.reopen,
   expert_pool.views.service.replacement_candidates) — never the recused, replaced or
   absent holder, nor a declined pick; for a representative seat, another active user
   of the tenderer. It holds the seat as the next generation, signs in and declares
   like everyone.

Replacement commands are accepted while the session is paused: a fault is often why.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from evaluation.errors import EvaluationCommandInvalid
from evaluation.events import EvaluationEvent
from evaluation.guards import field, require_host, require_open, require_supervisor, text
from evaluation.handlers import Ctx
from evaluation.model import Member, MemberKind, MemberStatus
from evaluation.sessions import member_queries
from evaluation.sessions.errors import (
    EvaluationReplacementIneligible,
    EvaluationReplacementState,
    EvaluationSeatNotFound,
)
from evaluation.sessions.model import Replacement
from evaluation.sessions.ops import seated_holder, text_sha256, vacate_chair
from evaluation.sessions.service import is_tenderer_user
from evaluation.sessions.views import STAFF, detail_emit
from expert_pool.views.service import committee_member_salt, replacement_candidates
from live.model import Emit
from tender import lifecycle

REASON_LIMIT = 500


async def _open(ctx: Ctx, seat: int) -> Replacement | None:
    """The seat's replacement that is not seated yet, if any."""
    return next(
        (r for r in await member_queries.replacements(ctx.conn, ctx.state.id)
         if r.seat == seat and r.seated_at is None),
        None,
    )  # fmt: skip


async def request_replacement(ctx: Ctx) -> list[Emit]:
    """The host asks to replace a seat's holder (absence, illness): a supervisor decides."""
    require_host(ctx)
    require_open(ctx, paused_ok=True)
    holder = seated_holder(ctx, field(ctx.data, "seat", int))
    reason = text(ctx.data, "reason", limit=REASON_LIMIT)
    assert reason is not None
    if await _open(ctx, holder.seat) is not None:
        raise EvaluationReplacementState(f"seat {holder.seat}'s replacement is requested already")
    await member_queries.insert_replacement(
        ctx.conn, ctx.state.id, holder, cause="host", reason=reason, by=ctx.actor.user_id,
        at=ctx.now,
    )  # fmt: skip
    await ctx.ops.log(
        ctx, EvaluationEvent.REPLACEMENT_REQUESTED,
        {"member_seat": holder.seat, "generation": holder.generation, "cause": "host",
         "reason_sha256": text_sha256(reason)},
    )  # fmt: skip
    return [
        Emit(kind="replacement.requested", data={"seat": holder.seat, "cause": "host"}),
        Emit(
            kind="replacement.detail",
            data={"seat": holder.seat, "cause": "host", "reason": reason},
            audience=STAFF,
        ),
    ]


async def approve_replacement(ctx: Ctx) -> list[Emit]:
    """A supervisor approves; a holder the host asked to replace leaves now (replaced)."""
    require_supervisor(ctx)
    require_open(ctx, paused_ok=True)
    seat = field(ctx.data, "seat", int)
    found = await _open(ctx, seat)
    if found is None or found.approved_at is not None:
        raise EvaluationReplacementState(f"seat {seat} has no replacement waiting for approval")
    await member_queries.approve_replacement(
        ctx.conn, ctx.state.id, found, ctx.actor.user_id, ctx.now
    )
    emits: list[Emit] = []
    holder = next((m for m in ctx.state.seated if m.seat == seat), None)
    if holder is not None and holder.generation == found.generation:
        await member_queries.leave(
            ctx.conn, ctx.state.id, holder, MemberStatus.REPLACED, ctx.now, found.reason
        )
        emits += await vacate_chair(ctx, seat)
    await ctx.ops.log(
        ctx, EvaluationEvent.REPLACEMENT_APPROVED,
        {"member_seat": seat, "generation": found.generation, "cause": found.cause},
    )  # fmt: skip
    return [
        Emit(kind="replacement.approved", data={"seat": seat}),
        await detail_emit(ctx.conn, ctx.state, seat),
        *emits,
    ]


def _user_id(ctx: Ctx) -> UUID:
    raw = field(ctx.data, "user_id", str)
    try:
        return UUID(raw)
    except ValueError:
        raise EvaluationCommandInvalid(
            "'user_id' is a user's UUID", details={"field": "user_id"}
        ) from None


async def seat_replacement(ctx: Ctx) -> list[Emit]:
    """The host seats the approved replacement as the seat's next generation."""
    require_host(ctx)
    require_open(ctx, paused_ok=True)
    seat = field(ctx.data, "seat", int)
    user_id = _user_id(ctx)
    found = await _open(ctx, seat)
    if found is None or found.approved_at is None:
        raise EvaluationReplacementState(f"seat {seat} has no approved replacement to seat")
    holders = [m for m in ctx.state.members if m.seat == seat]
    if not holders:
        raise EvaluationSeatNotFound(f"the session has no seat {seat}", details={"seat": seat})
    last = max(holders, key=lambda m: m.generation)
    salt = await _eligible(ctx, last.kind, user_id, found)
    member = Member(
        seat=seat, user_id=user_id, kind=last.kind, status=MemberStatus.SEATED,
        generation=last.generation + 1,
    )  # fmt: skip
    await member_queries.insert_member(ctx.conn, ctx.state.id, member, salt)
    await member_queries.replacement_seated(ctx.conn, ctx.state.id, found, ctx.now)
    await ctx.ops.log(
        ctx, EvaluationEvent.MEMBER_REPLACED, {"member_seat": seat, "generation": member.generation}
    )
    return [
        Emit(kind="member.replaced", data={"seat": seat, "generation": member.generation}),
        await detail_emit(ctx.conn, ctx.state, seat),
    ]


async def _eligible(ctx: Ctx, kind: MemberKind, user_id: UUID, found: Replacement) -> bytes:
    """Refuse a user who may not take the seat; the salt that will name it in the log."""
    if any(m.user_id == user_id for m in ctx.state.members):
        raise EvaluationReplacementIneligible("the user holds or held a seat of this session")
    tender_id, lot = str(ctx.state.tender_id), ctx.state.lot
    if kind is MemberKind.EXPERT:
        # Reg. 46: replacements are drawn like everyone — the draw's replacement round
        # opened for this very replacement, its pick confirmed.
        drawn = await replacement_candidates(ctx.conn, ctx.state.id, found.seat, found.generation)
        if user_id not in drawn:
            raise EvaluationReplacementIneligible(
                "an expert seat goes to the expert the draw's replacement round confirmed for it"
            )
        salt = await committee_member_salt(ctx.conn, tender_id, lot, user_id)
        assert salt is not None  # confirmed in the complete draw
        return salt
    tender = await lifecycle.load(ctx.conn, ctx.state.tender_id)
    if not await is_tenderer_user(ctx.conn, tender, user_id):
        raise EvaluationReplacementIneligible(
            "a representative seat goes to an active user of the tender's tenderer"
        )
    return secrets.token_bytes(32)
