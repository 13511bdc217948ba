"""Log entry kinds of agency records (issue 14, item 1), appended in the same
transaction as the change they record (DESIGN.md, "Transparency log"). Entries name
staff by their record id and role, never by identity-card number."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject
from tender.lifecycle import log_address
from tender.queries import database_now


class AgencyEvent(enum.StrEnum):
    """Dotted kinds of the agency records' log entries (docs/api-agencies.md)."""

    REGISTERED = "agency.registered"
    STAFF_ADDED = "agency.staff_added"
    INSPECTION_OPENED = "agency.inspection_opened"
    FINDING_RECORDED = "agency.finding_recorded"
    ASSESSMENTS_PUBLISHED = "agency.assessments_published"


async def append(
    conn: asyncpg.Connection,
    kind: AgencyEvent,
    subject: UUID | str,
    *,
    actor: Actor,
    role: str,
    data: Mapping[str, Any],
) -> int:
    """Append an entry about an agency (or a period) in the caller's transaction."""
    entry = LogEntry(
        kind=kind,
        time=await database_now(conn),
        actor=LogActor(user_id=str(actor.user_id), role=role),
        address=log_address(actor.address),
        subject=Subject(type="agency", id=str(subject)),
        data=data,
    )
    return await audit.append(conn, entry)
