"""The Reg. 34 fact query reads supervision/parties' tables by the column names
CONTRACTS.md §3 fixes, and nothing while they are not there.

SEAM for the integrator: until the credit branch is merged, this test creates the two
tables with exactly the contract's columns; after the merge, drop the CREATE TABLEs and
let the migration's tables answer (the query must not change).
"""

from __future__ import annotations

import asyncpg

from accounts.model import OrgKind
from supervision.monitoring import queries
from supervision.monitoring.model import PartyPerson, PartyRelation
from tests.accounts import factory


async def test_party_facts_are_empty_until_the_registry_exists(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, OrgKind.BIDDER)
        exists = await conn.fetchval("SELECT to_regclass('party_relations') IS NOT NULL")
        if not exists:
            assert await queries.party_facts(conn, [str(org.id)]) == ([], [])


async def test_party_facts_read_relations_and_people_of_the_given_parties(
    owner_conn: asyncpg.Connection,
) -> None:
    # The owner creates the stand-in tables (the app's role may not create tables).
    conn = owner_conn
    a, b, c = [await factory.make_organisation(conn, OrgKind.BIDDER) for _ in range(3)]
    if not await conn.fetchval("SELECT to_regclass('party_relations') IS NOT NULL"):
        await conn.execute(
            "CREATE TABLE party_relations (from_org uuid, to_org uuid, kind text);"
            "CREATE TABLE party_people (organisation_id uuid, role text, name text,"
            " id_hash text)"
        )
    await conn.execute(
        "INSERT INTO party_relations (from_org, to_org, kind) VALUES ($1, $2, 'controlling')",
        a.id, b.id,
    )  # fmt: skip
    await conn.execute(
        "INSERT INTO party_people (organisation_id, role, name, id_hash)"
        " VALUES ($1, 'legal_representative', '张伟', $2), ($3, 'staff', '李娜', $2)",
        a.id, "ab" * 32, c.id,
    )  # fmt: skip
    relations, people = await queries.party_facts(conn, [str(a.id), str(b.id)])
    assert relations == [PartyRelation(str(a.id), str(b.id), "controlling")]
    assert people == [PartyPerson(str(a.id), "legal_representative", "ab" * 32)]
