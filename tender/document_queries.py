"""SQL of tender documents, downloads, clarifications, notifications and objections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.errors import DocumentNotFound
from tender.records import (
    Clarification,
    ClarificationKind,
    DocumentVersion,
    Download,
    Notification,
    Objection,
)

# --- documents and versions ---------------------------------------------------------

UPSERT_DOCUMENT = """
INSERT INTO tender_documents (tender_id, name) VALUES ($1, $2)
ON CONFLICT (tender_id, name) DO UPDATE SET name = EXCLUDED.name
RETURNING id
"""


async def document_id(conn: asyncpg.Connection, tender_id: UUID, name: str) -> UUID:
    """The document of this name (created on its first upload)."""
    found: UUID = await conn.fetchval(UPSERT_DOCUMENT, tender_id, name)
    return found


_VERSION_COLUMNS = """
    v.id, v.document_id, d.name, v.version, v.sha256, v.size, v.media_type, v.uploaded_at,
    v.published_at, v.clarification_id
"""


def _version(row: asyncpg.Record) -> DocumentVersion:
    return DocumentVersion(
        id=row["id"],
        document_id=row["document_id"],
        name=row["name"],
        version=row["version"],
        sha256=row["sha256"],
        size=row["size"],
        media_type=row["media_type"],
        uploaded_at=row["uploaded_at"],
        published_at=row["published_at"],
        clarification_id=row["clarification_id"],
    )


INSERT_VERSION = """
WITH inserted AS (
    INSERT INTO tender_document_versions (tender_id, document_id, version, sha256, size,
        media_type, uploaded_by)
    SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6
    FROM tender_document_versions WHERE document_id = $2
    RETURNING *
)
SELECT v.id, v.document_id, d.name, v.version, v.sha256, v.size, v.media_type,
    v.uploaded_at, v.published_at, v.clarification_id
FROM inserted v JOIN tender_documents d ON d.id = v.document_id
"""


async def insert_version(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    document_id: UUID,
    sha256: str,
    size: int,
    media_type: str,
    uploaded_by: UUID,
) -> DocumentVersion:
    """A new version (the next number; the caller holds the tender's row lock)."""
    row = await conn.fetchrow(
        INSERT_VERSION, tender_id, document_id, sha256, size, media_type, uploaded_by
    )
    assert row is not None
    return _version(row)


SELECT_LATEST_VERSION = f"""
SELECT {_VERSION_COLUMNS}
FROM tender_document_versions v JOIN tender_documents d ON d.id = v.document_id
WHERE v.document_id = $1
ORDER BY v.version DESC
LIMIT 1
"""  # noqa: S608 (a constant column list)


async def latest_version(conn: asyncpg.Connection, document_id: UUID) -> DocumentVersion | None:
    """The newest version of a document, staged or published."""
    row = await conn.fetchrow(SELECT_LATEST_VERSION, document_id)
    return None if row is None else _version(row)


SELECT_VERSIONS = f"""
SELECT {_VERSION_COLUMNS}
FROM tender_document_versions v JOIN tender_documents d ON d.id = v.document_id
WHERE v.tender_id = $1 AND ($2 OR v.published_at IS NOT NULL)
ORDER BY d.name, v.version
"""  # noqa: S608 (a constant column list)


async def versions(
    conn: asyncpg.Connection, tender_id: UUID, *, include_staged: bool
) -> list[DocumentVersion]:
    """Every (published) version of every document of a tender."""
    return [_version(row) for row in await conn.fetch(SELECT_VERSIONS, tender_id, include_staged)]


SELECT_VERSION = f"""
SELECT {_VERSION_COLUMNS}
FROM tender_document_versions v JOIN tender_documents d ON d.id = v.document_id
WHERE v.tender_id = $1 AND v.id = $2
"""  # noqa: S608 (a constant column list)


async def version(
    conn: asyncpg.Connection, tender_id: UUID, version_id: UUID
) -> DocumentVersion | None:
    """One version of one of the tender's documents."""
    row = await conn.fetchrow(SELECT_VERSION, tender_id, version_id)
    return None if row is None else _version(row)


PUBLISH_STAGED = """
UPDATE tender_document_versions v SET published_at = $2
FROM tender_documents d
WHERE d.id = v.document_id AND v.tender_id = $1 AND v.published_at IS NULL
RETURNING d.name, v.version, v.sha256, v.size
"""


async def publish_staged_versions(
    conn: asyncpg.Connection, tender_id: UUID, at: datetime
) -> list[dict[str, Any]]:
    """Publish every staged version with the notice; what was published, for the log."""
    rows = await conn.fetch(PUBLISH_STAGED, tender_id, at)
    return sorted((dict(row) for row in rows), key=lambda r: (r["name"], r["version"]))


PUBLISH_WITH_CLARIFICATION = """
UPDATE tender_document_versions v SET published_at = $3, clarification_id = $4
FROM tender_documents d
WHERE d.id = v.document_id AND v.tender_id = $1 AND v.id = ANY($2::uuid[])
  AND v.published_at IS NULL
RETURNING d.name, v.version, v.sha256, v.size
"""


async def publish_versions(
    conn: asyncpg.Connection,
    tender_id: UUID,
    version_ids: Sequence[UUID],
    *,
    clarification_id: UUID,
    at: datetime,
) -> list[dict[str, Any]]:
    """Publish staged versions with a clarification; any other id is refused."""
    rows = await conn.fetch(
        PUBLISH_WITH_CLARIFICATION, tender_id, list(version_ids), at, clarification_id
    )
    if len(rows) != len(set(version_ids)):
        raise DocumentNotFound("only new, unpublished versions of this tender can be attached")
    return sorted((dict(row) for row in rows), key=lambda r: (r["name"], r["version"]))


# --- downloads ----------------------------------------------------------------------

INSERT_DOWNLOAD = """
INSERT INTO tender_downloads (tender_id, version_id, user_id, organisation_id, address, salt)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING downloaded_at
"""


async def insert_download(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    version_id: UUID,
    user_id: UUID,
    organisation_id: UUID,
    address: str,
    salt: bytes,
) -> datetime:
    """Record one download; returns when (the database clock)."""
    at: datetime = await conn.fetchval(
        INSERT_DOWNLOAD, tender_id, version_id, user_id, organisation_id, address[:64], salt
    )
    return at


HAS_DOWNLOADED = """
SELECT EXISTS (SELECT FROM tender_downloads WHERE tender_id = $1 AND organisation_id = $2)
"""


async def has_downloaded(conn: asyncpg.Connection, tender_id: UUID, organisation_id: UUID) -> bool:
    """Whether the organisation obtained the documents of this tender."""
    found: bool = await conn.fetchval(HAS_DOWNLOADED, tender_id, organisation_id)
    return found


SELECT_DOWNLOADS = """
SELECT w.id, w.version_id, d.name, v.version, v.sha256, w.user_id, u.username,
    w.organisation_id, o.name AS organisation_name, w.downloaded_at
FROM tender_downloads w
JOIN tender_document_versions v ON v.id = w.version_id
JOIN tender_documents d ON d.id = v.document_id
JOIN users u ON u.id = w.user_id
JOIN organisations o ON o.id = w.organisation_id
WHERE w.tender_id = $1
ORDER BY w.downloaded_at, w.id
"""


async def downloads(conn: asyncpg.Connection, tender_id: UUID) -> list[Download]:
    """Every download of the tender's documents, oldest first."""
    return [Download(**dict(row)) for row in await conn.fetch(SELECT_DOWNLOADS, tender_id)]


SELECT_DOWNLOAD_SALTS = """
SELECT organisation_id, user_id, salt FROM tender_downloads WHERE tender_id = $1 ORDER BY id
"""


async def download_salts(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """(organisation_id, user_id, salt) of every download, to reveal the commitments."""
    return list(await conn.fetch(SELECT_DOWNLOAD_SALTS, tender_id))


# --- clarifications and notifications ---------------------------------------------

NEXT_CLARIFICATION = """
SELECT coalesce(max(number), 0) + 1 FROM tender_clarifications WHERE tender_id = $1
"""
INSERT_CLARIFICATION = """
INSERT INTO tender_clarifications (tender_id, number, kind, title, body, issued_by,
    issued_at, deadline_before, deadline_after)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id
"""


async def insert_clarification(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    kind: ClarificationKind,
    title: str,
    body: str,
    issued_by: UUID,
    issued_at: datetime,
    deadline_before: datetime,
    deadline_after: datetime,
) -> tuple[UUID, int]:
    """Insert the next clarification of a tender; its id and number."""
    number: int = await conn.fetchval(NEXT_CLARIFICATION, tender_id)
    clarification_id: UUID = await conn.fetchval(
        INSERT_CLARIFICATION,
        tender_id,
        number,
        str(kind),
        title,
        body,
        issued_by,
        issued_at,
        deadline_before,
        deadline_after,
    )
    return clarification_id, number


SELECT_CLARIFICATIONS = """
SELECT c.id, c.tender_id, c.number, c.kind, c.title, c.body, c.issued_at, c.issued_by,
    c.deadline_before, c.deadline_after,
    coalesce((SELECT array_agg(v.id ORDER BY v.id) FROM tender_document_versions v
              WHERE v.clarification_id = c.id), '{}') AS version_ids,
    (SELECT count(*) FROM tender_notifications n WHERE n.clarification_id = c.id) AS notified
FROM tender_clarifications c
WHERE c.tender_id = $1
ORDER BY c.number
"""


async def clarifications(conn: asyncpg.Connection, tender_id: UUID) -> list[Clarification]:
    """Every clarification and amendment of a tender, in order."""
    rows = await conn.fetch(SELECT_CLARIFICATIONS, tender_id)
    return [
        Clarification(
            **(
                dict(row)
                | {"kind": ClarificationKind(row["kind"]), "version_ids": tuple(row["version_ids"])}
            )
        )
        for row in rows
    ]


NOTIFY_DOWNLOADERS = """
INSERT INTO tender_notifications (clarification_id, tender_id, user_id)
SELECT DISTINCT $1::uuid, $2::uuid, user_id FROM tender_downloads WHERE tender_id = $2
ON CONFLICT DO NOTHING
"""


async def notify_downloaders(
    conn: asyncpg.Connection, tender_id: UUID, clarification_id: UUID
) -> int:
    """Reg. 21: one notification per user who downloaded; how many were created."""
    result: str = await conn.execute(NOTIFY_DOWNLOADERS, clarification_id, tender_id)
    return int(result.rsplit(" ", 1)[-1])


SELECT_NOTIFICATIONS = """
SELECT n.id, n.clarification_id, n.tender_id, c.title, n.user_id, n.created_at
FROM tender_notifications n JOIN tender_clarifications c ON c.id = n.clarification_id
WHERE n.user_id = $1
ORDER BY n.created_at DESC, n.id
LIMIT $2
"""


async def notifications(conn: asyncpg.Connection, user_id: UUID, limit: int) -> list[Notification]:
    """A user's clarification notifications, newest first."""
    rows = await conn.fetch(SELECT_NOTIFICATIONS, user_id, limit)
    return [Notification(**dict(row)) for row in rows]


# --- objections ---------------------------------------------------------------------

_OBJECTION_COLUMNS = """
    id, tender_id, organisation_id, filed_by, text, filed_at, answer_due, answer,
    answered_at, answered_by
"""
INSERT_OBJECTION = f"""
INSERT INTO tender_objections (tender_id, organisation_id, filed_by, text, filed_at,
    answer_due, salt)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING {_OBJECTION_COLUMNS}
"""  # noqa: S608 (a constant column list)


async def insert_objection(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    organisation_id: UUID,
    filed_by: UUID,
    text: str,
    filed_at: datetime,
    answer_due: datetime,
    salt: bytes,
) -> Objection:
    """Record an objection to the documents."""
    row = await conn.fetchrow(
        INSERT_OBJECTION, tender_id, organisation_id, filed_by, text, filed_at, answer_due, salt
    )
    assert row is not None
    return Objection(**dict(row))


SELECT_OBJECTIONS = f"""
SELECT {_OBJECTION_COLUMNS} FROM tender_objections
WHERE tender_id = $1 AND ($2::uuid IS NULL OR organisation_id = $2)
ORDER BY filed_at, id
"""  # noqa: S608 (a constant column list)


async def objections(
    conn: asyncpg.Connection, tender_id: UUID, organisation_id: UUID | None = None
) -> list[Objection]:
    """A tender's objections (one organisation's, if given), oldest first."""
    rows = await conn.fetch(SELECT_OBJECTIONS, tender_id, organisation_id)
    return [Objection(**dict(row)) for row in rows]


ANSWER_OBJECTION = f"""
UPDATE tender_objections SET answer = $3, answered_at = $4, answered_by = $5
WHERE tender_id = $1 AND id = $2 AND answer IS NULL
RETURNING {_OBJECTION_COLUMNS}
"""  # noqa: S608 (a constant column list)


async def answer_objection(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    objection_id: UUID,
    answer: str,
    at: datetime,
    by: UUID,
) -> Objection | None:
    """Answer an open objection; None if there is no such open objection."""
    row = await conn.fetchrow(ANSWER_OBJECTION, tender_id, objection_id, answer, at, by)
    return None if row is None else Objection(**dict(row))


COUNT_OPEN_OBJECTIONS = """
SELECT count(*) FROM tender_objections WHERE tender_id = $1 AND answer IS NULL
"""


async def open_objections(conn: asyncpg.Connection, tender_id: UUID) -> int:
    """How many objections of the tender await an answer."""
    count: int = await conn.fetchval(COUNT_OPEN_OBJECTIONS, tender_id)
    return count


OVERDUE_OBJECTIONS = f"""
SELECT {_OBJECTION_COLUMNS} FROM tender_objections
WHERE answer IS NULL AND answer_due < clock_timestamp()
ORDER BY answer_due
LIMIT $1
"""  # noqa: S608 (a constant column list)


async def overdue_objections(conn: asyncpg.Connection, limit: int = 500) -> list[Objection]:
    """Objections whose answer is overdue by the database clock (Reg. 22)."""
    return [Objection(**dict(row)) for row in await conn.fetch(OVERDUE_OBJECTIONS, limit)]


SELECT_OBJECTION_SALTS = """
SELECT id, organisation_id, salt FROM tender_objections WHERE tender_id = $1 ORDER BY id
"""


async def objection_salts(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    """(id, organisation_id, salt) of every objection, to reveal the commitments."""
    return list(await conn.fetch(SELECT_OBJECTION_SALTS, tender_id))
