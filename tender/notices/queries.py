"""SQL of clarifications, the notifications they send, and objections."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from tender.notices.model import Clarification, ClarificationKind, Notification, Objection

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
