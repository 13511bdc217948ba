"""Use cases of tenders: drafts, the agency's checks, reading and publication.

Each use case owns its transaction and appends its log entry in it (DESIGN.md,
"Architecture"). The core they share with the feature services — the row lock, the
log entry, status changes — is lifecycle.py; the composition root's hand-over is
setup.py. The committee, documents, notices, bonds, submission and opening live in
their own packages.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.errors import OrganisationNotFound, PermissionDenied
from accounts.model import Actor, OrgKind, Role
from accounts.organisations import service as organisations
from accounts.permissions import Action, Resource, ResourceKind, require
from signing.canonical import canonical_json, sha256_hex
from signing.log.entry import format_time
from tender import access, queries, rules
from tender.calendar import local_date
from tender.codec import evaluation_to_json, fields_to_json
from tender.committee import queries as committee_queries
from tender.committee.model import Roster
from tender.documents import queries as document_queries
from tender.errors import (
    OrganisationKindMismatch,
    TenderNotDraft,
    TenderNotFound,
    TenderRuleBroken,
    TenderRulesBroken,
)
from tender.events import TenderEvent
from tender.lifecycle import append, load, lock_tender
from tender.model import CATEGORY_CODES, Tender, TenderDraft, TenderStatus
from tender.policy import Policies
from tender.setup import Setup

log = logging.getLogger(__name__)

PUBLIC_LIST_MAX = 100


# --- drafts ----------------------------------------------------------------------------


async def _check_parties(conn: asyncpg.Connection, draft: TenderDraft) -> None:
    wanted = {draft.tenderer_id: OrgKind.TENDERER, draft.department_id: OrgKind.INDUSTRY_DEPARTMENT}
    for organisation_id, kind in wanted.items():
        try:
            org = await organisations.get_organisation(conn, organisation_id)
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
        "signing_keys": str(draft.signing_keys),
        "sealing": str(draft.sealing),
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


async def list_overseen(conn: asyncpg.Connection, actor: Actor, limit: int = 100) -> list[Tender]:
    """The tenders (drafts included) the actor's centre hosts (access.is_host) or its
    department supervises (access.SUPERVISE): the staff's and supervisors' worklist."""
    centres = actor.acting_for(Role.CENTRE_STAFF)
    departments = actor.acting_for(Role.SUPERVISOR)
    if not centres and not departments:
        return []
    return await queries.list_overseen(conn, sorted(centres), sorted(departments), limit)


async def check_draft(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, setup: Setup
) -> list[TenderRuleBroken]:
    """Every rule the draft breaks now (the agency's "check before publishing")."""
    found = await load(conn, tender_id)
    access.authorise(actor, Action.CREATE_TENDER, found)
    now = await queries.database_now(conn)
    return rules.check_tender(
        found, await committee_queries.rosters(conn, tender_id), setup.context(found, now)
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
        rosters = await committee_queries.rosters(conn, tender_id)
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
