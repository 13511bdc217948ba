"""SQL of bids, versions, parts and freeze lists (migration 0030).

Uploads' SQL (rows, writer lease, abandoning) is in tender/submission/upload_queries.py.

Rows leave as domain objects (tender/submission/model.py); the freeze trigger's refusal leaves as
``bids_frozen_conflict`` and the one-bid-per-lot constraint as ``bid_duplicate``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.submission.model import (
    Bid,
    BidDuplicate,
    BidPart,
    BidsFrozen,
    BidStatus,
    BidVersion,
    FreezeEntry,
    VersionKind,
)
from tender.submission.receipts import PendingVersion

Salts = list[tuple[int, bytes, str]]  # (version, salt, statement sha256), oldest first

# --- bids and versions ----------------------------------------------------------------

_BID_COLUMNS = "id, tender_id, lot_id, bidder_id, consortium, status, version, bidder_salt"


def _bid(row: asyncpg.Record) -> Bid:
    return Bid(
        **{**dict(row), "consortium": tuple(row["consortium"]), "status": BidStatus(row["status"])}
    )


SELECT_BID = f"SELECT {_BID_COLUMNS} FROM bids WHERE lot_id = $1 AND bidder_id = $2"  # noqa: S608


async def bid(conn: asyncpg.Connection, lot_id: UUID, bidder_id: UUID) -> Bid | None:
    """The bidder's bid in this lot, if any."""
    row = await conn.fetchrow(SELECT_BID, lot_id, bidder_id)
    return _bid(row) if row else None


def _refusal(exc: asyncpg.PostgresError) -> Exception:
    constraint = getattr(exc, "constraint_name", None)
    if constraint == "bids_frozen":
        return BidsFrozen("the lot's bids are frozen")
    if isinstance(exc, asyncpg.UniqueViolationError) and constraint == "bids_lot_id_bidder_id_key":
        return BidDuplicate("the bidder already has a bid in this lot")
    return exc


INSERT_BID = f"""
INSERT INTO bids (tender_id, lot_id, bidder_id, consortium, status, version, bidder_salt)
VALUES ($1, $2, $3, $4, 'submitted', 1, $5) RETURNING {_BID_COLUMNS}
"""  # noqa: S608


async def insert_bid(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    lot_id: UUID,
    bidder_id: UUID,
    consortium: Sequence[str],
    salt: bytes,
) -> Bid:
    """A new bid at version 1 (``bid_duplicate`` if the bidder has one in this lot)."""
    try:
        row = await conn.fetchrow(INSERT_BID, tender_id, lot_id, bidder_id, list(consortium), salt)
    except asyncpg.PostgresError as exc:
        raise _refusal(exc) from None
    assert row is not None
    return _bid(row)


UPDATE_BID = """
UPDATE bids SET status = $2, version = $3, consortium = $4, updated_at = clock_timestamp()
WHERE id = $1
"""


async def update_bid(
    conn: asyncpg.Connection,
    bid_id: UUID,
    status: BidStatus,
    version: int,
    consortium: Sequence[str],
) -> None:
    """Move a bid to its next version."""
    try:
        await conn.execute(UPDATE_BID, bid_id, str(status), version, list(consortium))
    except asyncpg.PostgresError as exc:
        raise _refusal(exc) from None


# The receipt comes after integration (migration 0093): a version is written with its
# queued entry's id and no log index, receipt or signature (fill_receipt adds them).
INSERT_VERSION = """
INSERT INTO bid_versions (bid_id, version, kind, statement, signature, statement_sha256,
    signer_cert_sha256, submitted_by, received_at, log_queued, bidder_salt)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
"""
INSERT_PART = """
INSERT INTO bid_parts (bid_id, version, part, sha256, size, upload_id)
VALUES ($1, $2, $3, $4, $5, $6)
"""


async def insert_version(
    conn: asyncpg.Connection,
    v: PendingVersion,
    *,
    signer_cert_sha256: str,
    submitted_by: UUID,
    upload_ids: Sequence[UUID],
) -> None:
    """Store a version awaiting its receipt, and its parts (append-only, refused once
    frozen)."""
    try:
        await conn.execute(
            INSERT_VERSION,
            *(v.bid_id, v.version, str(v.kind), v.statement, v.signature, v.statement_sha256),
            *(signer_cert_sha256, submitted_by, v.received_at, v.log_queued, v.bidder_salt),
        )
        for part, upload_id in zip(v.parts, upload_ids, strict=True):
            await conn.execute(
                INSERT_PART, v.bid_id, v.version, part.label, part.sha256, part.size, upload_id
            )
    except asyncpg.PostgresError as exc:
        raise _refusal(exc) from None


SELECT_VERSIONS = """
SELECT v.bid_id, v.version, v.kind, v.statement, v.signature, v.statement_sha256,
    v.received_at, v.log_index, v.receipt, v.receipt_signature,
    coalesce(v.bidder_salt, b.bidder_salt) AS bidder_salt,
    coalesce((SELECT json_agg(json_build_object('label', p.part, 'sha256', p.sha256,
        'size', p.size) ORDER BY p.part) FROM bid_parts p
      WHERE p.bid_id = v.bid_id AND p.version = v.version), '[]')::text AS parts
FROM bid_versions v JOIN bids b ON b.id = v.bid_id
WHERE v.bid_id = $1 AND v.log_index IS NOT NULL ORDER BY v.version
"""


def _parts(raw: str) -> tuple[BidPart, ...]:
    return tuple(BidPart(**item) for item in json.loads(raw))


async def versions(conn: asyncpg.Connection, bid_id: UUID) -> list[BidVersion]:
    """Every version of a bid with its receipt issued, oldest first."""
    rows = await conn.fetch(SELECT_VERSIONS, bid_id)
    return [
        BidVersion(**{**dict(row), "kind": VersionKind(row["kind"]), "parts": _parts(row["parts"])})
        for row in rows
    ]


# --- signers ---------------------------------------------------------------------------

# Who registered a signing certificate (accounts/keys/service.py): the organisation it speaks
# for on this platform, if its user is active, and when it was rotated out.
SIGNER_REGISTRATION = """
SELECT o.credit_code, c.retired_at FROM user_certificates c
JOIN users u ON u.id = c.user_id JOIN organisations o ON o.id = u.organisation_id
WHERE c.cert_sha256 = $1 AND u.status = 'active'
"""


async def signer_registration(
    conn: asyncpg.Connection, cert_sha256: str
) -> tuple[str, datetime | None] | None:
    """(credit code of the registrant's organisation, retired at) of a certificate."""
    row = await conn.fetchrow(SIGNER_REGISTRATION, cert_sha256)
    return None if row is None else (row["credit_code"], row["retired_at"])


# --- freeze lists -----------------------------------------------------------------------

FROZEN = "SELECT frozen_at FROM bid_freeze_lists WHERE lot_id = $1"


async def frozen_at(conn: asyncpg.Connection, lot_id: UUID) -> datetime | None:
    """When the lot froze, if it has."""
    value: datetime | None = await conn.fetchval(FROZEN, lot_id)
    return value


SUBMITTED_BIDS = """
SELECT b.id, b.bidder_id, o.credit_code, b.version, b.consortium,
    (SELECT json_agg(json_build_array(v.version, encode(coalesce(v.bidder_salt,
        b.bidder_salt), 'hex'), v.statement_sha256) ORDER BY v.version)
      FROM bid_versions v WHERE v.bid_id = b.id)::text AS salts,
    coalesce((SELECT json_agg(json_build_object('label', p.part, 'sha256', p.sha256,
        'size', p.size) ORDER BY p.part) FROM bid_parts p
      WHERE p.bid_id = b.id AND p.version = b.version), '[]')::text AS parts
FROM bids b JOIN organisations o ON o.id = b.bidder_id
WHERE b.lot_id = $1 AND b.status = 'submitted'
ORDER BY o.credit_code
"""


async def submitted_bids(conn: asyncpg.Connection, lot_id: UUID) -> list[tuple[FreezeEntry, Salts]]:
    """The lot's standing bids (final version, parts), each with its versions' salts and
    statement hashes (version, salt, sha256), oldest first: what its entries commit to."""
    rows = await conn.fetch(SUBMITTED_BIDS, lot_id)
    return [
        (
            FreezeEntry(
                bid_id=row["id"],
                bidder_id=row["bidder_id"],
                bidder_credit_code=row["credit_code"],
                version=row["version"],
                parts=_parts(row["parts"]),
                consortium=tuple(row["consortium"]),
            ),
            [(int(v), bytes.fromhex(salt), sha) for v, salt, sha in json.loads(row["salts"])],
        )
        for row in rows
    ]


VERSION_SALTS = """
SELECT v.version, coalesce(v.bidder_salt, b.bidder_salt) AS salt, v.statement_sha256
FROM bid_versions v JOIN bids b ON b.id = v.bid_id
WHERE v.bid_id = $1 AND v.version <= $2 ORDER BY v.version
"""


async def version_salts(conn: asyncpg.Connection, bid: UUID, n: int) -> Salts:
    """(version, salt, statement sha256) of a bid's versions up to ``n``, oldest first."""
    found = await conn.fetch(VERSION_SALTS, bid, n)
    return [(r["version"], bytes(r["salt"]), r["statement_sha256"]) for r in found]


INSERT_FREEZE_LIST = """
INSERT INTO bid_freeze_lists (lot_id, tender_id, frozen_at, log_index, list_sha256)
VALUES ($1, $2, $3, $4, $5)
"""
INSERT_FREEZE_ENTRY = """
INSERT INTO bid_freeze_entries (lot_id, bid_id, bidder_id, version, parts)
VALUES ($1, $2, $3, $4, $5::jsonb)
"""


async def insert_freeze_list(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    lot_id: UUID,
    frozen_at: datetime,
    log_index: int,
    list_sha256: str,
    entries: Sequence[FreezeEntry],
) -> None:
    """Write a lot's freeze list (append-only; from now on its bids cannot change)."""
    await conn.execute(INSERT_FREEZE_LIST, lot_id, tender_id, frozen_at, log_index, list_sha256)
    for e in entries:
        parts = json.dumps(
            [{"label": p.label, "sha256": p.sha256, "size": p.size} for p in e.parts]
        )
        await conn.execute(INSERT_FREEZE_ENTRY, lot_id, e.bid_id, e.bidder_id, e.version, parts)


SELECT_FREEZE_LIST = """
SELECT f.tender_id, f.lot_id, l.number, f.frozen_at, f.log_index, f.list_sha256
FROM bid_freeze_lists f JOIN tender_lots l ON l.id = f.lot_id WHERE f.lot_id = $1
"""
SELECT_FREEZE_ENTRIES = """
SELECT e.bid_id, e.bidder_id, o.credit_code, e.version, e.parts::text AS parts, b.consortium
FROM bid_freeze_entries e JOIN organisations o ON o.id = e.bidder_id
JOIN bids b ON b.id = e.bid_id
WHERE e.lot_id = $1 ORDER BY o.credit_code
"""


async def freeze_list(conn: asyncpg.Connection, lot_id: UUID) -> tuple[Any, list[FreezeEntry]]:
    """The freeze list's row (or None) and its entries."""
    head = await conn.fetchrow(SELECT_FREEZE_LIST, lot_id)
    rows = await conn.fetch(SELECT_FREEZE_ENTRIES, lot_id)
    entries = [
        FreezeEntry(
            bid_id=row["bid_id"],
            bidder_id=row["bidder_id"],
            bidder_credit_code=row["credit_code"],
            version=row["version"],
            parts=_parts(row["parts"]),
            consortium=tuple(row["consortium"]),
        )
        for row in rows
    ]
    return head, entries


# Every part hash a lot has seen, with its bidder: each verified upload (complete, or
# every byte received — abandoned ones included) and each submitted version's parts,
# replaced and withdrawn ones included (Reg. 40, tender/submission/freeze_alerts.py).
LOT_PART_HASHES = """
SELECT u.declared_sha256 AS sha256, u.bidder_id, o.credit_code
FROM bid_uploads u JOIN organisations o ON o.id = u.bidder_id
WHERE u.lot_id = $1 AND u.status <> 'failed' AND u.committed_offset = u.declared_size
UNION
SELECT p.sha256, b.bidder_id, o.credit_code
FROM bid_parts p JOIN bids b ON b.id = p.bid_id JOIN organisations o ON o.id = b.bidder_id
WHERE b.lot_id = $1
"""


async def lot_part_hashes(conn: asyncpg.Connection, lot_id: UUID) -> list[tuple[str, UUID, str]]:
    """(sha256, bidder id, bidder credit code) of every part the lot has seen."""
    rows = await conn.fetch(LOT_PART_HASHES, lot_id)
    return [(row["sha256"], row["bidder_id"], row["credit_code"]) for row in rows]


DUE_TENDERS = """
SELECT DISTINCT t.id FROM tenders t JOIN tender_lots l ON l.tender_id = t.id
WHERE t.status IN ('published', 'suspended') AND t.deadline <= clock_timestamp()
  AND NOT EXISTS (SELECT FROM bid_freeze_lists f WHERE f.lot_id = l.id)
LIMIT $1
"""


async def due_tenders(conn: asyncpg.Connection, limit: int = 50) -> list[UUID]:
    """Published tenders whose deadline has passed with a lot not yet frozen."""
    return [row["id"] for row in await conn.fetch(DUE_TENDERS, limit)]


SELECT_CHAIN_HEAD = """
SELECT statement_sha256 FROM bid_versions WHERE bid_id = $1 ORDER BY version DESC LIMIT 1
"""


async def chain_head(conn: asyncpg.Connection, bid_id: UUID) -> str | None:
    """The newest version's statement hash, receipt issued or not (the chain's head)."""
    head: str | None = await conn.fetchval(SELECT_CHAIN_HEAD, bid_id)
    return head


SELECT_PENDING = """
SELECT v.bid_id, v.version, v.kind, v.statement_sha256, v.received_at, v.log_queued,
    t.code AS tender_code, t.id AS tender_id, l.number AS lot, o.credit_code AS bidder,
    coalesce((SELECT json_agg(json_build_object('label', p.part, 'sha256', p.sha256,
        'size', p.size) ORDER BY p.part) FROM bid_parts p
      WHERE p.bid_id = v.bid_id AND p.version = v.version), '[]')::text AS parts
FROM bid_versions v JOIN bids b ON b.id = v.bid_id JOIN tenders t ON t.id = b.tender_id
JOIN tender_lots l ON l.id = b.lot_id JOIN organisations o ON o.id = b.bidder_id
WHERE v.log_index IS NULL AND ($1::uuid IS NULL OR v.bid_id = $1)
ORDER BY v.log_queued LIMIT $2
"""


async def pending_receipts(
    conn: asyncpg.Connection, bid_id: UUID | None, limit: int = 100
) -> list[asyncpg.Record]:
    """Versions whose receipt is not issued yet (of one bid, or all), with what the
    receipt names besides the log index."""
    return list(await conn.fetch(SELECT_PENDING, bid_id, limit))


def parts_of(raw: str) -> tuple[BidPart, ...]:
    """The parts column of SELECT_PENDING."""
    return _parts(raw)


FILL_RECEIPT = """
UPDATE bid_versions SET log_index = $3, receipt = $4, receipt_signature = $5
WHERE bid_id = $1 AND version = $2 AND log_index IS NULL
"""


async def fill_receipt(
    conn: asyncpg.Connection,
    bid_id: UUID,
    version: int,
    log_index: int,
    receipt: bytes,
    signature: bytes,
) -> None:
    """Issue a version's receipt once (trigger bid_versions_receipt_once checks the index
    is its queued entry's); a no-op if another process issued it first."""
    await conn.execute(FILL_RECEIPT, bid_id, version, log_index, receipt, signature)


SELECT_LOG_QUEUED = "SELECT log_queued FROM bid_versions WHERE bid_id = $1 AND version = $2"


async def log_queued(conn: asyncpg.Connection, bid_id: UUID, version: int) -> int | None:
    """The queue id a version's log entry had (None for versions from before 0093)."""
    queued: int | None = await conn.fetchval(SELECT_LOG_QUEUED, bid_id, version)
    return queued
