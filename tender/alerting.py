"""How the tender package raises its alerts: through supervision's one store
(``supervision.alerts.service.raise_alert``, issue 14), acted on by the tender's
supervising department (DESIGN.md "Who uses it")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg

from supervision.alerts.service import raise_alert
from tender import queries
from tender.bonds.model import Alert
from tender.errors import TenderNotFound


async def raise_tender_alert(
    conn: asyncpg.Connection,
    tender_id: UUID,
    kind: str,
    subject: str,
    evidence: Mapping[str, Any],
    *,
    logged: Mapping[str, Any],
    parties: Sequence[UUID] = (),
) -> Alert | None:
    """Raise once per (tender, kind, subject) and log ``tender.alert_raised`` with
    ``{"alert_id", "kind"} | logged``; the alert, or None if it was raised before."""
    tender = await queries.tender(conn, tender_id)
    if tender is None:
        raise TenderNotFound("no tender has this id")
    now = await queries.database_now(conn)
    alert_id = await raise_alert(
        conn,
        rule=str(kind),
        subject=subject,
        evidence=evidence,
        tender_id=tender_id,
        department_id=tender.content.department_id,
        parties=parties,
        now=now,
        logged=logged,
    )
    if alert_id is None:
        return None
    return Alert(
        id=alert_id, tender_id=tender_id, kind=str(kind), data=dict(evidence), raised_at=now
    )
