"""SQL of what the award, a failure or a cancellation leaves (0072): the funding
declaration, result announcements, the written report on the procedure, closures."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

# --- funding (Reg. 55) -------------------------------------------------------------------

SELECT_FUNDING = "SELECT state_funded, reason, declared_at FROM tender_funding WHERE tender_id = $1"
INSERT_FUNDING = """
INSERT INTO tender_funding (tender_id, state_funded, reason, declared_at, declared_by)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tender_id) DO NOTHING
"""


async def funding(conn: asyncpg.Connection, tender_id: UUID) -> asyncpg.Record | None:
    """The agency's declaration, if any (none: state-funded)."""
    row: asyncpg.Record | None = await conn.fetchrow(SELECT_FUNDING, tender_id)
    return row


async def insert_funding(
    conn: asyncpg.Connection,
    tender_id: UUID,
    state_funded: bool,
    reason: str,
    at: datetime,
    by: UUID,
) -> bool:
    """Record the declaration once; False if there was one."""
    done: str = await conn.execute(INSERT_FUNDING, tender_id, state_funded, reason, at, by)
    return done.endswith(" 1")


# --- result announcements ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Announcement:
    """The public text of one award decision (中标结果公告)."""

    decision_id: UUID
    tender_id: UUID
    lot: str
    body: dict[str, Any]
    sha256: str
    published_at: datetime


INSERT_ANNOUNCEMENT = """
INSERT INTO result_announcements (decision_id, tender_id, lot, body, sha256, published_at)
VALUES ($1, $2, $3, $4::jsonb, $5, $6)
"""
SELECT_ANNOUNCEMENTS = """
SELECT a.decision_id, a.tender_id, a.lot, a.body::text, a.sha256, a.published_at
FROM result_announcements a JOIN award_decisions d ON d.id = a.decision_id
WHERE a.tender_id = $1 ORDER BY a.lot::int, d.step
"""


async def insert_announcement(conn: asyncpg.Connection, a: Announcement) -> None:
    body = json.dumps(a.body, ensure_ascii=False)
    await conn.execute(
        INSERT_ANNOUNCEMENT, a.decision_id, a.tender_id, a.lot, body, a.sha256, a.published_at
    )


async def announcements(conn: asyncpg.Connection, tender_id: UUID) -> list[Announcement]:
    """Every announcement of the tender, by lot, in step order."""
    rows = await conn.fetch(SELECT_ANNOUNCEMENTS, tender_id)
    return [Announcement(**{**dict(r), "body": json.loads(r["body"])}) for r in rows]


# --- the written report on the procedure (Law 47) ------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ProcedureReport:
    """The report due to the supervising department, and its submission once made."""

    tender_id: UUID
    awarded_at: datetime
    due_at: datetime
    text: str | None
    cert_sha256: str | None
    submitted_at: datetime | None


_REPORT = "tender_id, awarded_at, due_at, text, cert_sha256, submitted_at"
OPEN_REPORT = """
INSERT INTO procedure_reports (tender_id, awarded_at, due_at) VALUES ($1, $2, $3)
ON CONFLICT (tender_id) DO NOTHING
"""
SELECT_REPORT = f"SELECT {_REPORT} FROM procedure_reports WHERE tender_id = $1"  # noqa: S608
SELECT_REPORT_SIGNED = "SELECT statement, signature FROM procedure_reports WHERE tender_id = $1"
SUBMIT_REPORT = f"""
UPDATE procedure_reports SET text = $2, statement = $3, signature = $4, cert_sha256 = $5,
    submitted_at = $6, submitted_by = $7
WHERE tender_id = $1 AND submitted_at IS NULL
RETURNING {_REPORT}
"""  # noqa: S608 (a constant column list)
OVERDUE_REPORTS = f"""
SELECT {_REPORT} FROM procedure_reports
WHERE submitted_at IS NULL AND due_at < clock_timestamp() ORDER BY due_at LIMIT $1
"""  # noqa: S608 (a constant column list)


async def open_report(
    conn: asyncpg.Connection, tender_id: UUID, at: datetime, due: datetime
) -> None:
    """The award opens the report's row with its due time (once)."""
    await conn.execute(OPEN_REPORT, tender_id, at, due)


async def procedure_report(conn: asyncpg.Connection, tender_id: UUID) -> ProcedureReport | None:
    row = await conn.fetchrow(SELECT_REPORT, tender_id)
    return None if row is None else ProcedureReport(**dict(row))


async def report_signed(conn: asyncpg.Connection, tender_id: UUID) -> asyncpg.Record | None:
    """The submitted statement's bytes and signature."""
    row: asyncpg.Record | None = await conn.fetchrow(SELECT_REPORT_SIGNED, tender_id)
    return row


async def submit_report(
    conn: asyncpg.Connection, tender_id: UUID, *, text: str, statement: bytes, signature: bytes,
    cert_sha256: str, at: datetime, by: UUID,
) -> ProcedureReport | None:  # fmt: skip
    """Write the submission once; None if it was submitted already."""
    row = await conn.fetchrow(
        SUBMIT_REPORT, tender_id, text, statement, signature, cert_sha256, at, by
    )
    return None if row is None else ProcedureReport(**dict(row))


async def overdue_reports(conn: asyncpg.Connection, limit: int = 500) -> list[ProcedureReport]:
    """Reports not submitted by their due time (database clock)."""
    return [ProcedureReport(**dict(r)) for r in await conn.fetch(OVERDUE_REPORTS, limit)]


# --- failed and cancelled tenders ---------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Closure:
    """A failed or cancelled tender's public notice."""

    tender_id: UUID
    kind: str  # failed | cancelled
    cause: str  # too_few_bids | all_bids_rejected | every_lot_retendered | cancelled
    reason: str
    body: dict[str, Any]
    sha256: str
    published_at: datetime


INSERT_CLOSURE = """
INSERT INTO tender_closures (tender_id, kind, cause, reason, body, sha256, published_at,
    decided_by)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
"""
SELECT_CLOSURE = """
SELECT tender_id, kind, cause, reason, body::text, sha256, published_at
FROM tender_closures WHERE tender_id = $1
"""


async def insert_closure(conn: asyncpg.Connection, c: Closure, by: UUID | None) -> None:
    body = json.dumps(c.body, ensure_ascii=False)
    await conn.execute(
        INSERT_CLOSURE, c.tender_id, c.kind, c.cause, c.reason, body, c.sha256,
        c.published_at, by,
    )  # fmt: skip


async def closure(conn: asyncpg.Connection, tender_id: UUID) -> Closure | None:
    row = await conn.fetchrow(SELECT_CLOSURE, tender_id)
    return None if row is None else Closure(**{**dict(row), "body": json.loads(row["body"])})
