"""The Reg. 34 fact query reads supervision/parties' registry (CONTRACTS.md §3's
columns): the relations among the given parties and their people's ID hashes."""

from __future__ import annotations

import asyncpg

from expert_pool.id_card import check_character
from supervision.monitoring import queries
from supervision.monitoring.model import PartyPerson, PartyRelation
from supervision.parties import service as parties
from tender.queries import database_now
from tests.supervision.factory import People

KEY = b"k" * 32


def _number(first17: str) -> str:
    return first17 + check_character(first17)


async def test_party_facts_read_relations_and_people_of_the_given_parties(
    conn: asyncpg.Connection, people: People
) -> None:
    """Recorded through the registry's service; a party outside the lot is not read."""
    now = await database_now(conn)
    a, b, c = people.bidder.id, people.agency.id, people.other_agency.id
    await parties.record_relation(
        conn, people.staff, from_org=a, to_org=b, kind="controlling", basis="持股 60%", now=now
    )
    zhang = await parties.record_person(
        conn, people.staff, a, role="legal_representative", name="张伟",
        id_number=_number("34180019800101001"), id_key=KEY, now=now,
    )  # fmt: skip
    await parties.record_person(
        conn, people.staff, c, role="staff", name="李娜",
        id_number=_number("34180019800101001"), id_key=KEY, now=now,
    )  # fmt: skip
    relations, found = await queries.party_facts(conn, [str(a), str(b)])
    assert relations == [PartyRelation(str(a), str(b), "controlling")]
    assert found == [PartyPerson(str(a), "legal_representative", zhang.id_hash)]
