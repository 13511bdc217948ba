"""Use cases of the organisation tree: register, look up and list organisations.

Each use case owns its transaction, and a registration appends its log entry in that
same transaction (DESIGN.md, "Architecture").
"""

from __future__ import annotations

import logging
from uuid import UUID

import asyncpg

from accounts import credit_code as credit_codes
from accounts.errors import OrganisationNotFound
from accounts.journal import Principal, authorise, optional_id, queue
from accounts.model import (
    Actor,
    Organisation,
    OrganisationPage,
    OrgKind,
    check_organisation_name,
    check_parent,
    check_region,
    decode_cursor,
    encode_cursor,
)
from accounts.organisations import queries
from accounts.permissions import PLATFORM, Action
from signing.log.entry import EntryKind, Subject

log = logging.getLogger(__name__)


async def create_organisation(
    conn: asyncpg.Connection,
    by: Principal,
    *,
    credit_code: str,
    name: str,
    kind: OrgKind,
    parent_id: UUID | None = None,
    region: str = "",
) -> Organisation:
    """Register an organisation in the tree (system administrator or console)."""
    actor = authorise(by, Action.MANAGE_ORGANISATIONS, PLATFORM)
    code = credit_codes.normalise(credit_code)
    check_organisation_name(name)
    check_region(region)
    async with conn.transaction():
        parent = None
        if parent_id is not None:
            parent = await queries.organisation(conn, parent_id)
            if parent is None:
                raise OrganisationNotFound("the parent organisation does not exist")
        check_parent(kind, parent)
        org = await queries.insert_organisation(
            conn, credit_code=code, name=name, kind=kind, parent_id=parent_id, region=region
        )
        data = {
            "credit_code": org.credit_code,
            "name": org.name,
            "kind": str(org.kind),
            "parent_id": optional_id(org.parent_id),
            "region": org.region,
        }
        subject = Subject(type="organisation", id=str(org.id))
        await queue(
            conn,
            EntryKind.ACCOUNT_ORGANISATION_CREATED,
            actor=actor,
            by=by,
            subject=subject,
            data=data,
        )
    log.info("accounts.organisation_created", extra={"organisation_id": str(org.id)})
    return org


async def get_organisation(conn: asyncpg.Connection, organisation_id: UUID) -> Organisation:
    """The organisation with this id."""
    org = await queries.organisation(conn, organisation_id)
    if org is None:
        raise OrganisationNotFound("no organisation has this id")
    return org


async def organisation_by_code(conn: asyncpg.Connection, credit_code: str) -> Organisation:
    """The organisation with this unified social credit code."""
    org = await queries.organisation_by_code(conn, credit_codes.normalise(credit_code))
    if org is None:
        raise OrganisationNotFound("no organisation has this credit code")
    return org


async def list_organisations(
    conn: asyncpg.Connection, actor: Actor, *, cursor: str | None, limit: int
) -> OrganisationPage:
    """A page of organisations in creation order (any signed-in user)."""
    after = decode_cursor(cursor) if cursor else None
    rows = await queries.list_organisations(conn, after=after, limit=limit + 1)
    items = tuple(rows[:limit])
    more = len(rows) > limit
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if more else None
    return OrganisationPage(items=items, next_cursor=next_cursor)
