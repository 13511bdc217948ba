"""Reading the credit record, as the rules publish it (issue 14, item 2).

- Public (anyone, no sign-in): the red and black lists in force, each entry with its
  party, source, basis and term (失信惩戒 lists are published; DOMAIN.md "Monitoring and
  supervision").
- Supervisors and the centre: the whole registry and every party's full record —
  qualifications, people (name and role; the ID number never), relations, projects,
  violations, sanctions, entries, appeals and the computed credit score.
- A party: its own record (to see what it may appeal).

The score is computed by the formula of policy.json (loaded and validated once, by the
app factory: :func:`load_default_policy`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from importlib import resources
from uuid import UUID

import asyncpg

from accounts.model import Actor, require_aware
from supervision.credit import queries
from supervision.credit.errors import CreditEntryNotFound
from supervision.credit.model import (
    Appeal,
    CreditPolicy,
    CreditScore,
    ListEntry,
    ListKind,
    Sanction,
    Violation,
    load_policy,
    score,
)
from supervision.parties import access
from supervision.parties import queries as parties
from supervision.parties.model import Party, Person, Project, Qualification, Relation
from supervision.parties.service import require_party


def load_default_policy() -> CreditPolicy:
    """The shipped formula (supervision/credit/policy.json), validated."""
    raw = resources.files("supervision.credit").joinpath("policy.json").read_text("utf-8")
    return load_policy(json.loads(raw))


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PartyRecord:
    party: Party
    qualifications: tuple[Qualification, ...]
    people: tuple[Person, ...]
    relations: tuple[Relation, ...]
    projects: tuple[Project, ...]
    violations: tuple[Violation, ...]
    sanctions: tuple[Sanction, ...]
    entries: tuple[ListEntry, ...]
    appeals: tuple[Appeal, ...]
    credit: CreditScore


async def credit_score(
    conn: asyncpg.Connection, organisation_id: UUID, policy: CreditPolicy, now: dt.datetime
) -> CreditScore:
    """The party's score now: its facts within the policy's window, through the formula."""
    since = require_aware(now) - dt.timedelta(days=policy.window_days)
    return score(policy, await queries.count_facts(conn, organisation_id, since, now))


async def party_record(
    conn: asyncpg.Connection,
    actor: Actor,
    organisation_id: UUID,
    policy: CreditPolicy,
    now: dt.datetime,
) -> PartyRecord:
    """A party's full record (supervisors, the centre, the party itself)."""
    access.require_reader(actor, organisation_id)
    party = await require_party(conn, organisation_id)
    entries = await queries.entries_of(conn, organisation_id)
    appeals = [a for e in entries for a in await queries.appeals_of_entry(conn, e.id)]
    return PartyRecord(
        party=party,
        qualifications=tuple(await parties.qualifications(conn, organisation_id)),
        people=tuple(await parties.people(conn, organisation_id)),
        relations=tuple(await parties.relations_of(conn, organisation_id)),
        projects=tuple(await parties.projects(conn, organisation_id)),
        violations=tuple(await queries.violations_of(conn, organisation_id)),
        sanctions=tuple(await queries.sanctions_of(conn, organisation_id)),
        entries=tuple(entries),
        appeals=tuple(appeals),
        credit=await credit_score(conn, organisation_id, policy, now),
    )


async def registry(
    conn: asyncpg.Connection, actor: Actor, *, search: str = "", limit: int = 100
) -> list[Party]:
    """The market parties, by name (supervisors and the centre)."""
    access.require_reader(actor)
    return await parties.parties(conn, search.strip()[:100], limit)


async def public_lists(
    conn: asyncpg.Connection, now: dt.datetime
) -> dict[ListKind, list[ListEntry]]:
    """The red and black lists in force now: public, with source, basis and term."""
    running = await queries.running(conn, require_aware(now))
    return {kind: [e for e in running if e.list is kind] for kind in ListKind}


async def all_entries(conn: asyncpg.Connection, actor: Actor, limit: int = 100) -> list[ListEntry]:
    """Every entry, ended and revoked too (supervisors and the centre)."""
    access.require_reader(actor)
    return await queries.all_entries(conn, limit)


async def entry_with_appeals(
    conn: asyncpg.Connection, actor: Actor, entry_id: UUID
) -> tuple[ListEntry, list[Appeal]]:
    """One entry and its appeals (supervisors, the centre, the listed party)."""
    found = await queries.entry(conn, entry_id)
    if found is None:
        raise CreditEntryNotFound("no list entry has this id")
    access.require_reader(actor, found.organisation_id)
    return found, await queries.appeals_of_entry(conn, entry_id)


async def pending_appeals(conn: asyncpg.Connection, actor: Actor) -> list[Appeal]:
    """Appeals awaiting a decision (supervisors and the centre)."""
    access.require_reader(actor)
    return await queries.pending_appeals(conn)
