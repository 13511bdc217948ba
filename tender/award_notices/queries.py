"""SQL of the award notices (award_notices, migration 0073; award_decisions of 0071).

The award's own read functions (tender/results) arrive with its branch; until then the
lot's current award is read here from the 0071 table, whose schema is fixed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.award_notices.model import CurrentAward, Notice, NoticeKind, OpenedBid

# FOR UPDATE: two issues of one award wait for each other; the second finds the first's
# notices (service.issue is idempotent) instead of failing on UNIQUE (award_id, organisation).
SELECT_CURRENT_AWARD = """
SELECT id, step, bid_id, bidder_id, rank, reason, decided_at FROM award_decisions
WHERE tender_id = $1 AND lot = $2 AND current AND kind = 'award'
FOR UPDATE
"""


async def current_award(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> CurrentAward | None:
    """The lot's current award (Reg. 55: the one a drop-out has not undone), if any,
    locked until the caller's transaction ends."""
    row = await conn.fetchrow(SELECT_CURRENT_AWARD, tender_id, lot)
    if row is None:
        return None
    return CurrentAward(
        id=row["id"], step=row["step"], bid_id=row["bid_id"], bidder_id=row["bidder_id"],
        rank=row["rank"], reason=row["reason"], decided_at=row["decided_at"],
    )  # fmt: skip


# A bid "was opened" when a part of it opened (two-envelope: the technical part first;
# the commercial part's fields, the price among them, join them when it opened too).
SELECT_OPENED_BIDS = """
SELECT b.id AS bid_id, b.bidder_id, o.name, o.credit_code, r.part, r.fields
FROM bids b
JOIN tender_lots l ON l.tender_id = b.tender_id AND l.id = b.lot_id
JOIN organisations o ON o.id = b.bidder_id
JOIN opening_results r ON r.bid_id = b.id AND r.outcome = 'opened'
WHERE b.tender_id = $1 AND l.number = $2
ORDER BY o.credit_code, r.part
"""


async def opened_bids(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> list[OpenedBid]:
    """Every bid of the lot that was opened, with its opening-form fields merged."""
    merged: dict[UUID, tuple[asyncpg.Record, dict[str, Any]]] = {}
    for row in await conn.fetch(SELECT_OPENED_BIDS, tender_id, lot):
        fields = row["fields"]
        fields = json.loads(fields) if isinstance(fields, str) else dict(fields)
        merged.setdefault(row["bid_id"], (row, {}))[1].update(fields)
    return [
        OpenedBid(
            bid_id=row["bid_id"],
            organisation_id=row["bidder_id"],
            name=row["name"],
            credit_code=row["credit_code"],
            fields=fields,
        )
        for row, fields in merged.values()
    ]


SELECT_NAMES = "SELECT id, name FROM organisations WHERE id = ANY($1::uuid[])"


async def organisation_names(conn: asyncpg.Connection, ids: Sequence[UUID]) -> dict[UUID, str]:
    """Organisation id → name."""
    return {r["id"]: r["name"] for r in await conn.fetch(SELECT_NAMES, list(ids))}


SUPERSEDE = """
UPDATE award_notices SET superseded_at = $3, superseded_by = $4
WHERE tender_id = $1 AND lot = $2 AND superseded_at IS NULL AND award_id <> $4
RETURNING id
"""


async def supersede(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, at: datetime, award_id: UUID
) -> list[UUID]:
    """Mark the lot's standing notices of an earlier award superseded; their ids."""
    return [r["id"] for r in await conn.fetch(SUPERSEDE, tender_id, lot, at, award_id)]


INSERT_NOTICE = """
INSERT INTO award_notices (id, tender_id, lot, award_id, kind, bid_id, organisation_id,
                           pdf, pdf_sha256, signature, issued_at, log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
"""


async def insert(conn: asyncpg.Connection, notice: Notice, pdf: bytes, signature: bytes) -> None:
    """Store one issued notice with its PDF and signature."""
    await conn.execute(
        INSERT_NOTICE, notice.id, notice.tender_id, notice.lot, notice.award_id,
        str(notice.kind), notice.bid_id, notice.organisation_id, pdf, notice.pdf_sha256,
        signature, notice.issued_at, notice.log_index,
    )  # fmt: skip


SELECT_OF_AWARD = """
SELECT id, tender_id, lot, award_id, kind, bid_id, organisation_id, pdf_sha256, issued_at,
       log_index, superseded_at
FROM award_notices WHERE award_id = $1 ORDER BY organisation_id
"""
SELECT_ONE = """
SELECT id, tender_id, lot, award_id, kind, bid_id, organisation_id, pdf_sha256, issued_at,
       log_index, superseded_at
FROM award_notices WHERE id = $1
"""
SELECT_OF_ORGANISATIONS = """
SELECT id, tender_id, lot, award_id, kind, bid_id, organisation_id, pdf_sha256, issued_at,
       log_index, superseded_at
FROM award_notices WHERE organisation_id = ANY($1::uuid[]) ORDER BY issued_at DESC, id
"""
SELECT_OF_TENDER = """
SELECT id, tender_id, lot, award_id, kind, bid_id, organisation_id, pdf_sha256, issued_at,
       log_index, superseded_at
FROM award_notices WHERE tender_id = $1 ORDER BY lot, issued_at, organisation_id
"""
SELECT_FILES = "SELECT pdf, signature FROM award_notices WHERE id = $1"


def _notice(row: asyncpg.Record) -> Notice:
    return Notice(
        id=row["id"], tender_id=row["tender_id"], lot=row["lot"], award_id=row["award_id"],
        kind=NoticeKind(row["kind"]), bid_id=row["bid_id"],
        organisation_id=row["organisation_id"], pdf_sha256=row["pdf_sha256"],
        issued_at=row["issued_at"], log_index=row["log_index"],
        superseded_at=row["superseded_at"],
    )  # fmt: skip


async def of_award(conn: asyncpg.Connection, award_id: UUID) -> list[Notice]:
    """The notices one award decision issued."""
    return [_notice(r) for r in await conn.fetch(SELECT_OF_AWARD, award_id)]


async def one(conn: asyncpg.Connection, notice_id: UUID) -> Notice | None:
    """One notice by id."""
    row = await conn.fetchrow(SELECT_ONE, notice_id)
    return None if row is None else _notice(row)


async def of_organisations(conn: asyncpg.Connection, ids: Sequence[UUID]) -> list[Notice]:
    """Notices addressed to these organisations, newest first."""
    return [_notice(r) for r in await conn.fetch(SELECT_OF_ORGANISATIONS, list(ids))]


async def of_tender(conn: asyncpg.Connection, tender_id: UUID) -> list[Notice]:
    """Every notice of a tender, by lot and time."""
    return [_notice(r) for r in await conn.fetch(SELECT_OF_TENDER, tender_id)]


async def files(conn: asyncpg.Connection, notice_id: UUID) -> tuple[bytes, bytes]:
    """A notice's PDF and its detached CMS signature (DER)."""
    row = await conn.fetchrow(SELECT_FILES, notice_id)
    assert row is not None  # the caller found the notice
    return bytes(row["pdf"]), bytes(row["signature"])
