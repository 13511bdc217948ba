"""SQL of tender documents, their versions and downloads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.documents.model import DocumentVersion, Download
from tender.errors import DocumentNotFound

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
