"""Attendance a live evaluation session records (考勤; issue 11, item 9).

The session's room has authorised its commands; in the command's own transaction the
session hands the pool what it saw of a drawn expert — its sign-in counted, or it was
marked absent (evaluation/sessions/attendance.py) — and the pool records it as it
records every attendance event (expert_pool.records.service): the same row, the same
offences and deductions, the same log entry with the member hidden, the same yearly
record and sanctions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import asyncpg

from audit import service as audit
from expert_pool import journal, queries
from expert_pool.answers import queries as queries_members
from expert_pool.draws.access import get_draw
from expert_pool.draws.model import StoredDraw
from expert_pool.errors import AttendanceInvalid
from expert_pool.events import PoolEvent
from expert_pool.experts import queries as queries_experts
from expert_pool.model import require_aware
from expert_pool.records.service import (
    AttendanceEvent,
    AttendanceResult,
    require_confirmed_member,
    require_past,
    write_attendance,
)
from expert_pool.records.year import refresh_year
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionRecorder:
    """Who records attendance for a live session, and how the log names it there.

    The session's own log names centre staff and supervisors, and a member acting (the
    chair closing a phase) only by a salted commitment while the list is sealed
    (evaluation/sessions/journal.py): the pool's entry names the recorder the same way,
    so the two logs agree and neither opens the list.
    """

    user_id: UUID  # attendance_events.recorded_by
    log_actor: LogActor
    address: str | None = None  # a named recorder's address, as the log keeps it
    hidden: Mapping[str, str] = field(default_factory=dict)  # {"actor": commitment}


async def record_session_attendance(
    conn: asyncpg.Connection,
    *,
    draw_id: str,
    user_id: UUID,
    event: AttendanceEvent,
    occurred_at: datetime,
    recorded_by: SessionRecorder,
) -> AttendanceResult:
    """What a live session saw of a drawn expert: its sign-in counted, or it was absent.

    Called inside the session command's transaction. It checks no permission: the
    evaluation room has authorised the command (only the venue's centre staff confirm an
    identity; an absence is the session's rule, applied at the chair's or the host's
    command — and a chair is no centre staff: record_attendance would refuse it). The
    facts are checked as record_attendance checks them — a confirmed member of a complete
    committee, no time in the future (AttendanceInvalid), one sign-in, an offence once
    per session (AttendanceConflict) — but not the sign-in window: the session's host
    opened the sign-in, and the moment is the session's database clock, never typed.
    """
    profile = await queries_experts.expert_of_user(conn, user_id)
    if profile is None:
        raise AttendanceInvalid("this user is not an expert of the pool")
    expert_id = profile.expert.id
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        await require_confirmed_member(conn, draw, expert_id)
        moment = require_aware(occurred_at, what="occurred_at")
        require_past(moment, await queries.database_now(conn))
        offences = await write_attendance(conn, draw, expert_id, event, moment, recorded_by.user_id)
        await _log_session_event(conn, recorded_by, draw, expert_id, event)
        sanctions = await refresh_year(conn, expert_id, moment)
    return AttendanceResult(
        draw_id=draw.id,
        expert_id=expert_id,
        event=event,
        occurred_at=moment,
        offences=offences,
        sanctions=sanctions,
    )


async def _log_session_event(
    conn: asyncpg.Connection,
    recorder: SessionRecorder,
    draw: StoredDraw,
    expert_id: str,
    event: AttendanceEvent,
) -> None:
    # The same entry as record_attendance's: the member by its draw commitment.
    salts = await queries_members.member_salts(conn, draw.id)
    member = journal.commit_member(expert_id, salts[expert_id])
    hidden = dict(recorder.hidden)
    entry = LogEntry(
        kind=str(PoolEvent.EXPERT_ATTENDANCE),
        time=await queries.database_now(conn),
        actor=recorder.log_actor,
        address=None if hidden else recorder.address,  # a hidden actor has no address
        subject=Subject(type="draw", id=draw.id),
        data={"draw_id": draw.id, "member": member, "event": str(event), **hidden},
        commitments=("member", *hidden),
    )
    await audit.append(conn, entry)
