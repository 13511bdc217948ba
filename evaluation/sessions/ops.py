"""The session core's part of the handler contract (evaluation.handlers.SessionOps).

Every feature's handlers move the session on, log and mark members absent through
``ctx.ops`` (the room builds the context with :class:`Ops`), so they depend on the
contract, not on this module. All of it runs in the command's transaction, under the
session's row lock: a refusal raised later in the same command rolls it all back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from evaluation.events import EvaluationEvent
from evaluation.guards import is_supervisor
from evaluation.handlers import Ctx
from evaluation.model import Member, MemberStatus, Phase, next_phase
from evaluation.sessions import attendance, member_queries, queries
from evaluation.sessions.errors import EvaluationSeatNotFound
from evaluation.sessions.journal import append_entry, member_actor, staff_actor
from evaluation.sessions.model import BEFORE_START, phase_deadline
from evaluation.sessions.views import STAFF, detail_emit, when
from live.model import Emit


def text_sha256(text: str) -> str:
    """Texts people write (reasons, explanations) are logged by hash: the text stays in
    the session's rows, for staff and supervisors, and out of the widely read log."""
    return hashlib.sha256(text.encode()).hexdigest()


class Ops:
    """evaluation.handlers.SessionOps, implemented by the session core."""

    async def advance(self, ctx: Ctx) -> list[Emit]:
        """The next phase of the method's flow (evaluation.model.next_phase)."""
        state = ctx.state
        to = next_phase(state.phase, state.method.method, two_envelope=state.two_envelope)
        return await self.enter(ctx, to)

    async def enter(self, ctx: Ctx, to: Phase) -> list[Emit]:
        """Enter ``to`` with its deadline from the policy; logged; ``session.phase``."""
        deadline = phase_deadline(to, ctx.policy, ctx.now)
        await queries.set_phase(
            ctx.conn, ctx.state.id, to, deadline,
            started_at=None if to in BEFORE_START else ctx.now,
            closed_at=ctx.now if to is Phase.CLOSED else None,
        )  # fmt: skip
        data = {"from": str(ctx.state.phase), "to": str(to), "deadline": when(deadline)}
        await self.log(ctx, EvaluationEvent.PHASE_CHANGED, data)
        return [
            Emit(
                kind="session.phase",
                data={
                    "phase": str(to),
                    "previous": str(ctx.state.phase),
                    "deadline": when(deadline),
                },
            )
        ]

    async def log(
        self,
        ctx: Ctx,
        kind: EvaluationEvent,
        data: Mapping[str, Any],
        *,
        commitments: tuple[str, ...] = (),
    ) -> int:
        """An entry about the session. A member acting (any generation) is named by
        ``seat`` (the actor's own) and its commitment; ``member_seat`` names a seat acted
        upon. ``commitments``: data keys that are salted commitments."""
        member = next((m for m in ctx.state.members if m.user_id == ctx.actor.user_id), None)
        if member is None:
            actor = staff_actor(ctx.actor, supervisor=is_supervisor(ctx))
            return await append_entry(
                ctx.conn, kind, ctx.state.id, actor=actor, data=data,
                address=ctx.actor.address, commitments=commitments,
            )  # fmt: skip
        salt = await member_queries.member_salt(ctx.conn, ctx.state.id, member.user_id)
        assert salt is not None  # every member row has its salt
        log_as, hidden = member_actor(member.user_id, member.kind, salt)
        return await append_entry(
            ctx.conn, kind, ctx.state.id, actor=log_as,
            data={**data, "seat": member.seat, **hidden},
            commitments=(*commitments, *hidden),
        )  # fmt: skip

    async def mark_absent(self, ctx: Ctx, seat: int, reason: str) -> list[Emit]:
        """The seat's holder is absent: it leaves (findings void), a replacement is due."""
        holder = seated_holder(ctx, seat)
        emits = await leave_seat(ctx, holder, MemberStatus.ABSENT, cause="absent", reason=reason)
        await attendance.absent(ctx, holder)  # the pool's 考勤, in this transaction
        return emits


def seated_holder(ctx: Ctx, seat: int) -> Member:
    """The seat's current holder, else evaluation_seat_not_found."""
    holder = next((m for m in ctx.state.seated if m.seat == seat), None)
    if holder is None:
        raise EvaluationSeatNotFound(f"seat {seat} has no seated member", details={"seat": seat})
    return holder


async def leave_seat(
    ctx: Ctx, holder: Member, status: MemberStatus, *, cause: str, reason: str
) -> list[Emit]:
    """A holder leaves (recused or absent): its replacement is requested at once and
    waits for a supervisor's approval; the chair's seat is vacated (a new election)."""
    state = ctx.state
    await member_queries.leave(ctx.conn, state.id, holder, status, ctx.now, reason)
    requested = await member_queries.replacements(ctx.conn, state.id)
    if not any((r.seat, r.generation) == (holder.seat, holder.generation) for r in requested):
        # A host's request for this holder may be waiting already: it stands.
        await member_queries.insert_replacement(
            ctx.conn, state.id, holder, cause=cause, reason=reason, by=ctx.actor.user_id,
            at=ctx.now,
        )  # fmt: skip
    kind = EvaluationEvent.MEMBER_ABSENT if status is MemberStatus.ABSENT else None
    if kind is not None:
        await Ops().log(
            ctx, kind, {"member_seat": holder.seat, "generation": holder.generation,
                        "reason_sha256": text_sha256(reason)},
        )  # fmt: skip
    await Ops().log(
        ctx, EvaluationEvent.REPLACEMENT_REQUESTED,
        {"member_seat": holder.seat, "generation": holder.generation, "cause": cause},
    )  # fmt: skip
    emits = []
    if status is MemberStatus.ABSENT:
        emits.append(Emit(kind="member.absent", data={"seat": holder.seat}))
    emits += [
        Emit(kind="replacement.requested", data={"seat": holder.seat, "cause": cause}),
        Emit(
            kind="replacement.detail",
            data={"seat": holder.seat, "cause": cause, "reason": reason},
            audience=STAFF,
        ),
        await detail_emit(ctx.conn, state, holder.seat),
    ]
    return emits + await vacate_chair(ctx, holder.seat)


async def vacate_chair(ctx: Ctx, seat: int) -> list[Emit]:
    """The chair's holder left: the chair is vacant until the committee elects again."""
    if ctx.state.chair_seat != seat:
        return []
    await queries.set_chair(ctx.conn, ctx.state.id, None)
    return [Emit(kind="chair.vacant", data={"seat": seat})]
