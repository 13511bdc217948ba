"""Attendance, assessment and the yearly record.

DOMAIN.md, "Attendance and assessment": late over 15 minutes, unable to operate,
absent, leaving early and hiding a conflict cost points by the deduction table (policy
data); 8 points in a year is reported and published; late 3 times, absent twice, or
attending fewer than 1/3 of accepted draws suspends. Centre staff and supervisors
record attendance here (an expert its own sign-in); a live evaluation session feeds
its members' sign-ins and absences through expert_pool.records.session. Each change
recomputes the expert's yearly record (expert_pool.records.year) and applies any new
sanction at once.
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from accounts.permissions import (
    EXPERT_POOL,
    Action,
    Resource,
    ResourceKind,
    is_allowed,
    require,
    require_role,
)
from expert_pool import journal, queries
from expert_pool.answers import queries as queries_members
from expert_pool.draws.access import get_draw, resource
from expert_pool.draws.model import DrawStatus, MemberStatus, StoredDraw
from expert_pool.errors import (
    AttendanceConflict,
    AttendanceInvalid,
    ExpertNotFound,
    ExpertRecordInvalid,
)
from expert_pool.events import PoolEvent
from expert_pool.experts import queries as queries_experts
from expert_pool.model import require_aware, validate_id
from expert_pool.policy import Offence
from expert_pool.records import queries as queries_records
from expert_pool.records.model import Incident, Sanction, late_offence, year_record
from expert_pool.records.queries import Assessment, StoredYearRecord
from expert_pool.records.sealed_access import require_sealed
from expert_pool.records.year import refresh_year


def _attendance_of(draw: StoredDraw) -> Resource:
    """The pool as it stands to one session: its supervising department records too."""
    return Resource(kind=ResourceKind.EXPERT_POOL, department_id=draw.parties.department_id)


class AttendanceEvent(enum.StrEnum):
    """What an attendance event records."""

    SIGNED_IN = "signed_in"
    LEFT = "left"
    LATE = "late"
    ABSENT = "absent"
    LEFT_EARLY = "left_early"
    UNABLE_TO_OPERATE = "unable_to_operate"


_OFFENCE = {
    AttendanceEvent.LATE: Offence.LATE,
    AttendanceEvent.ABSENT: Offence.ABSENT,
    AttendanceEvent.LEFT_EARLY: Offence.LEFT_EARLY,
    AttendanceEvent.UNABLE_TO_OPERATE: Offence.UNABLE_TO_OPERATE,
}
_SELF_EVENTS = frozenset({AttendanceEvent.SIGNED_IN, AttendanceEvent.LEFT})


@dataclass(frozen=True, kw_only=True, slots=True)
class AttendanceResult:
    """What recording an event found: offences recorded and sanctions newly applied."""

    draw_id: str
    expert_id: str
    event: AttendanceEvent
    occurred_at: datetime
    offences: tuple[Offence, ...]
    sanctions: tuple[Sanction, ...]


async def _own_expert_id(conn: asyncpg.Connection, actor: Actor) -> str | None:
    if not actor.has_role(Role.EXPERT):
        return None
    profile = await queries_experts.expert_of_user(conn, actor.user_id)
    return None if profile is None else profile.expert.id


async def require_confirmed_member(
    conn: asyncpg.Connection, draw: StoredDraw, expert_id: str
) -> None:
    """Attendance is of a confirmed member of a complete committee (AttendanceInvalid)."""
    if draw.status is not DrawStatus.COMPLETE:
        raise AttendanceInvalid("attendance is recorded for a complete committee only")
    member = await queries_members.member(conn, draw.id, validate_id(expert_id))
    if member is None or member.status is not MemberStatus.CONFIRMED:
        raise AttendanceInvalid("this expert is not a confirmed member of the committee")


async def _moment(
    conn: asyncpg.Connection, draw: StoredDraw, at: datetime | None, by_self: bool
) -> datetime:
    now = await queries.database_now(conn)
    # An expert signs in now: nobody backdates their own sign-in.
    moment = now if by_self or at is None else require_aware(at, what="occurred_at")
    require_past(moment, now)
    opens = draw.spec.session_start.timestamp() - draw.policy.sign_in_opens_minutes * 60
    if moment.timestamp() < opens:
        raise AttendanceInvalid("sign-in to this session has not opened yet")
    return moment


def require_past(moment: datetime, now: datetime) -> None:
    """An attendance event happened by ``now`` (AttendanceInvalid)."""
    if moment > now:
        raise AttendanceInvalid("an attendance event cannot be in the future")


async def record_attendance(
    conn: asyncpg.Connection,
    actor: Actor,
    draw_id: str,
    expert_id: str,
    event: AttendanceEvent,
    occurred_at: datetime | None = None,
) -> AttendanceResult:
    """Record one attendance event; late sign-ins and absences cost points at once."""
    draw = await get_draw(conn, draw_id)
    by_self = event in _SELF_EVENTS and await _own_expert_id(conn, actor) == expert_id
    role: Role = Role.EXPERT
    if not by_self:
        role = require_role(actor, Action.RECORD_ATTENDANCE, _attendance_of(draw))
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        await require_confirmed_member(conn, draw, expert_id)
        moment = await _moment(conn, draw, occurred_at, by_self)
        offences = await write_attendance(conn, draw, expert_id, event, moment, actor.user_id)
        await _log_member_event(
            conn,
            actor,
            role,
            draw,
            expert_id,
            PoolEvent.EXPERT_ATTENDANCE,
            {"event": str(event)},
        )
        sanctions = await refresh_year(conn, expert_id, moment)
    return AttendanceResult(
        draw_id=draw.id,
        expert_id=expert_id,
        event=event,
        occurred_at=moment,
        offences=offences,
        sanctions=sanctions,
    )


async def write_attendance(
    conn: asyncpg.Connection,
    draw: StoredDraw,
    expert_id: str,
    event: AttendanceEvent,
    moment: datetime,
    by: UUID,
) -> tuple[Offence, ...]:
    """The event's row and its offences' incidents (each once per session)."""
    await queries_records.insert_attendance(conn, draw.id, expert_id, str(event), moment, by)
    offences = _offences(draw, event, moment)
    for offence in offences:
        incident = Incident(expert_id=expert_id, offence=offence, occurred_at=moment)
        if not await _add_incident(conn, by, draw, incident, "attendance"):
            raise AttendanceConflict(f"{offence} is already recorded for this session")
    return offences


def _offences(draw: StoredDraw, event: AttendanceEvent, moment: datetime) -> tuple[Offence, ...]:
    if event is AttendanceEvent.SIGNED_IN:
        table = draw.policy.assessment.deductions
        late = late_offence(draw.spec.session_start, moment, table)
        return () if late is None else (late,)
    return (_OFFENCE[event],) if event in _OFFENCE else ()


async def _add_incident(
    conn: asyncpg.Connection, by: UUID, draw: StoredDraw, incident: Incident, source: str
) -> bool:
    points = draw.policy.assessment.deductions.points[incident.offence]
    return await queries_records.insert_incident(
        conn, incident, draw_id=draw.id, points=points, source=source, by=by
    )


async def _log_member_event(
    conn: asyncpg.Connection,
    actor: Actor,
    role: Role,
    draw: StoredDraw,
    expert_id: str,
    kind: PoolEvent,
    extra: dict[str, object],
) -> None:
    # The committee is still sealed: the entry names the member by its commitment.
    salts = await queries_members.member_salts(conn, draw.id)
    salt = salts[expert_id]
    # An expert acting (signing in, assessing) is named by its own member commitment.
    own = await _own_expert_id(conn, actor) if role is Role.EXPERT else None
    await journal.append(
        conn,
        kind,
        actor=actor,
        role=role,
        subject=("draw", draw.id),
        data={"draw_id": draw.id, "member": journal.commit_member(expert_id, salt), **extra},
        commitments=("member",),
        # A drawn expert as actor is hidden too (docs/audit-log.md §1.3).
        member_salt=salts.get(own) if own is not None else None,
    )


# --- assessment ---------------------------------------------------------------------------


async def record_assessment(
    conn: asyncpg.Connection,
    actor: Actor,
    draw_id: str,
    expert_id: str,
    *,
    score: int,
    comment: str = "",
    offences: tuple[Offence, ...] = (),
) -> tuple[Sanction, ...]:
    """The agency or a supervisor assesses a member for a session (score and comment)."""
    draw = await get_draw(conn, draw_id)
    role = require(actor, Action.ASSESS_EXPERT, resource(draw))
    if not 0 <= score <= 100 or len(comment) > 1000 or len(set(offences)) != len(offences):
        raise ExpertRecordInvalid("a score is 0-100, a comment at most 1000 characters")
    async with conn.transaction():
        await require_confirmed_member(conn, draw, expert_id)
        now = await queries.database_now(conn)
        assessment = Assessment(
            draw_id=draw.id,
            expert_id=expert_id,
            assessor=actor.user_id,
            assessor_role=str(role),
            score=score,
            comment=comment,
            offences=offences,
        )
        await queries_records.insert_assessment(conn, assessment)
        for offence in offences:
            incident = Incident(expert_id=expert_id, offence=offence, occurred_at=now)
            await _add_incident(conn, actor.user_id, draw, incident, "assessment")
        data: dict[str, object] = {"score": score, "offences": [str(o) for o in offences]}
        assert role is not None
        await _log_member_event(conn, actor, role, draw, expert_id, PoolEvent.EXPERT_ASSESSED, data)
        return await refresh_year(conn, expert_id, now)


# --- the yearly record ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class YearView:
    """An expert's year: the record, the sanctions, the incidents behind them."""

    record: StoredYearRecord
    incidents: tuple[Incident, ...]


async def year_view(
    conn: asyncpg.Connection, actor: Actor, year: int, expert_id: str | None = None
) -> YearView:
    """The caller's own record (expert_id None), or any expert's for supervisors."""
    if expert_id is None:
        expert_id = await _own_expert_id(conn, actor)
        if expert_id is None:
            raise ExpertNotFound("your account is not linked to an expert profile")
    elif expert_id != await _own_expert_id(conn, actor):
        require(actor, Action.READ_EXPERT_RECORDS, EXPERT_POOL)
    if not 2000 <= year <= 2200:
        raise ExpertRecordInvalid("a year is 2000 to 2200")
    profile = await queries_experts.expert(conn, validate_id(expert_id))
    if profile is None:
        raise ExpertNotFound(f"no expert has the id {expert_id!r}")
    stored = await queries_records.year_records(conn, year, expert_id)
    record = (
        stored[0]
        if stored
        else StoredYearRecord(
            record=year_record(expert_id, year, ()), name=profile.expert.name, sanctions=()
        )
    )
    incidents = await queries_records.incidents(conn, expert_id, year)
    return YearView(record=record, incidents=tuple(incidents))


EXPORT_COLUMNS = (
    "expert_id",
    "name",
    "year",
    "points",
    *[str(o) for o in Offence],
    "accepted",
    "attended",
    "sanctions",
)


async def export_year_records(conn: asyncpg.Connection, actor: Actor, year: int) -> str:
    """Every kept record of a year as CSV (supervisors export; UTF-8, header first)."""
    require(actor, Action.READ_EXPERT_RECORDS, EXPERT_POOL)
    if not 2000 <= year <= 2200:
        raise ExpertRecordInvalid("a year is 2000 to 2200")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for item in await queries_records.year_records(conn, year):
        r = item.record
        counts = [r.counts[o] for o in Offence]
        sanctions = ";".join(str(s) for s in item.sanctions)
        writer.writerow(
            [r.expert_id, item.name, r.year, r.points, *counts, r.accepted, r.attended, sanctions]
        )
    return out.getvalue()


async def attendance_of(
    conn: asyncpg.Connection, actor: Actor, draw_id: str
) -> list[tuple[str, str, datetime]]:
    """A session's attendance events (supervisors; centre staff who run the session)."""
    draw = await get_draw(conn, draw_id)
    if not is_allowed(actor, Action.RECORD_ATTENDANCE, _attendance_of(draw)):
        await require_sealed(conn, actor, draw, Action.VIEW_DRAW_NAMES)
    return await queries_records.attendance(conn, draw.id)


async def assessments_of(conn: asyncpg.Connection, actor: Actor, draw_id: str) -> list[Assessment]:
    """A session's assessments (supervisors of the draw's department)."""
    draw = await get_draw(conn, draw_id)
    require(actor, Action.VIEW_DRAW_NAMES, resource(draw))
    return await queries_records.assessments(conn, draw.id)
