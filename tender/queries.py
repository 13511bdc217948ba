"""SQL of tenders, lots and transaction codes.

Each statement is a named constant beside the function that runs it; rows leave as
domain objects and database errors as domain errors. Documents and bonds have their
own query modules (documents/queries.py, bonds/queries.py; the opening committees
committee/queries.py). The database clock decides
every deadline (DESIGN.md, "Time"): :func:`database_now` reads ``clock_timestamp()``,
so inside a transaction that holds the tender's row lock it is the time at the lock.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.codec import evaluation_from_json, evaluation_to_json, fields_from_json, fields_to_json
from tender.errors import PublishedThroughMethod, TenderNotDraft
from tender.model import (
    Category,
    Lot,
    OpeningField,
    OpeningPolicy,
    Procedure,
    Schedule,
    Sealing,
    SigningKeys,
    Tender,
    TenderDraft,
    TenderStatus,
)

DATABASE_NOW = "SELECT clock_timestamp()"


async def database_now(conn: asyncpg.Connection) -> datetime:
    """The database clock at this very moment (not the transaction's start)."""
    now: datetime = await conn.fetchval(DATABASE_NOW)
    return now


# --- tenders ------------------------------------------------------------------------

_TENDER_COLUMNS = """
    t.id, t.code, t.status, t.agency_id, t.tenderer_id, t.department_id, t.created_by,
    t.title, t.description, t.category, t.procedure, t.envelopes, t.consortia_allowed,
    t.opening_policy, t.invitation_approval, t.documents_from, t.documents_until,
    t.clarification_cutoff, t.deadline, t.decryption_minutes, t.opening_fields::text,
    t.policies::text, t.signing_keys, t.sealing, t.created_at, t.updated_at, t.published_at,
    t.result_published_at, t.centre_id,
    (SELECT o.parent_id FROM organisations o WHERE o.id = t.centre_id) AS centre_parent_id,
    coalesce((SELECT json_agg(json_build_object(
        'id', l.id, 'number', l.number, 'title', l.title,
        'estimated_price_fen', l.estimated_price_fen, 'price_ceiling_fen', l.price_ceiling_fen,
        'bond_fen', l.bond_fen, 'evaluation', l.evaluation) ORDER BY l.number::int)
      FROM tender_lots l WHERE l.tender_id = t.id), '[]')::text AS lots
"""


def _lot(item: dict[str, Any]) -> Lot:
    return Lot(
        number=item["number"],
        title=item["title"],
        estimated_price_fen=item["estimated_price_fen"],
        price_ceiling_fen=item["price_ceiling_fen"],
        bond_fen=item["bond_fen"],
        evaluation=evaluation_from_json(item["evaluation"]),
    )


# Rebuilding a tender's lots (evaluation methods, every text checked) and opening fields
# from their stored JSON was 80 % of a list read's time (GET /api/v1/tenders/mine, 50
# tenders: issue 17, item 5). It is a pure function of the text and its results are
# frozen, so each process keeps the recent ones, keyed by the exact text.
@functools.lru_cache(maxsize=4096)
def _decoded_lots(text: str) -> tuple[tuple[Lot, ...], tuple[tuple[str, UUID], ...]]:
    lots = json.loads(text)
    decoded = tuple(_lot(item) for item in lots)
    return decoded, tuple((item["number"], UUID(item["id"])) for item in lots)


@functools.lru_cache(maxsize=1024)
def _decoded_fields(text: str) -> tuple[OpeningField, ...]:
    return fields_from_json(json.loads(text))


def _tender(row: asyncpg.Record) -> Tender:
    lots, lot_ids = _decoded_lots(row["lots"])
    content = TenderDraft(
        title=row["title"],
        description=row["description"],
        category=Category(row["category"]),
        procedure=Procedure(row["procedure"]),
        envelopes=row["envelopes"],
        consortia_allowed=row["consortia_allowed"],
        opening_policy=OpeningPolicy(row["opening_policy"]),
        tenderer_id=row["tenderer_id"],
        department_id=row["department_id"],
        invitation_approval=row["invitation_approval"],
        schedule=Schedule(
            documents_from=row["documents_from"],
            documents_until=row["documents_until"],
            clarification_cutoff=row["clarification_cutoff"],
            deadline=row["deadline"],
            decryption_minutes=row["decryption_minutes"],
        ),
        lots=lots,
        opening_fields=_decoded_fields(row["opening_fields"]),
        signing_keys=SigningKeys(row["signing_keys"]),
        sealing=Sealing(row["sealing"]),
    )
    return Tender(
        id=row["id"],
        code=row["code"],
        status=TenderStatus(row["status"]),
        agency_id=row["agency_id"],
        created_by=row["created_by"],
        content=content,
        lot_ids=dict(lot_ids),
        policies=json.loads(row["policies"]) if row["policies"] else None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        published_at=row["published_at"],
        result_published_at=row["result_published_at"],
        centres=frozenset(c for c in (row["centre_id"], row["centre_parent_id"]) if c is not None),
    )


def _draft_args(draft: TenderDraft) -> tuple[Any, ...]:
    s = draft.schedule
    return (
        draft.tenderer_id,
        draft.department_id,
        draft.title,
        draft.description,
        str(draft.category),
        str(draft.procedure),
        draft.envelopes,
        draft.consortia_allowed,
        str(draft.opening_policy),
        draft.invitation_approval,
        s.documents_from,
        s.documents_until,
        s.clarification_cutoff,
        s.deadline,
        s.decryption_minutes,
        json.dumps(fields_to_json(draft.opening_fields), ensure_ascii=False),
        str(draft.signing_keys),
        str(draft.sealing),
    )


INSERT_TENDER = """
INSERT INTO tenders (agency_id, created_by, tenderer_id, department_id, title, description,
    category, procedure, envelopes, consortia_allowed, opening_policy, invitation_approval,
    documents_from, documents_until, clarification_cutoff, deadline, decryption_minutes,
    opening_fields, signing_keys, sealing)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb,
    $19, $20)
RETURNING id
"""


async def insert_tender(
    conn: asyncpg.Connection, *, agency_id: UUID, created_by: UUID, draft: TenderDraft
) -> UUID:
    """Insert a draft's tender row (lots separately); returns its id."""
    tender_id: UUID = await conn.fetchval(INSERT_TENDER, agency_id, created_by, *_draft_args(draft))
    return tender_id


UPDATE_DRAFT = """
UPDATE tenders SET tenderer_id = $2, department_id = $3, title = $4, description = $5,
    category = $6, procedure = $7, envelopes = $8, consortia_allowed = $9,
    opening_policy = $10, invitation_approval = $11, documents_from = $12,
    documents_until = $13, clarification_cutoff = $14, deadline = $15,
    decryption_minutes = $16, opening_fields = $17::jsonb, signing_keys = $18,
    sealing = $19, updated_at = clock_timestamp()
WHERE id = $1 AND status = 'draft'
"""


async def update_draft(conn: asyncpg.Connection, tender_id: UUID, draft: TenderDraft) -> None:
    """Replace a draft's content; a tender no longer in draft is refused."""
    result = await conn.execute(UPDATE_DRAFT, tender_id, *_draft_args(draft))
    if result != "UPDATE 1":
        raise TenderNotDraft("only a draft can be edited")


SELECT_SIGNING_KEYS = "SELECT signing_keys FROM tenders WHERE id = $1"


async def signing_keys(conn: asyncpg.Connection, tender_id: UUID) -> SigningKeys:
    """Which keys sign the tender's evaluation (``any`` for an unknown id: nothing to bind)."""
    found = await conn.fetchval(SELECT_SIGNING_KEYS, tender_id)
    return SigningKeys.ANY if found is None else SigningKeys(found)


DELETE_OTHER_LOTS = "DELETE FROM tender_lots WHERE tender_id = $1 AND NOT (number = ANY($2))"
UPSERT_LOT = """
INSERT INTO tender_lots (tender_id, number, title, estimated_price_fen, price_ceiling_fen,
    bond_fen, evaluation)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
ON CONFLICT (tender_id, number) DO UPDATE SET title = EXCLUDED.title,
    estimated_price_fen = EXCLUDED.estimated_price_fen,
    price_ceiling_fen = EXCLUDED.price_ceiling_fen, bond_fen = EXCLUDED.bond_fen,
    evaluation = EXCLUDED.evaluation
"""


async def replace_lots(conn: asyncpg.Connection, tender_id: UUID, lots: Sequence[Lot]) -> None:
    """Make the draft's lots exactly ``lots`` (kept by number, so committees stay)."""
    rows = [
        (
            tender_id,
            lot.number,
            lot.title,
            lot.estimated_price_fen,
            lot.price_ceiling_fen,
            lot.bond_fen,
            json.dumps(evaluation_to_json(lot.evaluation), ensure_ascii=False),
        )
        for lot in lots
    ]
    try:
        await conn.execute(DELETE_OTHER_LOTS, tender_id, [lot.number for lot in lots])
        await conn.executemany(UPSERT_LOT, rows)
    except asyncpg.CheckViolationError:  # the trigger: lots change only in drafts
        raise TenderNotDraft("only a draft's lots can be edited") from None


SELECT_TENDER = f"SELECT {_TENDER_COLUMNS} FROM tenders t WHERE t.id = $1"  # noqa: S608
LOCK_TENDER = f"SELECT {_TENDER_COLUMNS} FROM tenders t WHERE t.id = $1 FOR UPDATE OF t"  # noqa: S608
SHARE_TENDER = f"SELECT {_TENDER_COLUMNS} FROM tenders t WHERE t.id = $1 FOR SHARE OF t"  # noqa: S608


async def tender(
    conn: asyncpg.Connection, tender_id: UUID, *, lock: bool = False, share: bool = False
) -> Tender | None:
    """The tender with its lots; ``lock`` takes its row lock (FOR UPDATE) until commit.

    ``share`` takes a shared lock instead: readers that must not interleave with a
    change (a download and a clarification's notifications) but not with each other.
    """
    query = LOCK_TENDER if lock else SHARE_TENDER if share else SELECT_TENDER
    row = await conn.fetchrow(query, tender_id)
    return None if row is None else _tender(row)


# The f-strings below only splice in the constant column list, never input.
LIST_PUBLIC = f"""
SELECT {_TENDER_COLUMNS} FROM tenders t
WHERE t.published_at IS NOT NULL
  AND ($1::timestamptz IS NULL OR (t.published_at, t.id) < ($1::timestamptz, $2::uuid))
  AND ($3::text = '' OR t.title ILIKE '%' || $3 || '%' OR t.code = $3)
  AND ($4::text = '' OR t.category = $4)
ORDER BY t.published_at DESC, t.id DESC
LIMIT $5
"""  # noqa: S608


async def list_public(
    conn: asyncpg.Connection,
    *,
    after: tuple[datetime, UUID] | None,
    search: str,
    category: str,
    limit: int,
) -> list[Tender]:
    """Published notices, newest first, after a keyset cursor; optional text search."""
    published_at, last_id = after if after is not None else (None, None)
    rows = await conn.fetch(LIST_PUBLIC, published_at, last_id, search, category, limit)
    return [_tender(row) for row in rows]


LIST_FOR_ORGANISATIONS = f"""
SELECT {_TENDER_COLUMNS} FROM tenders t
WHERE t.agency_id = ANY($1::uuid[]) OR t.tenderer_id = ANY($1::uuid[])
ORDER BY t.created_at DESC
LIMIT $2
"""  # noqa: S608


async def list_for_organisations(
    conn: asyncpg.Connection, organisation_ids: Sequence[UUID], limit: int
) -> list[Tender]:
    """Tenders (drafts included) of these agencies or tenderers, newest first."""
    rows = await conn.fetch(LIST_FOR_ORGANISATIONS, list(organisation_ids), limit)
    return [_tender(row) for row in rows]


LIST_OVERSEEN = f"""
SELECT {_TENDER_COLUMNS} FROM tenders t
WHERE t.centre_id = ANY($1::uuid[])
   OR (SELECT o.parent_id FROM organisations o WHERE o.id = t.centre_id) = ANY($1::uuid[])
   OR t.department_id = ANY($2::uuid[])
ORDER BY t.created_at DESC
LIMIT $3
"""  # noqa: S608


async def list_overseen(
    conn: asyncpg.Connection, centres: Sequence[UUID], departments: Sequence[UUID], limit: int
) -> list[Tender]:
    """Tenders (drafts included) hosted by these centres (or a county centre under one)
    or supervised by these departments, newest first."""
    rows = await conn.fetch(LIST_OVERSEEN, list(centres), list(departments), limit)
    return [_tender(row) for row in rows]


NEXT_CODE = """
INSERT INTO tender_code_counters (prefix, last_value) VALUES ($1, 1)
ON CONFLICT (prefix) DO UPDATE SET last_value = tender_code_counters.last_value + 1
RETURNING last_value
"""


async def next_code_number(conn: asyncpg.Connection, prefix: str) -> int:
    """The next sequence number of a code prefix (row-locked until commit: gap-free)."""
    number: int = await conn.fetchval(NEXT_CODE, prefix)
    return number


MARK_PUBLISHED = """
UPDATE tenders SET status = 'published', code = $2, policies = $3::jsonb,
    published_at = $4, updated_at = $4,
    documents_from = greatest(documents_from, date_trunc('second', $4::timestamptz))
WHERE id = $1 AND status = 'draft'
"""


async def mark_published(
    conn: asyncpg.Connection, tender_id: UUID, *, code: str, policies: dict[str, Any], at: datetime
) -> None:
    """Publish a draft: its code, policies snapshot and publication time.

    Documents cannot be issued before the notice is public: a start in the past
    becomes the publication time (rules.documents_start).
    """
    try:
        result = await conn.execute(MARK_PUBLISHED, tender_id, code, json.dumps(policies), at)
    except asyncpg.CheckViolationError as exc:
        if exc.constraint_name == "procurement_publish_through_method":
            raise PublishedThroughMethod(
                "this tender is a procurement project: publish it through "
                "POST /api/v1/procurement/projects/{id}/publish"
            ) from None
        raise
    if result != "UPDATE 1":
        raise TenderNotDraft("only a draft can be published")


SET_STATUS = "UPDATE tenders SET status = $2, updated_at = clock_timestamp() WHERE id = $1"


async def set_status(conn: asyncpg.Connection, tender_id: UUID, status: TenderStatus) -> None:
    """Change the status (the caller holds the row lock and checked the transition)."""
    await conn.execute(SET_STATUS, tender_id, str(status))


SET_DEADLINE = "UPDATE tenders SET deadline = $2, updated_at = clock_timestamp() WHERE id = $1"


async def set_deadline(conn: asyncpg.Connection, tender_id: UUID, deadline: datetime) -> None:
    """Move the deadline (and with it the opening) later."""
    await conn.execute(SET_DEADLINE, tender_id, deadline)


SET_RESULT_PUBLISHED = """
UPDATE tenders SET result_published_at = $2, updated_at = clock_timestamp()
WHERE id = $1 AND result_published_at IS NULL
"""


async def set_result_published(conn: asyncpg.Connection, tender_id: UUID, at: datetime) -> bool:
    """Record when the result was published (once); False if it already was."""
    return await conn.execute(SET_RESULT_PUBLISHED, tender_id, at) == "UPDATE 1"
