"""All SQL of supervision records (0081, ``supervision_records``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from supervision.records.errors import SupervisionRecordReplayed
from supervision.records.model import Attached, Attachment, SupervisionRecord

SESSION = "SELECT tender_id, lot FROM evaluation_sessions WHERE id = $1"


async def session_of(conn: asyncpg.Connection, session_id: UUID) -> tuple[UUID, str] | None:
    """(tender id, lot) of an evaluation session, or None when there is none."""
    row = await conn.fetchrow(SESSION, session_id)
    return None if row is None else (row["tender_id"], row["lot"])


EXISTS = "SELECT EXISTS (SELECT 1 FROM supervision_records WHERE id = $1)"


async def exists(conn: asyncpg.Connection, record_id: UUID) -> bool:
    """Whether a record with this id is stored (on any tender)."""
    found: bool = await conn.fetchval(EXISTS, record_id)
    return found


INSERT = """
INSERT INTO supervision_records
    (id, tender_id, attached, lot, session_id, department_id, author, text, statement,
     sha256, signature, signer_cert_sha256, recorded_at, log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
"""


async def insert(
    conn: asyncpg.Connection,
    record: SupervisionRecord,
    statement: bytes,
    signature: bytes,
) -> None:
    """Store a record; its id taken before (the same signed record again) is a replay."""
    r, a = record, record.attachment
    try:
        await conn.execute(
            INSERT, r.id, r.tender_id, str(a.attached), a.lot, a.session_id, r.department_id,
            r.author, r.text, statement, r.sha256, signature, r.signer_cert_sha256,
            r.recorded_at, r.log_index,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise SupervisionRecordReplayed(
            "this record was filed before: a signed record counts once"
        ) from None


_COLUMNS = """
SELECT r.id, r.tender_id, r.attached, r.lot, r.session_id, r.department_id, r.author,
       u.display_name AS author_name, r.text, r.sha256, r.signer_cert_sha256,
       r.recorded_at, r.log_index, r.statement, r.signature
FROM supervision_records r JOIN users u ON u.id = r.author
"""
OF_TENDER = _COLUMNS + "WHERE r.tender_id = $1 ORDER BY r.recorded_at, r.id"
ONE = _COLUMNS + "WHERE r.id = $1"


def _record(row: asyncpg.Record) -> SupervisionRecord:
    attachment = Attachment(
        attached=Attached(row["attached"]), lot=row["lot"], session_id=row["session_id"]
    )
    fields: dict[str, Any] = {
        key: row[key]
        for key in (
            "id", "tender_id", "department_id", "author", "author_name", "text", "sha256",
            "signer_cert_sha256", "recorded_at", "log_index",
        )
    }  # fmt: skip
    return SupervisionRecord(attachment=attachment, **fields)


async def of_tender(conn: asyncpg.Connection, tender_id: UUID) -> list[SupervisionRecord]:
    """A tender's records, oldest first."""
    return [_record(r) for r in await conn.fetch(OF_TENDER, tender_id)]


async def one(
    conn: asyncpg.Connection, record_id: UUID
) -> tuple[SupervisionRecord, bytes, bytes] | None:
    """A record with its statement and signature bytes, or None."""
    row = await conn.fetchrow(ONE, record_id)
    if row is None:
        return None
    return _record(row), bytes(row["statement"]), bytes(row["signature"])
