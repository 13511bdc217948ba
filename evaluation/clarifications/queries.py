"""All SQL of the clarifications to bidders (0060, ``evaluation_clarifications``)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from evaluation.clarifications.model import Clarification

COLUMNS = """
id, session_id, bid_id, bidder, question, question_sha256, asked_seat, asked_at, answer,
answer_signature, signer_cert_sha256, answered_by, answered_at, refusal, refused_seat,
refused_at
"""


def _clarification(row: asyncpg.Record) -> Clarification:
    values = dict(row)
    signature = values.pop("answer_signature")
    return Clarification(**values, answer_signature=None if signature is None else bytes(signature))


INSERT = f"""
INSERT INTO evaluation_clarifications
    (id, session_id, bid_id, bidder, question, question_sha256, asked_seat, asked_at,
     asked_log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING {COLUMNS}
"""  # noqa: S608 (a constant column list)


async def insert(conn: asyncpg.Connection, asked: Clarification, log_index: int) -> Clarification:
    """Store a question."""
    c = asked
    row = await conn.fetchrow(
        INSERT, c.id, c.session_id, c.bid_id, c.bidder, c.question, c.question_sha256,
        c.asked_seat, c.asked_at, log_index,
    )  # fmt: skip
    assert row is not None
    return _clarification(row)


SELECT_ONE = f"""
SELECT {COLUMNS} FROM evaluation_clarifications WHERE session_id = $1 AND id = $2
"""  # noqa: S608 (a constant column list)


async def clarification(
    conn: asyncpg.Connection, session_id: UUID, clarification_id: UUID, *, lock: bool = False
) -> Clarification | None:
    """One clarification of a session (``lock``: its row lock, to the transaction's end)."""
    query = SELECT_ONE + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(query, session_id, clarification_id)
    return None if row is None else _clarification(row)


SELECT_SESSION = f"""
SELECT {COLUMNS} FROM evaluation_clarifications WHERE session_id = $1
ORDER BY asked_at, id
"""  # noqa: S608 (a constant column list)


async def of_session(conn: asyncpg.Connection, session_id: UUID) -> list[Clarification]:
    """Every clarification of a session, oldest first."""
    return [_clarification(r) for r in await conn.fetch(SELECT_SESSION, session_id)]


ANSWER = f"""
UPDATE evaluation_clarifications SET answer = $3, answer_signature = $4,
    signer_cert_sha256 = $5, answered_by = $6, answered_at = $7, answered_log_index = $8
WHERE session_id = $1 AND id = $2 AND answer IS NULL
RETURNING {COLUMNS}
"""  # noqa: S608 (a constant column list)


async def record_answer(
    conn: asyncpg.Connection,
    found: Clarification,
    *,
    answer: str,
    signature: bytes,
    signer_cert_sha256: str,
    answered_by: UUID,
    at: datetime,
    log_index: int,
) -> Clarification | None:
    """Store the one answer (None: answered meanwhile; the caller holds the row lock)."""
    row = await conn.fetchrow(
        ANSWER, found.session_id, found.id, answer, signature, signer_cert_sha256,
        answered_by, at, log_index,
    )  # fmt: skip
    return None if row is None else _clarification(row)


REFUSE = f"""
UPDATE evaluation_clarifications SET refusal = $3, refused_seat = $4, refused_at = $5,
    refused_log_index = $6
WHERE session_id = $1 AND id = $2 AND answer IS NOT NULL AND refusal IS NULL
RETURNING {COLUMNS}
"""  # noqa: S608 (a constant column list)


async def record_refusal(
    conn: asyncpg.Connection,
    found: Clarification,
    *,
    reason: str,
    seat: int,
    at: datetime,
    log_index: int,
) -> Clarification | None:
    """Store the chair's refusal of an answer (None: not answered, or refused before)."""
    row = await conn.fetchrow(REFUSE, found.session_id, found.id, reason, seat, at, log_index)
    return None if row is None else _clarification(row)
