"""The expert pool's alerts, stored by supervision (``supervision.alerts``, issue 14).

Supervisors always read them (a draw's alert: its department's; an alert about an
expert: every supervisor's); the draw's agency too when ``for_agency`` — never an
expert's id (the sealed list).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from expert_pool import queries
from expert_pool.model import Alert, AlertKind
from signing.canonical import canonical_json, sha256_hex
from supervision.alerts import service as alerts

RULES = tuple(str(kind) for kind in AlertKind)


async def raise_pool_alert(
    conn: asyncpg.Connection,
    kind: AlertKind,
    *,
    draw_id: str | None,
    expert_id: str | None = None,
    for_agency: bool,
    data: dict[str, Any],
) -> None:
    """Raise an alert once per (kind, draw, expert, data); supervisors always see it,
    the draw's agency when ``for_agency``."""
    department_id: UUID | None = None
    agency_id: UUID | None = None
    if draw_id is not None:
        found = await queries.draw_addressees(conn, draw_id)
        if found is not None:
            department_id, agency_id = found
    evidence = data | ({"expert_id": expert_id} if expert_id else {})
    # The same step raising the same alert twice is one alert (a retried job).
    subject = sha256_hex(canonical_json({"kind": str(kind), "evidence": evidence}))
    await alerts.raise_alert(
        conn,
        rule=str(kind),
        subject=subject,
        evidence=evidence,
        draw_id=draw_id,
        department_id=department_id,
        agency_id=agency_id if for_agency else None,
        now=await queries.database_now(conn),
        logged={"draw_id": draw_id} if draw_id else {},
    )


def _seen_by(alert_department: UUID | None, departments: Sequence[UUID]) -> bool:
    return (alert_department is None and bool(departments)) or alert_department in departments


async def list_pool_alerts(conn: asyncpg.Connection, actor: Actor) -> list[Alert]:
    """Alerts for the caller: a supervisor's departments' draws, an agency's own draws."""
    departments = sorted(actor.acting_for(Role.SUPERVISOR))
    agencies = sorted(actor.acting_for(Role.AGENCY))
    found = await alerts.pool_alerts(conn, RULES, departments=departments, agencies=agencies)
    items = []
    for a in found:
        supervised = _seen_by(a.department_id, departments)
        evidence = dict(a.evidence)
        expert_id = evidence.pop("expert_id", None)
        items.append(
            Alert(
                id=a.id,
                kind=AlertKind(a.rule),
                draw_id=a.draw_id,
                # An agency never learns who was drawn (the sealed list).
                expert_id=expert_id if supervised else None,
                for_agency=a.agency_id is not None,
                for_supervisors=True,
                data=evidence,
                created_at=a.raised_at,
            )
        )
    return items
