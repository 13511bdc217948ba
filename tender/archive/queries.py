"""SQL of the project archive: what a tender's package is made of, and the stored packages.

The archive reads the records of every stage by table name (the evaluation's reports
and notes, the results of 0071, and tables other features add when they exist), so it
depends on no other feature's code (tests/test_layering.py): the schema is the contract.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.archive.errors import ArchiveExists

# The deadline as published: a clarification that moved it kept the one before
# (tender_clarifications.deadline_before); the earliest move's is the published one.
SELECT_PUBLISHED_DEADLINE = """
SELECT deadline_before FROM tender_clarifications
WHERE tender_id = $1 AND deadline_after <> deadline_before ORDER BY number LIMIT 1
"""


async def published_deadline(conn: asyncpg.Connection, tender_id: UUID) -> datetime | None:
    """The deadline at publication if a clarification moved it since, else None."""
    found: datetime | None = await conn.fetchval(SELECT_PUBLISHED_DEADLINE, tender_id)
    return found


SELECT_DOCUMENTS = """
SELECT d.name, v.document_id, v.version, v.sha256, v.size, v.media_type, v.published_at
FROM tender_document_versions v JOIN tender_documents d ON d.id = v.document_id
WHERE v.tender_id = $1 AND v.published_at IS NOT NULL
ORDER BY d.name, v.version
"""


async def documents(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """Every published version of every tender document (the bytes are blobs)."""
    return list(await conn.fetch(SELECT_DOCUMENTS, tender_id))


SELECT_BID_VERSIONS = """
SELECT v.bid_id, l.number AS lot, v.version, v.kind, v.statement, v.signature,
       v.received_at, v.receipt, v.receipt_signature, v.log_index, v.submitted_by
FROM bid_versions v JOIN bids b ON b.id = v.bid_id JOIN tender_lots l ON l.id = b.lot_id
WHERE b.tender_id = $1
ORDER BY v.bid_id, v.version
"""


async def bid_versions(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """Every submit and withdraw statement of the tender's bids with its receipt."""
    return list(await conn.fetch(SELECT_BID_VERSIONS, tender_id))


SELECT_OFFICIALS = """
SELECT l.number AS lot, o.x, o.user_id, o.statement_body, o.statement_signature
FROM opening_officials o JOIN tender_lots l ON l.id = o.lot_id
WHERE l.tender_id = $1 ORDER BY l.number, o.x
"""


async def officials(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """The opening officials' signed recipient statements, per lot."""
    return list(await conn.fetch(SELECT_OFFICIALS, tender_id))


SELECT_RECIPIENTS = """
SELECT id, statement, signature, registered_at FROM user_recipients
WHERE user_id = ANY($1::uuid[]) ORDER BY id
"""


async def recipients(conn: asyncpg.Connection, user_ids: Sequence[UUID]) -> list[asyncpg.Record]:
    """The registered recipient statements of the users who signed in the procedure."""
    return list(await conn.fetch(SELECT_RECIPIENTS, list(user_ids)))


SELECT_OPENING_RECORDS = """
SELECT l.number AS lot, r.part, r.body, r.signature, r.published_at
FROM opening_records r JOIN tender_lots l ON l.id = r.lot_id
WHERE r.tender_id = $1 ORDER BY l.number, r.part
"""


async def opening_records(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """The platform-signed opening records, per lot and part."""
    return list(await conn.fetch(SELECT_OPENING_RECORDS, tender_id))


SELECT_RESPONSES = """
SELECT r.id, l.number AS lot, r.part, r.bidder_id, r.kind, r.signature, r.objection, r.answer,
       r.created_at, r.answered_at
FROM opening_responses r JOIN tender_lots l ON l.id = r.lot_id
WHERE l.tender_id = $1 ORDER BY l.number, r.part, r.created_at, r.id
"""


async def opening_responses(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """Bidders' signed confirmations of the opening records, and their objections."""
    return list(await conn.fetch(SELECT_RESPONSES, tender_id))


SELECT_SESSIONS = """
SELECT id, lot, attempt, draw_id FROM evaluation_sessions WHERE tender_id = $1
ORDER BY lot, attempt
"""


async def sessions(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """The tender's evaluation sessions (one per lot and attempt)."""
    return list(await conn.fetch(SELECT_SESSIONS, tender_id))


SELECT_REPORTS = """
SELECT version, body, drafted_at FROM evaluation_reports WHERE session_id = $1 ORDER BY version
"""
SELECT_REPORT_SIGNATURES = """
SELECT version, seat, signature, signed_at FROM evaluation_report_signatures
WHERE session_id = $1 ORDER BY version, seat
"""
SELECT_NOTES = """
SELECT id, text, signature, noted_at FROM evaluation_notes WHERE session_id = $1
ORDER BY noted_at, id
"""


async def reports(conn: asyncpg.Connection, session_id: UUID) -> list[asyncpg.Record]:
    """Every version of the session's evaluation report (the bytes members sign)."""
    return list(await conn.fetch(SELECT_REPORTS, session_id))


async def report_signatures(conn: asyncpg.Connection, session_id: UUID) -> list[asyncpg.Record]:
    """Each member's CMS signature over a report version."""
    return list(await conn.fetch(SELECT_REPORT_SIGNATURES, session_id))


async def notes(conn: asyncpg.Connection, session_id: UUID) -> list[asyncpg.Record]:
    """The supervisors' signed notes on the session."""
    return list(await conn.fetch(SELECT_NOTES, session_id))


# Supervision records (0081, docs/api-supervision-records.md): the supervisor's exact
# signed bytes; a session's with its lot and attempt (the session's archive folder).
SELECT_SUPERVISION_RECORDS = """
SELECT r.id, r.attached, r.lot, s.attempt, r.statement, r.signature, r.recorded_at
FROM supervision_records r LEFT JOIN evaluation_sessions s ON s.id = r.session_id
WHERE r.tender_id = $1 ORDER BY r.recorded_at, r.id
"""


async def supervision_records(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """The tender's supervision records, oldest first."""
    return list(await conn.fetch(SELECT_SUPERVISION_RECORDS, tender_id))


# The tender's clarifications and objections, and the later stages' tables, read by
# name when they exist (the award, its notices, the contract and the complaints'
# suspensions belong to other features; CONTRACTS.md).
STAGE_TABLES = (
    "tender_clarifications",
    "tender_objections",
    "candidate_publicities",
    "candidate_objections",
    "award_decisions",
    "result_announcements",
    "award_notices",
    "draw_publications",
    "procedure_reports",
    "tender_closures",
    "tender_suspensions",
    "tender_funding",
    "tender_contracts",
    "tender_contract_changes",
    "tender_performance",
)
# What a supplement adds after the package (issue 13, item 7: performance records).
SUPPLEMENT_TABLES = ("tender_contract_changes", "tender_performance")
TABLE_HAS_TENDER = """
SELECT EXISTS (SELECT FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = $1
               AND column_name = 'tender_id')
"""
# The f-string only splices in the constant table names above, never input.
# Members kept as files of their own, not repeated in the rows (the notices' PDFs).
STAGE_OMIT = {"award_notices": " - 'pdf' - 'signature'"}
STAGE_ROWS = {
    table: f"""SELECT jsonb_agg(to_jsonb(t){STAGE_OMIT.get(table, "")}
                 ORDER BY to_jsonb(t)::text)::text
FROM {table} t WHERE tender_id::text = $1::text"""  # noqa: S608 (tender_id is uuid or text)
    for table in STAGE_TABLES
}


async def stage_rows(
    conn: asyncpg.Connection, tender_id: UUID, tables: Sequence[str] = STAGE_TABLES
) -> dict[str, Any]:
    """Rows of each of ``tables`` that exists and has rows for the tender."""
    found = {}
    for table in tables:
        if not await conn.fetchval(TABLE_HAS_TENDER, table):
            continue
        text = await conn.fetchval(STAGE_ROWS[table], str(tender_id))
        if text is not None:
            found[table] = json.loads(text)
    return found


# Award and result notices (中标通知书 / 中标结果通知书) are another feature's table
# (award_notices, migration 0073): read by name when it exists, each PDF with the
# platform's CMS signature over it, as of its issue.
HAS_AWARD_NOTICES = "SELECT to_regclass('award_notices') IS NOT NULL"
SELECT_AWARD_NOTICES = """
SELECT id, lot, kind, pdf, signature, issued_at FROM award_notices
WHERE tender_id = $1 ORDER BY lot, issued_at, id
"""


async def award_notices(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """The tender's award and result notices, when that table exists."""
    if not await conn.fetchval(HAS_AWARD_NOTICES):
        return []
    return list(await conn.fetch(SELECT_AWARD_NOTICES, tender_id))


SELECT_DRAWS = "SELECT id FROM draws WHERE tender_id = $1::text OR tender_id = $2 ORDER BY id"


async def draw_ids(conn: asyncpg.Connection, tender_id: UUID, code: str) -> list[str]:
    """The expert draws run for the tender (by id or code)."""
    return [r["id"] for r in await conn.fetch(SELECT_DRAWS, str(tender_id), code)]


# --- the log ------------------------------------------------------------------------

SELECT_ENTRIES_ABOUT = """
SELECT idx, entry FROM log_entries
WHERE convert_from(entry, 'UTF8')::jsonb -> 'subject' ->> 'id' = ANY($1::text[])
ORDER BY idx
"""


async def entries_about(conn: asyncpg.Connection, subjects: Sequence[str]) -> dict[int, bytes]:
    """The log entries whose subject is one of ``subjects`` (the tender, its sessions, draws)."""
    rows = await conn.fetch(SELECT_ENTRIES_ABOUT, list(subjects))
    return {r["idx"]: bytes(r["entry"]) for r in rows}


SELECT_CHECKPOINTS = """
SELECT c.size, c.note,
       coalesce(array_agg(s.line ORDER BY s.witness) FILTER (WHERE s.line IS NOT NULL), '{}')
           AS cosignatures
FROM log_checkpoints c LEFT JOIN log_cosignatures s ON s.size = c.size
WHERE c.size > $1
GROUP BY c.size ORDER BY c.size
"""


async def checkpoints_after(conn: asyncpg.Connection, index: int) -> list[asyncpg.Record]:
    """Every checkpoint covering entry ``index`` or later, with its cosignature lines."""
    return list(await conn.fetch(SELECT_CHECKPOINTS, index))


# --- stored packages ---------------------------------------------------------------

INSERT_ARCHIVE = """
INSERT INTO tender_archives (tender_id, sha256, size, package, built_at, built_by, log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


async def insert_archive(
    conn: asyncpg.Connection, tender_id: UUID, package: bytes, sha256: str,
    built_at: datetime, built_by: UUID | None, log_index: int,
) -> None:  # fmt: skip
    """Store a package (one per tender: a second build is refused)."""
    try:
        await conn.execute(INSERT_ARCHIVE, tender_id, sha256, len(package), package, built_at,
                           built_by, log_index)  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise ArchiveExists("this tender's archive package was made already") from None


SELECT_ARCHIVE = "SELECT sha256, size, package, built_at FROM tender_archives WHERE tender_id = $1"


async def archive(conn: asyncpg.Connection, tender_id: UUID) -> asyncpg.Record | None:
    """The tender's stored package."""
    return await conn.fetchrow(SELECT_ARCHIVE, tender_id)


# A tender's last status change sets updated_at; once ended, nothing else changes it.
SELECT_ENDED = """
SELECT t.id, t.updated_at AS ended_at FROM tenders t
WHERE t.status = ANY($1::text[]) AND t.updated_at <= $2
  AND NOT EXISTS (SELECT FROM tender_archives a WHERE a.tender_id = t.id)
ORDER BY t.updated_at LIMIT $3
"""


async def ended_before(
    conn: asyncpg.Connection, statuses: Sequence[str], before: datetime, limit: int
) -> list[asyncpg.Record]:
    """Tenders that ended before ``before`` and have no package yet, oldest first."""
    return list(await conn.fetch(SELECT_ENDED, list(statuses), before, limit))


INSERT_SUPPLEMENT = """
INSERT INTO tender_archive_supplements (tender_id, number, package_sha256, sha256, body, added_at,
                                        log_index)
VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM tender_archive_supplements
             WHERE tender_id = $1), $2, $3, $4, $5, $6)
RETURNING number
"""


async def insert_supplement(
    conn: asyncpg.Connection, tender_id: UUID, package_sha256: str, sha256: str, body: bytes,
    added_at: datetime, log_index: int,
) -> int:  # fmt: skip
    """Store a signed supplement; returns its number (1, 2, …)."""
    return int(await conn.fetchval(INSERT_SUPPLEMENT, tender_id, package_sha256, sha256, body,
                                   added_at, log_index))  # fmt: skip


SELECT_LAST_SUPPLEMENT = """
SELECT body FROM tender_archive_supplements WHERE tender_id = $1 ORDER BY number DESC LIMIT 1
"""


async def last_supplement(conn: asyncpg.Connection, tender_id: UUID) -> bytes | None:
    """The newest supplement's bytes, if any."""
    found = await conn.fetchval(SELECT_LAST_SUPPLEMENT, tender_id)
    return bytes(found) if found is not None else None


SELECT_SUPPLEMENT = """
SELECT body FROM tender_archive_supplements WHERE tender_id = $1 AND number = $2
"""


async def supplement(conn: asyncpg.Connection, tender_id: UUID, number: int) -> bytes | None:
    """A stored supplement's bytes."""
    found = await conn.fetchval(SELECT_SUPPLEMENT, tender_id, number)
    return bytes(found) if found is not None else None


SELECT_NOW = "SELECT clock_timestamp()"


async def database_now(conn: asyncpg.Connection) -> datetime:
    """The database clock (DESIGN.md, "Time")."""
    now: datetime = await conn.fetchval(SELECT_NOW)
    return now
