"""The session core's commands: snapshot, sign-in, identity, start, declarations, pauses,
"the time is too short" — and the table the room merges (``HANDLERS``, ``EVENTS``).

docs/formats/evaluation-session.md §4 has each command's data, who may send it, in which
phase, its effects, events and refusals. Every handler checks first (evaluation.guards;
a refusal writes nothing: the command's transaction rolls back), then writes its rows,
its log entry (``ctx.ops.log``) and returns its events. The chair election and the
replacements are in evaluation/sessions/chair.py and replacements.py.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from evaluation.errors import EvaluationCommandInvalid
from evaluation.events import EvaluationEvent
from evaluation.guards import (
    field,
    is_host,
    is_supervisor,
    require_centre_staff,
    require_host,
    require_member,
    require_open,
    require_phase,
    text,
)
from evaluation.handlers import Ctx, Handlers
from evaluation.model import MemberStatus, Phase
from evaluation.sessions import (
    attendance,
    chair,
    faults,
    member_queries,
    queries,
    replacements,
    views,
)
from evaluation.sessions.checks import require_complete, require_present, require_running
from evaluation.sessions.errors import (
    EvaluationCommercialRecordMissing,
    EvaluationDeadlineInvalid,
    EvaluationDeclared,
    EvaluationIdentityConfirmed,
    EvaluationMembersNotPresent,
    EvaluationNotPaused,
    EvaluationNotSignedIn,
    EvaluationSignedIn,
    EvaluationVenueInvalid,
    EvaluationVoted,
)
from evaluation.sessions.model import (
    absent_seats,
    pause_expired,
    pause_limit,
    resumed_deadline,
    time_short,
)
from evaluation.sessions.model import vacant_seats as vacant
from evaluation.sessions.no_shows import mark_no_show
from evaluation.sessions.ops import Ops, leave_seat, seated_holder, text_sha256
from evaluation.sessions.service import load
from evaluation.sessions.views import COMMITTEE, STAFF, detail_emit, when
from live.model import Emit, user_audience
from signing.log.entry import commit

REASON_LIMIT = 500
EXPLANATION_LIMIT = 2000
VENUE_LIMIT = 64


async def snapshot(ctx: Ctx) -> list[Emit]:
    """The session now, for the asker alone, filtered by what its roles may see: a
    reply (an ``answer`` frame), never a stored event or a log entry — asking for a view
    changes nothing (docs/formats/evaluation-session.md §5, "snapshot")."""
    staff = (
        is_host(ctx)
        or is_supervisor(ctx)
        or await attendance.staffs_a_venue(ctx.conn, ctx.actor, ctx.state)
    )
    data = await views.snapshot(ctx, staff=staff)
    return [Emit(kind="snapshot", data=data, audience=user_audience(ctx.actor.user_id), reply=True)]


async def open_sign_in(ctx: Ctx) -> list[Emit]:
    """The host opens the sign-in: scheduled → sign_in."""
    require_host(ctx)
    require_phase(ctx, Phase.SCHEDULED)
    return await ctx.ops.advance(ctx)


async def sign_in(ctx: Ctx) -> list[Emit]:
    """A member signs in at the main venue or a venue the draw picked (两随机).

    From sign_in on: a replacement seated later signs in like everyone else.
    """
    require_running(ctx)
    member = require_member(ctx)
    venue = text(ctx.data, "venue", limit=VENUE_LIMIT)
    assert venue is not None
    if member.signed_in_at is not None:
        raise EvaluationSignedIn("you have signed in already")
    if venue not in await attendance.session_venues(ctx):
        raise EvaluationVenueInvalid("sign in at the main venue or an assisting venue of the draw")
    await member_queries.sign_in(ctx.conn, ctx.state.id, member, venue, ctx.now)
    salt = await member_queries.member_salt(ctx.conn, ctx.state.id, member.user_id)
    assert salt is not None
    # The venue stays unknown to the agency, the tenderer and the bidders (四不知): the
    # log holds its commitment under the member's salt, opened with the list.
    await Ops().log(
        ctx, EvaluationEvent.SIGNED_IN, {"generation": member.generation,
                                         "venue": commit(venue, salt)},
        commitments=("venue",),
    )  # fmt: skip
    return [
        Emit(kind="member.signed_in", data={"seat": member.seat}),
        await detail_emit(ctx.conn, ctx.state, member.seat),
    ]


async def confirm_identity(ctx: Ctx) -> list[Emit]:
    """Venue staff confirm a signed-in member's identity: its sign-in counts."""
    require_centre_staff(ctx)
    require_running(ctx)
    holder = seated_holder(ctx, field(ctx.data, "seat", int))
    if holder.signed_in_at is None:
        raise EvaluationNotSignedIn(f"seat {holder.seat} has not signed in")
    if holder.identity_confirmed_at is not None:
        raise EvaluationIdentityConfirmed(f"seat {holder.seat}'s identity is confirmed already")
    await attendance.require_venue_staff(ctx, holder)  # 副场: that venue's staff only
    await member_queries.confirm_identity(
        ctx.conn, ctx.state.id, holder, ctx.actor.user_id, ctx.now
    )
    await ctx.ops.log(
        ctx, EvaluationEvent.IDENTITY_CONFIRMED,
        {"member_seat": holder.seat, "generation": holder.generation},
    )  # fmt: skip
    await attendance.signed_in(ctx, holder)  # the pool's 考勤, in this transaction
    return [
        Emit(kind="member.present", data={"seat": holder.seat}),
        await detail_emit(ctx.conn, ctx.state, holder.seat),
    ]


async def start(ctx: Ctx) -> list[Emit]:
    """Every seat present → conflicts; the committee learns the project and its bidders."""
    require_host(ctx)
    require_phase(ctx, Phase.SIGN_IN)
    require_complete(ctx)
    missing = absent_seats(ctx.state)
    if missing:
        raise EvaluationMembersNotPresent(
            "every member signs in and is confirmed before the start",
            details={"seats": list(missing)},
        )
    emits = await ctx.ops.advance(ctx)
    briefing = await views.briefing(ctx.conn, ctx.state)
    return [*emits, Emit(kind="bids.listed", data=briefing, audience=COMMITTEE)]


async def declare(ctx: Ctx) -> list[Emit]:
    """A member declares whether it has a conflict (回避) after seeing the bidders."""
    require_open(ctx)
    if ctx.state.phase in (Phase.SCHEDULED, Phase.SIGN_IN):
        require_phase(ctx, Phase.CONFLICTS)  # raises evaluation_phase_conflict
    member = require_present(ctx)
    conflict = field(ctx.data, "conflict", bool)
    explanation = text(ctx.data, "explanation", limit=EXPLANATION_LIMIT, optional=True)
    if conflict and explanation is None:
        raise EvaluationCommandInvalid(
            "a declared conflict needs an explanation", details={"field": "explanation"}
        )
    done = await member_queries.declarations(ctx.conn, ctx.state.id)
    if (member.seat, member.generation) in done:
        raise EvaluationDeclared("you have declared already")
    await member_queries.insert_declaration(
        ctx.conn, ctx.state.id, member, conflict, explanation, ctx.now
    )
    await ctx.ops.log(
        ctx, EvaluationEvent.CONFLICT_DECLARED,
        {"generation": member.generation, "conflict": conflict,
         "explanation_sha256": None if explanation is None else text_sha256(explanation)},
    )  # fmt: skip
    emits = [Emit(kind="member.declared", data={"seat": member.seat, "conflict": conflict})]
    if conflict:
        assert explanation is not None
        emits += await leave_seat(
            ctx, member, MemberStatus.RECUSED, cause="conflict",
            reason=explanation[:REASON_LIMIT],
        )  # fmt: skip
    return emits + await _after_declarations(ctx)


async def _after_declarations(ctx: Ctx) -> list[Emit]:
    """Every seat held and every holder declared no conflict → chair election."""
    if ctx.state.phase is not Phase.CONFLICTS:
        return []
    fresh = dataclasses.replace(ctx, state=await load(ctx.conn, ctx.state.id, lock=False))
    done = await member_queries.declarations(ctx.conn, ctx.state.id)
    cleared = all(done.get((m.seat, m.generation)) is False for m in fresh.state.seated)
    if vacant(fresh.state) or not cleared:
        return []
    return await ctx.ops.advance(fresh)


async def pause(ctx: Ctx) -> list[Emit]:
    """The host pauses on a fault; the limit depends on whether the start happened."""
    require_host(ctx)
    require_open(ctx)  # a paused session is refused: evaluation_paused_conflict
    reason = text(ctx.data, "reason", limit=REASON_LIMIT)
    assert reason is not None
    await queries.set_paused(ctx.conn, ctx.state.id, ctx.now, reason)
    limit = pause_limit(ctx.state.phase, ctx.policy)
    await ctx.ops.log(
        ctx, EvaluationEvent.PAUSED,
        {"reason_sha256": text_sha256(reason), "limit_seconds": int(limit.total_seconds())},
    )  # fmt: skip
    return [
        Emit(kind="session.paused", data={"at": when(ctx.now), "resume_by": when(ctx.now + limit)}),
        Emit(kind="pause.detail", data={"reason": reason}, audience=STAFF),
    ]


async def resume(ctx: Ctx) -> list[Emit]:
    """The host resumes within the limit (past it, the room has sealed the session);
    the phase's deadline moves by the pause's length."""
    require_host(ctx)
    require_open(ctx, paused_ok=True)
    if ctx.state.paused_at is None:
        raise EvaluationNotPaused("the session is not paused")
    deadline = resumed_deadline(ctx.state, ctx.now)
    await queries.set_resumed(ctx.conn, ctx.state.id, deadline)
    paused = int((ctx.now - ctx.state.paused_at).total_seconds())
    await ctx.ops.log(ctx, EvaluationEvent.RESUMED, {"paused_seconds": paused})
    return [Emit(kind="session.resumed", data={"deadline": when(deadline)})]


async def commercial_opened(ctx: Ctx) -> list[Emit]:
    """Two envelopes (issue 11, item 6): the host goes on once the opening hall has
    published the commercial record of the bids that passed; their prices are read from
    it (never typed) and the session moves to its next phase."""
    require_host(ctx)
    require_phase(ctx, Phase.COMMERCIAL_OPENING)
    if not any(b.price_fen is not None for b in ctx.state.bids):
        raise EvaluationCommercialRecordMissing(
            "the commercial record of the bids that passed is not published yet"
        )
    return await ctx.ops.advance(ctx)


async def seal_if_expired(ctx: Ctx) -> list[Emit] | None:
    """A pause past its limit seals the session at the next command, whatever it is
    (DOMAIN.md: resume within the limit, else seal everything and form a new committee).
    The command itself is not applied; None: nothing expired."""
    if not pause_expired(ctx.state, ctx.policy, ctx.now):
        return None
    assert ctx.state.paused_at is not None
    await queries.set_sealed(ctx.conn, ctx.state.id, ctx.now)
    limit = pause_limit(ctx.state.phase, ctx.policy)
    await ctx.ops.log(
        ctx, EvaluationEvent.SEALED,
        {"reason": "pause_limit", "phase": str(ctx.state.phase),
         "paused_at": when(ctx.state.paused_at), "limit_seconds": int(limit.total_seconds())},
    )  # fmt: skip
    data = {"at": when(ctx.now), "reason": "pause_limit", "phase": str(ctx.state.phase)}
    return [Emit(kind="session.sealed", data=data)]


async def report_time_short(ctx: Ctx) -> list[Emit]:
    """Reg. 48: a member says the time is too short; more than 1/3 extend the deadline."""
    require_open(ctx)
    deadline = ctx.state.phase_deadline
    if deadline is None:
        raise EvaluationDeadlineInvalid(f"the {ctx.state.phase} phase has no time limit")
    if ctx.now >= deadline:
        raise EvaluationDeadlineInvalid("the phase's time limit has passed already")
    member = require_present(ctx)
    votes = await member_queries.time_votes(ctx.conn, ctx.state.id, deadline)
    if (member.seat, member.generation) in votes:
        raise EvaluationVoted("you have said so for this time limit already")
    await member_queries.insert_time_vote(ctx.conn, ctx.state.id, deadline, member, ctx.now)
    await ctx.ops.log(ctx, EvaluationEvent.TIME_SHORT_VOTE, {"deadline": when(deadline)})
    held = {(m.seat, m.generation) for m in ctx.state.seated}
    count, seated = len((votes | {(member.seat, member.generation)}) & held), len(held)
    emits = [
        Emit(kind="time.short_vote", data={"seat": member.seat, "votes": count, "seated": seated})
    ]
    if not time_short(count, seated):
        return emits
    extended = deadline + timedelta(minutes=ctx.policy.extension_minutes)
    await queries.set_deadline(ctx.conn, ctx.state.id, extended)
    await ctx.ops.log(
        ctx, EvaluationEvent.TIME_EXTENDED,
        {"previous": when(deadline), "deadline": when(extended), "votes": count},
    )  # fmt: skip
    data = {"deadline": when(extended), "previous": when(deadline)}
    return [*emits, Emit(kind="time.extended", data=data)]


HANDLERS: Handlers = {
    "snapshot": snapshot,
    "open_sign_in": open_sign_in,
    "sign_in": sign_in,
    "confirm_identity": confirm_identity,
    "mark_no_show": mark_no_show,
    "start": start,
    "declare": declare,
    "request_replacement": replacements.request_replacement,
    "approve_replacement": replacements.approve_replacement,
    "seat_replacement": replacements.seat_replacement,
    "vote_chair": chair.vote_chair,
    "pause": pause,
    "resume": resume,
    "time_short": report_time_short,
    "commercial_opened": commercial_opened,
    "report_fault": faults.report_fault,
}

# Every event the core's commands (and schedule, and Ops) emit.
EVENTS = frozenset(
    {
        "snapshot",
        "session.scheduled",
        "session.phase",
        "session.paused",
        "session.resumed",
        "session.sealed",
        "pause.detail",
        "member.signed_in",
        "member.present",
        "member.detail",
        "member.declared",
        "member.absent",
        "member.replaced",
        "replacement.requested",
        "replacement.approved",
        "replacement.detail",
        "bids.listed",
        "chair.voted",
        "chair.revote",
        "chair.elected",
        "chair.vacant",
        "time.short_vote",
        "time.extended",
        faults.REPORTED,
    }
)
