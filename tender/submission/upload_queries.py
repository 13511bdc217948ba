"""SQL of sealed-part uploads: rows, the writer lease, and abandoning stale uploads.

Migrations 0030 and 0042; docs/formats/upload.md. The lease and every deadline or
idle decision use the database clock (DESIGN.md, "Time"), never a process's clock, so
several processes on several nodes agree. Rows leave as :class:`tender.bids.Upload`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg

from tender.submission.model import AbandonReason, Upload, UploadStatus

_UPLOAD_COLUMNS = """id, tender_id, lot_id, bidder_id, part, declared_size, declared_sha256,
    staging_id, committed_offset, status, failure, created_at, completed_at"""


def _upload(row: asyncpg.Record) -> Upload:
    return Upload(**{**dict(row), "status": UploadStatus(row["status"])})


INSERT_UPLOAD = f"""
INSERT INTO bid_uploads (tender_id, lot_id, bidder_id, created_by, part, declared_size,
    declared_sha256, staging_id, client_address, client_installation)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::inet, $10) RETURNING {_UPLOAD_COLUMNS}
"""  # noqa: S608


async def insert_upload(conn: asyncpg.Connection, *args: Any) -> Upload:
    """Record a new upload (tender, lot, bidder, user, part, size, sha256, staging id, and
    where it came from: the client's address and installation id, Reg. 40 monitoring)."""
    row = await conn.fetchrow(INSERT_UPLOAD, *args)
    assert row is not None
    return _upload(row)


SELECT_UPLOAD = f"SELECT {_UPLOAD_COLUMNS} FROM bid_uploads WHERE id = $1 AND bidder_id = $2"  # noqa: S608


async def upload(conn: asyncpg.Connection, upload_id: UUID, bidder_id: UUID) -> Upload | None:
    """The bidder's upload with this id, if any."""
    row = await conn.fetchrow(SELECT_UPLOAD, upload_id, bidder_id)
    return _upload(row) if row else None


COMPLETE_UPLOAD_FOR = f"""
SELECT {_UPLOAD_COLUMNS} FROM bid_uploads
WHERE lot_id = $1 AND bidder_id = $2 AND part = $3 AND declared_sha256 = $4
  AND status = 'complete'
ORDER BY completed_at LIMIT 1
"""  # noqa: S608


async def complete_upload_for(
    conn: asyncpg.Connection, lot_id: UUID, bidder_id: UUID, part: str, sha256: str
) -> Upload | None:
    """The bidder's complete upload of this part with this hash, if any."""
    row = await conn.fetchrow(COMPLETE_UPLOAD_FOR, lot_id, bidder_id, part, sha256)
    return _upload(row) if row else None


# --- the writer lease (docs/formats/upload.md §2.2) -------------------------------------
# Claimed by one conditional UPDATE: free, or its holder's lease lapsed (a crashed
# process). Every later write names the token, so a writer that lost its lease changes
# nothing.

CLAIM_LEASE = f"""
UPDATE bid_uploads SET writer_token = $3,
    lease_until = clock_timestamp() + make_interval(secs => $4::float8),
    touched_at = clock_timestamp()
WHERE id = $1 AND bidder_id = $2 AND status = 'open'
  AND (writer_token IS NULL OR lease_until <= clock_timestamp())
RETURNING {_UPLOAD_COLUMNS}
"""  # noqa: S608


async def claim_lease(
    conn: asyncpg.Connection, upload_id: UUID, bidder_id: UUID, token: str, seconds: float
) -> Upload | None:
    """Take the upload's writer lease; None if it is not open or another writer holds it."""
    row = await conn.fetchrow(CLAIM_LEASE, upload_id, bidder_id, token, seconds)
    return _upload(row) if row else None


LEASE_REMAINING = """
SELECT greatest(0, extract(epoch FROM lease_until - clock_timestamp()))::float8
FROM bid_uploads WHERE id = $1 AND writer_token IS NOT NULL
"""


async def lease_remaining(conn: asyncpg.Connection, upload_id: UUID) -> float | None:
    """Seconds until the current writer's lease lapses (database clock); None if no writer."""
    value = await conn.fetchval(LEASE_REMAINING, upload_id)
    return None if value is None else float(value)


KNOWN_STAGING = "SELECT staging_id FROM bid_uploads WHERE staging_id = ANY($1::text[])"


async def known_staging(conn: asyncpg.Connection, staging_ids: Sequence[str]) -> set[str]:
    """Which of these staging ids an upload row names (whatever its status)."""
    return {row["staging_id"] for row in await conn.fetch(KNOWN_STAGING, list(staging_ids))}


RENEW_LEASE = """
UPDATE bid_uploads SET lease_until = clock_timestamp() + make_interval(secs => $3::float8),
    touched_at = clock_timestamp()
WHERE id = $1 AND writer_token = $2 AND status = 'open'
"""


async def renew_lease(
    conn: asyncpg.Connection, upload_id: UUID, token: str, seconds: float
) -> bool:
    """Extend a lease this token holds; False if it was taken over or the upload closed."""
    return str(await conn.execute(RENEW_LEASE, upload_id, token, seconds)) == "UPDATE 1"


RELEASE_LEASE = """
UPDATE bid_uploads SET committed_offset = $3, writer_token = NULL, lease_until = NULL,
    touched_at = clock_timestamp()
WHERE id = $1 AND writer_token = $2 AND status = 'open'
"""


async def release_lease(conn: asyncpg.Connection, upload_id: UUID, token: str, offset: int) -> bool:
    """Record the durable offset and free the lease; False if the token lost it."""
    return str(await conn.execute(RELEASE_LEASE, upload_id, token, offset)) == "UPDATE 1"


COMPLETE_UPLOAD = """
UPDATE bid_uploads SET status = 'complete', committed_offset = declared_size,
    completed_at = clock_timestamp(), touched_at = clock_timestamp(),
    writer_token = NULL, lease_until = NULL
WHERE id = $1 AND writer_token = $2 AND status = 'open'
"""


async def complete_upload(conn: asyncpg.Connection, upload_id: UUID, token: str) -> bool:
    """Mark an upload complete (its blob is durable and checked) by its lease holder."""
    return str(await conn.execute(COMPLETE_UPLOAD, upload_id, token)) == "UPDATE 1"


FAIL_UPLOAD = """
UPDATE bid_uploads SET status = 'failed', failure = $3, touched_at = clock_timestamp(),
    writer_token = NULL, lease_until = NULL
WHERE id = $1 AND writer_token = $2 AND status = 'open'
"""


async def fail_upload(conn: asyncpg.Connection, upload_id: UUID, token: str, failure: str) -> None:
    """Mark an upload failed with the error code that ended it (by its lease holder)."""
    await conn.execute(FAIL_UPLOAD, upload_id, token, failure[:64])


# --- abandoning (docs/formats/upload.md §2.4) --------------------------------------------
# Only open uploads without a live lease; never one a bid part names (only complete
# uploads can be, but the check costs nothing). SKIP LOCKED: processes running the job
# at once take disjoint rows.

ABANDON_DUE = """
WITH due AS (
    SELECT u.id,
        CASE WHEN t.deadline + make_interval(secs => $1::float8) <= clock_timestamp()
             THEN 'bid_deadline_passed' ELSE 'bid_upload_idle' END AS reason
    FROM bid_uploads u JOIN tenders t ON t.id = u.tender_id
    WHERE u.status = 'open'
      AND (u.lease_until IS NULL OR u.lease_until <= clock_timestamp())
      AND (t.deadline + make_interval(secs => $1::float8) <= clock_timestamp()
           OR u.touched_at + make_interval(secs => $2::float8) <= clock_timestamp())
      AND NOT EXISTS (SELECT FROM bid_parts p WHERE p.upload_id = u.id)
    ORDER BY u.touched_at
    LIMIT $3
    FOR UPDATE OF u SKIP LOCKED
)
UPDATE bid_uploads u SET status = 'abandoned', failure = due.reason,
    abandoned_at = clock_timestamp(), writer_token = NULL, lease_until = NULL
FROM due WHERE u.id = due.id
RETURNING u.id, u.staging_id, u.failure
"""


async def abandon_due(
    conn: asyncpg.Connection, *, grace: timedelta, idle: timedelta, limit: int
) -> list[tuple[UUID, str, AbandonReason]]:
    """Abandon up to ``limit`` stale open uploads: (id, staging id, reason) of each.

    Run it in a transaction: the rows stay locked until the staged files are deleted.
    """
    rows = await conn.fetch(ABANDON_DUE, grace.total_seconds(), idle.total_seconds(), limit)
    return [(row["id"], row["staging_id"], AbandonReason(row["failure"])) for row in rows]


# --- caps per bidder (docs/formats/upload.md §2.5) ----------------------------------------
# Upload creations of one organisation are serialised by a lock on its row (FOR NO KEY
# UPDATE: foreign-key checks, which take KEY SHARE, are not blocked), so two concurrent
# creations cannot both pass a count that only one of them may raise.

LOCK_BIDDER = "SELECT 1 FROM organisations WHERE id = $1 FOR NO KEY UPDATE"


async def lock_bidder(conn: asyncpg.Connection, bidder_id: UUID) -> None:
    """Take the organisation's row lock until the transaction ends."""
    await conn.execute(LOCK_BIDDER, bidder_id)


OPEN_IN_LOT = """
SELECT id FROM bid_uploads
WHERE lot_id = $1 AND bidder_id = $2 AND status = 'open'
ORDER BY created_at
"""


async def open_in_lot(conn: asyncpg.Connection, lot_id: UUID, bidder_id: UUID) -> list[UUID]:
    """The organisation's open uploads in this lot, oldest first."""
    return [row["id"] for row in await conn.fetch(OPEN_IN_LOT, lot_id, bidder_id)]


# Staged: open uploads count their declared size (the bytes they may still receive),
# complete ones that no bid part names count theirs (a blob kept for nobody).
STAGED_BYTES = """
SELECT coalesce(sum(u.declared_size), 0)::bigint FROM bid_uploads u
WHERE u.bidder_id = $1
  AND (u.status = 'open'
       OR (u.status = 'complete' AND NOT EXISTS (SELECT FROM bid_parts p WHERE p.upload_id = u.id)))
"""


async def staged_bytes(conn: asyncpg.Connection, bidder_id: UUID) -> int:
    """Bytes the organisation holds in uploads that are not part of any bid."""
    total: int = await conn.fetchval(STAGED_BYTES, bidder_id)
    return total


# Complete uploads no bid part names, once their tender's deadline is past by the given
# period: they can never become bids (docs/formats/upload.md §2.4). The rows stay, as
# abandoned, so the freeze's identical-part check still sees every hash uploaded.
ABANDON_UNSUBMITTED = """
WITH due AS (
    SELECT u.id FROM bid_uploads u JOIN tenders t ON t.id = u.tender_id
    WHERE u.status = 'complete'
      AND t.deadline + make_interval(secs => $1::float8) <= clock_timestamp()
      AND NOT EXISTS (SELECT FROM bid_parts p WHERE p.upload_id = u.id)
    ORDER BY u.completed_at
    LIMIT $2
    FOR UPDATE OF u SKIP LOCKED
)
UPDATE bid_uploads u SET status = 'abandoned', failure = 'bid_deadline_passed',
    abandoned_at = clock_timestamp(), completed_at = NULL  -- set only while complete (0030)
FROM due WHERE u.id = due.id
RETURNING u.id, u.declared_sha256
"""


async def abandon_unsubmitted(
    conn: asyncpg.Connection, *, after: timedelta, limit: int
) -> list[tuple[UUID, str]]:
    """Abandon up to ``limit`` complete uploads never submitted: (id, sha256) of each."""
    rows = await conn.fetch(ABANDON_UNSUBMITTED, after.total_seconds(), limit)
    return [(row["id"], row["declared_sha256"]) for row in rows]
