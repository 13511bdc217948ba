"""Bodies of the alert API (docs/api-alerts.md; msgspec, unknown fields refused)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from starlette.requests import Request

from supervision.alerts.model import Alert, AlertFilter, AlertState, Step
from web.errors import RequestInvalid
from web.tender.bodies import Model

Note = Annotated[str, msgspec.Meta(max_length=2000)]
RULE = re.compile(r"[a-z_]{1,64}")


class AlertAcknowledge(Model, frozen=True, kw_only=True):
    note: Note | None = None


class AlertEscalate(Model, frozen=True, kw_only=True):
    note: Note


class AlertResolve(Model, frozen=True, kw_only=True):
    resolution: Note


class AlertStepBody(Model, frozen=True, kw_only=True):
    state: str
    by: UUID | None
    at: datetime
    note: str | None


class AlertBody(Model, frozen=True, kw_only=True):
    id: UUID
    rule: str
    subject: str
    tender_id: UUID | None
    draw_id: str | None
    department_id: UUID | None
    parties: list[UUID]
    evidence: dict[str, Any]
    raised_at: datetime
    state: str
    history: list[AlertStepBody]


class AlertList(Model, frozen=True, kw_only=True):
    items: list[AlertBody]


def _step(s: Step) -> AlertStepBody:
    return AlertStepBody(state=str(s.state), by=s.by, at=s.at, note=s.note)


def alert_body(a: Alert) -> AlertBody:
    """An alert with its evidence and history, as its readers see it."""
    return AlertBody(
        id=a.id, rule=a.rule, subject=a.subject, tender_id=a.tender_id, draw_id=a.draw_id,
        department_id=a.department_id, parties=list(a.parties), evidence=dict(a.evidence),
        raised_at=a.raised_at, state=str(a.state), history=[_step(s) for s in a.history()],
    )  # fmt: skip


def alert_filter(request: Request) -> AlertFilter:
    """The list's filters from the query: ``state``, ``rule``, ``tender_id`` (each optional;
    an empty value is no filter, as a page's form sends it)."""
    params = request.query_params
    state, rule, tender = (params.get(n) or None for n in ("state", "rule", "tender_id"))
    if state is not None and state not in {str(s) for s in AlertState}:
        raise RequestInvalid(
            "'state' must be open, acknowledged, escalated or resolved",
            details={"param": "state"},
        )
    if rule is not None and not RULE.fullmatch(rule):
        raise RequestInvalid(
            "'rule' must be lowercase letters and underscores", details={"param": "rule"}
        )
    try:
        tender_id = UUID(tender) if tender is not None else None
    except ValueError:
        raise RequestInvalid("'tender_id' must be a UUID", details={"param": "tender_id"}) from None
    return AlertFilter(state=AlertState(state) if state else None, rule=rule, tender_id=tender_id)
