"""Rows of the results tables (0071) as the award work will write them, for the
disclosure tests until that work merges: real SQL against the real schema.

The disclosure only reads these tables; the award work owns how they are written (its
publicity body, signatures and log entries are not needed to disclose them).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from signing.canonical import canonical_json, sha256_hex
from tests.tender.results.kit import Closed


async def publicise(
    conn: asyncpg.Connection, closed: Closed, at: dt.datetime, days: int = 3
) -> None:
    """The lot's candidates publicity, out at ``at`` for ``days`` days (Reg. 54)."""
    body = {"lot": closed.lot, "candidates": [str(c.bid_id) for c in closed.candidates]}
    await conn.execute(
        """INSERT INTO candidate_publicities
               (tender_id, lot, body, sha256, published_at, ends_at, published_by)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)""",
        closed.tender_id,
        closed.lot,
        canonical_json(body).decode(),
        sha256_hex(canonical_json(body)),
        at,
        at + dt.timedelta(days=days),
        closed.agency.user_id,
    )


async def decide(
    conn: asyncpg.Connection,
    closed: Closed,
    at: dt.datetime,
    *,
    step: int = 1,
    kind: str = "award",
    rank: int | None = 1,
    reason: str = "排名第一的中标候选人",
) -> UUID | None:
    """An award decision of the lot (Reg. 55); returns the awarded bid."""
    candidate = closed.candidates[rank - 1] if rank is not None else None
    await conn.execute(
        """INSERT INTO award_decisions (tender_id, lot, step, kind, bid_id, bidder_id, rank,
               price_fen, reason, decided_at, decided_by, current)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""",
        closed.tender_id,
        closed.lot,
        step,
        kind,
        candidate.bid_id if candidate else None,
        candidate.bidder_id if candidate else None,
        rank,
        candidate.price_fen if candidate else None,
        reason,
        at,
        closed.agency.user_id,
        kind == "award",
    )
    return candidate.bid_id if candidate else None
