"""三员分立 for administrator roles: one administrator proposes, another approves.

Issue 9, item 16: the security administrator alone could remove the audit
administrator's role (and the system administrator's). Now granting or removing
``system_admin``, ``security_admin`` or ``audit_admin`` over the API takes two people:

- the security administrator proposes the change (``grant_roles``); nobody proposes a
  change of their own roles;
- an administrator of another kind — the system or the audit administrator
  (``approve_role_change``) — approves it, which applies it in the same transaction;
  neither the proposer nor the user the change concerns may approve. Security
  administrators cannot approve, so even two of them cannot change who administers;
- an approver rejects it, or the proposer withdraws it; the user concerned cannot.

The proposal and the decision are transparency-log entries (``auth.role_change_*``),
besides the ``auth.role_granted`` / ``auth.role_revoked`` entry of an approved change.
The console (``etender users``) stays unilateral: it already holds the database
owner's access (docs/api-auth.md, "Administrator role changes").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from accounts.errors import (
    PermissionDenied,
    RoleAlreadyGranted,
    RoleChangeNotFound,
    RoleChangeNotNeeded,
    RoleGrantNotFound,
    UserNotFound,
)
from accounts.journal import log_address
from accounts.model import ADMIN_ROLES, Actor, Role, check_grant
from accounts.organisations.service import get_organisation
from accounts.permissions import PLATFORM, Action, is_allowed, require_role
from accounts.queries import database_now
from accounts.role_changes import queries as changes
from accounts.role_changes.model import RoleChange, RoleChangeKind, RoleChangeStatus
from accounts.users import queries
from accounts.users.service import apply_grant, apply_revoke, user_resource
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject

log = logging.getLogger(__name__)

ROLE_CHANGE_PROPOSED = "auth.role_change_proposed"
ROLE_CHANGE_APPROVED = "auth.role_change_approved"
ROLE_CHANGE_REJECTED = "auth.role_change_rejected"
MAX_LIST = 200


def _log_actor(by: Actor, role: Role) -> LogActor:
    return LogActor(user_id=str(by.user_id), role=str(role))


async def _append(
    conn: asyncpg.Connection, kind: str, by: Actor, role: Role, change: RoleChange,
    data: Mapping[str, Any],
) -> None:  # fmt: skip
    entry = LogEntry(
        kind=kind,
        time=await database_now(conn),
        actor=_log_actor(by, role),
        address=log_address(by.address),
        subject=Subject(type="role_change", id=str(change.id)),
        data={
            "change": str(change.change),
            "role": str(change.role),
            "user_id": str(change.user_id),
            **data,
        },
    )
    await audit.queue(conn, entry)  # nothing reads its index here (audit-log.md §2.2)


async def _check_proposal(
    conn: asyncpg.Connection, change: RoleChangeKind, user_id: UUID, role: Role
) -> None:
    """Refuse now what the approval could never apply (the approval checks again)."""
    target = await queries.lock_user(conn, user_id)
    if target is None:
        raise UserNotFound("no user has this id")
    held = [grant.role for grant in await queries.role_grants(conn, user_id)]
    if change is RoleChangeKind.REVOKE:
        if role not in held:
            raise RoleGrantNotFound(f"the user holds no active {role} grant")
        return
    if role in held:
        raise RoleAlreadyGranted(f"the user already holds the {role} role")
    user_org = await get_organisation(conn, target.organisation_id)
    check_grant(role, user_org=user_org, scope=None, held=held)


async def propose_role_change(
    conn: asyncpg.Connection, by: Actor, *, change: RoleChangeKind, user_id: UUID, role: Role
) -> RoleChange:
    """The security administrator proposes granting or removing an administrator role."""
    acted_as = require_role(by, Action.GRANT_ROLES, user_resource(user_id))
    if by.user_id == user_id:
        raise PermissionDenied("nobody changes their own roles")
    if role not in ADMIN_ROLES:
        raise RoleChangeNotNeeded(
            f"only administrator roles need a second administrator; grant {role} directly"
        )
    async with conn.transaction():
        await _check_proposal(conn, change, user_id, role)
        proposed = await changes.insert_role_change(
            conn, change=change, user_id=user_id, role=role, proposed_by=by.user_id
        )
        await _append(conn, ROLE_CHANGE_PROPOSED, by, acted_as, proposed, {})
    log.info("accounts.role_change_proposed", extra={"role_change": str(proposed.id)})
    return proposed


async def _locked(conn: asyncpg.Connection, change_id: UUID) -> RoleChange:
    found = await changes.lock_role_change(conn, change_id)
    if found is None:
        raise RoleChangeNotFound("no proposed role change has this id")
    return found


async def approve_role_change(conn: asyncpg.Connection, by: Actor, change_id: UUID) -> RoleChange:
    """A second administrator approves: the change applies, both logged, in one transaction."""
    acted_as = require_role(by, Action.APPROVE_ROLE_CHANGE, PLATFORM)  # before existence
    actor = _log_actor(by, acted_as)
    async with conn.transaction():
        found = await _locked(conn, change_id)
        found.check_approver(by.user_id)
        approved = await changes.decide_role_change(
            conn, change_id, RoleChangeStatus.APPROVED, by.user_id
        )
        data = {"proposed_by": str(found.proposed_by)}
        await _append(conn, ROLE_CHANGE_APPROVED, by, acted_as, approved, data)
        if found.change is RoleChangeKind.GRANT:
            await apply_grant(
                conn, by, actor, user_id=found.user_id, role=found.role, role_change_id=found.id
            )
        else:
            await apply_revoke(conn, by, actor, user_id=found.user_id, role=found.role)
    log.info("accounts.role_change_approved", extra={"role_change": str(change_id)})
    return approved


def _decider_role(by: Actor) -> Role:
    """The role an actor decides in: an approver's, else the proposer's (to withdraw)."""
    if is_allowed(by, Action.APPROVE_ROLE_CHANGE, PLATFORM):
        return require_role(by, Action.APPROVE_ROLE_CHANGE, PLATFORM)
    return require_role(by, Action.GRANT_ROLES, PLATFORM)


async def reject_role_change(conn: asyncpg.Connection, by: Actor, change_id: UUID) -> RoleChange:
    """An approver rejects a proposal, or its proposer withdraws it; logged."""
    acted_as = _decider_role(by)
    async with conn.transaction():
        found = await _locked(conn, change_id)
        found.check_rejecter(by.user_id)
        if acted_as is Role.SECURITY_ADMIN and found.proposed_by != by.user_id:
            raise PermissionDenied("a security administrator withdraws only its own proposals")
        rejected = await changes.decide_role_change(
            conn, change_id, RoleChangeStatus.REJECTED, by.user_id
        )
        data = {"proposed_by": str(found.proposed_by)}
        await _append(conn, ROLE_CHANGE_REJECTED, by, acted_as, rejected, data)
    log.info("accounts.role_change_rejected", extra={"role_change": str(change_id)})
    return rejected


async def list_role_changes(
    conn: asyncpg.Connection, by: Actor, *, status: RoleChangeStatus | None, limit: int
) -> list[RoleChange]:
    """Proposals, newest first, for those who propose or approve them."""
    _decider_role(by)
    return await changes.list_role_changes(conn, status, min(limit, MAX_LIST))
