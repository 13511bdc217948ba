"""Use cases of the market-party registry: qualifications, people, relations (issue 14,
item 2: 市场主体信息库). Each owns its transaction and logs its change in it."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg

from accounts.model import Actor, require_aware
from expert_pool.id_card import id_card_digest
from supervision.parties import access, journal, queries
from supervision.parties.errors import PartyInputInvalid, PartyNotFound, PartyRecordExists
from supervision.parties.events import PartyEvent
from supervision.parties.model import (
    Party,
    Person,
    PersonRole,
    Qualification,
    Relation,
    RelationKind,
    choice,
    text,
)


async def require_party(conn: asyncpg.Connection, organisation_id: UUID) -> Party:
    """The market party with this id, or ``party_not_found``."""
    found = await queries.party(conn, organisation_id)
    if found is None:
        raise PartyNotFound(
            "no market party (bidder, agency, tenderer or expert employer) has this id",
            details={"organisation_id": str(organisation_id)},
        )
    return found


async def record_qualification(
    conn: asyncpg.Connection,
    actor: Actor,
    organisation_id: UUID,
    *,
    kind: str,
    grade: str,
    number: str,
    issuer: str,
    valid_from: dt.date,
    valid_to: dt.date | None,
    now: dt.datetime,
) -> Qualification:
    """A qualification (资质) of a party: kind, grade, number, issuer, validity."""
    role = access.require_keeper(actor, "record_qualification")
    kind, number = text("kind", kind, most=100), text("number", number, most=100)
    grade, issuer = text("grade", grade, most=50, least=0), text("issuer", issuer, most=200)
    if valid_to is not None and valid_to < valid_from:
        raise PartyInputInvalid(
            "a qualification is valid until after it is valid from",
            details={"field": "valid_to"},
        )
    async with conn.transaction():
        await require_party(conn, organisation_id)
        found = await queries.insert_qualification(
            conn, organisation_id, kind, grade, number, issuer, valid_from, valid_to,
            actor.user_id, require_aware(now),
        )  # fmt: skip
        if found is None:
            raise PartyRecordExists("this qualification is recorded already")
        await journal.append(
            conn, PartyEvent.QUALIFICATION_RECORDED, actor=actor, role=role,
            subject=("organisation", str(organisation_id)),
            data={"kind": kind, "grade": grade, "number": number, "issuer": issuer,
                  "valid_from": valid_from.isoformat(),
                  "valid_to": valid_to.isoformat() if valid_to else None},
        )  # fmt: skip
    return found


async def record_person(
    conn: asyncpg.Connection,
    actor: Actor,
    organisation_id: UUID,
    *,
    role: str,
    name: str,
    id_number: str,
    id_key: bytes,
    now: dt.datetime,
) -> Person:
    """One of a party's people by name and the keyed hash of the ID number: the number
    itself is validated, hashed and dropped here — never stored, logged or shown."""
    acting = access.require_keeper(actor, "record_person")
    person_role = choice(PersonRole, "role", role)
    name = text("name", name, most=100)
    id_hash = id_card_digest(id_number, id_key)
    async with conn.transaction():
        await require_party(conn, organisation_id)
        found = await queries.insert_person(
            conn, organisation_id, person_role, name, id_hash, actor.user_id, require_aware(now)
        )
        if found is None:
            raise PartyRecordExists(
                "this person is recorded already (a party has one legal representative)"
            )
        await journal.append(
            conn, PartyEvent.PERSON_RECORDED, actor=actor, role=acting,
            subject=("organisation", str(organisation_id)),
            data={"role": str(person_role), "id_hash": id_hash},
        )  # fmt: skip
    return found


async def record_relation(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    from_org: UUID,
    to_org: UUID,
    kind: str,
    basis: str,
    now: dt.datetime,
) -> Relation:
    """A relation between two parties (Reg. 34: controlling, managed by, shared people)."""
    role = access.require_keeper(actor, "record_relation")
    relation_kind = choice(RelationKind, "kind", kind)
    basis = text("basis", basis, most=2000)
    if from_org == to_org:
        raise PartyInputInvalid("a party is not related to itself", details={"field": "to_org"})
    async with conn.transaction():
        await require_party(conn, from_org)
        await require_party(conn, to_org)
        found = await queries.insert_relation(
            conn, from_org, to_org, relation_kind, basis, actor.user_id, require_aware(now)
        )
        if found is None:
            raise PartyRecordExists("this relation is recorded already")
        await journal.append(
            conn, PartyEvent.RELATION_RECORDED, actor=actor, role=role,
            subject=("organisation", str(from_org)),
            data={"to_org": str(to_org), "kind": str(relation_kind), "basis": basis},
        )  # fmt: skip
    return found
