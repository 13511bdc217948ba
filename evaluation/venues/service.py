"""Use cases of the venues' records handover: expect it at the close, record it, list
it, and alert when one is late (DOMAIN.md, "Remote cross-city evaluation").

Four unknowns (四不知): which venues assisted stays hidden from the agency, the
tenderer and the bidders. Handovers are recorded by centre staff (who run the venues)
and read by centre staff and the supervisors of the tender's department; the log
names the venue only by a salted commitment; the overdue alert is a tender alert,
which only the centre and the department read, and its log entry names no venue.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from audit import service as audit
from evaluation.events import EvaluationEvent
from evaluation.handlers import Ctx
from evaluation.model import Phase, SessionState, printable_text
from evaluation.venues import queries
from evaluation.venues.errors import (
    HandoverEarly,
    HandoverInvalid,
    HandoverRecorded,
    VenueNotFound,
)
from evaluation.venues.model import (
    NOTE_MAX,
    OVERDUE_ALERT,
    SHA256,
    VENUE_ID,
    Handover,
    assisting_venues,
)
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject, commit, format_time
from tender.alerting import raise_tender_alert
from tender.calendar import HolidayCalendar
from tender.errors import CalendarNotCovered
from tender.lifecycle import log_address
from tender.queries import database_now

log = logging.getLogger(__name__)


async def open_handovers(ctx: Ctx) -> list[str]:
    """At the session's close: expect a handover from each assisting venue (the policy's
    working days snapshotted). Call in the transaction that closes the session."""
    venues = assisting_venues(ctx.state)
    for venue_id in venues:
        expected = Handover(
            session_id=ctx.state.id,
            venue_id=venue_id,
            tender_id=ctx.state.tender_id,
            closed_at=ctx.now,
            working_days=ctx.policy.records_handover_working_days,
            venue_salt=secrets.token_bytes(32),
        )
        await queries.open_handover(ctx.conn, expected)
    return list(venues)


def _require_staff(actor: Actor) -> None:
    if not actor.has_role(Role.CENTRE_STAFF):
        raise PermissionDenied(
            "a venue's records handover is recorded by centre staff",
            details={"action": "record_venue_handover", "resource": "evaluation"},
        )


def _check_input(venue_id: str, records_sha256: str, note: str | None) -> None:
    if not VENUE_ID.fullmatch(venue_id):
        raise VenueNotFound("no such venue")
    if not SHA256.fullmatch(records_sha256):
        raise HandoverInvalid(
            "'records_sha256' is 64 lowercase hex digits", details={"field": "records_sha256"}
        )
    if note is not None and not printable_text(note, NOTE_MAX):  # the session's text rule
        raise HandoverInvalid(
            f"'note' is printable text of 1–{NOTE_MAX} characters", details={"field": "note"}
        )


async def record_handover(
    conn: asyncpg.Connection,
    actor: Actor,
    state: SessionState,
    venue_id: str,
    *,
    records_sha256: str,
    note: str | None,
    calendar: HolidayCalendar,
) -> Handover:
    """Centre staff record that a venue handed its records bundle (by SHA-256) over."""
    _require_staff(actor)
    _check_input(venue_id, records_sha256, note)
    async with conn.transaction():
        found = await queries.locked(conn, state.id, venue_id)
        if found is None:
            # The close writes the expected handovers in its own transaction: rows mean
            # the session has closed, whatever phase the caller read before.
            closed = state.phase is Phase.CLOSED or bool(await queries.of_session(conn, state.id))
            if not closed:
                raise HandoverEarly("records are handed over once the session has closed")
            raise VenueNotFound("the venue is no assisting venue of this session")
        if found.handed_over_at is not None:
            raise HandoverRecorded("this venue's records of the session are recorded already")
        now = await database_now(conn)
        due = _due(found, calendar)
        index = await _log(conn, actor, found, records_sha256, due=due, now=now)
        await queries.record(
            conn, found, records_sha256=records_sha256, note=note, recorded_by=actor.user_id,
            at=now, log_index=index,
        )  # fmt: skip
        stored = await queries.locked(conn, state.id, venue_id)
    assert stored is not None
    return stored


async def _log(
    conn: asyncpg.Connection,
    actor: Actor,
    found: Handover,
    records_sha256: str,
    *,
    due: datetime | None,
    now: datetime,
) -> int:
    """The handover's log entry: the venue by commit(venue id, its salt) only; its due
    time and whether it is late (null when the calendar does not cover the due year)."""
    entry = LogEntry(
        kind=str(EvaluationEvent.VENUE_RECORDS_HANDED_OVER),
        time=await database_now(conn),
        actor=LogActor(user_id=str(actor.user_id), role=str(Role.CENTRE_STAFF)),
        address=log_address(actor.address),
        subject=Subject(type="evaluation", id=str(found.session_id)),
        data={
            "venue": commit(found.venue_id, found.venue_salt),
            "records_sha256": records_sha256,
            "due": None if due is None else format_time(due),
            "late": None if due is None else now > due,
        },
        commitments=("venue",),
    )
    return await audit.append(conn, entry)


def _due(found: Handover, calendar: HolidayCalendar) -> datetime | None:
    """The due time, or None while the calendar lacks the year it falls in (the platform
    never guesses holidays, tender/calendar.py): the handover is still recorded."""
    try:
        return found.due(calendar)
    except CalendarNotCovered:
        log.warning("evaluation.handover_calendar_not_covered",
                    extra={"session": str(found.session_id)})  # fmt: skip
        return None


async def list_handovers(
    conn: asyncpg.Connection, actor: Actor, state: SessionState
) -> list[Handover]:
    """A session's expected and recorded handovers: centre staff and the department's
    supervisors only (the venues stay unknown to everyone else)."""
    overseer = actor.has_role(Role.CENTRE_STAFF) or state.department_id in actor.acting_for(
        Role.SUPERVISOR
    )
    if not overseer:
        raise PermissionDenied(
            "venue handovers are read by centre staff and the department's supervisors",
            details={"action": "read_venue_handovers", "resource": "evaluation"},
        )
    return await queries.of_session(conn, state.id)


async def raise_overdue_alerts(conn: asyncpg.Connection, calendar: HolidayCalendar) -> int:
    """One tender alert per handover past its due time (decided by the database clock);
    how many were raised. Safe in several processes: rows are locked, alerts unique."""
    raised = 0
    async with conn.transaction():
        now = await database_now(conn)
        for found in await queries.pending(conn):
            due = _due(found, calendar)
            if due is None or now <= due:
                continue
            raised += await _alert(conn, found, due)
            await queries.mark_alerted(conn, found, now)
    return raised


async def _alert(conn: asyncpg.Connection, found: Handover, due_at: datetime) -> int:
    due = format_time(due_at)
    data = {"session": str(found.session_id), "venue_id": found.venue_id, "due": due}
    subject = f"{found.session_id}|{found.venue_id}"
    # The public log names the session and the due time, never the venue.
    logged = {"session": str(found.session_id), "due": due}
    alert = await raise_tender_alert(
        conn, found.tender_id, OVERDUE_ALERT, subject, data, logged=logged
    )
    if alert is None:  # raised before
        return 0
    return 1
