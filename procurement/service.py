"""Use cases of procurement projects: creation with the method, the plan, the method's
checks and publication, reading (issue 18, item 4).

A project is created as a tender draft (tender.service, unchanged) and its project row
in one transaction; it is published by the tender's own publication, inside the
transaction that first checked the method's rules — the database refuses any other way
(0115's trigger). Each use case appends its log entry in its transaction.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.errors import OrganisationNotFound
from accounts.model import Actor, OrgKind
from accounts.organisations import service as organisations
from accounts.permissions import Action
from procurement import invitees, ocds, queries, rules
from procurement.errors import (
    ProcurementInputInvalid,
    ProcurementRuleBroken,
    ProcurementRulesBroken,
    ProjectNotFound,
    ProjectStateConflict,
    SupplierInvalid,
)
from procurement.events import ProcurementEvent
from procurement.model import Award, Method, Plan, Project
from procurement.policy import ProcurementPolicies
from signing.log.entry import Actor as LogActor
from signing.log.entry import format_time
from tender import access
from tender import service as tenders
from tender.calendar import period_end
from tender.disclosure import ocds_packages as packages
from tender.disclosure import service as disclosure
from tender.disclosure.facts import MethodFact
from tender.disclosure.ocds import Site
from tender.errors import TenderNotFound
from tender.lifecycle import LockedTender, append, load, lock_tender
from tender.model import Tender, TenderDraft, TenderStatus
from tender.queries import database_now
from tender.setup import Setup

log = logging.getLogger(__name__)


async def plan_json(conn: asyncpg.Connection, tender_id: UUID, plan: Plan) -> dict[str, Any]:
    """The plan as logged: the suppliers as their commitments (invitees.sealed), which
    ``procurement.suppliers_revealed`` opens at the award."""
    group = plan.group
    sealed = await invitees.sealed(conn, tender_id, plan.suppliers)
    return {
        "method": str(plan.method),
        "suppliers": invitees.listed(sealed),
        "group": None if group is None else {"members": group.members, "experts": group.experts},
        "reason": plan.reason,
    }


async def _check_suppliers(conn: asyncpg.Connection, suppliers: tuple[UUID, ...]) -> None:
    for supplier_id in suppliers:
        try:
            org = await organisations.get_organisation(conn, supplier_id)
        except OrganisationNotFound:
            raise SupplierInvalid(f"no organisation has the id {supplier_id}") from None
        if org.kind is not OrgKind.BIDDER:
            raise SupplierInvalid(f"{org.name} is not a supplier (a bidder organisation)")


async def create_project(
    conn: asyncpg.Connection,
    actor: Actor,
    draft: TenderDraft,
    plan: Plan,
    *,
    agency_id: UUID | None = None,
) -> tuple[Tender, Project]:
    """Start a project: its tender draft (the agency's) and its method, chosen now."""
    await _check_suppliers(conn, plan.suppliers)
    async with conn.transaction():
        tender = await tenders.create_draft(conn, actor, draft, agency_id=agency_id)
        log_actor = access.authorise(actor, Action.CREATE_TENDER, tender)
        await queries.insert_project(conn, tender.id, plan)
        await append(
            conn, ProcurementEvent.PROJECT_CREATED, tender.id,
            actor=log_actor, address=actor.address, data=await plan_json(conn, tender.id, plan),
        )  # fmt: skip
    log.info("procurement.project_created", extra={"tender_id": str(tender.id)})
    return tender, await _project(conn, tender.id)


async def _project(conn: asyncpg.Connection, tender_id: UUID) -> Project:
    found = await queries.project(conn, tender_id)
    if found is None:
        raise ProjectNotFound("no procurement project has this id")
    return found


async def update_plan(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, plan: Plan
) -> Project:
    """Replace a draft project's suppliers, group and reason (the method stays)."""
    await _check_suppliers(conn, plan.suppliers)
    async with conn.transaction():
        locked, project, log_actor = await locked_for(conn, actor, tender_id, Action.CREATE_TENDER)
        if locked.tender.status is not TenderStatus.DRAFT:
            raise ProjectStateConflict("only a draft project's plan is edited")
        if plan.method is not project.method:
            raise ProcurementInputInvalid("the method is chosen when the project is created")
        await queries.replace_plan(conn, tender_id, plan)
        await append(
            conn, ProcurementEvent.PLAN_UPDATED, tender_id,
            actor=log_actor, address=actor.address, data=await plan_json(conn, tender_id, plan),
        )  # fmt: skip
    return await _project(conn, tender_id)


async def lock_project(
    conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID
) -> tuple[LockedTender, Project]:
    """The tender under its row lock (and the clock read under it) and its project;
    a draft the actor may not read is not found."""
    try:
        locked = await lock_tender(conn, tender_id)
    except TenderNotFound:
        raise ProjectNotFound("no procurement project has this id") from None
    _require_visible(actor, locked.tender)
    return locked, await _project(conn, tender_id)


def _require_visible(actor: Actor | None, tender: Tender) -> None:
    hidden = not tender.is_public and (actor is None or not access.may_read_draft(actor, tender))
    if hidden:  # another party's draft does not exist for it (access.hide_draft)
        raise ProjectNotFound("no procurement project has this id")


async def read_project(
    conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID
) -> tuple[Tender, Project]:
    """The tender and its project for a read, without the row lock: a reader — the
    public among them — never queues behind, nor holds up, the steps that take it."""
    try:
        tender = await load(conn, tender_id)
    except TenderNotFound:
        raise ProjectNotFound("no procurement project has this id") from None
    _require_visible(actor, tender)
    return tender, await _project(conn, tender_id)


async def locked_for(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, action: Action
) -> tuple[LockedTender, Project, LogActor]:
    """:func:`lock_project`, and the log actor of the role allowed ``action``."""
    locked, project = await lock_project(conn, actor, tender_id)
    return locked, project, access.authorise(actor, action, locked.tender)


def only_lot(locked: LockedTender) -> str:
    """The lot a method's award covers: its quotations are the project's, so the
    project is one lot (a project of several is refused the award, nothing changed)."""
    lots = locked.tender.content.lots
    if len(lots) != 1:
        raise ProjectStateConflict("a method's award covers a project of one lot")
    return lots[0].number


async def get_project(
    conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID
) -> tuple[Tender, Project, Award | None]:
    """A published project for anyone; a draft for those who may read its tender."""
    try:
        tender = await tenders.get_tender(conn, actor, tender_id)
    except TenderNotFound:
        raise ProjectNotFound("no procurement project has this id") from None
    project, award = await _project(conn, tender_id), await queries.award(conn, tender_id)
    return tender, as_seen_by(actor, tender, project, award), award


def as_seen_by(
    actor: Actor | None, tender: Tender, project: Project, award: Award | None
) -> Project:
    """The project as the reader may see it: who was invited stays with the agency,
    the tenderer and the overseers until the award (as who downloaded the documents
    does, EBM), lest suppliers learn their competitors; single source publishes its
    one supplier (Decree 74 Art. 38)."""
    revealed = award is not None or project.revealed_at is not None
    open_list = project.method is Method.SINGLE_SOURCE or revealed
    if open_list or (actor is not None and access.may_read_draft(actor, tender)):
        return project
    return dataclasses.replace(project, plan=dataclasses.replace(project.plan, suppliers=()))


async def my_projects(conn: asyncpg.Connection, actor: Actor) -> list[tuple[Tender, Method]]:
    """The projects (drafts included) of the agencies and tenderers the actor acts for,
    newest first, with their methods (the agency's list, web/procurement/desk.py)."""
    mine = await tenders.list_mine(conn, actor)
    found = await queries.methods(conn, [t.id for t in mine])
    return [(t, found[t.id]) for t in mine if t.id in found]


async def method_of(conn: asyncpg.Connection, tender_id: UUID) -> Method:
    """A tender's procurement method: its project's, else public tendering."""
    found = await queries.project(conn, tender_id)
    return Method.PUBLIC_TENDERING if found is None else found.method


def _publicity_end(
    project: Project, setup: Setup, policies: ProcurementPolicies, now: datetime
) -> datetime | None:
    if project.method is not Method.SINGLE_SOURCE:
        return None
    extend = setup.policies.extend_over_rest_days
    return period_end(now, policies.single_source_publicity, setup.calendar, extend=extend)


async def check_project(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    setup: Setup,
    policies: ProcurementPolicies,
) -> list[ProcurementRuleBroken]:
    """Every rule of its method the project breaks now (the agency's check)."""
    async with conn.transaction():
        locked, project, _ = await locked_for(conn, actor, tender_id, Action.CREATE_TENDER)
    ends = _publicity_end(project, setup, policies, locked.now)
    content = locked.tender.content
    return rules.check_project(project.plan, content, policies, publicity_ends_at=ends)


async def publish(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    setup: Setup,
    policies: ProcurementPolicies,
) -> tuple[Tender, Project]:
    """Check the method's rules, then publish the tender (its own rules, unchanged)."""
    async with conn.transaction():
        locked, project, log_actor = await locked_for(conn, actor, tender_id, Action.PUBLISH_TENDER)
        if locked.tender.status is not TenderStatus.DRAFT:
            raise ProjectStateConflict("the project is not a draft: it was published already")
        now = locked.now
        ends = _publicity_end(project, setup, policies, now)
        content = locked.tender.content
        broken = rules.check_project(project.plan, content, policies, publicity_ends_at=ends)
        if broken:
            raise ProcurementRulesBroken(broken)
        snapshot = policies.to_json()
        await queries.mark_checked(
            conn, tender_id, at=now, policies=snapshot, publicity_ends_at=ends
        )
        published = await tenders.publish(conn, actor, tender_id, setup)
        await append(
            conn, ProcurementEvent.PUBLISHED, tender_id,
            actor=log_actor, address=actor.address,
            data=await plan_json(conn, tender_id, project.plan) | {
                "policies": snapshot,
                "publicity_ends_at": None if ends is None else format_time(ends),
            },
        )  # fmt: skip
    log.info("procurement.published", extra={"tender_id": str(tender_id)})
    return published, await _project(conn, tender_id)


def snapshot_of(project: Project, platform: ProcurementPolicies) -> ProcurementPolicies:
    """A published project's policies; the platform's for a draft."""
    if project.policies is None:
        return platform
    return ProcurementPolicies.from_json(project.policies)


async def release_package(conn: asyncpg.Connection, tender_id: UUID, site: Site) -> dict[str, Any]:
    """The project's compiled OCDS release, as public now, in a release package."""
    project = await queries.project(conn, tender_id)
    if project is None:
        raise ProjectNotFound("no procurement project has this id")
    now = await database_now(conn)
    try:
        facts = await disclosure.load_disclosure(conn, tender_id, now, methods=method_fact)
    except TenderNotFound:
        raise ProjectNotFound("no procurement project has this id") from None
    # The award of every method is the tender's own (tender/results), in its release.
    release = packages.compiled_release(facts, site)
    return packages.package(packages.package_uri(facts, site), [release], site)


async def names_of(conn: asyncpg.Connection, ids: Sequence[UUID]) -> dict[UUID, str]:
    """Organisations' names, by id (through accounts' service)."""
    return {i: (await organisations.get_organisation(conn, i)).name for i in set(ids)}


async def method_fact(conn: asyncpg.Connection, tender_id: UUID) -> MethodFact | None:
    """A tender's method for its OCDS releases (tender.disclosure.service.MethodLoader):
    its project's, or None for tendering."""
    found = await queries.project(conn, tender_id)
    return None if found is None else ocds.method_fact(found)
