"""Use cases of tenders: drafts, checks, publication, the row lock and status changes.

Each use case owns its transaction and appends its log entry in it (DESIGN.md,
"Architecture"). What the submission and opening work build on:

- :func:`lock_tender` — the tender's row lock with the database clock read *after*
  the lock is granted (DESIGN.md, "Time"); every deadline decision happens under it.
- :func:`change_status` — moves along the lifecycle (bidding closed, opening, …).
- committee.py — the lot's committee, and the freeze hook the first bid calls.

Documents, clarifications and objections live in documents.py and notices.py; bonds
in bonds.py.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts import service as accounts
from accounts.errors import OrganisationNotFound, PermissionDenied
from accounts.model import Actor, OrgKind, Role
from accounts.permissions import Action, Resource, ResourceKind, require
from audit import service as audit
from signing.canonical import canonical_json, sha256_hex
from signing.certs import TrustStore
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject, format_time
from tender import access, document_queries, queries, rules
from tender.calendar import HolidayCalendar, local_date
from tender.codec import evaluation_to_json, fields_to_json
from tender.errors import (
    OrganisationKindMismatch,
    TenderNotDraft,
    TenderNotFound,
    TenderRuleBroken,
    TenderRulesBroken,
    TenderStateConflict,
)
from tender.events import TenderEvent
from tender.model import CATEGORY_CODES, Tender, TenderDraft, TenderStatus
from tender.policy import Policies
from tender.roster import Roster

log = logging.getLogger(__name__)

PLATFORM = LogActor(user_id=None, role="platform")
PUBLIC_LIST_MAX = 100

# The lifecycle (DESIGN.md, "Lifecycles"): which status may follow which.
TRANSITIONS: Mapping[TenderStatus, frozenset[TenderStatus]] = {
    TenderStatus.DRAFT: frozenset({TenderStatus.PUBLISHED, TenderStatus.CANCELLED}),
    TenderStatus.PUBLISHED: frozenset(
        {TenderStatus.SUSPENDED, TenderStatus.BIDDING_CLOSED, TenderStatus.CANCELLED}
    ),
    TenderStatus.SUSPENDED: frozenset({TenderStatus.PUBLISHED, TenderStatus.CANCELLED}),
    TenderStatus.BIDDING_CLOSED: frozenset({TenderStatus.OPENING, TenderStatus.FAILED}),
    TenderStatus.OPENING: frozenset({TenderStatus.EVALUATION, TenderStatus.FAILED}),
    TenderStatus.EVALUATION: frozenset({TenderStatus.CANDIDATES_PUBLICISED, TenderStatus.FAILED}),
    TenderStatus.CANDIDATES_PUBLICISED: frozenset({TenderStatus.AWARDED, TenderStatus.FAILED}),
    TenderStatus.AWARDED: frozenset({TenderStatus.CONTRACT}),
    TenderStatus.CONTRACT: frozenset({TenderStatus.PERFORMANCE}),
    TenderStatus.PERFORMANCE: frozenset({TenderStatus.ARCHIVED}),
    TenderStatus.CANCELLED: frozenset({TenderStatus.ARCHIVED}),
    TenderStatus.FAILED: frozenset({TenderStatus.ARCHIVED}),
    TenderStatus.ARCHIVED: frozenset(),
}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Setup:
    """What the composition root hands every tender use case: policies, calendar, trust."""

    policies: Policies
    calendar: HolidayCalendar
    trust: TrustStore | None = None

    def policies_of(self, tender: Tender) -> Policies:
        """A published tender's snapshot; the platform's policies for a draft."""
        if tender.policies is not None:
            return Policies.from_json(tender.policies)
        return self.policies

    def context(self, tender: Tender, now: datetime) -> rules.Context:
        """The rules' context for ``tender`` at ``now``."""
        return rules.Context(
            policies=self.policies_of(tender), calendar=self.calendar, trust=self.trust, now=now
        )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LockedTender:
    """A tender under its row lock, and the database clock read once the lock was held."""

    tender: Tender
    now: datetime


# --- helpers shared by the tender use cases -------------------------------------------


def log_address(address: str | None) -> str | None:
    """The address as the log wants it: a canonical IP address, or nothing."""
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


async def append(
    conn: asyncpg.Connection,
    kind: TenderEvent,
    tender_id: UUID,
    *,
    actor: LogActor,
    address: str | None = None,
    data: Mapping[str, Any],
    commitments: Sequence[str] = (),
) -> int:
    """Append a tender log entry in the caller's transaction (time: the database clock)."""
    entry = LogEntry(
        kind=kind,
        time=await queries.database_now(conn),
        actor=actor,
        address=log_address(address),
        subject=Subject(type="tender", id=str(tender_id)),
        data=data,
        commitments=tuple(commitments),
    )
    return await audit.append(conn, entry)


async def lock_tender(conn: asyncpg.Connection, tender_id: UUID) -> LockedTender:
    """Take the tender's row lock (until the caller's transaction ends) and read the clock.

    Submissions, the deadline freeze, clarifications that move the deadline and
    objections all take this lock, so they are serialised; ``now`` is read after the
    lock is granted, so a caller that waited for the lock sees the time it got it.
    """
    if not conn.is_in_transaction():
        raise RuntimeError("lock_tender must run inside the caller's transaction")
    found = await queries.tender(conn, tender_id, lock=True)
    if found is None:
        raise TenderNotFound("no tender has this id")
    return LockedTender(tender=found, now=await queries.database_now(conn))


async def load(conn: asyncpg.Connection, tender_id: UUID) -> Tender:
    """The tender, or ``tender_not_found``."""
    found = await queries.tender(conn, tender_id)
    if found is None:
        raise TenderNotFound("no tender has this id")
    return found


# --- drafts ----------------------------------------------------------------------------


async def _check_parties(conn: asyncpg.Connection, draft: TenderDraft) -> None:
    wanted = {draft.tenderer_id: OrgKind.TENDERER, draft.department_id: OrgKind.INDUSTRY_DEPARTMENT}
    for organisation_id, kind in wanted.items():
        try:
            org = await accounts.get_organisation(conn, organisation_id)
        except OrganisationNotFound:
            raise OrganisationKindMismatch(f"no {kind} has the id {organisation_id}") from None
        if org.kind is not kind:
            raise OrganisationKindMismatch(f"{org.name} is not a {kind}")


def _agency_of(actor: Actor, agency_id: UUID | None) -> UUID:
    agencies = actor.acting_for(Role.AGENCY)
    if agency_id is None and len(agencies) == 1:
        agency_id = next(iter(agencies))
    if agency_id is None:
        raise PermissionDenied(
            "only a tendering agency creates tenders",
            details={"action": str(Action.CREATE_TENDER), "resource": "tender"},
        )
    return agency_id


def draft_json(draft: TenderDraft) -> dict[str, Any]:
    """The draft as canonical-JSON-ready data (its hash is logged on every save)."""
    s = draft.schedule
    dates = {
        name: None if (value := getattr(s, name)) is None else format_time(value)
        for name in ("documents_from", "documents_until", "clarification_cutoff", "deadline")
    }
    return {
        "title": draft.title,
        "description": draft.description,
        "category": str(draft.category),
        "procedure": str(draft.procedure),
        "envelopes": draft.envelopes,
        "consortia_allowed": draft.consortia_allowed,
        "opening_policy": str(draft.opening_policy),
        "tenderer_id": str(draft.tenderer_id),
        "department_id": str(draft.department_id),
        "invitation_approval": draft.invitation_approval,
        "schedule": dates | {"decryption_minutes": s.decryption_minutes},
        "lots": [
            {
                "number": lot.number,
                "title": lot.title,
                "estimated_price_fen": lot.estimated_price_fen,
                "price_ceiling_fen": lot.price_ceiling_fen,
                "bond_fen": lot.bond_fen,
                "evaluation": evaluation_to_json(lot.evaluation),
            }
            for lot in draft.lots
        ],
        "opening_fields": fields_to_json(draft.opening_fields),
    }


def draft_sha256(draft: TenderDraft) -> str:
    """Hex SHA-256 of the draft's canonical JSON."""
    return sha256_hex(canonical_json(draft_json(draft)))


async def create_draft(
    conn: asyncpg.Connection, actor: Actor, draft: TenderDraft, *, agency_id: UUID | None = None
) -> Tender:
    """Start a tender as the actor's agency, on behalf of the draft's tenderer."""
    agency_id = _agency_of(actor, agency_id)
    where = Resource(kind=ResourceKind.TENDER, agency_id=agency_id)
    role = require(actor, Action.CREATE_TENDER, where)
    await _check_parties(conn, draft)
    async with conn.transaction():
        tender_id = await queries.insert_tender(
            conn, agency_id=agency_id, created_by=actor.user_id, draft=draft
        )
        await queries.replace_lots(conn, tender_id, draft.lots)
        data = {
            "agency_id": str(agency_id),
            "tenderer_id": str(draft.tenderer_id),
            "department_id": str(draft.department_id),
            "draft_sha256": draft_sha256(draft),
        }
        log_actor = access.log_actor(actor, role)
        await append(
            conn,
            TenderEvent.DRAFT_CREATED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
        )
    log.info("tender.draft_created", extra={"tender_id": str(tender_id)})
    return await load(conn, tender_id)


async def update_draft(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, draft: TenderDraft
) -> Tender:
    """Replace a draft's content as a whole (only while it is a draft)."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, Action.CREATE_TENDER, locked.tender)
        if locked.tender.status is not TenderStatus.DRAFT:
            raise TenderNotDraft("only a draft can be edited")
        await _check_parties(conn, draft)
        await queries.update_draft(conn, tender_id, draft)
        await queries.replace_lots(conn, tender_id, draft.lots)
        await append(
            conn,
            TenderEvent.DRAFT_UPDATED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data={"draft_sha256": draft_sha256(draft)},
        )
    return await load(conn, tender_id)


async def get_tender(conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID) -> Tender:
    """A published tender for anyone; a draft only for those who may read it."""
    found = await load(conn, tender_id)
    if found.is_public or (actor is not None and access.may_read_draft(actor, found)):
        return found
    # A draft someone may not see does not exist for them.
    raise TenderNotFound("no tender has this id")


async def list_public(
    conn: asyncpg.Connection,
    *,
    after: tuple[datetime, UUID] | None = None,
    search: str = "",
    category: str = "",
    limit: int = 20,
) -> list[Tender]:
    """Published notices, newest first (keyset pagination)."""
    limit = max(1, min(limit, PUBLIC_LIST_MAX))
    return await queries.list_public(
        conn, after=after, search=search.strip()[:100], category=category, limit=limit
    )


async def list_mine(conn: asyncpg.Connection, actor: Actor, limit: int = 100) -> list[Tender]:
    """The tenders (drafts included) of the agencies and tenderers the actor acts for."""
    orgs = actor.acting_for(Role.AGENCY) | actor.acting_for(Role.TENDERER)
    return await queries.list_for_organisations(conn, sorted(orgs), limit) if orgs else []


async def check_draft(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, setup: Setup
) -> list[TenderRuleBroken]:
    """Every rule the draft breaks now (the agency's "check before publishing")."""
    found = await load(conn, tender_id)
    access.authorise(actor, Action.CREATE_TENDER, found)
    now = await queries.database_now(conn)
    return rules.check_tender(
        found, await queries.rosters(conn, tender_id), setup.context(found, now)
    )


# --- publication -------------------------------------------------------------------


def transaction_code(policies: Policies, tender: Tender, now: datetime, number: int) -> str:
    """``XC-2026-GC-000123``: centre, year (Asia/Shanghai), category, sequence."""
    return f"{code_prefix(policies, tender, now)}-{number:06d}"


def code_prefix(policies: Policies, tender: Tender, now: datetime) -> str:
    """The counter a tender's code is drawn from: centre, year and category."""
    year = local_date(now).year
    return f"{policies.centre_code}-{year}-{CATEGORY_CODES[tender.content.category]}"


async def publish(conn: asyncpg.Connection, actor: Actor, tender_id: UUID, setup: Setup) -> Tender:
    """Check every rule, then publish: code, policy snapshot, committees' fingerprints.

    Two publishes of one draft race on the row lock; the second finds it published
    (``tender_not_draft_conflict``).
    """
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        log_actor = access.authorise(actor, Action.PUBLISH_TENDER, tender)
        if tender.status is not TenderStatus.DRAFT:
            raise TenderNotDraft("the tender is not a draft: it was published already")
        rosters = await queries.rosters(conn, tender_id)
        broken = rules.check_tender(tender, rosters, setup.context(tender, now))
        if broken:
            raise TenderRulesBroken(broken)
        policies = setup.policies
        number = await queries.next_code_number(conn, code_prefix(policies, tender, now))
        code = transaction_code(policies, tender, now, number)
        await queries.mark_published(
            conn, tender_id, code=code, policies=policies.to_json(), at=now
        )
        documents = await document_queries.publish_staged_versions(conn, tender_id, now)
        published = await load(conn, tender_id)
        await append(
            conn,
            TenderEvent.PUBLISHED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=_published_data(published, rosters, documents),
        )
    log.info("tender.published", extra={"tender_id": str(tender_id), "code": code})
    return published


def _published_data(
    tender: Tender, rosters: Mapping[str, Roster], documents: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    assert tender.code is not None
    assert tender.deadline is not None
    fingerprints = {
        number: roster.committee(tender_code=tender.code, deadline=tender.deadline).fingerprint_hex
        for number, roster in rosters.items()
    }
    return {
        "code": tender.code,
        "deadline": format_time(tender.deadline),
        "notice_sha256": draft_sha256(tender.content),
        "policies": dict(tender.policies or {}),
        "committee_fingerprints": fingerprints,
        "documents": list(documents),
    }


# --- lifecycle ---------------------------------------------------------------------


async def change_status(
    conn: asyncpg.Connection,
    tender_id: UUID,
    to: TenderStatus,
    *,
    actor: LogActor = PLATFORM,
    address: str | None = None,
    reason: str = "",
) -> Tender:
    """Move a tender along its lifecycle, under its row lock, logged.

    Runs in the caller's transaction if there is one (the deadline freeze and the
    opening change status together with their own records), else in its own.
    """
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        current = locked.tender.status
        if to not in TRANSITIONS[current]:
            raise TenderStateConflict(f"a {current} tender cannot become {to}")
        await queries.set_status(conn, tender_id, to)
        data = {"from": str(current), "to": str(to), "reason": reason[:500]}
        await append(
            conn, TenderEvent.STATUS_CHANGED, tender_id, actor=actor, address=address, data=data
        )
    return await load(conn, tender_id)
