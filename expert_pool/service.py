"""Use cases of the pool itself: experts, their calendars and records, venues, policy.

Each use case checks permission, owns its transaction and appends its log entry in it
(DESIGN.md, "Architecture"). Personal data (names, phones, identity cards) never enters
the log: entries name experts by id. The draw's use cases are in
`expert_pool.service_draws`, attendance and assessment in `expert_pool.service_records`;
the demo data is loaded by `web.expert_pool.demo.load_demo`.

The identity-card matching key is the caller's (`id_card_key`): the web layer keeps it
in the data directory beside the log key (``keys/id_card.key``, created at first use,
mode 0600; every node of a deployment must share it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from accounts.permissions import EXPERT_POOL, Action, require, require_role
from expert_pool import journal, queries
from expert_pool.csv_import import expert_from_fields, parse_experts_csv
from expert_pool.errors import (
    CsvProblem,
    CsvRowsInvalid,
    ExpertNotFound,
    ExpertRecordInvalid,
    UnavailabilityNotFound,
)
from expert_pool.events import PoolEvent
from expert_pool.id_card import id_card_digest
from expert_pool.model import (
    Expert,
    ExpertStatus,
    Penalty,
    Relationship,
    UnavailableInterval,
    validate_id,
)
from expert_pool.policy import PoolPolicy, policy_from_json
from expert_pool.profiles import (
    Alert,
    ExpertProfile,
    ExpertSummary,
    SearchFilter,
    Unavailable,
    Venue,
)
from expert_pool.regions import DEFAULT_REGIONS
from signing.certs import cert_sha256, dump_pem_certificate, load_pem_certificate
from signing.errors import SigningError

log = logging.getLogger(__name__)


# --- policy -----------------------------------------------------------------------------


async def load_policy(conn: asyncpg.Connection) -> PoolPolicy:
    """The policy in force: the defaults with the stored override merged in."""
    return policy_from_json(await queries.policy_override(conn))


async def set_policy(
    conn: asyncpg.Connection, actor: Actor, override: Mapping[str, Any]
) -> PoolPolicy:
    """Replace the stored override (system administrator: configuration)."""
    role = require_role(actor, Action.SET_POOL_POLICY, EXPERT_POOL)
    policy = policy_from_json(dict(override))  # refuse a bad document before storing it
    async with conn.transaction():
        await queries.set_policy_override(conn, dict(override))
        await journal.append(
            conn,
            PoolEvent.POLICY_CHANGED,
            actor=actor,
            role=role,
            subject=("expert_pool", "policy"),
            data={"policy": policy.to_json()},
        )
    return policy


# --- experts ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportReport:
    """What a CSV import stored."""

    imported: int
    ids: tuple[str, ...]


async def _conflicts(
    conn: asyncpg.Connection, rows: Sequence[tuple[int, Expert]]
) -> list[CsvProblem]:
    experts = [e for _, e in rows]
    ids, digests = await queries.existing_keys(
        conn, [e.id for e in experts], [e.id_card.digest for e in experts]
    )
    problems = [
        CsvProblem(n, "id", "an expert with this id exists") for n, e in rows if e.id in ids
    ]
    problems += [
        CsvProblem(n, "id_card", "an expert with this identity card exists")
        for n, e in rows
        if e.id_card.digest in digests
    ]
    return sorted(problems)


async def _store_experts(
    conn: asyncpg.Connection,
    actor: Actor,
    role: Role,
    experts: Sequence[Expert],
    users: Sequence[UUID | None],
    kind: PoolEvent,
) -> None:
    await queries.insert_experts(conn, experts, users)
    await queries.record_initial_status(conn, experts, reason=str(kind), by=actor.user_id)
    ids = [e.id for e in experts]
    await journal.append(
        conn,
        kind,
        actor=actor,
        role=role,
        subject=("expert", ids[0]) if len(ids) == 1 else ("expert_pool", "import"),
        data={"experts": ids, "count": len(ids)},
    )


async def import_experts(
    conn: asyncpg.Connection, actor: Actor, data: bytes, *, id_card_key: bytes
) -> ImportReport:
    """Import a CSV: every row or none; CsvRowsInvalid names each bad row and why."""
    role = require_role(actor, Action.MANAGE_EXPERTS, EXPERT_POOL)
    rows = parse_experts_csv(data, id_card_key=id_card_key)
    if not rows:
        raise CsvRowsInvalid([CsvProblem(2, "", "the file has no expert rows")])
    async with conn.transaction():
        problems = await _conflicts(conn, rows)
        if problems:
            raise CsvRowsInvalid(problems)
        experts = [e for _, e in rows]
        await _store_experts(
            conn, actor, role, experts, [None] * len(experts), PoolEvent.EXPERTS_IMPORTED
        )
    log.info("expert_pool.imported", extra={"count": len(rows)})
    return ImportReport(imported=len(rows), ids=tuple(e.id for _, e in rows))


async def create_expert(
    conn: asyncpg.Connection,
    actor: Actor,
    fields: Mapping[str, str],
    *,
    id_card_key: bytes,
    user_id: UUID | None = None,
) -> ExpertProfile:
    """Add one expert from its fields (the CSV columns, as text)."""
    role = require_role(actor, Action.MANAGE_EXPERTS, EXPERT_POOL)
    expert = expert_from_fields(fields, id_card_key=id_card_key)
    async with conn.transaction():
        problems = await _conflicts(conn, [(1, expert)])
        if problems:
            raise CsvRowsInvalid(problems)
        await _store_experts(conn, actor, role, [expert], [user_id], PoolEvent.EXPERT_CREATED)
    return await _profile(conn, expert.id)


async def _profile(conn: asyncpg.Connection, expert_id: str) -> ExpertProfile:
    profile = await queries.expert(conn, validate_id(expert_id))
    if profile is None:
        raise ExpertNotFound(f"no expert has the id {expert_id!r}")
    return profile


async def get_expert(conn: asyncpg.Connection, actor: Actor, expert_id: str) -> ExpertProfile:
    """One expert's profile (supervisors and administrators; not the draw operator)."""
    require(actor, Action.SEARCH_EXPERTS, EXPERT_POOL)
    return await _profile(conn, expert_id)


async def search_experts(
    conn: asyncpg.Connection, actor: Actor, search: SearchFilter
) -> list[ExpertSummary]:
    """A page of the pool (DOMAIN.md: the draw operator cannot browse the pool)."""
    require(actor, Action.SEARCH_EXPERTS, EXPERT_POOL)
    if search.region is not None:
        DEFAULT_REGIONS.validate(search.region)
    return await queries.search_experts(conn, search)


async def match_id_card(
    conn: asyncpg.Connection, actor: Actor, number: str, *, id_card_key: bytes
) -> str | None:
    """The id of the expert holding this identity card number, if any (one at a time)."""
    require(actor, Action.SEARCH_EXPERTS, EXPERT_POOL)
    return await queries.expert_by_digest(conn, id_card_digest(number, id_card_key))


async def change_status(
    conn: asyncpg.Connection, actor: Actor, expert_id: str, status: ExpertStatus, reason: str
) -> ExpertProfile:
    """Suspend, reinstate, retire or ban an expert, keeping the history."""
    role = require_role(actor, Action.MANAGE_EXPERTS, EXPERT_POOL)
    _check_reason(reason)
    async with conn.transaction():
        await queries.set_status(
            conn, validate_id(expert_id), status, reason=reason, by=actor.user_id
        )
        await journal.append(
            conn,
            PoolEvent.EXPERT_STATUS_CHANGED,
            actor=actor,
            role=role,
            subject=("expert", expert_id),
            data={"status": str(status), "automatic": False},
        )
    return await _profile(conn, expert_id)


def _check_reason(reason: str) -> None:
    if not 1 <= len(reason.strip()) <= 500:
        raise ExpertRecordInvalid("a reason is 1 to 500 characters")


async def record_penalty(
    conn: asyncpg.Connection, actor: Actor, expert_id: str, penalty: Penalty
) -> ExpertProfile:
    """Record a penalty for a tendering violation (it excludes from every later draw)."""
    role = require_role(actor, Action.MANAGE_EXPERTS, EXPERT_POOL)
    async with conn.transaction():
        await queries.insert_penalty(conn, validate_id(expert_id), penalty, actor.user_id)
        await journal.append(
            conn,
            PoolEvent.EXPERT_PENALISED,
            actor=actor,
            role=role,
            subject=("expert", expert_id),
            data={"kind": str(penalty.kind), "imposed_on": penalty.imposed_on.isoformat()},
        )
    return await _profile(conn, expert_id)


async def my_profile(conn: asyncpg.Connection, actor: Actor) -> ExpertProfile:
    """The caller's own expert profile."""
    profile = await queries.expert_of_user(conn, actor.user_id)
    if profile is None:
        raise ExpertNotFound("your account is not linked to an expert profile")
    return profile


async def declare_relationship(
    conn: asyncpg.Connection, actor: Actor, relationship: Relationship, expert_id: str | None = None
) -> ExpertProfile:
    """Declare a relationship (回避 ground): the expert itself, or a pool manager for it."""
    if expert_id is None:
        expert_id, role = (await my_profile(conn, actor)).expert.id, Role.EXPERT
    else:
        role = require_role(actor, Action.MANAGE_EXPERTS, EXPERT_POOL)
        await _profile(conn, expert_id)
    async with conn.transaction():
        await queries.insert_relationship(conn, expert_id, relationship)
        await journal.append(
            conn,
            PoolEvent.EXPERT_RELATIONSHIP_DECLARED,
            actor=actor,
            role=role,
            subject=("expert", expert_id),
            data={"kind": str(relationship.kind)},  # no names of persons in the log
        )
    return await _profile(conn, expert_id)


async def register_certificate(
    conn: asyncpg.Connection,
    actor: Actor,
    expert_id: str,
    pem: bytes,
    *,
    age_recipient: str | None = None,
) -> ExpertProfile:
    """Register the signing certificate the expert's answers must be signed with."""
    role = require_role(actor, Action.MANAGE_EXPERTS, EXPERT_POOL)
    try:
        cert = load_pem_certificate(pem)
    except (SigningError, ValueError):
        raise ExpertRecordInvalid("not a PEM X.509 certificate") from None
    digest = cert_sha256(cert)
    async with conn.transaction():
        text = dump_pem_certificate(cert).decode("ascii")
        await queries.set_certificate(conn, validate_id(expert_id), text, digest, age_recipient)
        await journal.append(
            conn,
            PoolEvent.EXPERT_CERTIFICATE_REGISTERED,
            actor=actor,
            role=role,
            subject=("expert", expert_id),
            data={"cert_sha256": digest},
        )
    return await _profile(conn, expert_id)


async def link_account(
    conn: asyncpg.Connection, actor: Actor, expert_id: str, user_id: UUID
) -> ExpertProfile:
    """Link an expert profile to the account the expert signs in with."""
    role = require_role(actor, Action.MANAGE_EXPERTS, EXPERT_POOL)
    async with conn.transaction():
        await queries.link_user(conn, validate_id(expert_id), user_id)
        await journal.append(
            conn,
            PoolEvent.EXPERT_ACCOUNT_LINKED,
            actor=actor,
            role=role,
            subject=("expert", expert_id),
            data={"user_id": str(user_id)},
        )
    return await _profile(conn, expert_id)


# --- the availability calendar (the expert keeps it) ----------------------------------


async def add_unavailable(
    conn: asyncpg.Connection, actor: Actor, start: datetime, end: datetime, note: str = ""
) -> Unavailable:
    """Mark [start, end) as unavailable in the caller's own calendar."""
    profile = await my_profile(conn, actor)
    if len(note) > 200:
        raise ExpertRecordInvalid("a note is at most 200 characters")
    interval = UnavailableInterval(start=start, end=end)
    return await queries.insert_unavailable(conn, profile.expert.id, interval, note)


async def remove_unavailable(conn: asyncpg.Connection, actor: Actor, item: UUID) -> None:
    """Remove one interval of the caller's own calendar."""
    profile = await my_profile(conn, actor)
    if not await queries.delete_unavailable(conn, profile.expert.id, item):
        raise UnavailabilityNotFound("no such interval in your calendar")


# --- venues and alerts -------------------------------------------------------------------


async def create_venue(conn: asyncpg.Connection, actor: Actor, venue: Venue) -> Venue:
    """Add a venue to the catalogue (centre staff run venues)."""
    role = require_role(actor, Action.MANAGE_VENUES, EXPERT_POOL)
    DEFAULT_REGIONS.validate(venue.region)
    async with conn.transaction():
        await queries.insert_venue(conn, venue)
        await journal.append(
            conn,
            PoolEvent.VENUE_CREATED,
            actor=actor,
            role=role,
            subject=("venue", venue.id),
            data={"name": venue.name, "region": venue.region, "seats": venue.seats},
        )
    return venue


async def list_venues(conn: asyncpg.Connection, actor: Actor) -> list[Venue]:
    """The venue catalogue."""
    require(actor, Action.VIEW_VENUES, EXPERT_POOL)
    return await queries.venues(conn)


async def list_alerts(conn: asyncpg.Connection, actor: Actor) -> list[Alert]:
    """Alerts for the caller: a supervisor's departments' draws, an agency's own draws."""
    return await queries.alerts(
        conn,
        departments=sorted(actor.acting_for(Role.SUPERVISOR)),
        agencies=sorted(actor.acting_for(Role.AGENCY)),
    )
