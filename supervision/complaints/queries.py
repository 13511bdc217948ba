"""SQL of complaints (0078 ``complaints``, ``complaint_steps``) and what they rest on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from supervision.complaints.model import Complaint, Matter, Status, Step, StepRecord

# Reg. 60 "投标人或者其他利害关系人": on the platform a party of a tender is an
# organisation that downloaded its documents (tender_downloads) or bid (bids, whatever
# became of the bid). docs/api-complaints.md, "Who may complain".
SELECT_PARTY = """
SELECT EXISTS (SELECT FROM bids WHERE tender_id = $1 AND bidder_id = $2) AS bid,
       EXISTS (SELECT FROM tender_downloads WHERE tender_id = $1 AND organisation_id = $2)
           AS downloaded
"""


async def party(conn: asyncpg.Connection, tender_id: UUID, org_id: UUID) -> str | None:
    """How the organisation is a party of the tender (``bid``, ``downloaded``), or None."""
    row = await conn.fetchrow(SELECT_PARTY, tender_id, org_id)
    assert row is not None
    return "bid" if row["bid"] else "downloaded" if row["downloaded"] else None


# The complainant's own objection of the matter: filed, answered (or its answer due).
SELECT_OBJECTION = {
    Matter.DOCUMENTS: """
SELECT filed_at, answered_at, answer_due FROM tender_objections
WHERE id = $1 AND tender_id = $2 AND organisation_id = $3
""",
    Matter.OPENING: """
SELECT r.created_at AS filed_at, r.answered_at, NULL::timestamptz AS answer_due
FROM opening_responses r JOIN tender_lots l ON l.id = r.lot_id
WHERE r.id = $1 AND l.tender_id = $2 AND r.bidder_id = $3 AND r.kind = 'object'
""",
    Matter.CANDIDATES: """
SELECT filed_at, answered_at, answer_due FROM candidate_objections
WHERE id = $1 AND tender_id = $2 AND organisation_id = $3
""",
}


async def objection(
    conn: asyncpg.Connection, matter: Matter, objection_id: UUID, tender_id: UUID, org_id: UUID
) -> asyncpg.Record | None:
    """(filed_at, answered_at, answer_due) of the organisation's objection, or None."""
    row: asyncpg.Record | None = await conn.fetchrow(
        SELECT_OBJECTION[matter], objection_id, tender_id, org_id
    )
    return row


_COLUMNS = """
id, tender_id, department_id, complainant_id, respondent_id, matter, objection_id, known_on,
text, cert_sha256, filed_at, filing_due, late, status, decision, accepted_at, decided_at
"""

INSERT_COMPLAINT = f"""
INSERT INTO complaints (
    tender_id, department_id, complainant_id, respondent_id, matter, objection_id, known_on,
    text, statement, signature, cert_sha256, filed_by, filed_at, filing_due, late)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::timestamptz, $14::timestamptz,
        $13::timestamptz > $14::timestamptz)
ON CONFLICT (sha256(statement)) DO NOTHING
RETURNING {_COLUMNS}
"""  # noqa: S608 (a constant column list)


def _complaint(row: asyncpg.Record) -> Complaint:
    values = dict(row)
    values["matter"] = Matter(values["matter"])
    values["status"] = Status(values["status"])
    return Complaint(**values)


async def insert_complaint(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID,
    department_id: UUID,
    complainant_id: UUID,
    respondent_id: UUID | None,
    matter: Matter,
    objection_id: UUID | None,
    known_on: date,
    text: str,
    statement: bytes,
    signature: bytes,
    cert_sha256: str,
    filed_by: UUID,
    filed_at: datetime,
    filing_due: datetime,
) -> Complaint | None:
    row = await conn.fetchrow(
        INSERT_COMPLAINT, tender_id, department_id, complainant_id, respondent_id, str(matter),
        objection_id, known_on, text, statement, signature, cert_sha256, filed_by, filed_at,
        filing_due,
    )  # fmt: skip
    return None if row is None else _complaint(row)  # None: this statement filed already


SELECT_COMPLAINT = f"SELECT {_COLUMNS} FROM complaints WHERE id = $1"  # noqa: S608
LOCK_COMPLAINT = f"SELECT {_COLUMNS} FROM complaints WHERE id = $1 FOR UPDATE"  # noqa: S608


async def complaint(
    conn: asyncpg.Connection, complaint_id: UUID, *, lock: bool = False
) -> Complaint | None:
    row = await conn.fetchrow(LOCK_COMPLAINT if lock else SELECT_COMPLAINT, complaint_id)
    return None if row is None else _complaint(row)


SELECT_STATEMENT = "SELECT statement, signature FROM complaints WHERE id = $1"


async def signed(conn: asyncpg.Connection, complaint_id: UUID) -> asyncpg.Record | None:
    """The complaint's signed statement and signature."""
    row: asyncpg.Record | None = await conn.fetchrow(SELECT_STATEMENT, complaint_id)
    return row


SELECT_COMPLAINTS = f"""
SELECT {_COLUMNS} FROM complaints
WHERE ($1::uuid IS NULL OR tender_id = $1)
  AND ($2::uuid IS NULL OR complainant_id = $2)
  AND ($3::uuid[] IS NULL OR department_id = ANY($3::uuid[]))
  AND ($4::text IS NULL OR status = $4)
ORDER BY filed_at DESC, id LIMIT 500
"""  # noqa: S608 (a constant column list)


async def complaints(
    conn: asyncpg.Connection,
    *,
    tender_id: UUID | None = None,
    complainant_id: UUID | None = None,
    departments: list[UUID] | None = None,
    status: str | None = None,
) -> list[Complaint]:
    """Complaints by tender, complainant, departments and status, newest first."""
    rows = await conn.fetch(SELECT_COMPLAINTS, tender_id, complainant_id, departments, status)
    return [_complaint(row) for row in rows]


SELECT_OPEN = f"""
SELECT {_COLUMNS} FROM complaints WHERE status IN ('filed', 'accepted') ORDER BY filed_at, id
"""  # noqa: S608 (a constant column list)


async def open_complaints(conn: asyncpg.Connection) -> list[Complaint]:
    """Every complaint the department still owes a step (the alerts job's)."""
    return [_complaint(row) for row in await conn.fetch(SELECT_OPEN)]


MOVE_COMPLAINT = f"""
UPDATE complaints SET status = $2::text, decision = $3::text,
    decided_at = CASE WHEN $3::text IS NULL THEN NULL ELSE $4::timestamptz END,
    accepted_at = CASE WHEN $2::text = 'accepted' THEN $4::timestamptz ELSE accepted_at END
WHERE id = $1 AND status = $5::text
RETURNING {_COLUMNS}
"""  # noqa: S608 (a constant column list)


async def move(
    conn: asyncpg.Connection,
    complaint_id: UUID,
    *,
    status: Status,
    decision: str | None,
    at: datetime,
    was: Status,
) -> Complaint | None:
    """Move the complaint from ``was`` to ``status``; None if it was no longer ``was``."""
    row = await conn.fetchrow(MOVE_COMPLAINT, complaint_id, str(status), decision, at, str(was))
    return None if row is None else _complaint(row)


_STEP_COLUMNS = """
id, complaint_id, seq, step, text, cert_sha256, at, due, late, late_reason, suspension_id
"""

INSERT_STEP = f"""
INSERT INTO complaint_steps (
    complaint_id, seq, step, text, statement, signature, cert_sha256, by_user, at, due, late,
    late_reason, suspension_id)
VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM complaint_steps WHERE complaint_id = $1),
        $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING {_STEP_COLUMNS}
"""  # noqa: S608 (a constant column list)


def _step(row: asyncpg.Record) -> StepRecord:
    values = dict(row)
    values["step"] = Step(values["step"])
    return StepRecord(**values)


async def insert_step(conn: asyncpg.Connection, complaint_id: UUID, **values: Any) -> StepRecord:
    """Append a signed step (the caller holds the complaint's row lock)."""
    row = await conn.fetchrow(
        INSERT_STEP, complaint_id, str(values["step"]), values["text"], values["statement"],
        values["signature"], values["cert_sha256"], values["by"], values["at"], values["due"],
        values["late"], values["late_reason"], values["suspension_id"],
    )  # fmt: skip
    assert row is not None  # RETURNING of an INSERT
    return _step(row)


SELECT_STEPS = f"""
SELECT {_STEP_COLUMNS} FROM complaint_steps WHERE complaint_id = $1 ORDER BY seq
"""  # noqa: S608 (a constant column list)


async def steps(conn: asyncpg.Connection, complaint_id: UUID) -> list[StepRecord]:
    return [_step(row) for row in await conn.fetch(SELECT_STEPS, complaint_id)]


SELECT_STEP_SIGNED = """
SELECT statement, signature FROM complaint_steps WHERE complaint_id = $1 AND seq = $2
"""


async def step_signed(
    conn: asyncpg.Connection, complaint_id: UUID, seq: int
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(SELECT_STEP_SIGNED, complaint_id, seq)
    return row


# --- the salt of a complaint's statement commitments (0137) ----------------------------

INSERT_SALT = """
INSERT INTO complaint_salts (complaint_id, salt, salted_from) VALUES ($1, $2, $3)
ON CONFLICT (complaint_id) DO NOTHING
"""
SELECT_SALT = "SELECT salt FROM complaint_salts WHERE complaint_id = $1"


async def salt(conn: asyncpg.Connection, complaint_id: UUID, new: bytes, seq: int) -> bytes:
    """The complaint's salt; ``new`` becomes it, from statement ``seq`` on, if it has none
    (a complaint filed before 0137). The caller holds the complaint's row lock."""
    await conn.execute(INSERT_SALT, complaint_id, new, seq)
    found = await conn.fetchval(SELECT_SALT, complaint_id)
    assert found is not None  # inserted or there
    return bytes(found)


async def salt_of(conn: asyncpg.Connection, complaint_id: UUID) -> bytes | None:
    found = await conn.fetchval(SELECT_SALT, complaint_id)
    return None if found is None else bytes(found)


# Complaints with statements logged as commitments and not yet revealed, of tenders whose
# deadline has passed at ``$1`` (docs/api-complaints.md, "Log entries").
SELECT_REVEAL_DUE = """
SELECT s.complaint_id, c.tender_id FROM complaint_salts s
JOIN complaints c ON c.id = s.complaint_id JOIN tenders t ON t.id = c.tender_id
WHERE t.deadline <= $1 AND coalesce(s.revealed_through, s.salted_from - 1)
    < coalesce((SELECT max(seq) FROM complaint_steps WHERE complaint_id = s.complaint_id), 0)
ORDER BY c.filed_at, s.complaint_id
"""


async def reveal_due(conn: asyncpg.Connection, now: datetime) -> list[tuple[UUID, UUID]]:
    """(complaint id, tender id) of every complaint whose statements are due a reveal."""
    return [(r["complaint_id"], r["tender_id"]) for r in await conn.fetch(SELECT_REVEAL_DUE, now)]


SELECT_UNREVEALED = """
SELECT s.salt, n.seq, sha256(n.statement) AS sha256
FROM complaint_salts s
JOIN (SELECT 0 AS seq, statement FROM complaints WHERE id = $1
      UNION ALL SELECT seq, statement FROM complaint_steps WHERE complaint_id = $1) n
  ON n.seq >= coalesce(s.revealed_through + 1, s.salted_from)
WHERE s.complaint_id = $1
ORDER BY n.seq
"""


async def unrevealed(
    conn: asyncpg.Connection, complaint_id: UUID
) -> tuple[bytes, list[tuple[int, str]]] | None:
    """The salt and (seq, statement SHA-256 hex) of the statements not yet revealed, or
    None if there are none (the caller holds the tender's row lock, as every step does)."""
    rows = await conn.fetch(SELECT_UNREVEALED, complaint_id)
    if not rows:
        return None
    return bytes(rows[0]["salt"]), [(r["seq"], bytes(r["sha256"]).hex()) for r in rows]


async def mark_revealed(conn: asyncpg.Connection, complaint_id: UUID, through: int) -> None:
    await conn.execute(
        "UPDATE complaint_salts SET revealed_through = $2 WHERE complaint_id = $1",
        complaint_id, through,
    )  # fmt: skip
