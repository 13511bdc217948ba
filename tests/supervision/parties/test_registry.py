"""The market-party registry (issue 14, item 2): qualifications, people by the hash of their
ID number (never the number in the log or the record), relations, and the related pairs
monitoring reads (Reg. 34)."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from expert_pool.errors import IdCardInvalid
from expert_pool.id_card import check_character
from supervision.parties import service as parties
from supervision.parties.errors import PartyInputInvalid, PartyNotFound, PartyRecordExists
from supervision.parties.relations import related
from tender.queries import database_now
from tests.accounts.factory import COMMITTED_LOG_ENTRIES
from tests.supervision.credit.kit import logged
from tests.tender.world import World

KEY = b"k" * 32
# Valid GB 11643-1999 numbers (check characters computed): never to appear in the log.
ZHANG = "34180019800101001X"
LI = "341800198502020027"


def _valid(number: str) -> str:
    return number[:17] + check_character(number[:17])


async def test_people_are_kept_by_the_hash_of_their_id_number_never_the_number(
    conn: asyncpg.Connection, world: World
) -> None:
    now, number = await database_now(conn), _valid(ZHANG)
    person = await parties.record_person(
        conn, world.staff, world.bidder_orgs[0].id, role="legal_representative", name="张三",
        id_number=number, id_key=KEY, now=now,
    )  # fmt: skip
    assert number not in repr(person)
    assert len(person.id_hash) == 64
    stored = await conn.fetch("SELECT * FROM party_people")
    assert number not in repr(stored)
    entries = await logged(conn, "party.person_recorded")
    assert number not in repr(entries)
    assert "张三" not in repr(entries)
    assert entries[0]["data"] == {"role": "legal_representative", "id_hash": person.id_hash}


async def test_a_shared_legal_representative_and_a_recorded_relation_make_related_pairs(
    conn: asyncpg.Connection, world: World
) -> None:
    now = await database_now(conn)
    a, b, c = (org.id for org in world.bidder_orgs[:3])
    for org in (a, b):
        await parties.record_person(
            conn, world.supervisor, org, role="legal_representative", name="张三",
            id_number=_valid(ZHANG), id_key=KEY, now=now,
        )  # fmt: skip
    await parties.record_person(
        conn, world.supervisor, c, role="legal_representative", name="李四",
        id_number=_valid(LI), id_key=KEY, now=now,
    )  # fmt: skip
    await parties.record_relation(
        conn, world.supervisor, from_org=c, to_org=a, kind="controlling",
        basis="持股 60%（工商登记）", now=now,
    )  # fmt: skip
    pairs = await related(conn, [a, b, c])
    assert (min(a, b), max(a, b), "shared_legal_representative") in pairs
    assert (c, a, "controlling") in pairs
    assert len(pairs) == 2
    assert await related(conn, [b, c]) == []


async def test_bad_registry_input_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, world: World
) -> None:
    now, org = await database_now(conn), world.bidder_orgs[0].id
    size = await conn.fetchval(COMMITTED_LOG_ENTRIES)  # queued entries too (§2.2)
    with pytest.raises(PartyNotFound):
        await parties.record_qualification(
            conn, world.staff, uuid.uuid4(), kind="建筑工程施工总承包", grade="一级",
            number="D134000001", issuer="安徽省住建厅", valid_from=dt.date(2024, 1, 1),
            valid_to=None, now=now,
        )  # fmt: skip
    with pytest.raises(PartyInputInvalid):
        await parties.record_qualification(
            conn, world.staff, org, kind="建筑工程施工总承包", grade="一级",
            number="D134000001", issuer="安徽省住建厅", valid_from=dt.date(2024, 1, 1),
            valid_to=dt.date(2023, 1, 1), now=now,
        )  # fmt: skip
    with pytest.raises(IdCardInvalid):
        await parties.record_person(
            conn, world.staff, org, role="principal", name="王五", id_number="123",
            id_key=KEY, now=now,
        )  # fmt: skip
    with pytest.raises(PartyInputInvalid):
        await parties.record_relation(
            conn, world.staff, from_org=org, to_org=org, kind="controlling", basis="x", now=now
        )
    with pytest.raises(PermissionDenied):
        await parties.record_relation(
            conn, world.bidders[0], from_org=org, to_org=world.bidder_orgs[1].id,
            kind="controlling", basis="x", now=now,
        )  # fmt: skip
    for table in ("party_qualifications", "party_people", "party_relations"):
        assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0
    assert await conn.fetchval(COMMITTED_LOG_ENTRIES) == size


async def test_a_qualification_is_recorded_once(conn: asyncpg.Connection, world: World) -> None:
    now, org = await database_now(conn), world.bidder_orgs[0].id
    args = {
        "kind": "建筑工程施工总承包", "grade": "一级", "number": "D134000001",
        "issuer": "安徽省住建厅", "valid_from": dt.date(2024, 1, 1),
        "valid_to": dt.date(2029, 1, 1), "now": now,
    }  # fmt: skip
    made = await parties.record_qualification(conn, world.staff, org, **args)  # type: ignore[arg-type]
    assert made.valid_on(dt.date(2026, 6, 1))
    with pytest.raises(PartyRecordExists):
        await parties.record_qualification(conn, world.staff, org, **args)  # type: ignore[arg-type]
