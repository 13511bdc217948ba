"""The session's members as the expert pool's attendance record (考勤; issue 11, item 9).

DOMAIN.md, "Attendance and assessment": late over 15 minutes, absent and leaving early
cost points in the pool's record. Two facts of a session are attendance facts, and each
enters that record (expert_pool.records.session.record_session_attendance) in the
command's own transaction: the session's change, its log entry, the pool's row and the
pool's entry commit together or not at all.

- A member's sign-in counts (venue staff confirm its identity, ``confirm_identity``:
  the host at the main venue, staff assigned to the venue at an assisting one,
  ``require_venue_staff``): ``signed_in`` at the moment the member signed in. Later
  than the grace period after the draw's session start, it is the pool's LATE offence
  with its deduction.
- A member is marked absent (``ops.mark_absent``: no sheet by the phase's deadline, a
  sheet its client could not reveal in time, no sign-in past the start's grace —
  evaluation/sessions/no_shows.py): ``absent`` with its deduction.

Nothing else is recorded, on purpose. A recusal for a declared conflict is what the law
asks (Reg. 46), not an offence. A replacement the host requests and a supervisor
approves (illness, absence) is no ``left_early`` by itself: its reason is free text,
and only a person can tell an excused illness from leaving the post — the agency or a
supervisor records that offence in the member's assessment. A socket's join, leave and
idle (live presence) are a network's, not a member's: the session keeps them as
evidence. Representatives are the tenderer's staff, not in the pool: nothing of theirs
is recorded. When the pool holds the fact already (an expert recorded its own sign-in
through the pool's API), the first record stands and the session goes on.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

import asyncpg

from accounts.model import Actor, Role
from evaluation.guards import is_supervisor, require_host
from evaluation.handlers import Ctx
from evaluation.model import Member, MemberKind, SessionState
from evaluation.sessions import member_queries
from evaluation.sessions.errors import EvaluationVenueStaffOnly
from evaluation.sessions.journal import member_actor, staff_actor
from expert_pool.answers import queries as draw_members
from expert_pool.errors import AttendanceConflict
from expert_pool.records.service import AttendanceEvent
from expert_pool.records.session import SessionRecorder, record_session_attendance
from expert_pool.venues.staff import is_venue_staff
from tender.lifecycle import log_address


async def signed_in(ctx: Ctx, member: Member) -> None:
    """The member's sign-in counts: the pool records it at the time it signed in."""
    assert member.signed_in_at is not None  # confirm_identity checked it
    await _record(ctx, member, AttendanceEvent.SIGNED_IN, member.signed_in_at)


async def require_venue_staff(ctx: Ctx, member: Member) -> None:
    """Who may confirm the member's identity where it signed in (confirm_identity; the
    caller checked the actor is centre staff): at the main venue the host, at an
    assisting venue (副场) only staff assigned to that venue — the ones who see the
    member there (expert_pool/venues/staff.py)."""
    await require_staff_at(
        ctx, member.venue_id,
        f"seat {member.seat} signed in at an assisting venue: its staff confirm the identity",
        details={"seat": member.seat},
    )  # fmt: skip


async def require_staff_at(
    ctx: Ctx, venue: str | None, message: str, *, details: dict[str, object]
) -> None:
    """The one rule of who acts at a venue (confirm_identity, report_fault): at the main
    venue the host (staff of the tender's centre), at an assisting venue only the staff
    assigned to it (the caller checked centre staff)."""
    if venue is None or venue == ctx.state.main_venue_id:
        require_host(ctx)
        return
    if not await is_venue_staff(ctx.conn, venue, ctx.actor.user_id):
        raise EvaluationVenueStaffOnly(message, details=details)


async def session_venues(ctx: Ctx) -> frozenset[str]:
    """The session's venues: its main venue and the assisting venues its draw picked
    (where a member signs in, where a fault is reported)."""
    picked = await draw_members.venue_picks(ctx.conn, ctx.state.draw_id)
    return frozenset({ctx.state.main_venue_id, *(v[0] for v in picked)})


async def staffs_a_venue(conn: asyncpg.Connection, actor: Actor, state: SessionState) -> bool:
    """Whether the actor is centre staff assigned to one of the session's assisting
    venues (they see the staff's events and act at their venue, not as its host)."""
    if not actor.has_role(Role.CENTRE_STAFF):
        return False
    for venue, *_ in await draw_members.venue_picks(conn, state.draw_id):
        if venue != state.main_venue_id and await is_venue_staff(conn, venue, actor.user_id):
            return True
    return False


async def absent(ctx: Ctx, member: Member) -> None:
    """The member is handled as absent: the pool records the absence now."""
    await _record(ctx, member, AttendanceEvent.ABSENT, ctx.now)


async def _record(ctx: Ctx, member: Member, event: AttendanceEvent, at: datetime) -> None:
    if member.kind is not MemberKind.EXPERT:
        return  # the tenderer's representative is in no pool
    # Already in the pool's record (its savepoint rolled back): the first one stands.
    with contextlib.suppress(AttendanceConflict):
        await record_session_attendance(
            ctx.conn, draw_id=ctx.state.draw_id, user_id=member.user_id, event=event,
            occurred_at=at, recorded_by=await recorder(ctx),
        )  # fmt: skip


async def recorder(ctx: Ctx) -> SessionRecorder:
    """The command's actor as the session's log names it (Ops.log): staff by name, a
    member (the chair closing a phase) by its salted commitment."""
    member = next((m for m in ctx.state.members if m.user_id == ctx.actor.user_id), None)
    if member is None:
        named = staff_actor(ctx.actor, supervisor=is_supervisor(ctx))
        address = log_address(ctx.actor.address)
        return SessionRecorder(user_id=ctx.actor.user_id, log_actor=named, address=address)
    salt = await member_queries.member_salt(ctx.conn, ctx.state.id, member.user_id)
    assert salt is not None  # every member row has its salt
    hidden_as, hidden = member_actor(member.user_id, member.kind, salt)
    return SessionRecorder(user_id=ctx.actor.user_id, log_actor=hidden_as, hidden=hidden)
