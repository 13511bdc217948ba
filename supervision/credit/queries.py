"""SQL of the credit tables (0079): violations, sanctions, list entries, appeals, facts.

The projects a party won and performed are read from the results and contracts tables
of tender/ (0071, 0074); upheld complaints from ``complaints`` once it exists (issue 14,
item 4 builds it: CONTRACTS.md names its columns).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from supervision.credit.model import (
    Appeal,
    AppealDecision,
    AppealState,
    FindingSource,
    ListEntry,
    ListKind,
    Sanction,
    SanctionKind,
    Violation,
)


async def _returned(conn: asyncpg.Connection, sql: str, *values: object) -> asyncpg.Record:
    """The row an INSERT … RETURNING or UPDATE … RETURNING of one row gave back."""
    row = await conn.fetchrow(sql, *values)
    assert row is not None  # the statement returns its row (constraints raise instead)
    return row


# --- violations and sanctions ----------------------------------------------------------

_VIOLATION = """id, organisation_id, kind, description, finding_source, finding_ref, tender_id,
found_at, department_id, recorded_at"""
INSERT_VIOLATION = f"""
INSERT INTO violations (organisation_id, kind, description, finding_source, finding_ref,
    tender_id, found_at, department_id, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING {_VIOLATION}
"""  # noqa: S608 (a constant column list)
SELECT_VIOLATION = f"SELECT {_VIOLATION} FROM violations WHERE id = $1"  # noqa: S608
SELECT_VIOLATIONS_OF = f"""
SELECT {_VIOLATION} FROM violations WHERE organisation_id = $1 ORDER BY found_at DESC, id
"""  # noqa: S608


def _violation(row: asyncpg.Record) -> Violation:
    return Violation(
        id=row["id"],
        organisation_id=row["organisation_id"],
        kind=row["kind"],
        description=row["description"],
        finding_source=FindingSource(row["finding_source"]),
        finding_ref=row["finding_ref"],
        tender_id=row["tender_id"],
        found_at=row["found_at"],
        department_id=row["department_id"],
        recorded_at=row["recorded_at"],
    )


async def insert_violation(conn: asyncpg.Connection, *values: object) -> Violation:
    return _violation(await _returned(conn, INSERT_VIOLATION, *values))


async def violation(conn: asyncpg.Connection, violation_id: UUID) -> Violation | None:
    row = await conn.fetchrow(SELECT_VIOLATION, violation_id)
    return _violation(row) if row else None


async def violations_of(conn: asyncpg.Connection, organisation_id: UUID) -> list[Violation]:
    return [_violation(r) for r in await conn.fetch(SELECT_VIOLATIONS_OF, organisation_id)]


_SANCTION = """s.id, s.violation_id, s.kind, s.detail, s.amount_fen, s.starts_at, s.ends_at,
s.department_id, s.decided_at"""
INSERT_SANCTION = f"""
INSERT INTO sanctions AS s (violation_id, kind, detail, amount_fen, starts_at, ends_at,
    department_id, decided_by, decided_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING {_SANCTION}
"""  # noqa: S608
SELECT_SANCTIONS_OF = f"""
SELECT {_SANCTION} FROM sanctions s JOIN violations v ON v.id = s.violation_id
WHERE v.organisation_id = $1 ORDER BY s.decided_at DESC, s.id
"""  # noqa: S608


def _sanction(row: asyncpg.Record) -> Sanction:
    return Sanction(
        id=row["id"],
        violation_id=row["violation_id"],
        kind=SanctionKind(row["kind"]),
        detail=row["detail"],
        amount_fen=row["amount_fen"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        department_id=row["department_id"],
        decided_at=row["decided_at"],
    )


async def insert_sanction(conn: asyncpg.Connection, *values: object) -> Sanction:
    return _sanction(await _returned(conn, INSERT_SANCTION, *values))


async def sanctions_of(conn: asyncpg.Connection, organisation_id: UUID) -> list[Sanction]:
    return [_sanction(r) for r in await conn.fetch(SELECT_SANCTIONS_OF, organisation_id)]


# --- list entries ------------------------------------------------------------------------

_ENTRY = """e.id, e.organisation_id, e.credit_code, o.name AS party_name, e.list, e.source,
e.violation_id, e.basis, e.basis_ref, e.starts_at, e.ends_at, e.department_id, e.entered_at,
e.appeal_state, e.revoked_at"""
_FROM = "FROM credit_list_entries e LEFT JOIN organisations o ON o.id = e.organisation_id"
INSERT_ENTRY = """
INSERT INTO credit_list_entries (organisation_id, credit_code, list, source, violation_id,
    basis, basis_ref, starts_at, ends_at, department_id, entered_by, entered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id
"""
SELECT_ENTRY = f"SELECT {_ENTRY} {_FROM} WHERE e.id = $1"
# A party's entries: by its id, or by its credit code (an authority's list may have named
# it before it registered).
SELECT_ENTRIES_OF = f"""
SELECT {_ENTRY} {_FROM}
WHERE e.organisation_id = $1
   OR e.credit_code = (SELECT credit_code FROM organisations WHERE id = $1)
ORDER BY e.starts_at DESC, e.id
"""  # noqa: S608
SELECT_ENTRIES_BY_CODE = f"""
SELECT {_ENTRY} {_FROM} WHERE e.credit_code = $1 ORDER BY e.starts_at DESC, e.id
"""
# Every entry in force at $1 (published: the red and black lists are public).
SELECT_RUNNING = f"""
SELECT {_ENTRY} {_FROM}
WHERE e.revoked_at IS NULL AND e.starts_at <= $1 AND $1 < e.ends_at
ORDER BY e.list, e.starts_at DESC, e.id
"""
SELECT_ALL_ENTRIES = f"""
SELECT {_ENTRY} {_FROM} ORDER BY e.entered_at DESC, e.id LIMIT $1
"""
SET_APPEAL_STATE = """
UPDATE credit_list_entries SET appeal_state = $2,
    revoked_at = CASE WHEN $2 = 'upheld' THEN $3::timestamptz END
WHERE id = $1
"""


def _entry(row: asyncpg.Record) -> ListEntry:
    return ListEntry(
        id=row["id"],
        organisation_id=row["organisation_id"],
        credit_code=row["credit_code"],
        party_name=row["party_name"],
        list=ListKind(row["list"]),
        source=FindingSource(row["source"]),
        violation_id=row["violation_id"],
        basis=row["basis"],
        basis_ref=row["basis_ref"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        department_id=row["department_id"],
        entered_at=row["entered_at"],
        appeal_state=AppealState(row["appeal_state"]),
        revoked_at=row["revoked_at"],
    )


async def insert_entry(conn: asyncpg.Connection, *values: object) -> UUID:
    found: UUID = await conn.fetchval(INSERT_ENTRY, *values)
    return found


async def entry(conn: asyncpg.Connection, entry_id: UUID) -> ListEntry | None:
    row = await conn.fetchrow(SELECT_ENTRY, entry_id)
    return _entry(row) if row else None


async def entries_of(conn: asyncpg.Connection, organisation_id: UUID) -> list[ListEntry]:
    return [_entry(r) for r in await conn.fetch(SELECT_ENTRIES_OF, organisation_id)]


async def entries_by_code(conn: asyncpg.Connection, credit_code: str) -> list[ListEntry]:
    return [_entry(r) for r in await conn.fetch(SELECT_ENTRIES_BY_CODE, credit_code)]


async def running(conn: asyncpg.Connection, now: datetime) -> list[ListEntry]:
    return [_entry(r) for r in await conn.fetch(SELECT_RUNNING, now)]


async def all_entries(conn: asyncpg.Connection, limit: int) -> list[ListEntry]:
    return [_entry(r) for r in await conn.fetch(SELECT_ALL_ENTRIES, limit)]


async def set_appeal_state(
    conn: asyncpg.Connection, entry_id: UUID, state: AppealState, at: datetime
) -> None:
    await conn.execute(SET_APPEAL_STATE, entry_id, str(state), at)


# --- appeals -----------------------------------------------------------------------------

_APPEAL = "id, entry_id, organisation_id, grounds, filed_at, decision, reasons, decided_at"
INSERT_APPEAL = f"""
INSERT INTO credit_appeals (entry_id, organisation_id, grounds, filed_by, filed_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING {_APPEAL}
"""  # noqa: S608
SELECT_APPEAL = f"SELECT {_APPEAL} FROM credit_appeals WHERE id = $1 FOR UPDATE"  # noqa: S608
SELECT_APPEALS_OF_ENTRY = f"""
SELECT {_APPEAL} FROM credit_appeals WHERE entry_id = $1 ORDER BY filed_at, id
"""  # noqa: S608
SELECT_PENDING_APPEALS = f"""
SELECT {_APPEAL} FROM credit_appeals WHERE decision IS NULL ORDER BY filed_at, id
"""  # noqa: S608
DECIDE_APPEAL = f"""
UPDATE credit_appeals SET decision = $2, reasons = $3, decided_by = $4, decided_at = $5
WHERE id = $1 RETURNING {_APPEAL}
"""  # noqa: S608
# Counts a refusal; ``first`` says whether it is the day's first (the one logged).
COUNT_REFUSAL = """
INSERT INTO credit_refusals (entry_id, action, actor_id, day, last_at)
VALUES ($1, $2, $3, ($4::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, $4)
ON CONFLICT ON CONSTRAINT credit_refusals_one_per_day
DO UPDATE SET attempts = credit_refusals.attempts + 1, last_at = EXCLUDED.last_at
RETURNING attempts = 1 AS first
"""
LOCK_ENTRY = "SELECT id FROM credit_list_entries WHERE id = $1 FOR UPDATE"


def _appeal(row: asyncpg.Record) -> Appeal:
    decision = row["decision"]
    return Appeal(
        id=row["id"],
        entry_id=row["entry_id"],
        organisation_id=row["organisation_id"],
        grounds=row["grounds"],
        filed_at=row["filed_at"],
        decision=AppealDecision(decision) if decision else None,
        reasons=row["reasons"],
        decided_at=row["decided_at"],
    )


async def insert_appeal(conn: asyncpg.Connection, *values: object) -> Appeal:
    return _appeal(await _returned(conn, INSERT_APPEAL, *values))


async def appeal(conn: asyncpg.Connection, appeal_id: UUID) -> Appeal | None:
    row = await conn.fetchrow(SELECT_APPEAL, appeal_id)
    return _appeal(row) if row else None


async def appeals_of_entry(conn: asyncpg.Connection, entry_id: UUID) -> list[Appeal]:
    return [_appeal(r) for r in await conn.fetch(SELECT_APPEALS_OF_ENTRY, entry_id)]


async def pending_appeals(conn: asyncpg.Connection) -> list[Appeal]:
    return [_appeal(r) for r in await conn.fetch(SELECT_PENDING_APPEALS)]


async def decide_appeal(conn: asyncpg.Connection, *values: object) -> Appeal:
    return _appeal(await _returned(conn, DECIDE_APPEAL, *values))


async def lock_entry(conn: asyncpg.Connection, entry_id: UUID) -> bool:
    return await conn.fetchval(LOCK_ENTRY, entry_id) is not None


# --- counted facts (the formula's inputs) -------------------------------------------------

COUNT_FACTS = """
SELECT
  (SELECT count(*) FROM violations WHERE organisation_id = $1 AND found_at > $2) AS violations,
  (SELECT count(*) FROM sanctions s JOIN violations v ON v.id = s.violation_id
    WHERE v.organisation_id = $1 AND s.decided_at > $2) AS sanctions,
  (SELECT count(*) FROM credit_list_entries e WHERE e.organisation_id = $1 AND e.list = $4
    AND e.revoked_at IS NULL AND e.starts_at <= $3 AND $3 < e.ends_at) AS red_entries,
  (SELECT count(*) FROM credit_list_entries e WHERE e.organisation_id = $1 AND e.list = $5
    AND e.revoked_at IS NULL AND e.starts_at <= $3 AND $3 < e.ends_at) AS black_entries,
  (SELECT count(*) FROM award_decisions WHERE bidder_id = $1 AND current
    AND decided_at > $2) AS projects_won,
  (SELECT count(DISTINCT c.id) FROM tender_contracts c JOIN tender_performance p
    ON p.contract_id = c.id AND p.kind = 'acceptance'
    WHERE c.supplier_id = $1 AND p.recorded_at > $2) AS projects_performed
"""
# Complaints upheld against the party (supervision/complaints, 0078): the respondent
# is the tender's agency for the matters of Reg. 22, 44 and 54.
COUNT_COMPLAINTS_UPHELD = """
SELECT count(*) FROM complaints
WHERE respondent_id = $1 AND decision = 'upheld' AND decided_at > $2
"""


async def count_facts(
    conn: asyncpg.Connection, organisation_id: UUID, since: datetime, now: datetime
) -> dict[str, int]:
    row = await _returned(conn, COUNT_FACTS, organisation_id, since, now, "red", "black")
    facts = {key: int(row[key]) for key in row.keys()}  # noqa: SIM118 (a Record)
    facts["complaints_upheld"] = int(
        await conn.fetchval(COUNT_COMPLAINTS_UPHELD, organisation_id, since)
    )
    return facts


async def count_refusal(
    conn: asyncpg.Connection, entry_id: UUID, action: str, actor_id: UUID | None, at: datetime
) -> bool:
    """Count a refusal of the entry's party; True for the first of its Beijing day."""
    first: bool = await conn.fetchval(COUNT_REFUSAL, entry_id, action, actor_id, at)
    return first
