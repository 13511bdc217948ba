"""SQL of the market-party registry (0079): parties, qualifications, people, relations,
and the related parties monitoring reads (Reg. 34)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg

from accounts.model import OrgKind
from supervision.parties.model import (
    MARKET_KINDS,
    Party,
    Person,
    PersonRole,
    Project,
    Qualification,
    Relation,
    RelationKind,
)

_KINDS = sorted(str(k) for k in MARKET_KINDS)
_PARTY = "id, credit_code, name, kind, region"
SELECT_PARTY = f"""
SELECT {_PARTY} FROM organisations WHERE id = $1 AND kind = ANY($2::text[])
"""  # noqa: S608 (a constant column list)
SELECT_PARTY_BY_CODE = f"""
SELECT {_PARTY} FROM organisations WHERE credit_code = $1 AND kind = ANY($2::text[])
"""  # noqa: S608
# The search is a plain substring (strpos), never a LIKE pattern: "%" or "_" typed into
# the search box match themselves, not every name.
SELECT_PARTIES = f"""
SELECT {_PARTY} FROM organisations WHERE kind = ANY($1::text[])
  AND ($2 = '' OR strpos(lower(name), lower($2)) > 0 OR credit_code = upper($2))
ORDER BY name, id LIMIT $3
"""  # noqa: S608


def _party(row: asyncpg.Record) -> Party:
    return Party(
        id=row["id"],
        credit_code=row["credit_code"],
        name=row["name"],
        kind=OrgKind(row["kind"]),
        region=row["region"],
    )


async def party(conn: asyncpg.Connection, organisation_id: UUID) -> Party | None:
    row = await conn.fetchrow(SELECT_PARTY, organisation_id, _KINDS)
    return _party(row) if row else None


async def party_by_code(conn: asyncpg.Connection, credit_code: str) -> Party | None:
    row = await conn.fetchrow(SELECT_PARTY_BY_CODE, credit_code, _KINDS)
    return _party(row) if row else None


async def parties(conn: asyncpg.Connection, search: str, limit: int) -> list[Party]:
    return [_party(r) for r in await conn.fetch(SELECT_PARTIES, _KINDS, search, limit)]


# --- qualifications ------------------------------------------------------------------------

_QUALIFICATION = "id, organisation_id, kind, grade, number, issuer, valid_from, valid_to"
INSERT_QUALIFICATION = f"""
INSERT INTO party_qualifications (organisation_id, kind, grade, number, issuer, valid_from,
    valid_to, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT DO NOTHING
RETURNING {_QUALIFICATION}
"""  # noqa: S608
SELECT_QUALIFICATIONS = f"""
SELECT {_QUALIFICATION} FROM party_qualifications WHERE organisation_id = $1
ORDER BY kind, valid_from DESC, id
"""  # noqa: S608


def _qualification(row: asyncpg.Record) -> Qualification:
    return Qualification(
        id=row["id"],
        organisation_id=row["organisation_id"],
        kind=row["kind"],
        grade=row["grade"],
        number=row["number"],
        issuer=row["issuer"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
    )


async def insert_qualification(
    conn: asyncpg.Connection,
    organisation_id: UUID,
    kind: str,
    grade: str,
    number: str,
    issuer: str,
    valid_from: date,
    valid_to: date | None,
    by: UUID,
    at: datetime,
) -> Qualification | None:
    row = await conn.fetchrow(
        INSERT_QUALIFICATION,
        organisation_id, kind, grade, number, issuer, valid_from, valid_to, by, at,
    )  # fmt: skip
    return _qualification(row) if row else None


async def qualifications(conn: asyncpg.Connection, organisation_id: UUID) -> list[Qualification]:
    rows = await conn.fetch(SELECT_QUALIFICATIONS, organisation_id)
    return [_qualification(r) for r in rows]


# --- people ---------------------------------------------------------------------------------

_PERSON = "id, organisation_id, role, name, id_hash"
INSERT_PERSON = f"""
INSERT INTO party_people (organisation_id, role, name, id_hash, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
RETURNING {_PERSON}
"""  # noqa: S608
SELECT_PEOPLE = f"""
SELECT {_PERSON} FROM party_people WHERE organisation_id = $1 ORDER BY role, name, id
"""  # noqa: S608


def _person(row: asyncpg.Record) -> Person:
    return Person(
        id=row["id"],
        organisation_id=row["organisation_id"],
        role=PersonRole(row["role"]),
        name=row["name"],
        id_hash=row["id_hash"],
    )


async def insert_person(
    conn: asyncpg.Connection,
    organisation_id: UUID,
    role: PersonRole,
    name: str,
    id_hash: str,
    by: UUID,
    at: datetime,
) -> Person | None:
    row = await conn.fetchrow(INSERT_PERSON, organisation_id, str(role), name, id_hash, by, at)
    return _person(row) if row else None


async def people(conn: asyncpg.Connection, organisation_id: UUID) -> list[Person]:
    return [_person(r) for r in await conn.fetch(SELECT_PEOPLE, organisation_id)]


# --- relations ------------------------------------------------------------------------------

INSERT_RELATION = """
INSERT INTO party_relations (from_org, to_org, kind, basis, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
RETURNING from_org, to_org, kind, basis, recorded_at
"""
SELECT_RELATIONS_OF = """
SELECT from_org, to_org, kind, basis, recorded_at FROM party_relations
WHERE from_org = $1 OR to_org = $1 ORDER BY recorded_at, kind
"""
# Reg. 34: pairs among ``$1`` related by a recorded relation, or by a legal representative
# or principal they share (the same ID-number hash), each pair once (from < to for the
# shared ones, which have no direction).
SELECT_RELATED = """
SELECT from_org, to_org, kind FROM party_relations
WHERE from_org = ANY($1::uuid[]) AND to_org = ANY($1::uuid[])
UNION
SELECT a.organisation_id, b.organisation_id,
       CASE a.role WHEN 'legal_representative' THEN 'shared_legal_representative'
                   ELSE 'shared_principal' END
FROM party_people a JOIN party_people b
  ON a.id_hash = b.id_hash AND a.organisation_id < b.organisation_id AND a.role = b.role
WHERE a.role IN ('legal_representative', 'principal')
  AND a.organisation_id = ANY($1::uuid[]) AND b.organisation_id = ANY($1::uuid[])
ORDER BY 1, 2, 3
"""


def _relation(row: asyncpg.Record) -> Relation:
    return Relation(
        from_org=row["from_org"],
        to_org=row["to_org"],
        kind=RelationKind(row["kind"]),
        basis=row["basis"],
        recorded_at=row["recorded_at"],
    )


async def insert_relation(
    conn: asyncpg.Connection,
    from_org: UUID,
    to_org: UUID,
    kind: RelationKind,
    basis: str,
    by: UUID,
    at: datetime,
) -> Relation | None:
    row = await conn.fetchrow(INSERT_RELATION, from_org, to_org, str(kind), basis, by, at)
    return _relation(row) if row else None


async def relations_of(conn: asyncpg.Connection, organisation_id: UUID) -> list[Relation]:
    return [_relation(r) for r in await conn.fetch(SELECT_RELATIONS_OF, organisation_id)]


async def related(conn: asyncpg.Connection, org_ids: list[UUID]) -> list[tuple[UUID, UUID, str]]:
    rows = await conn.fetch(SELECT_RELATED, org_ids)
    return [(r[0], r[1], r[2]) for r in rows]


# --- projects won and performed (the results and contracts of tender/, 0071 and 0074) -----

SELECT_PROJECTS = """
SELECT a.tender_id, t.title, a.lot, a.price_fen, a.decided_at AS won_at,
       c.signed_on, c.price_fen AS contract_fen,
       EXISTS (SELECT 1 FROM tender_performance p WHERE p.contract_id = c.id
               AND p.kind = 'acceptance') AS performed
FROM award_decisions a
JOIN tenders t ON t.id = a.tender_id
LEFT JOIN tender_contracts c ON c.award_id = a.id
WHERE a.bidder_id = $1 AND a.current
ORDER BY a.decided_at DESC, a.tender_id, a.lot
LIMIT 200
"""


async def projects(conn: asyncpg.Connection, organisation_id: UUID) -> list[Project]:
    return [
        Project(
            tender_id=r["tender_id"],
            title=r["title"],
            lot=r["lot"],
            price_fen=r["price_fen"],
            won_at=r["won_at"],
            signed_on=r["signed_on"],
            contract_fen=r["contract_fen"],
            performed=r["performed"],
        )
        for r in await conn.fetch(SELECT_PROJECTS, organisation_id)
    ]
