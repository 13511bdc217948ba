"""SQL of the results tables (0071): publicities, objections to candidates, award decisions.

The read functions here are what the notices, contracts, OCDS and archive work import
(CONTRACTS.md): :func:`publicities`, :func:`decisions`, :func:`current_award`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.results.model import AwardDecision, AwardKind, CandidateObjection, Publicity

# --- publicities -------------------------------------------------------------------------

_PUBLICITY = "tender_id, lot, body::text, sha256, published_at, ends_at"
SELECT_PUBLICITIES = f"""
SELECT {_PUBLICITY} FROM candidate_publicities WHERE tender_id = $1 ORDER BY lot::int
"""  # noqa: S608 (a constant column list)
INSERT_PUBLICITY = """
INSERT INTO candidate_publicities (tender_id, lot, body, sha256, published_at, ends_at,
    published_by)
VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)
"""


def _publicity(row: asyncpg.Record) -> Publicity:
    return Publicity(
        tender_id=row["tender_id"],
        lot=row["lot"],
        body=json.loads(row["body"]),
        sha256=row["sha256"],
        published_at=row["published_at"],
        ends_at=row["ends_at"],
    )


async def publicities(conn: asyncpg.Connection, tender_id: UUID) -> list[Publicity]:
    """Every publicised lot of the tender, by lot number."""
    return [_publicity(r) for r in await conn.fetch(SELECT_PUBLICITIES, tender_id)]


async def publicity(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> Publicity | None:
    """The lot's publicity, if published."""
    return next((p for p in await publicities(conn, tender_id) if p.lot == lot), None)


async def insert_publicity(
    conn: asyncpg.Connection, p: Publicity, published_by: UUID
) -> None:  # the UNIQUE (tender_id, lot) is checked under the tender's lock first
    body = json.dumps(p.body, ensure_ascii=False)
    await conn.execute(
        INSERT_PUBLICITY, p.tender_id, p.lot, body, p.sha256, p.published_at, p.ends_at,
        published_by,
    )  # fmt: skip


# --- objections to the candidates ------------------------------------------------------

_OBJECTION = """id, tender_id, lot, organisation_id, text, filed_at, answer_due, answer,
    answered_at, upheld"""
INSERT_OBJECTION = f"""
INSERT INTO candidate_objections (tender_id, lot, organisation_id, filed_by, text,
    statement, signature, cert_sha256, filed_at, answer_due)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING {_OBJECTION}
"""  # noqa: S608 (a constant column list)
SELECT_OBJECTIONS = f"""
SELECT {_OBJECTION} FROM candidate_objections
WHERE tender_id = $1 AND ($2::uuid IS NULL OR organisation_id = $2)
ORDER BY filed_at, id
"""  # noqa: S608 (a constant column list)
SELECT_OBJECTION_STATEMENT = """
SELECT statement, signature, answer_statement, answer_signature FROM candidate_objections
WHERE tender_id = $1 AND id = $2
"""
ANSWER_OBJECTION = f"""
UPDATE candidate_objections SET answer = $3, answer_statement = $4, answer_signature = $5,
    answer_cert_sha256 = $6, answered_at = $7, answered_by = $8, upheld = $9
WHERE tender_id = $1 AND id = $2 AND answer IS NULL
RETURNING {_OBJECTION}
"""  # noqa: S608 (a constant column list)
OPEN_OBJECTIONS = """
SELECT count(*) FROM candidate_objections WHERE tender_id = $1 AND lot = $2 AND answer IS NULL
"""
OVERDUE_OBJECTIONS = f"""
SELECT {_OBJECTION} FROM candidate_objections
WHERE answer IS NULL AND answer_due < clock_timestamp() ORDER BY answer_due LIMIT $1
"""  # noqa: S608 (a constant column list)


def _objection(row: asyncpg.Record) -> CandidateObjection:
    return CandidateObjection(**dict(row))


async def insert_objection(conn: asyncpg.Connection, **values: Any) -> CandidateObjection:
    """Store a signed objection (its fields by name, in INSERT_OBJECTION's order)."""
    order = (
        "tender_id", "lot", "organisation_id", "filed_by", "text", "statement", "signature",
        "cert_sha256", "filed_at", "answer_due",
    )  # fmt: skip
    row = await conn.fetchrow(INSERT_OBJECTION, *(values[k] for k in order))
    assert row is not None
    return _objection(row)


async def objections(
    conn: asyncpg.Connection, tender_id: UUID, organisation_id: UUID | None = None
) -> list[CandidateObjection]:
    """The tender's objections to candidates (only ``organisation_id``'s if given)."""
    rows = await conn.fetch(SELECT_OBJECTIONS, tender_id, organisation_id)
    return [_objection(r) for r in rows]


async def objection_signatures(
    conn: asyncpg.Connection, tender_id: UUID, objection_id: UUID
) -> asyncpg.Record | None:
    """The signed bytes of an objection and of its answer (statement, signature, …)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        SELECT_OBJECTION_STATEMENT, tender_id, objection_id
    )
    return row


async def answer_objection(conn: asyncpg.Connection, **values: Any) -> CandidateObjection | None:
    """Write the answer once; None if it was answered already (or is unknown)."""
    order = (
        "tender_id", "objection_id", "answer", "statement", "signature", "cert_sha256",
        "at", "by", "upheld",
    )  # fmt: skip
    row = await conn.fetchrow(ANSWER_OBJECTION, *(values[k] for k in order))
    return None if row is None else _objection(row)


async def open_objections(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> int:
    """How many objections to the lot's candidates are unanswered."""
    count: int = await conn.fetchval(OPEN_OBJECTIONS, tender_id, lot)
    return count


async def overdue_objections(
    conn: asyncpg.Connection, limit: int = 500
) -> list[CandidateObjection]:
    """Unanswered objections past their answer time (database clock)."""
    return [_objection(r) for r in await conn.fetch(OVERDUE_OBJECTIONS, limit)]


# --- award decisions ---------------------------------------------------------------------

_DECISION = """id, tender_id, lot, step, kind, bid_id, bidder_id, rank, price_fen, reason,
    decided_at, current"""
SELECT_DECISIONS = f"""
SELECT {_DECISION} FROM award_decisions
WHERE tender_id = $1 AND ($2::text IS NULL OR lot = $2) ORDER BY lot::int, step
"""  # noqa: S608 (a constant column list)
INSERT_DECISION = f"""
INSERT INTO award_decisions (tender_id, lot, step, kind, bid_id, bidder_id, rank, price_fen,
    reason, decided_at, decided_by, current)
VALUES ($1, $2, (SELECT coalesce(max(step), 0) + 1 FROM award_decisions
                 WHERE tender_id = $1 AND lot = $2), $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING {_DECISION}
"""  # noqa: S608 (a constant column list)
CLEAR_CURRENT = "UPDATE award_decisions SET current = false WHERE id = $1 AND current"


def _decision(row: asyncpg.Record) -> AwardDecision:
    values = dict(row)
    values["kind"] = AwardKind(values["kind"])
    return AwardDecision(**values)


async def decisions(
    conn: asyncpg.Connection, tender_id: UUID, lot: str | None = None
) -> list[AwardDecision]:
    """The tender's award decisions (one lot's if given), by lot, in step order."""
    return [_decision(r) for r in await conn.fetch(SELECT_DECISIONS, tender_id, lot)]


async def current_award(
    conn: asyncpg.Connection, tender_id: UUID, lot: str
) -> AwardDecision | None:
    """The lot's current award (its winner now), if any."""
    return next((d for d in await decisions(conn, tender_id, lot) if d.current), None)


async def insert_decision(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    lot: str,
    kind: AwardKind,
    bid_id: UUID | None,
    bidder_id: UUID | None,
    rank: int | None,
    price_fen: int | None,
    reason: str,
    at: datetime,
    by: UUID,
) -> AwardDecision:
    """The lot's next step (current when it is an award)."""
    row = await conn.fetchrow(
        INSERT_DECISION, tender_id, lot, str(kind), bid_id, bidder_id, rank, price_fen, reason,
        at, by, kind is AwardKind.AWARD,
    )  # fmt: skip
    assert row is not None
    return _decision(row)


async def clear_current(conn: asyncpg.Connection, decision_id: UUID) -> None:
    """The award is no longer the lot's winner (its drop-out was recorded)."""
    await conn.execute(CLEAR_CURRENT, decision_id)
