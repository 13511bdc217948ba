"""The alert lifecycle as pure rules (supervision/alerts/model.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from accounts.model import Actor, Role, RoleGrant
from supervision.alerts.errors import AlertNoteInvalid, AlertStateConflict
from supervision.alerts.model import (
    Alert,
    AlertState,
    AlertStep,
    Step,
    acting_role,
    checked_note,
    may_read,
    next_state,
)

NOW = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
DEPT = uuid.uuid4()
OTHER = uuid.uuid4()


def actor(*grants: RoleGrant) -> Actor:
    return Actor(
        user_id=uuid.uuid4(),
        organisation_id=uuid.uuid4(),
        username="u",
        display_name="u",
        grants=frozenset(grants),
    )


SUPERVISOR = actor(RoleGrant(role=Role.SUPERVISOR, scope_id=DEPT))
OTHER_SUPERVISOR = actor(RoleGrant(role=Role.SUPERVISOR, scope_id=OTHER))
STAFF = actor(RoleGrant(role=Role.CENTRE_STAFF))
BIDDER = actor(RoleGrant(role=Role.BIDDER))
AGENCY = actor(RoleGrant(role=Role.AGENCY))


def alert(state: AlertState = AlertState.OPEN, department: uuid.UUID | None = DEPT) -> Alert:
    return Alert(
        id=uuid.uuid4(), rule="bond_same_account", subject="s", tender_id=None, draw_id=None,
        department_id=department, agency_id=None, parties=(), evidence={}, raised_at=NOW,
        state=state, centres=frozenset({STAFF.organisation_id}),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("state", "step", "target"),
    [
        (AlertState.OPEN, AlertStep.ACKNOWLEDGE, AlertState.ACKNOWLEDGED),
        (AlertState.OPEN, AlertStep.ESCALATE, AlertState.ESCALATED),
        (AlertState.OPEN, AlertStep.RESOLVE, AlertState.RESOLVED),
        (AlertState.ACKNOWLEDGED, AlertStep.ESCALATE, AlertState.ESCALATED),
        (AlertState.ACKNOWLEDGED, AlertStep.RESOLVE, AlertState.RESOLVED),
        (AlertState.ESCALATED, AlertStep.RESOLVE, AlertState.RESOLVED),
    ],
)
def test_an_alert_moves_forward(state: AlertState, step: AlertStep, target: AlertState) -> None:
    assert next_state(alert(state), step) is target


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (AlertState.RESOLVED, AlertStep.RESOLVE),
        (AlertState.RESOLVED, AlertStep.ACKNOWLEDGE),
        (AlertState.RESOLVED, AlertStep.ESCALATE),
        (AlertState.ACKNOWLEDGED, AlertStep.ACKNOWLEDGE),
        (AlertState.ESCALATED, AlertStep.ACKNOWLEDGE),
        (AlertState.ESCALATED, AlertStep.ESCALATE),
    ],
)
def test_an_alert_never_goes_back_nor_repeats_a_step(state: AlertState, step: AlertStep) -> None:
    with pytest.raises(AlertStateConflict) as refused:
        next_state(alert(state), step)
    assert refused.value.details == {"state": str(state), "action": str(step)}


def test_the_centres_own_alert_cannot_be_escalated() -> None:
    with pytest.raises(AlertStateConflict):
        next_state(alert(department=None), AlertStep.ESCALATE)


def test_a_resolution_and_an_escalation_need_a_note_an_acknowledgement_does_not() -> None:
    assert checked_note("  ", required=False) is None
    assert checked_note(" 已核实 ", required=True) == "已核实"
    with pytest.raises(AlertNoteInvalid):
        checked_note("   ", required=True)
    with pytest.raises(AlertNoteInvalid):
        checked_note("x" * 2001, required=False)


def test_the_department_acts_until_it_escalates_then_the_centre() -> None:
    assert acting_role(SUPERVISOR, alert()) is Role.SUPERVISOR
    for outsider in (OTHER_SUPERVISOR, STAFF, BIDDER, AGENCY):
        assert acting_role(outsider, alert()) is None
    escalated = alert(AlertState.ESCALATED)
    assert acting_role(STAFF, escalated) is Role.CENTRE_STAFF
    assert acting_role(SUPERVISOR, escalated) is None
    assert acting_role(STAFF, alert(department=None)) is Role.CENTRE_STAFF
    assert acting_role(SUPERVISOR, alert(department=None)) is None


def test_staff_read_every_alert_a_supervisor_their_departments() -> None:
    """Every alert of their centre (another centre's staff: tests of the service)."""
    assert may_read(STAFF, alert())
    assert not may_read(actor(RoleGrant(role=Role.CENTRE_STAFF)), alert())
    assert may_read(SUPERVISOR, alert())
    assert not may_read(OTHER_SUPERVISOR, alert())
    assert may_read(OTHER_SUPERVISOR, alert(department=None))
    assert not may_read(BIDDER, alert())
    assert not may_read(AGENCY, alert())


def test_the_history_lists_the_steps_in_time_order() -> None:
    later = NOW + dt.timedelta(hours=1)
    by = uuid.uuid4()
    done = Alert(
        id=uuid.uuid4(), rule="r", subject="s", tender_id=None, draw_id=None, department_id=DEPT,
        agency_id=None, parties=(), evidence={}, raised_at=NOW, state=AlertState.RESOLVED,
        acknowledged=Step(state=AlertState.ACKNOWLEDGED, by=by, at=later),
        resolved=Step(state=AlertState.RESOLVED, by=by, at=later + dt.timedelta(minutes=5)),
    )  # fmt: skip
    assert [s.state for s in done.history()] == ["open", "acknowledged", "resolved"]
