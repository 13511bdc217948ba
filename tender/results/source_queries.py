"""SQL of what the results read from earlier stages: the evaluation's hand-over and its
signed report, the bids and their bidders, the opening records' fields.

The evaluation sits above tender in the layers (tests/test_layering.py), so its tables
are read here by name (0059 ``evaluation_results``/``evaluation_reports``), never
through its modules.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class HandedOver:
    """A lot's evaluation result (docs/formats/evaluation-report.md §10)."""

    lot: str
    session_id: UUID
    version: int
    report_sha256: str
    candidates: tuple[UUID, ...]  # bid ids, best first
    closed_at: datetime


SELECT_RESULTS = """
SELECT lot, session_id, version, report_sha256, candidates::text, closed_at
FROM evaluation_results WHERE tender_id = $1 ORDER BY lot::int
"""


async def handed_over(conn: asyncpg.Connection, tender_id: UUID) -> list[HandedOver]:
    """Every lot's evaluation result, by lot."""
    return [
        HandedOver(
            lot=r["lot"],
            session_id=r["session_id"],
            version=r["version"],
            report_sha256=r["report_sha256"],
            candidates=tuple(UUID(c) for c in json.loads(r["candidates"])),
            closed_at=r["closed_at"],
        )
        for r in await conn.fetch(SELECT_RESULTS, tender_id)
    ]


SELECT_REPORT = """
SELECT body FROM evaluation_reports WHERE session_id = $1 AND version = $2 AND sha256 = $3
"""


async def report(conn: asyncpg.Connection, result: HandedOver) -> dict[str, Any]:
    """The signed report's JSON (the version and SHA-256 the result names)."""
    body = await conn.fetchval(
        SELECT_REPORT, result.session_id, result.version, result.report_sha256
    )
    assert body is not None  # a FOREIGN KEY and a CHECK tie them
    parsed: dict[str, Any] = json.loads(bytes(body))
    return parsed


SELECT_BIDDERS = """
SELECT b.id, b.bidder_id, o.credit_code, o.name FROM bids b
JOIN organisations o ON o.id = b.bidder_id WHERE b.id = ANY($1::uuid[])
"""


async def bidders(conn: asyncpg.Connection, bid_ids: list[UUID]) -> dict[UUID, asyncpg.Record]:
    """Each bid's (bidder_id, credit_code, name)."""
    return {r["id"]: r for r in await conn.fetch(SELECT_BIDDERS, bid_ids)}


SELECT_RECORDS = """
SELECT r.part, r.body FROM opening_records r JOIN tender_lots l ON l.id = r.lot_id
WHERE r.tender_id = $1 AND l.number = $2
ORDER BY CASE r.part WHEN 'commercial' THEN 2 ELSE 1 END
"""


async def opening_records(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> list[bytes]:
    """The lot's published opening records (main or technical first, then commercial)."""
    return [bytes(r["body"]) for r in await conn.fetch(SELECT_RECORDS, tender_id, lot)]


SELECT_ORGANISATION = "SELECT id, credit_code, name FROM organisations WHERE id = $1"


async def organisation(conn: asyncpg.Connection, org_id: UUID) -> asyncpg.Record | None:
    """An organisation's (id, credit_code, name)."""
    row: asyncpg.Record | None = await conn.fetchrow(SELECT_ORGANISATION, org_id)
    return row


SELECT_UNPUBLICISED = """
SELECT r.tender_id, r.lot, r.closed_at FROM evaluation_results r
JOIN tenders t ON t.id = r.tender_id
WHERE t.status = 'candidates' AND NOT EXISTS (
    SELECT FROM candidate_publicities p WHERE p.tender_id = r.tender_id AND p.lot = r.lot)
ORDER BY r.closed_at LIMIT $1
"""


async def unpublicised(conn: asyncpg.Connection, limit: int = 500) -> list[asyncpg.Record]:
    """Lots of tenders at ``candidates`` whose candidates are not publicised yet."""
    return list(await conn.fetch(SELECT_UNPUBLICISED, limit))


SELECT_OPENED_BID = """
SELECT b.id, o.credit_code, o.name FROM bids b
JOIN organisations o ON o.id = b.bidder_id
JOIN tender_lots l ON l.tender_id = b.tender_id AND l.id = b.lot_id
WHERE b.tender_id = $1 AND l.number = $2 AND b.bidder_id = $3 AND b.status = 'submitted'
  AND EXISTS (SELECT FROM opening_results r WHERE r.bid_id = b.id AND r.outcome = 'opened')
"""


async def opened_bid(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, bidder_id: UUID
) -> asyncpg.Record | None:
    """The bidder's submitted bid in the lot, if it was opened: (id, credit_code, name)."""
    row: asyncpg.Record | None = await conn.fetchrow(SELECT_OPENED_BID, tender_id, lot, bidder_id)
    return row
