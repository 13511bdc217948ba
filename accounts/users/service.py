"""Use cases of users and their roles: accounts, passwords, role grants.

Each use case owns its transaction, and each state change appends its log entry in
that same transaction (DESIGN.md, "Architecture"). An administrator role changes
over the API only through a second administrator's approval
(accounts/role_changes/service.py).
"""

from __future__ import annotations

import logging
from uuid import UUID

import asyncpg

from accounts.errors import (
    AdminRoleChangeAlone,
    OrganisationNotFound,
    PermissionDenied,
    RoleGrantNotFound,
    UserNotFound,
)
from accounts.journal import Principal, authorise, optional_id, queue, queue_own
from accounts.model import (
    ADMIN_ROLES,
    Actor,
    Role,
    RoleGrant,
    User,
    UserStatus,
    check_display_name,
    check_grant,
    check_username,
)
from accounts.organisations import queries as organisation_queries
from accounts.organisations.service import get_organisation
from accounts.passwords import check_password_policy, hash_password
from accounts.permissions import PLATFORM, Action, Resource, ResourceKind, is_allowed
from accounts.users import queries
from signing.log.entry import Actor as LogActor
from signing.log.entry import EntryKind, Subject

log = logging.getLogger(__name__)

# Log entry kind of a password change (other kinds are audit.entry.EntryKind).
PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 (a log kind)
USER_DISABLED = "account.user_disabled"
USER_ENABLED = "account.user_enabled"


async def create_user(
    conn: asyncpg.Connection,
    by: Principal,
    *,
    organisation_id: UUID,
    username: str,
    display_name: str,
    password: str | None,
) -> User:
    """Open an account (system administrator or console); None: certificate login only."""
    actor = authorise(by, Action.MANAGE_USERS, PLATFORM)
    check_username(username)
    check_display_name(display_name)
    password_hash = None
    if password is not None:
        check_password_policy(password, username=username)
        password_hash = await hash_password(password)
    async with conn.transaction():
        user = await queries.insert_user(
            conn,
            organisation_id=organisation_id,
            username=username,
            display_name=display_name,
            password_hash=password_hash,
        )
        # Display name and username stay out of the permanent log: a username would tie a
        # user id to a person, and a drawn expert's id must name no one (issue 9, item 3).
        data = {"organisation_id": str(user.organisation_id)}
        subject = Subject(type="user", id=str(user.id))
        await queue(
            conn, EntryKind.ACCOUNT_USER_CREATED, actor=actor, by=by, subject=subject, data=data
        )
    log.info("accounts.user_created", extra={"user_id": str(user.id)})
    return user


async def get_user(conn: asyncpg.Connection, user_id: UUID) -> User:
    """The user with this id."""
    found = await queries.user(conn, user_id)
    if found is None:
        raise UserNotFound("no user has this id")
    return found


async def user_by_username(conn: asyncpg.Connection, username: str) -> User:
    """The user with this username."""
    found = await queries.user_by_username(conn, username)
    if found is None:
        raise UserNotFound(f"no user is called {username!r}")
    return found


async def list_users(conn: asyncpg.Connection, by: Principal) -> list[tuple[User, list[RoleGrant]]]:
    """Every user with its active roles: for the system administrator, who manages the
    accounts, and the security administrator, who grants their roles (or console)."""
    if not (isinstance(by, Actor) and is_allowed(by, Action.GRANT_ROLES, PLATFORM)):
        authorise(by, Action.MANAGE_USERS, PLATFORM)
    users = await queries.list_users(conn)
    return [(user, await queries.role_grants(conn, user.id)) for user in users]


async def user_roles(conn: asyncpg.Connection, user_id: UUID) -> list[RoleGrant]:
    """A user's active role grants."""
    return await queries.role_grants(conn, user_id)


def user_resource(user_id: UUID) -> Resource:
    return Resource(kind=ResourceKind.USER, id=str(user_id), user_id=user_id)


async def set_password(
    conn: asyncpg.Connection, by: Principal, *, user_id: UUID, password: str
) -> None:
    """Set a password (its owner, a system administrator, or console); ends all sessions."""
    resource = user_resource(user_id)
    if isinstance(by, Actor) and by.user_id != user_id:
        actor = authorise(by, Action.MANAGE_USERS, resource)
        held = {grant.role for grant in await queries.role_grants(conn, user_id)}
        # 三员分立: the system administrator must not take over the other two's accounts.
        if held & ADMIN_ROLES:
            raise PermissionDenied("only the console resets an administrator's password")
    else:
        actor = authorise(by, Action.VIEW_OWN_ACCOUNT, resource)
    target = await get_user(conn, user_id)
    check_password_policy(password, username=target.username)
    password_hash = await hash_password(password)
    async with conn.transaction():
        await queries.set_password_hash(conn, user_id, password_hash)
        await queries.revoke_user_sessions(conn, user_id)
        if isinstance(by, Actor) and by.user_id == user_id:
            await queue_own(conn, PASSWORD_CHANGED, actor=actor, by=by, data={})
        else:
            subject = Subject(type="user", id=str(user_id))
            await queue(conn, PASSWORD_CHANGED, actor=actor, by=by, subject=subject, data={})
    log.info("accounts.password_changed", extra={"user_id": str(user_id)})


async def set_user_status(
    conn: asyncpg.Connection, by: Principal, *, user_id: UUID, status: UserStatus
) -> User:
    """Disable an account (its sessions end at once) or enable it again (system
    administrator or console); logged as account.user_disabled / account.user_enabled.
    Setting the status it has changes nothing and logs nothing."""
    actor = authorise(by, Action.MANAGE_USERS, user_resource(user_id))
    if isinstance(by, Actor) and by.user_id == user_id:
        raise PermissionDenied("nobody disables or enables their own account")
    async with conn.transaction():
        target = await queries.lock_user(conn, user_id)
        if target is None:
            raise UserNotFound("no user has this id")
        held = {grant.role for grant in await queries.role_grants(conn, user_id)}
        # 三员分立: the system administrator must not lock the other two out (as it may
        # not reset their passwords); only the console does (docs/api-auth.md).
        if isinstance(by, Actor) and held & ADMIN_ROLES:
            raise PermissionDenied("only the console disables or enables an administrator")
        if target.status is status:
            return target
        changed = await queries.set_user_status(conn, user_id, status)
        if status is UserStatus.DISABLED:
            await queries.revoke_user_sessions(conn, user_id)
        kind = USER_DISABLED if status is UserStatus.DISABLED else USER_ENABLED
        subject = Subject(type="user", id=str(user_id))
        await queue(conn, kind, actor=actor, by=by, subject=subject, data={})
    log.info("accounts.user_status_set", extra={"user_id": str(user_id), "status": str(status)})
    return changed


def _refuse_self_grant(by: Principal, user_id: UUID) -> None:
    if isinstance(by, Actor) and by.user_id == user_id:
        raise PermissionDenied("nobody changes their own roles")


def _refuse_admin_role_alone(by: Principal, role: Role) -> None:
    # 三员分立 (issue 9, item 16): an administrator role changes only through a proposal
    # a second administrator approves (accounts/role_changes/service.py); the console, which
    # already holds the database owner's access, stays able to set them up.
    if isinstance(by, Actor) and role in ADMIN_ROLES:
        raise AdminRoleChangeAlone(
            f"三员分立: granting or removing {role} needs a second administrator's "
            "approval: propose it at POST /api/v1/role-changes"
        )


async def grant_role(
    conn: asyncpg.Connection,
    by: Principal,
    *,
    user_id: UUID,
    role: Role,
    scope_id: UUID | None = None,
) -> RoleGrant:
    """Grant a role (security administrator or console), logged as auth.role_granted."""
    actor = authorise(by, Action.GRANT_ROLES, user_resource(user_id))
    _refuse_self_grant(by, user_id)
    _refuse_admin_role_alone(by, role)
    async with conn.transaction():
        grant = await apply_grant(conn, by, actor, user_id=user_id, role=role, scope_id=scope_id)
    log.info("accounts.role_granted", extra={"user_id": str(user_id), "role": str(role)})
    return grant


async def apply_grant(
    conn: asyncpg.Connection,
    by: Principal,
    actor: LogActor,
    *,
    user_id: UUID,
    role: Role,
    scope_id: UUID | None = None,
    role_change_id: UUID | None = None,
) -> RoleGrant:
    """Grant an authorised role change, logged, inside the caller's transaction."""
    target = await queries.lock_user(conn, user_id)
    if target is None:
        raise UserNotFound("no user has this id")
    scope = None
    if scope_id is not None:
        scope = await organisation_queries.organisation(conn, scope_id)
        if scope is None:
            raise OrganisationNotFound("the scope organisation does not exist")
    held = [grant.role for grant in await queries.role_grants(conn, user_id)]
    check_grant(
        role,
        user_org=await get_organisation(conn, target.organisation_id),
        scope=scope,
        held=held,
    )
    grant = await queries.insert_role_grant(
        conn,
        user_id=user_id,
        role=role,
        scope_id=scope_id,
        granted_by=by.user_id if isinstance(by, Actor) else None,
        role_change_id=role_change_id,
    )
    data = {"role": str(role), "scope_id": optional_id(scope_id)}
    subject = Subject(type="user", id=str(user_id))
    await queue(conn, EntryKind.AUTH_ROLE_GRANTED, actor=actor, by=by, subject=subject, data=data)
    return grant


async def revoke_role(
    conn: asyncpg.Connection,
    by: Principal,
    *,
    user_id: UUID,
    role: Role,
    scope_id: UUID | None = None,
) -> None:
    """Revoke a role (security administrator or console), logged as auth.role_revoked."""
    actor = authorise(by, Action.GRANT_ROLES, user_resource(user_id))
    _refuse_self_grant(by, user_id)
    _refuse_admin_role_alone(by, role)
    async with conn.transaction():
        await apply_revoke(conn, by, actor, user_id=user_id, role=role, scope_id=scope_id)
    log.info("accounts.role_revoked", extra={"user_id": str(user_id), "role": str(role)})


async def apply_revoke(
    conn: asyncpg.Connection,
    by: Principal,
    actor: LogActor,
    *,
    user_id: UUID,
    role: Role,
    scope_id: UUID | None = None,
) -> None:
    """Revoke an authorised role change, logged, inside the caller's transaction."""
    if await queries.lock_user(conn, user_id) is None:
        raise UserNotFound("no user has this id")
    revoked = await queries.revoke_role_grant(conn, user_id=user_id, role=role, scope_id=scope_id)
    if not revoked:
        raise RoleGrantNotFound(f"the user holds no active {role} grant with this scope")
    data = {"role": str(role), "scope_id": optional_id(scope_id)}
    subject = Subject(type="user", id=str(user_id))
    await queue(conn, EntryKind.AUTH_ROLE_REVOKED, actor=actor, by=by, subject=subject, data=data)
