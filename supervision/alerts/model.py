"""An alert and its lifecycle (issue 14, DOMAIN.md "Monitoring and supervision").

Pure: no I/O, time passed in. An alert is raised once per (rule, tender, draw, subject)
and then only moves forward:

    open ──acknowledge──▶ acknowledged ──escalate──▶ escalated ──resolve──▶ resolved
      └───────────escalate / resolve────────▲──────────────────────▲

Who acts: while an alert is its department's, that department's supervisors (the
tender's supervising department, DESIGN.md "Who uses it"); an alert with no department,
or one escalated to the centre, is the centre's staff's. The database enforces the same
order (migration 0077, trigger ``supervision_alerts_forward_only``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from accounts.model import Actor, Role
from supervision.alerts.errors import AlertNoteInvalid, AlertStateConflict

NOTE_LIMIT = 2000


class AlertState(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


class AlertStep(enum.StrEnum):
    """What a person does to an alert (the action named in a refusal's details)."""

    ACKNOWLEDGE = "acknowledge_alert"
    ESCALATE = "escalate_alert"
    RESOLVE = "resolve_alert"


# The state each step leads to, and the states it may start from.
TARGET = {
    AlertStep.ACKNOWLEDGE: AlertState.ACKNOWLEDGED,
    AlertStep.ESCALATE: AlertState.ESCALATED,
    AlertStep.RESOLVE: AlertState.RESOLVED,
}
FROM = {
    AlertStep.ACKNOWLEDGE: (AlertState.OPEN,),
    AlertStep.ESCALATE: (AlertState.OPEN, AlertState.ACKNOWLEDGED),
    AlertStep.RESOLVE: (AlertState.OPEN, AlertState.ACKNOWLEDGED, AlertState.ESCALATED),
}


@dataclass(frozen=True, kw_only=True, slots=True)
class Step:
    """One recorded step of an alert's history."""

    state: AlertState
    by: UUID | None
    at: datetime
    note: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Alert:
    """One alert with its evidence and where its lifecycle stands."""

    id: UUID
    rule: str
    subject: str
    tender_id: UUID | None
    draw_id: str | None
    department_id: UUID | None
    agency_id: UUID | None
    parties: tuple[UUID, ...]
    evidence: Mapping[str, Any] = field(default_factory=dict)
    raised_at: datetime
    state: AlertState
    acknowledged: Step | None = None
    escalated: Step | None = None
    resolved: Step | None = None
    # The centres whose staff read and act on it (its tender's host and the city above).
    centres: frozenset[UUID] = frozenset()

    def history(self) -> list[Step]:
        """Raised, then every step taken, in time order."""
        raised = Step(state=AlertState.OPEN, by=None, at=self.raised_at)
        taken = [s for s in (self.acknowledged, self.escalated, self.resolved) if s]
        return [raised, *sorted(taken, key=lambda s: s.at)]


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertFilter:
    """The list's filters (each optional)."""

    state: AlertState | None = None
    rule: str | None = None
    tender_id: UUID | None = None


def next_state(alert: Alert, step: AlertStep) -> AlertState:
    """The state ``step`` leads to, or ``alert_state_conflict`` naming why not."""
    if alert.state not in FROM[step]:
        raise AlertStateConflict(
            f"an alert that is {alert.state} cannot take this step",
            details={"state": str(alert.state), "action": str(step)},
        )
    if step is AlertStep.ESCALATE and alert.department_id is None:
        raise AlertStateConflict(
            "this alert is the centre's already: there is no one to escalate it to",
            details={"state": str(alert.state), "action": str(step)},
        )
    return TARGET[step]


def checked_note(note: str | None, *, required: bool) -> str | None:
    """A note as stored: stripped; required for a resolution and an escalation."""
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise AlertNoteInvalid(
            f"the note is longer than {NOTE_LIMIT} characters", details={"limit": NOTE_LIMIT}
        )
    if required and not text:
        raise AlertNoteInvalid("say what was found and done: the note is required")
    return text or None


def is_centre_staff(actor: Actor) -> bool:
    return actor.has_role(Role.CENTRE_STAFF)


def staffs(actor: Actor, alert: Alert) -> bool:
    """Staff of a centre the alert belongs to: another county's or another city's staff
    neither read nor act on it (docs/api-auth.md, relation ``centre``)."""
    return not alert.centres.isdisjoint(actor.acting_for(Role.CENTRE_STAFF))


def supervises(actor: Actor, alert: Alert) -> bool:
    """A supervisor of the alert's department (any supervisor for a centre alert)."""
    departments = actor.acting_for(Role.SUPERVISOR)
    if alert.department_id is None:
        return bool(departments)
    return alert.department_id in departments


def may_read(actor: Actor, alert: Alert) -> bool:
    """The centre's staff read its alerts; a supervisor those of their departments."""
    return staffs(actor, alert) or supervises(actor, alert)


def acting_role(actor: Actor, alert: Alert) -> Role | None:
    """The role in which ``actor`` may take a step on ``alert`` now, if any."""
    if alert.department_id is None or alert.state is AlertState.ESCALATED:
        return Role.CENTRE_STAFF if staffs(actor, alert) else None
    if alert.department_id in actor.acting_for(Role.SUPERVISOR):
        return Role.SUPERVISOR
    return None


def may_list(actor: Actor) -> bool:
    return is_centre_staff(actor) or actor.has_role(Role.SUPERVISOR)


def scope_of(actor: Actor) -> Sequence[UUID] | None:
    """The departments whose alerts a list shows: None for every alert (centre staff)."""
    return None if is_centre_staff(actor) else sorted(actor.acting_for(Role.SUPERVISOR))
