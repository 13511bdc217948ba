"""SQL of the disclosure: the public facts of a tender, each read only once it is public.

Every query takes ``now`` and keeps the rows that were public then (facts.py says when
each stage is); ``Disclosure.as_of`` applies the same rules again in Python. The award
decisions and publicities are read from 0071's tables directly (schema fixed by the
shared plan) until the award work's read functions merge.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.disclosure.facts import AwardFact, ClosureFact, Listed

PUBLIC_TENDERS = """
SELECT id FROM tenders
WHERE status <> 'draft' AND published_at <= $1
ORDER BY published_at, id
"""


async def public_tenders(conn: asyncpg.Connection, now: datetime) -> list[UUID]:
    """Every tender whose notice was public at ``now``, oldest first."""
    return [r["id"] for r in await conn.fetch(PUBLIC_TENDERS, now)]


PUBLIC_TENDER_BY_CODE = """
SELECT id FROM tenders WHERE code = $1 AND status <> 'draft' AND published_at <= $2
"""


async def public_tender_by_code(conn: asyncpg.Connection, code: str, now: datetime) -> UUID | None:
    """The public tender with this transaction code, if any."""
    found: UUID | None = await conn.fetchval(PUBLIC_TENDER_BY_CODE, code, now)
    return found


# The tenders that may have a release dated at or after $1 (a superset: the feed then
# builds their releases and keeps those after the cursor). A status change is logged
# just after tenders.updated_at moves, hence the minute's margin; a tender that may have
# contracts (awarded onwards, or a lot with a current award) is always a candidate, its
# contracts being read elsewhere (service.load_contracts).
ACTIVE_SINCE = """
SELECT t.id FROM tenders t
WHERE t.status <> 'draft' AND t.published_at <= $2 AND (
    t.published_at >= $1
    OR t.updated_at >= $1 - interval '1 minute'
    OR t.status IN ('awarded', 'contract', 'performance', 'archived')
    OR EXISTS (SELECT FROM award_decisions w WHERE w.tender_id = t.id AND w.current)
    OR EXISTS (SELECT FROM tender_clarifications c WHERE c.tender_id = t.id AND c.issued_at >= $1)
    OR EXISTS (SELECT FROM opening_records r WHERE r.tender_id = t.id AND r.published_at >= $1)
    OR EXISTS (
        SELECT FROM candidate_publicities p WHERE p.tender_id = t.id AND p.published_at >= $1)
    OR EXISTS (SELECT FROM award_decisions a WHERE a.tender_id = t.id AND a.decided_at >= $1))
ORDER BY t.published_at, t.id
"""


async def active_since(conn: asyncpg.Connection, since: datetime, now: datetime) -> list[UUID]:
    """The public tenders that may have a release dated ``since`` or later."""
    return [r["id"] for r in await conn.fetch(ACTIVE_SINCE, since, now)]


OPENING_RECORDS = """
SELECT l.number AS lot, r.part, r.body, r.published_at
FROM opening_records r JOIN tender_lots l ON l.id = r.lot_id
WHERE r.tender_id = $1 AND r.published_at <= $2
ORDER BY r.published_at, l.number, r.part
"""


async def opening_records(
    conn: asyncpg.Connection, tender_id: UUID, now: datetime
) -> list[tuple[str, str, dict[str, Any], datetime]]:
    """(lot, part, record JSON, published at) of every record published by ``now``."""
    rows = await conn.fetch(OPENING_RECORDS, tender_id, now)
    return [(r["lot"], r["part"], json.loads(r["body"]), r["published_at"]) for r in rows]


FROZEN_BIDS = """
SELECT f.bid_id, l.number AS lot, o.id, o.name, o.credit_code
FROM bid_freeze_entries f
JOIN tender_lots l ON l.id = f.lot_id
JOIN organisations o ON o.id = f.bidder_id
WHERE l.tender_id = $1
"""


async def frozen_bids(
    conn: asyncpg.Connection, tender_id: UUID
) -> dict[tuple[str, str], tuple[UUID, UUID, str]]:
    """(lot, lead credit code) → (bid id, bidder id, bidder name) of the frozen bids."""
    rows = await conn.fetch(FROZEN_BIDS, tender_id)
    return {(r["lot"], r["credit_code"]): (r["bid_id"], r["id"], r["name"]) for r in rows}


ORGANISATIONS_BY_CODE = """
SELECT id, name, credit_code FROM organisations WHERE credit_code = ANY($1::text[])
"""


async def organisations_by_code(
    conn: asyncpg.Connection, codes: Sequence[str]
) -> dict[str, tuple[UUID, str]]:
    """Credit code → (organisation id, name) of consortium members."""
    rows = await conn.fetch(ORGANISATIONS_BY_CODE, list(codes))
    return {r["credit_code"]: (r["id"], r["name"]) for r in rows}


PUBLICITIES = """
SELECT p.lot, p.published_at, p.ends_at, r.candidates::text AS candidates,
       q.result::text AS qualification
FROM candidate_publicities p
LEFT JOIN evaluation_results r ON r.tender_id = p.tender_id AND r.lot = p.lot
LEFT JOIN evaluation_qualification_results q ON q.session_id = r.session_id
WHERE p.tender_id = $1 AND p.published_at <= $2
ORDER BY p.published_at, p.lot
"""


async def publicities(
    conn: asyncpg.Connection, tender_id: UUID, now: datetime
) -> list[asyncpg.Record]:
    """The lots' candidates publicities out by ``now``, with the evaluation's ranking and
    qualification result (JSON text; the service parses them)."""
    return list(await conn.fetch(PUBLICITIES, tender_id, now))


AWARD_DECISIONS = """
SELECT lot, step, kind, bid_id, bidder_id, rank, price_fen, reason, decided_at
FROM award_decisions
WHERE tender_id = $1 AND decided_at <= $2
ORDER BY lot, step
"""


async def award_decisions(
    conn: asyncpg.Connection, tender_id: UUID, now: datetime
) -> list[AwardFact]:
    """The award decisions made by ``now``, per lot in step order (Reg. 55)."""
    rows = await conn.fetch(AWARD_DECISIONS, tender_id, now)
    return [AwardFact(**dict(r)) for r in rows]


# The status change is a log entry (tender/lifecycle.py change_status): its time is the
# database clock at the change and its data the reason (signing/log/entry.py layout).
CLOSURE = """
SELECT e.doc -> 'data' ->> 'to' AS status, e.doc ->> 'time' AS at,
       e.doc -> 'data' ->> 'reason' AS reason
FROM (
    SELECT idx, convert_from(entry, 'UTF8')::jsonb AS doc
    FROM log_entries WHERE kind = 'tender.status_changed'
) e
WHERE e.doc -> 'subject' ->> 'id' = $1::text
  AND e.doc -> 'data' ->> 'to' IN ('failed', 'cancelled')
ORDER BY e.idx DESC LIMIT 1
"""


async def closure(conn: asyncpg.Connection, tender_id: UUID, now: datetime) -> ClosureFact | None:
    """When and why the tender failed or was cancelled, if it was by ``now``."""
    row = await conn.fetchrow(CLOSURE, str(tender_id))
    if row is None:
        return None
    at = datetime.fromisoformat(row["at"])
    if at > now:
        return None
    return ClosureFact(status=row["status"], at=at, reason=row["reason"] or "")


CURRENT_NOTICES = """
SELECT id, code, title, published_at AS at, 'notice' AS stage, deadline
FROM tenders
WHERE status IN ('published', 'suspended') AND published_at <= $1
ORDER BY published_at DESC, id LIMIT $2
"""


async def current_notices(conn: asyncpg.Connection, now: datetime, limit: int) -> list[Listed]:
    """Tenders open for bids now, the newest notice first."""
    return [Listed(**dict(r)) for r in await conn.fetch(CURRENT_NOTICES, now, limit)]


# A result is the newest of a tender's public later facts: its candidates' publicity, an
# award decision, or its failure or cancellation (never a draft's: published_at is set).
RECENT_RESULTS = """
SELECT t.id, t.code, t.title, x.at, x.stage, t.deadline
FROM (
    SELECT DISTINCT ON (tender_id) tender_id, at, stage FROM (
        SELECT tender_id, published_at AS at, 'candidates' AS stage
        FROM candidate_publicities WHERE published_at <= $1
        UNION ALL
        SELECT tender_id, decided_at, 'result' FROM award_decisions WHERE decided_at <= $1
        UNION ALL
        SELECT id, updated_at, status FROM tenders
        WHERE status IN ('failed', 'cancelled') AND published_at IS NOT NULL
          AND updated_at <= $1
    ) facts
    ORDER BY tender_id, at DESC
) x
JOIN tenders t ON t.id = x.tender_id
ORDER BY x.at DESC, t.id LIMIT $2
"""


async def recent_results(conn: asyncpg.Connection, now: datetime, limit: int) -> list[Listed]:
    """Tenders with a public result (candidates, award, failure), the newest first."""
    return [Listed(**dict(r)) for r in await conn.fetch(RECENT_RESULTS, now, limit)]
