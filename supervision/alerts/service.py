"""Alerts: raised once by whoever detects something (idempotent, logged), then
acknowledged, escalated and resolved by the people who supervise (issue 14).

Every writer of the platform raises through :func:`raise_alert` — the tender's (bonds,
freeze, results, contracts, archive), the evaluation's (no-shows, venue handovers) and
the expert pool's. Each step is logged in the step's transaction (DESIGN.md,
"Transparency log"); the log carries what the writer chose (``logged``), never the
evidence by default, since evidence may name bidders before the deadline, and never a
note's text, only its SHA-256 (a note may name people).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts import journal
from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from audit import service as audit
from audit.queries import database_now
from signing.canonical import sha256_hex
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from supervision.alerts import queries
from supervision.alerts.errors import AlertNotFound
from supervision.alerts.events import AlertEvent
from supervision.alerts.model import (
    Alert,
    AlertFilter,
    AlertStep,
    acting_role,
    checked_note,
    is_centre_staff,
    may_list,
    may_read,
    next_state,
    scope_of,
    staffs,
)

log = logging.getLogger(__name__)
PLATFORM = LogActor(user_id=None, role="platform")


async def raise_alert(
    conn: asyncpg.Connection,
    *,
    rule: str,
    subject: str,
    evidence: Mapping[str, Any],
    tender_id: UUID | None = None,
    draw_id: str | None = None,
    department_id: UUID | None = None,
    agency_id: UUID | None = None,
    parties: Sequence[UUID] = (),
    now: datetime,
    logged: Mapping[str, Any] | None = None,
) -> UUID | None:
    """Raise an alert once per (rule, tender, draw, subject), logged in the caller's
    transaction; its id, or None if it was raised before.

    ``department_id`` names the supervisors who act on it (None: the centre);
    ``agency_id`` an agency that reads it too; ``logged`` what the log entry adds to
    ``{"alert_id", "kind"}`` (nothing of the evidence unless the writer says so).
    """
    alert_id = await queries.insert(
        conn,
        rule=rule,
        subject=subject,
        tender_id=tender_id,
        draw_id=draw_id,
        department_id=department_id,
        agency_id=agency_id,
        parties=parties,
        evidence=dict(evidence),
        now=now,
    )
    if alert_id is None:
        return None
    data = {"alert_id": str(alert_id), "kind": rule} | dict(logged or {})
    # A tender's alert keeps its documented entry (subject the tender); others are
    # about the alert itself.
    if tender_id is not None:
        kind, about = AlertEvent.TENDER_ALERT_RAISED, Subject(type="tender", id=str(tender_id))
    else:
        kind, about = AlertEvent.RAISED, Subject(type="alert", id=str(alert_id))
    entry = LogEntry(
        kind=str(kind), time=await database_now(conn), actor=PLATFORM, subject=about, data=data
    )
    await audit.append(conn, entry)
    log.warning("alert.raised", extra={"rule": rule, "alert_id": str(alert_id)})
    return alert_id


# --- reading -----------------------------------------------------------------------


def _refuse(actor: Actor, alert: Alert, action: str) -> None:
    """Someone who is neither centre staff nor a supervisor learns nothing (404); a
    supervisor of another department is told why (403 with details)."""
    if not may_list(actor):
        raise AlertNotFound("no alert has this id")
    raise PermissionDenied(
        "this alert is for the supervisors of another department",
        details={
            "action": action,
            "resource": "alert",
            "alert_id": str(alert.id),
            "department_id": None if alert.department_id is None else str(alert.department_id),
        },
    )


async def get_alert(conn: asyncpg.Connection, actor: Actor, alert_id: UUID) -> Alert:
    """One alert with its evidence and history, for those who may read it."""
    found = await queries.alert(conn, alert_id)
    if found is None:
        raise AlertNotFound("no alert has this id")
    if not may_read(actor, found):
        _refuse(actor, found, "view_alert")
    return found


async def list_alerts(
    conn: asyncpg.Connection, actor: Actor, which: AlertFilter, limit: int = 200
) -> list[Alert]:
    """Newest first: every alert for centre staff, a supervisor's departments' (and
    the centre's) for a supervisor; anyone else is refused."""
    if not may_list(actor):
        raise PermissionDenied(
            "alerts are read by the centre's staff and the supervisors",
            details={"action": "view_alerts", "resource": "alert"},
        )
    centres = sorted(actor.acting_for(Role.CENTRE_STAFF)) if is_centre_staff(actor) else None
    return await queries.alerts(conn, scope_of(actor), which, limit, centres=centres)


async def tender_alerts(conn: asyncpg.Connection, tender_id: UUID) -> list[Alert]:
    """A tender's alerts, oldest first (the caller checked who reads them)."""
    return await queries.tender_alerts(conn, tender_id)


async def pool_alerts(
    conn: asyncpg.Connection,
    rules: Sequence[str],
    *,
    departments: Sequence[UUID],
    agencies: Sequence[UUID],
    limit: int = 100,
) -> list[Alert]:
    """The expert pool's alerts for these departments' supervisors and agencies."""
    return await queries.pool_alerts(conn, rules, departments, agencies, limit)


# --- the lifecycle -----------------------------------------------------------------


def _refuse_step(actor: Actor, alert: Alert, step: AlertStep) -> None:
    """Why ``actor`` may not take a step on ``alert`` now (always raises)."""
    details = {"action": str(step), "resource": "alert", "alert_id": str(alert.id)}
    if staffs(actor, alert) and alert.department_id is not None:
        raise PermissionDenied(
            "the supervising department acts on this alert until it is escalated",
            details=details,
        )
    if may_read(actor, alert):  # a supervisor: the alert is the centre's (now)
        raise PermissionDenied("this alert is the centre's: its staff act on it", details=details)
    _refuse(actor, alert, str(step))


_EVENT = {
    AlertStep.ACKNOWLEDGE: AlertEvent.ACKNOWLEDGED,
    AlertStep.ESCALATE: AlertEvent.ESCALATED,
    AlertStep.RESOLVE: AlertEvent.RESOLVED,
}


async def take_step(
    conn: asyncpg.Connection,
    actor: Actor,
    alert_id: UUID,
    step: AlertStep,
    *,
    note: str | None = None,
    now: datetime | None = None,
) -> Alert:
    """Acknowledge, escalate (to the centre, with a note) or resolve (with the
    resolution), by whoever may act on the alert now; logged. Refused with nothing
    changed: an unknown or unreadable id, another department, a step the state does
    not allow, a missing note."""
    async with conn.transaction():
        found = await queries.alert(conn, alert_id, lock=True)
        if found is None:
            raise AlertNotFound("no alert has this id")
        role = acting_role(actor, found)
        if role is None:
            _refuse_step(actor, found, step)
        assert role is not None
        text = checked_note(note, required=step is not AlertStep.ACKNOWLEDGE)
        target = next_state(found, step)
        at = now or await database_now(conn)
        await queries.record_step(conn, alert_id, target, actor.user_id, at, text)
        data: dict[str, Any] = {"state": str(target), "rule": found.rule}
        if text is not None:
            data["note_sha256"] = sha256_hex(text.encode())
        await journal.append(
            conn,
            str(_EVENT[step]),
            actor=LogActor(user_id=str(actor.user_id), role=str(role)),
            by=actor,
            subject=Subject(type="alert", id=str(alert_id)),
            data=data,
        )
        stored = await queries.alert(conn, alert_id)
    assert stored is not None
    return stored
