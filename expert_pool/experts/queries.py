"""SQL of the experts: their records, calendars, penalties, relationships and certificates.

Each statement is a named constant beside the function that runs it; rows leave as
domain objects, database errors as domain errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from expert_pool.errors import ExpertExists, ExpertNotFound
from expert_pool.experts.model import (
    ExpertProfile,
    ExpertSummary,
    SearchFilter,
    Unavailable,
)
from expert_pool.model import (
    Expert,
    ExpertStatus,
    IdCardRef,
    Penalty,
    PenaltyKind,
    RelationKind,
    Relationship,
    Title,
    UnavailableInterval,
)

EXISTING_KEYS = """
SELECT id, id_card_digest FROM experts
WHERE id = ANY($1::text[]) OR id_card_digest = ANY($2::text[])
"""


async def existing_keys(
    conn: asyncpg.Connection, ids: Sequence[str], digests: Sequence[str]
) -> tuple[set[str], set[str]]:
    """Which of these ids and identity-card digests the pool already holds."""
    rows = await conn.fetch(EXISTING_KEYS, list(ids), list(digests))
    return {r["id"] for r in rows} & set(ids), {r["id_card_digest"] for r in rows} & set(digests)


_EXPERT_COLUMNS = (
    "id",
    "name",
    "id_card_digest",
    "id_card_last4",
    "phone",
    "title",
    "years_of_practice",
    "birth_date",
    "region",
    "employer_credit_code",
    "status",
    "user_id",
)


async def insert_experts(
    conn: asyncpg.Connection, experts: Sequence[Expert], users: Sequence[UUID | None]
) -> None:
    """Insert experts with their specialties (bulk COPY); duplicates raise ExpertExists."""
    rows = [
        (
            e.id,
            e.name,
            e.id_card.digest,
            e.id_card.last4,
            e.phone,
            str(e.title),
            e.years_of_practice,
            e.birth_date,
            e.region,
            e.employer_credit_code,
            str(e.status),
            user,
        )
        for e, user in zip(experts, users, strict=True)
    ]
    codes = [(e.id, code) for e in experts for code in e.specialties]
    try:
        await conn.copy_records_to_table("experts", records=rows, columns=_EXPERT_COLUMNS)
        await conn.copy_records_to_table(
            "expert_specialties", records=codes, columns=("expert_id", "code")
        )
    except asyncpg.UniqueViolationError:
        raise ExpertExists("an expert with this id, identity card or account exists") from None


SELECT_EXPERT = """
SELECT e.*, coalesce(array_agg(s.code ORDER BY s.code) FILTER (WHERE s.code IS NOT NULL), '{}')
       AS specialties
FROM experts e LEFT JOIN expert_specialties s ON s.expert_id = e.id
WHERE e.id = $1
GROUP BY e.id
"""
SELECT_EXPERT_OF_USER = """
SELECT e.*, coalesce(array_agg(s.code ORDER BY s.code) FILTER (WHERE s.code IS NOT NULL), '{}')
       AS specialties
FROM experts e LEFT JOIN expert_specialties s ON s.expert_id = e.id
WHERE e.user_id = $1
GROUP BY e.id
"""
SELECT_RELATIONSHIPS = """
SELECT kind, credit_code, person_name FROM expert_relationships
WHERE expert_id = $1 ORDER BY declared_at, id
"""
SELECT_PENALTIES = """
SELECT kind, imposed_on, authority, reference FROM expert_penalties
WHERE expert_id = $1 ORDER BY imposed_on, id
"""
SELECT_UNAVAILABLE = """
SELECT id, starts_at, ends_at, note FROM expert_unavailability
WHERE expert_id = $1 ORDER BY starts_at, id
"""


def _expert(row: asyncpg.Record, rels: Sequence[Relationship], pens: Sequence[Penalty]) -> Expert:
    return Expert(
        id=row["id"],
        name=row["name"],
        id_card=IdCardRef(digest=row["id_card_digest"], last4=row["id_card_last4"]),
        phone=row["phone"],
        specialties=tuple(row["specialties"]),
        title=Title(row["title"]),
        years_of_practice=row["years_of_practice"],
        birth_date=row["birth_date"],
        region=row["region"],
        employer_credit_code=row["employer_credit_code"],
        relationships=tuple(rels),
        status=ExpertStatus(row["status"]),
        penalties=tuple(pens),
    )


async def _profile(conn: asyncpg.Connection, row: asyncpg.Record) -> ExpertProfile:
    rels = [
        Relationship(kind=RelationKind(r["kind"]), credit_code=r[1], person_name=r[2])
        for r in await conn.fetch(SELECT_RELATIONSHIPS, row["id"])
    ]
    pens = [
        Penalty(kind=PenaltyKind(p["kind"]), imposed_on=p[1], authority=p[2], reference=p[3])
        for p in await conn.fetch(SELECT_PENALTIES, row["id"])
    ]
    return ExpertProfile(
        expert=_expert(row, rels, pens),
        user_id=row["user_id"],
        cert_sha256=row["cert_sha256"],
        age_recipient=row["age_recipient"],
        unavailable=tuple(await unavailability(conn, row["id"])),
        created_at=row["created_at"],
    )


async def expert(conn: asyncpg.Connection, expert_id: str) -> ExpertProfile | None:
    """One expert's whole profile, if the id exists."""
    row = await conn.fetchrow(SELECT_EXPERT, expert_id)
    return None if row is None else await _profile(conn, row)


async def expert_of_user(conn: asyncpg.Connection, user_id: UUID) -> ExpertProfile | None:
    """The expert profile linked to an account, if any."""
    row = await conn.fetchrow(SELECT_EXPERT_OF_USER, user_id)
    return None if row is None else await _profile(conn, row)


SELECT_CERTIFICATE = "SELECT cert_pem, cert_sha256 FROM experts WHERE id = $1"


async def certificate(conn: asyncpg.Connection, expert_id: str) -> tuple[str, str] | None:
    """The registered certificate (PEM) and its SHA-256, if one is registered."""
    row = await conn.fetchrow(SELECT_CERTIFICATE, expert_id)
    if row is None or row["cert_pem"] is None:
        return None
    return row["cert_pem"], row["cert_sha256"]


EXPERT_BY_DIGEST = "SELECT id FROM experts WHERE id_card_digest = $1"


async def expert_by_digest(conn: asyncpg.Connection, digest: str) -> str | None:
    """The id of the expert with this identity-card digest, if any."""
    found: str | None = await conn.fetchval(EXPERT_BY_DIGEST, digest)
    return found


# Keyset pagination by id (C collation = byte order); the specialty filter takes the
# code and every descendant (a child code is its parent's code plus two digits).
SEARCH_EXPERTS = """
SELECT e.id, e.name, e.title, e.years_of_practice, e.birth_date, e.region,
       e.employer_credit_code, e.status, e.id_card_last4,
       e.cert_sha256 IS NOT NULL AS has_certificate, e.user_id IS NOT NULL AS has_account,
       (SELECT array_agg(s.code ORDER BY s.code) FROM expert_specialties s
        WHERE s.expert_id = e.id) AS specialties
FROM experts e
WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM expert_specialties s WHERE s.expert_id = e.id
                                   AND s.code >= $1 AND s.code < $1 || '~'))
  AND ($2::text IS NULL OR e.region = $2)
  AND ($3::text IS NULL OR e.status = $3)
  AND ($4::text IS NULL OR strpos(e.name, $4) > 0)
  AND ($5::text IS NULL OR e.id > $5)
ORDER BY e.id
LIMIT $6
"""


async def search_experts(conn: asyncpg.Connection, f: SearchFilter) -> list[ExpertSummary]:
    """One page of the pool in id order."""
    status = None if f.status is None else str(f.status)
    rows = await conn.fetch(SEARCH_EXPERTS, f.specialty, f.region, status, f.name, f.after, f.limit)
    return [
        ExpertSummary(
            id=r["id"],
            name=r["name"],
            specialties=tuple(r["specialties"] or ()),
            title=Title(r["title"]),
            years_of_practice=r["years_of_practice"],
            birth_date=r["birth_date"],
            region=r["region"],
            employer_credit_code=r["employer_credit_code"],
            status=ExpertStatus(r["status"]),
            id_card_last4=r["id_card_last4"],
            has_certificate=r["has_certificate"],
            has_account=r["has_account"],
        )
        for r in rows
    ]


SET_STATUS = """
UPDATE experts SET status = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING id
"""
INSERT_STATUS_HISTORY = """
INSERT INTO expert_status_history (expert_id, status, reason, automatic, changed_by)
VALUES ($1, $2, $3, $4, $5)
"""


async def set_status(
    conn: asyncpg.Connection,
    expert_id: str,
    status: ExpertStatus,
    *,
    reason: str,
    by: UUID | None,
) -> None:
    """Change an expert's status and keep the history (by None: automatic)."""
    if await conn.fetchval(SET_STATUS, expert_id, str(status)) is None:
        raise ExpertNotFound(f"no expert has the id {expert_id!r}")
    await conn.execute(INSERT_STATUS_HISTORY, expert_id, str(status), reason, by is None, by)


INSERT_INITIAL_HISTORY = """
INSERT INTO expert_status_history (expert_id, status, reason, automatic, changed_by)
SELECT x, s, $3, false, $4 FROM unnest($1::text[], $2::text[]) AS t(x, s)
"""


async def record_initial_status(
    conn: asyncpg.Connection, experts: Sequence[Expert], *, reason: str, by: UUID
) -> None:
    """The first row of each new expert's status history."""
    ids, statuses = [e.id for e in experts], [str(e.status) for e in experts]
    await conn.execute(INSERT_INITIAL_HISTORY, ids, statuses, reason, by)


SELECT_STATUS_HISTORY = """
SELECT status, reason, automatic, changed_at FROM expert_status_history
WHERE expert_id = $1 ORDER BY id
"""


async def status_history(
    conn: asyncpg.Connection, expert_id: str
) -> list[tuple[ExpertStatus, str, bool, datetime]]:
    """(status, reason, automatic, when) of every status change, oldest first."""
    rows = await conn.fetch(SELECT_STATUS_HISTORY, expert_id)
    return [(ExpertStatus(r[0]), r[1], r[2], r[3]) for r in rows]


INSERT_PENALTY = """
INSERT INTO expert_penalties (expert_id, kind, imposed_on, authority, reference, recorded_by)
VALUES ($1, $2, $3, $4, $5, $6)
"""


async def insert_penalty(
    conn: asyncpg.Connection, expert_id: str, penalty: Penalty, by: UUID
) -> None:
    """Record a penalty."""
    try:
        await conn.execute(
            INSERT_PENALTY,
            expert_id,
            str(penalty.kind),
            penalty.imposed_on,
            penalty.authority,
            penalty.reference,
            by,
        )
    except asyncpg.ForeignKeyViolationError:
        raise ExpertNotFound(f"no expert has the id {expert_id!r}") from None


INSERT_RELATIONSHIP = """
INSERT INTO expert_relationships (expert_id, kind, credit_code, person_name)
VALUES ($1, $2, $3, $4)
"""


async def insert_relationship(
    conn: asyncpg.Connection, expert_id: str, relationship: Relationship
) -> None:
    """Record a declared relationship."""
    rel = relationship
    await conn.execute(
        INSERT_RELATIONSHIP, expert_id, str(rel.kind), rel.credit_code, rel.person_name
    )


SET_CERTIFICATE = """
UPDATE experts SET cert_pem = $2, cert_sha256 = $3, age_recipient = coalesce($4, age_recipient),
       updated_at = clock_timestamp()
WHERE id = $1 RETURNING id
"""


async def set_certificate(
    conn: asyncpg.Connection, expert_id: str, pem: str, sha256: str, age_recipient: str | None
) -> None:
    """Register the expert's signing certificate (and age recipient)."""
    if await conn.fetchval(SET_CERTIFICATE, expert_id, pem, sha256, age_recipient) is None:
        raise ExpertNotFound(f"no expert has the id {expert_id!r}")


LINK_USER = """
UPDATE experts SET user_id = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING id
"""


async def link_user(conn: asyncpg.Connection, expert_id: str, user_id: UUID) -> None:
    """Link an expert profile to an account."""
    try:
        found = await conn.fetchval(LINK_USER, expert_id, user_id)
    except asyncpg.UniqueViolationError:
        raise ExpertExists("this account is already linked to another expert") from None
    except asyncpg.ForeignKeyViolationError:
        raise ExpertNotFound("no such account") from None
    if found is None:
        raise ExpertNotFound(f"no expert has the id {expert_id!r}")


# --- the availability calendar -------------------------------------------------------

INSERT_UNAVAILABLE = """
INSERT INTO expert_unavailability (expert_id, starts_at, ends_at, note)
VALUES ($1, $2, $3, $4) RETURNING id
"""


async def insert_unavailable(
    conn: asyncpg.Connection, expert_id: str, interval: UnavailableInterval, note: str
) -> Unavailable:
    """Add an unavailable interval to an expert's calendar."""
    new_id = await conn.fetchval(INSERT_UNAVAILABLE, expert_id, interval.start, interval.end, note)
    return Unavailable(id=new_id, interval=interval, note=note)


async def unavailability(conn: asyncpg.Connection, expert_id: str) -> list[Unavailable]:
    """The expert's calendar, earliest first."""
    return [
        Unavailable(
            id=r["id"],
            interval=UnavailableInterval(start=r["starts_at"], end=r["ends_at"]),
            note=r["note"],
        )
        for r in await conn.fetch(SELECT_UNAVAILABLE, expert_id)
    ]


DELETE_UNAVAILABLE = """
DELETE FROM expert_unavailability WHERE id = $1 AND expert_id = $2 RETURNING id
"""


async def delete_unavailable(conn: asyncpg.Connection, expert_id: str, item: UUID) -> bool:
    """Remove one of the expert's intervals; False if it is not theirs or gone."""
    return await conn.fetchval(DELETE_UNAVAILABLE, item, expert_id) is not None
