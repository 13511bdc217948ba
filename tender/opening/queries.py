"""SQL of the opening: releases, self-decryption keys, results, records, the settle lock.

Every statement is a named constant beside the function that runs it; unique violations
become the opening's own errors here (CONVENTIONS: asyncpg errors become domain errors).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from tender.opening.model import OpeningError


class ShareAlreadyReleased(OpeningError):
    """An official releases each part's share once."""

    code = "opening_share_duplicate"
    status = 409


class SelfKeyAlreadySubmitted(OpeningError):
    """A bidder submits its key for a part once."""

    code = "opening_self_key_duplicate"
    status = 409


class OpeningRecordExists(OpeningError):
    """A lot's record is published once."""

    code = "opening_record_exists"
    status = 409


class OpeningRecordConfirmedAlready(OpeningError):
    """A bidder confirms a record once."""

    code = "opening_confirmation_duplicate"
    status = 409


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class Release:
    """A stored release: official x's share of one part, or its revealed secret."""

    bid_id: UUID
    part: str
    x: int
    share: bytes | None
    revealed_secret: bytes | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredResult:
    """What a part became."""

    bid_id: UUID
    part: str
    outcome: str
    cause: str | None
    opened_by: str | None
    fields: dict[str, Any]
    manifest_sha256: str | None = None
    file_key: bytes | None = dataclasses.field(default=None, repr=False)  # never selected


INSERT_RELEASE = """
INSERT INTO opening_releases (bid_id, part, x, official_id, share, revealed_secret, released_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


async def insert_release(
    conn: asyncpg.Connection, release: Release, official_id: UUID, at: datetime
) -> None:
    """Store one release; a second one for the same part and x is refused."""
    try:
        await conn.execute(
            INSERT_RELEASE,
            release.bid_id,
            release.part,
            release.x,
            official_id,
            release.share,
            release.revealed_secret,
            at,
        )
    except asyncpg.UniqueViolationError as exc:
        raise ShareAlreadyReleased(f"official {release.x} already released this part") from exc


SELECT_RELEASES = """
SELECT r.bid_id, r.part, r.x, r.share, r.revealed_secret
FROM opening_releases r JOIN bids b ON b.id = r.bid_id WHERE b.lot_id = $1 ORDER BY r.x
"""


async def releases(conn: asyncpg.Connection, lot_id: UUID) -> list[Release]:
    """Every release of the lot's bids."""
    return [Release(**dict(row)) for row in await conn.fetch(SELECT_RELEASES, lot_id)]


INSERT_SELF_KEY = """
INSERT INTO opening_self_keys (bid_id, part, file_key, submitted_by, submitted_at)
VALUES ($1, $2, $3, $4, $5)
"""


async def insert_self_key(
    conn: asyncpg.Connection, bid_id: UUID, part: str, key: bytes, user: UUID, at: datetime
) -> None:
    """Store a bidder's checked key for one part."""
    try:
        await conn.execute(INSERT_SELF_KEY, bid_id, part, key, user, at)
    except asyncpg.UniqueViolationError as exc:
        raise SelfKeyAlreadySubmitted("the key for this part was already submitted") from exc


SELECT_SELF_KEYS = """
SELECT k.bid_id, k.part, k.file_key FROM opening_self_keys k JOIN bids b ON b.id = k.bid_id
WHERE b.lot_id = $1
"""


async def self_keys(conn: asyncpg.Connection, lot_id: UUID) -> dict[tuple[UUID, str], bytes]:
    """The lot's self-decryption keys by (bid, part)."""
    rows = await conn.fetch(SELECT_SELF_KEYS, lot_id)
    return {(row["bid_id"], row["part"]): row["file_key"] for row in rows}


INSERT_RESULT = """
INSERT INTO opening_results (bid_id, part, outcome, cause, party, opened_by, fields,
    manifest_sha256, settled_at, file_key)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
ON CONFLICT (bid_id, part) DO NOTHING
"""


async def insert_result(
    conn: asyncpg.Connection,
    result: StoredResult,
    *,
    party: str | None,
    at: datetime,
) -> None:
    """Store what a part became (once; a second decision is ignored)."""
    await conn.execute(
        INSERT_RESULT,
        result.bid_id,
        result.part,
        result.outcome,
        result.cause,
        party,
        result.opened_by,
        json.dumps(result.fields),
        result.manifest_sha256,
        at,
        result.file_key,
    )


SELECT_RESULTS = """
SELECT r.bid_id, r.part, r.outcome, r.cause, r.opened_by, r.fields::text AS fields,
    r.manifest_sha256
FROM opening_results r JOIN bids b ON b.id = r.bid_id WHERE b.lot_id = $1
"""


async def results(conn: asyncpg.Connection, lot_id: UUID) -> dict[tuple[UUID, str], StoredResult]:
    """The lot's settled parts by (bid, part)."""
    rows = await conn.fetch(SELECT_RESULTS, lot_id)
    return {
        (row["bid_id"], row["part"]): StoredResult(
            **{**dict(row), "fields": json.loads(row["fields"])}
        )
        for row in rows
    }


INSERT_RECORD = """
INSERT INTO opening_records (lot_id, tender_id, part, body, signature, record_sha256,
    log_index, published_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""


async def insert_record(conn: asyncpg.Connection, *args: Any) -> None:
    """Store the lot's signed record (once)."""
    try:
        await conn.execute(INSERT_RECORD, *args)
    except asyncpg.UniqueViolationError as exc:
        raise OpeningRecordExists("the lot's opening record is already published") from exc


SELECT_RECORD = """
SELECT body, signature FROM opening_records WHERE tender_id = $1 AND lot_id = $2 AND part = $3
"""


async def record(
    conn: asyncpg.Connection, tender_id: UUID, lot_id: UUID, part: str
) -> tuple[bytes, bytes] | None:
    """The record's bytes and signature, if published."""
    row = await conn.fetchrow(SELECT_RECORD, tender_id, lot_id, part)
    return None if row is None else (row["body"], row["signature"])


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Response:
    """A bidder's confirmation or objection, with the host's answer."""

    id: UUID
    part: str  # the stage whose record it answers: main, technical or commercial
    bidder_id: UUID
    kind: str
    objection: str | None
    answer: str | None
    created_at: datetime
    answered_at: datetime | None


INSERT_RESPONSE = """
INSERT INTO opening_responses (lot_id, part, bidder_id, kind, signature, objection, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, part, bidder_id, kind, objection, answer, created_at, answered_at
"""


async def insert_response(
    conn: asyncpg.Connection,
    lot_id: UUID,
    part: str,
    bidder_id: UUID,
    *,
    signature: bytes | None,
    objection: str | None,
    at: datetime,
) -> Response:
    """Store a confirmation (once per bidder) or an objection."""
    kind = "confirm" if signature is not None else "object"
    try:
        row = await conn.fetchrow(
            INSERT_RESPONSE, lot_id, part, bidder_id, kind, signature, objection, at
        )
    except asyncpg.UniqueViolationError as exc:
        raise OpeningRecordConfirmedAlready("the bidder already confirmed this record") from exc
    assert row is not None
    return Response(**dict(row))


ANSWER = """
UPDATE opening_responses SET answer = $2, answered_by = $3, answered_at = $4
WHERE id = $1 AND lot_id = $5 AND kind = 'object' AND answer IS NULL
RETURNING id, part, bidder_id, kind, objection, answer, created_at, answered_at
"""


async def answer(
    conn: asyncpg.Connection, response_id: UUID, lot_id: UUID, text: str, by: UUID, at: datetime
) -> Response | None:
    """Record the answer to an open objection (None: no such open objection)."""
    row = await conn.fetchrow(ANSWER, response_id, text, by, at, lot_id)
    return None if row is None else Response(**dict(row))


SELECT_RESPONSES = """
SELECT id, part, bidder_id, kind, objection, answer, created_at, answered_at
FROM opening_responses WHERE lot_id = $1 ORDER BY created_at, id
"""


async def responses(conn: asyncpg.Connection, lot_id: UUID) -> list[Response]:
    """Every confirmation and objection of a lot's records (every stage), oldest first."""
    return [Response(**dict(row)) for row in await conn.fetch(SELECT_RESPONSES, lot_id)]


class CommercialStageOpen(OpeningError):
    """The commercial stage of a lot is opened once."""

    code = "opening_commercial_open_conflict"
    status = 409


INSERT_STAGE = """
INSERT INTO opening_stages (lot_id, tender_id, stage, requested_by, requested_at, bids)
VALUES ($1, $2, 'commercial', $3, $4, $5)
"""


async def open_commercial(
    conn: asyncpg.Connection, lot_id: UUID, tender_id: UUID, by: UUID, at: datetime,
    bids: frozenset[UUID],
) -> None:  # fmt: skip
    """Record that the commercial parts of ``bids`` (those that passed) may now be opened."""
    try:
        await conn.execute(INSERT_STAGE, lot_id, tender_id, by, at, sorted(bids))
    except asyncpg.UniqueViolationError as exc:
        raise CommercialStageOpen("the commercial parts are already being opened") from exc


SELECT_STAGE = (
    "SELECT requested_at, bids FROM opening_stages WHERE lot_id = $1 AND stage = 'commercial'"
)


async def commercial_stage(
    conn: asyncpg.Connection, lot_id: UUID
) -> tuple[datetime | None, frozenset[UUID] | None]:
    """When the commercial stage was opened and for which bids (None: every bid), if it was."""
    row = await conn.fetchrow(SELECT_STAGE, lot_id)
    bids = None if row is None or row["bids"] is None else frozenset(row["bids"])
    return (None if row is None else row["requested_at"]), bids


# Frozen lots whose current stage (main/technical, or commercial once requested) has no
# record yet, with when that stage's window opened. Read-only: settling goes through
# opening_progress.advance under the tender's row lock.
UNSETTLED_LOTS = """
SELECT f.tender_id, l.number,
       s.requested_at AS commercial_from
FROM bid_freeze_lists f
JOIN tender_lots l ON l.id = f.lot_id
LEFT JOIN opening_stages s ON s.lot_id = f.lot_id AND s.stage = 'commercial'
WHERE NOT EXISTS (
    SELECT FROM opening_records r WHERE r.lot_id = f.lot_id
      AND (r.part = 'commercial') = (s.lot_id IS NOT NULL))
ORDER BY f.frozen_at
LIMIT $1
"""


async def unsettled_frozen_lots(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    """Frozen lots without a record for their current stage, oldest freeze first."""
    return list(await conn.fetch(UNSETTLED_LOTS, limit))


# Only one process settles closed windows at a time; the others skip that round. A
# session lock, not a transaction one: each lot is settled in its own short
# transaction (opening_progress.advance), so the lock spans them and is released
# explicitly.
SETTLE_LOCK_KEY = 0x6F_70_65_6E_69_6E_67
TRY_SETTLE_LOCK = "SELECT pg_try_advisory_lock($1)"


async def try_settle_lock(conn: asyncpg.Connection) -> bool:
    """Take the settle job's lock for this session, if free."""
    taken: bool = await conn.fetchval(TRY_SETTLE_LOCK, SETTLE_LOCK_KEY)
    return taken


RELEASE_SETTLE_LOCK = "SELECT pg_advisory_unlock($1)"


async def release_settle_lock(conn: asyncpg.Connection) -> None:
    """Release the settle job's lock taken by ``try_settle_lock`` on this session."""
    await conn.execute(RELEASE_SETTLE_LOCK, SETTLE_LOCK_KEY)


RECENT_RECORDS = """
SELECT r.tender_id, l.number, r.body
FROM opening_records r JOIN tender_lots l ON l.id = r.lot_id
WHERE r.published_at > clock_timestamp() - make_interval(secs => $1)
ORDER BY r.published_at
"""


async def recent_records(conn: asyncpg.Connection, seconds: float) -> list[tuple[UUID, str, bytes]]:
    """(tender, lot number, record bytes) of records published in the last ``seconds``."""
    rows = await conn.fetch(RECENT_RECORDS, seconds)
    return [(row["tender_id"], str(row["number"]), bytes(row["body"])) for row in rows]


# Who takes part in a lot's opening hall (tender/opening/session.py decides audiences).
HALL_PARTICIPATION = """
SELECT
    EXISTS (SELECT 1 FROM opening_officials o WHERE o.lot_id = $1 AND o.user_id = $2)
        AS official,
    EXISTS (
        SELECT 1 FROM bids b
        WHERE b.lot_id = $1 AND b.status = 'submitted'
          AND (b.bidder_id = ANY($3::uuid[])
               OR b.consortium && ARRAY(
                   SELECT credit_code FROM organisations WHERE id = ANY($3::uuid[])))
    ) AS bidder
"""


async def hall_participation(
    conn: asyncpg.Connection, lot_id: UUID, user_id: UUID, bidder_orgs: list[UUID]
) -> tuple[bool, bool]:
    """(on the lot's opening committee, acts for a bidder or consortium member with a bid)."""
    row = await conn.fetchrow(HALL_PARTICIPATION, lot_id, user_id, bidder_orgs)
    assert row is not None  # a SELECT of two EXISTS always returns its row
    return bool(row["official"]), bool(row["bidder"])
