"""SQL of contracts, their changes and performance records (0074), and what they start
from: the lot's current award (0071 ``award_decisions``) and the winning bid's opened
opening-form fields (0035 ``opening_results``)."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.contracts.errors import ContractDocumentExists, ContractExists
from tender.contracts.model import (
    ChangeInput,
    Contract,
    ContractChange,
    ContractInput,
    PerformanceInput,
    PerformanceKind,
    PerformanceRecord,
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CurrentAward:
    """The lot's current award (0071): what a contract starts from."""

    id: UUID
    tender_id: UUID
    lot: str
    bid_id: UUID
    bidder_id: UUID
    price_fen: int | None
    decided_at: datetime


_AWARD = "id, tender_id, lot, bid_id, bidder_id, price_fen, decided_at"

SELECT_CURRENT_AWARD = f"""
SELECT {_AWARD} FROM award_decisions
WHERE tender_id = $1 AND lot = $2 AND current AND kind = 'award'
"""  # noqa: S608 (a constant column list)


async def current_award(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> CurrentAward | None:
    """The lot's current award, if any (the award work's table, read by name)."""
    row = await conn.fetchrow(SELECT_CURRENT_AWARD, tender_id, lot)
    return None if row is None else CurrentAward(**dict(row))


UNCONTRACTED_AWARDS = f"""
SELECT {_AWARD} FROM award_decisions a
WHERE a.current AND a.kind = 'award' AND ($1::uuid IS NULL OR a.tender_id = $1)
  AND NOT EXISTS (SELECT FROM tender_contracts c WHERE c.award_id = a.id)
ORDER BY a.decided_at, a.id
LIMIT $2
"""  # noqa: S608 (a constant column list)


async def uncontracted_awards(
    conn: asyncpg.Connection, tender_id: UUID | None = None, limit: int = 500
) -> list[CurrentAward]:
    """Current awards without a contract: one tender's, or every tender's (the alerts job)."""
    rows = await conn.fetch(UNCONTRACTED_AWARDS, tender_id, limit)
    return [CurrentAward(**dict(row)) for row in rows]


SELECT_OPENED_FIELDS = """
SELECT part, fields::text AS fields FROM opening_results
WHERE bid_id = $1 AND outcome = 'opened'
"""


async def opened_fields(conn: asyncpg.Connection, bid_id: UUID) -> dict[str, dict[str, Any]]:
    """The bid's opening-form fields per opened part (what the opening record shows)."""
    rows = await conn.fetch(SELECT_OPENED_FIELDS, bid_id)
    return {row["part"]: json.loads(row["fields"]) for row in rows}


_CONTRACT = """
    id, tender_id, lot, award_id, bid_id, supplier_id, price_fen, duration_days, quality,
    project_manager, scope, document_sha256, signed_on, deadline, late, late_reason,
    recorded_at
"""

INSERT_CONTRACT = f"""
INSERT INTO tender_contracts (tender_id, lot, award_id, bid_id, supplier_id, price_fen,
    duration_days, quality, project_manager, scope, document_sha256, signed_on, deadline,
    late, late_reason, recorded_by, recorded_at, log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
RETURNING {_CONTRACT}
"""  # noqa: S608 (a constant column list)


async def insert_contract(
    conn: asyncpg.Connection,
    *,
    award: CurrentAward,
    terms: ContractInput,
    deadline: datetime,
    late: bool,
    by: UUID,
    at: datetime,
    log_index: int,
) -> Contract:
    """Record a lot's contract; a second one of the lot is refused."""
    try:
        row = await conn.fetchrow(
            INSERT_CONTRACT,
            award.tender_id, award.lot, award.id, award.bid_id, award.bidder_id,
            terms.price_fen, terms.duration_days, terms.quality, terms.project_manager,
            terms.scope, terms.document_sha256, terms.signed_on, deadline, late,
            terms.late_reason if late else None, by, at, log_index,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise ContractExists(f"lot {award.lot}'s contract is recorded already") from None
    assert row is not None  # RETURNING of an INSERT
    return Contract(**dict(row))


SELECT_CONTRACTS = f"""
SELECT {_CONTRACT} FROM tender_contracts
WHERE tender_id = $1 AND ($2::text IS NULL OR lot = $2)
ORDER BY lot::int
"""  # noqa: S608 (a constant column list)


async def contracts(
    conn: asyncpg.Connection, tender_id: UUID, lot: str | None = None
) -> list[Contract]:
    """A tender's contracts by lot (or one lot's)."""
    return [Contract(**dict(row)) for row in await conn.fetch(SELECT_CONTRACTS, tender_id, lot)]


INSERT_CHANGE = """
INSERT INTO tender_contract_changes (contract_id, tender_id, what, description, reason,
    effective_on, recorded_by, recorded_at, log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id
"""


async def insert_change(
    conn: asyncpg.Connection,
    contract: Contract,
    change: ChangeInput,
    *,
    by: UUID,
    at: datetime,
    log_index: int,
) -> UUID:
    """Record a change to a contract."""
    change_id: UUID = await conn.fetchval(
        INSERT_CHANGE, contract.id, contract.tender_id, change.what, change.description,
        change.reason, change.effective_on, by, at, log_index,
    )  # fmt: skip
    return change_id


SELECT_CHANGES = """
SELECT h.id, h.contract_id, h.tender_id, c.lot, h.what, h.description, h.reason,
    h.effective_on, h.recorded_at
FROM tender_contract_changes h JOIN tender_contracts c ON c.id = h.contract_id
WHERE h.tender_id = $1
ORDER BY h.recorded_at, h.id
"""


async def changes(conn: asyncpg.Connection, tender_id: UUID) -> list[ContractChange]:
    """A tender's contract changes, oldest first."""
    return [ContractChange(**dict(row)) for row in await conn.fetch(SELECT_CHANGES, tender_id)]


INSERT_PERFORMANCE = """
INSERT INTO tender_performance (contract_id, tender_id, kind, title, description, amount_fen,
    occurred_on, recorded_by, recorded_at, log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING id
"""


async def insert_performance(
    conn: asyncpg.Connection,
    contract: Contract,
    record: PerformanceInput,
    *,
    by: UUID,
    at: datetime,
    log_index: int,
) -> UUID:
    """Record a performance record of a contract."""
    record_id: UUID = await conn.fetchval(
        INSERT_PERFORMANCE, contract.id, contract.tender_id, str(record.kind), record.title,
        record.description, record.amount_fen, record.occurred_on, by, at, log_index,
    )  # fmt: skip
    return record_id


SELECT_PERFORMANCE = """
SELECT p.id, p.contract_id, p.tender_id, c.lot, p.kind, p.title, p.description,
    p.amount_fen, p.occurred_on, p.recorded_at
FROM tender_performance p JOIN tender_contracts c ON c.id = p.contract_id
WHERE p.tender_id = $1
ORDER BY p.occurred_on, p.recorded_at, p.id
"""


async def performance(conn: asyncpg.Connection, tender_id: UUID) -> list[PerformanceRecord]:
    """A tender's performance records by date."""
    rows = await conn.fetch(SELECT_PERFORMANCE, tender_id)
    return [
        PerformanceRecord(**{**dict(row), "kind": PerformanceKind(row["kind"])}) for row in rows
    ]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ContractDocument:
    """The signed contract document's blob (0074 ``tender_contract_documents``)."""

    contract_id: UUID
    lot: str
    sha256: str
    size: int
    media_type: str
    uploaded_at: datetime


INSERT_DOCUMENT = """
INSERT INTO tender_contract_documents (contract_id, tender_id, sha256, size, media_type,
    uploaded_by, uploaded_at, log_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""


async def insert_document(
    conn: asyncpg.Connection,
    contract: Contract,
    *,
    size: int,
    media_type: str,
    by: UUID,
    at: datetime,
    log_index: int,
) -> None:
    """Record the contract's document (once: a second is refused)."""
    try:
        await conn.execute(
            INSERT_DOCUMENT, contract.id, contract.tender_id, contract.document_sha256, size,
            media_type, by, at, log_index,
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        raise ContractDocumentExists("the contract's document is uploaded already") from None


SELECT_DOCUMENT = """
SELECT d.contract_id, c.lot, d.sha256, d.size, d.media_type, d.uploaded_at
FROM tender_contract_documents d JOIN tender_contracts c ON c.id = d.contract_id
WHERE d.contract_id = $1
"""


async def document(conn: asyncpg.Connection, contract_id: UUID) -> ContractDocument | None:
    """The contract's uploaded document, if any."""
    row = await conn.fetchrow(SELECT_DOCUMENT, contract_id)
    return None if row is None else ContractDocument(**dict(row))
