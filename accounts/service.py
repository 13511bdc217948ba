"""Use cases of accounts: organisations, users, roles, logins and sessions.

Each use case owns its transaction, and each state change appends its log entry in
that same transaction (DESIGN.md, "Architecture"). Refusals — failed and throttled
logins, forged tokens, denied permissions — are counted in the security-events
table instead, in a transaction of their own that commits although the request fails.
Password logins are throttled per (username, address) and per address, never locked
(accounts/throttle.py; issue 9, item 8).

Tokens are 32 random bytes in unpadded base64url; only their SHA-256 is stored, and
the database clock decides expiry (DESIGN.md, "Time").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn
from uuid import UUID

import asyncpg

from accounts import credit_code as credit_codes
from accounts import queries, throttle
from accounts.errors import (
    AdminRoleChangeAlone,
    CredentialsInvalid,
    LoginRateLimited,
    LoginThrottled,
    OrganisationNotFound,
    PermissionDenied,
    RoleGrantNotFound,
    SessionExpired,
    TokenInvalid,
    UserNotFound,
)
from accounts.model import (
    ADMIN_ROLES,
    Actor,
    ConsoleOperator,
    IssuedToken,
    LoginPolicy,
    Organisation,
    OrganisationPage,
    OrgKind,
    Role,
    RoleGrant,
    SessionKind,
    User,
    UserStatus,
    check_display_name,
    check_grant,
    check_organisation_name,
    check_parent,
    check_region,
    check_username,
    decode_cursor,
    encode_cursor,
)
from accounts.passwords import check_password_policy, hash_password, verify_password
from accounts.permissions import PLATFORM, Action, Resource, ResourceKind, require
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import EntryKind, LogEntry, Subject, format_time

log = logging.getLogger(__name__)

Principal = Actor | ConsoleOperator

# Security-event kinds (0001: ^[a-z_.]{1,64}$).
LOGIN_FAILED = "auth.login_failed"
LOGIN_THROTTLED = "auth.login_throttled"
LOGIN_RATE_LIMITED = "auth.login_rate_limited"
FORGED_SESSION = "auth.token_invalid"
PERMISSION_DENIED = "auth.permission_denied"
CSRF_REFUSED = "auth.csrf_refused"

# Log entry kind of a password change (other kinds are signing.log.entry.EntryKind).
PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 (a log kind)

TOKEN_BYTES = 32
TOKEN_CHARS = 43  # unpadded base64url of 32 bytes
CONSOLE = LogActor(user_id=None, role="console")


# --- helpers --------------------------------------------------------------------------


def _log_address(address: str | None) -> str | None:
    """The address as the log wants it: a canonical IP address, or nothing."""
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _authorise(by: Principal, action: Action, resource: Resource) -> LogActor:
    """Check the permission (the console is trusted) and name the actor for the log."""
    if isinstance(by, ConsoleOperator):
        return CONSOLE
    role = require(by, action, resource)
    return LogActor(user_id=str(by.user_id), role=str(role) if role else "user")


async def _append(
    conn: asyncpg.Connection,
    kind: str,
    *,
    actor: LogActor,
    by: Principal,
    subject: Subject,
    data: Mapping[str, Any],
) -> int:
    address = by.address if isinstance(by, Actor) else None
    entry = LogEntry(
        kind=kind,
        time=await queries.database_now(conn),
        actor=actor,
        address=_log_address(address),
        subject=subject,
        data=data,
    )
    return await audit.append(conn, entry)


def _opt(value: UUID | None) -> str | None:
    return None if value is None else str(value)


async def record_refusal(
    conn: asyncpg.Connection, *, kind: str, address: str | None, subject: str = ""
) -> int:
    """Count a refusal in the security events; commits on its own (DESIGN.md)."""
    async with conn.transaction():
        return await audit.record_security_event(
            conn, kind=kind, address=address or "", subject=subject
        )


# --- organisations --------------------------------------------------------------------


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
    actor = _authorise(by, Action.MANAGE_ORGANISATIONS, PLATFORM)
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
            "parent_id": _opt(org.parent_id),
            "region": org.region,
        }
        subject = Subject(type="organisation", id=str(org.id))
        await _append(
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


# --- users and roles ------------------------------------------------------------------


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
    actor = _authorise(by, Action.MANAGE_USERS, PLATFORM)
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
        await _append(
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
    """Every user with its active roles (system administrator or console)."""
    _authorise(by, Action.MANAGE_USERS, PLATFORM)
    users = await queries.list_users(conn)
    return [(user, await queries.role_grants(conn, user.id)) for user in users]


async def user_roles(conn: asyncpg.Connection, user_id: UUID) -> list[RoleGrant]:
    """A user's active role grants."""
    return await queries.role_grants(conn, user_id)


def _user_resource(user_id: UUID) -> Resource:
    return Resource(kind=ResourceKind.USER, id=str(user_id), user_id=user_id)


async def set_password(
    conn: asyncpg.Connection, by: Principal, *, user_id: UUID, password: str
) -> None:
    """Set a password (its owner, a system administrator, or console); ends all sessions."""
    resource = _user_resource(user_id)
    if isinstance(by, Actor) and by.user_id != user_id:
        actor = _authorise(by, Action.MANAGE_USERS, resource)
        held = {grant.role for grant in await queries.role_grants(conn, user_id)}
        # 三员分立: the system administrator must not take over the other two's accounts.
        if held & ADMIN_ROLES:
            raise PermissionDenied("only the console resets an administrator's password")
    else:
        actor = _authorise(by, Action.VIEW_OWN_ACCOUNT, resource)
    target = await get_user(conn, user_id)
    check_password_policy(password, username=target.username)
    password_hash = await hash_password(password)
    async with conn.transaction():
        await queries.set_password_hash(conn, user_id, password_hash)
        await queries.revoke_user_sessions(conn, user_id)
        subject = Subject(type="user", id=str(user_id))
        await _append(conn, PASSWORD_CHANGED, actor=actor, by=by, subject=subject, data={})
    log.info("accounts.password_changed", extra={"user_id": str(user_id)})


def _refuse_self_grant(by: Principal, user_id: UUID) -> None:
    if isinstance(by, Actor) and by.user_id == user_id:
        raise PermissionDenied("nobody changes their own roles")


def _refuse_admin_role_alone(by: Principal, role: Role) -> None:
    # 三员分立 (issue 9, item 16): an administrator role changes only through a proposal
    # a second administrator approves (accounts/role_changes.py); the console, which
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
    actor = _authorise(by, Action.GRANT_ROLES, _user_resource(user_id))
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
        scope = await queries.organisation(conn, scope_id)
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
    data = {"role": str(role), "scope_id": _opt(scope_id)}
    subject = Subject(type="user", id=str(user_id))
    await _append(conn, EntryKind.AUTH_ROLE_GRANTED, actor=actor, by=by, subject=subject, data=data)
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
    actor = _authorise(by, Action.GRANT_ROLES, _user_resource(user_id))
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
    data = {"role": str(role), "scope_id": _opt(scope_id)}
    subject = Subject(type="user", id=str(user_id))
    await _append(conn, EntryKind.AUTH_ROLE_REVOKED, actor=actor, by=by, subject=subject, data=data)


# --- login, sessions, tokens ----------------------------------------------------------


_WRONG_CARRIER = {
    SessionKind.BEARER: "this is a browser session's cookie, not an API token: "
    "log in at /api/v1/auth/login for a bearer token",
    SessionKind.COOKIE: "this is an API token, not a browser session: send it as "
    "'Authorization: Bearer <token>'",
}


def token_digest(token: str) -> bytes:
    """SHA-256 of a token's 32 bytes; anything but canonical base64url of 32 bytes is refused."""
    if len(token) != TOKEN_CHARS:
        raise TokenInvalid("the token is malformed")
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=")
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise TokenInvalid("the token is malformed") from None
    if len(raw) != TOKEN_BYTES or _encode_token(raw) != token:
        raise TokenInvalid("the token is malformed")
    return hashlib.sha256(raw).digest()


def _encode_token(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def login_name_key(username: str) -> bytes:
    """SHA-256 of the username as typed: the throttle's key, the same for unknown names."""
    return hashlib.sha256(username.encode("utf-8", "surrogatepass")).digest()


async def _admit_attempt(
    conn: asyncpg.Connection, username: str, name_key: bytes, address: str, policy: LoginPolicy
) -> int:
    """Refuse a throttled attempt, else record it (its id) until its password is checked.

    Recorded before scrypt runs, under the address's lock: parallel guesses at one
    username all count for it.
    """
    rules = policy.throttle
    async with conn.transaction():
        await queries.lock_login_address(conn, address)
        now = await queries.database_now(conn)
        pair = await queries.pair_failures(conn, name_key, address, seconds=rules.memory_seconds)
        recent = await queries.address_failures(
            conn, address, seconds=rules.address_window_seconds, limit=rules.address_failures
        )
        refusal = throttle.decide(now, pair=pair, address=recent, policy=rules)
        if refusal is None:
            return await queries.record_login_attempt(
                conn, name_key, address, memory_seconds=rules.memory_seconds
            )
    await _refuse_throttled(conn, refusal, username, address)


async def _refuse_throttled(
    conn: asyncpg.Connection, refusal: throttle.Refusal, username: str, address: str
) -> NoReturn:
    wait = refusal.retry_after_seconds
    details = {"retry_after_seconds": wait}
    if refusal.scope is throttle.Scope.ADDRESS:
        await record_refusal(conn, kind=LOGIN_RATE_LIMITED, address=address, subject=username[:64])
        raise LoginRateLimited(
            f"too many failed logins from your address: try again in {wait} s", details=details
        )
    await record_refusal(conn, kind=LOGIN_THROTTLED, address=address, subject=username[:64])
    raise LoginThrottled(
        f"too many failed logins with this username from your address: try again in {wait} s",
        details=details,
    )


async def login(
    conn: asyncpg.Connection,
    *,
    username: str,
    password: str,
    address: str | None,
    kind: SessionKind,
    policy: LoginPolicy,
) -> IssuedToken:
    """Check a password and open a session, logged as auth.login.

    Never says whether the username exists: unknown names cost the same scrypt run,
    get the same answer and are throttled alike (accounts/throttle.py). Nothing locks
    an account: failures slow down their own (username, address) pair and address only.
    """
    where = (address or "")[:64]
    name_key = login_name_key(username)
    attempt = await _admit_attempt(conn, username, name_key, where, policy)
    found = await queries.credentials(conn, username)
    # Scrypt runs even for unknown users (against a dummy hash), so timing does not
    # reveal who exists.
    correct = await verify_password(password, found.password_hash if found else None)
    if found is None or not correct or found.user.status is not UserStatus.ACTIVE:
        # The attempt's row stays, now a failure for its address too.
        await queries.mark_login_failed(conn, attempt)
        await record_refusal(conn, kind=LOGIN_FAILED, address=where, subject=username[:64])
        raise CredentialsInvalid("the username or password is wrong")
    await queries.forget_login_failures(conn, name_key, where)
    return await open_session(conn, found.user, address=address, kind=kind, policy=policy)


async def open_session(
    conn: asyncpg.Connection,
    user: User,
    *,
    address: str | None,
    kind: SessionKind,
    policy: LoginPolicy,
) -> IssuedToken:
    """Open a session for a user whose credentials were just checked, logged as auth.login.

    Password throttling does not apply here: a certificate login (accounts/keys.py)
    opens its session whatever wrong passwords others have typed for the account.
    """
    raw = secrets.token_bytes(TOKEN_BYTES)
    async with conn.transaction():
        grants = await queries.role_grants(conn, user.id)
        session = await queries.insert_session(
            conn,
            token_sha256=hashlib.sha256(raw).digest(),
            user_id=user.id,
            kind=kind,
            ttl_seconds=policy.ttl_for(kind),
            address=address or "",
        )
        entry = LogEntry(
            kind=EntryKind.AUTH_LOGIN,
            time=await queries.database_now(conn),
            actor=_session_actor(user.id, grants),
            address=_session_address(address, grants),
            subject=Subject(type="session", id=str(session.id)),
            data={"session_kind": str(kind), "expires_at": format_time(session.expires_at)},
        )
        await audit.append(conn, entry)
    log.info("accounts.login", extra={"user_id": str(user.id), "session_kind": str(kind)})
    return IssuedToken(token=_encode_token(raw), session=session)


def _is_expert(grants: Iterable[RoleGrant]) -> bool:
    return any(grant.role is Role.EXPERT for grant in grants)


def _session_actor(user_id: UUID, grants: Iterable[RoleGrant]) -> LogActor:
    """Who opened or ended a session, as the log names it.

    An expert's login right after a draw would tell a witness who was drawn before the
    result opens the list (issue 9, item 3; docs/audit-log.md §1.3): an account holding
    the expert role logs in and out as ``{"user_id": null, "role": "expert"}``, and the
    session table (not the log) keeps who it was.
    """
    if _is_expert(grants):
        return LogActor(user_id=None, role=Role.EXPERT.value)
    return LogActor(user_id=str(user_id), role="user")


def _session_address(address: str | None, grants: Iterable[RoleGrant]) -> str | None:
    """The client address for a session entry; none for an expert (see ``_session_actor``)."""
    return None if _is_expert(grants) else _log_address(address)


async def authenticate(
    conn: asyncpg.Connection,
    token: str,
    *,
    address: str | None,
    kind: SessionKind | None = None,
) -> Actor:
    """The actor a token stands for: ``token_invalid`` if forged, ``session_expired`` if ended.

    ``kind`` is how the token came (header or cookie): a browser session's cookie value
    is no bearer token and a bearer token no cookie session (issue 9, item 18), so a
    token is refused when it arrives the other way. None (the console) checks no kind.
    """
    found = await queries.session_by_token_hash(conn, token_digest(token))
    if found is None:
        raise TokenInvalid("the token was not issued by this platform")
    session, user, ended = found
    if kind is not None and session.kind is not kind:
        raise TokenInvalid(_WRONG_CARRIER[kind])
    if ended:
        raise SessionExpired("the session has ended: log in again")
    if user.status is not UserStatus.ACTIVE:
        raise SessionExpired("the account is disabled")
    grants = await queries.role_grants(conn, user.id)
    return Actor(
        user_id=user.id,
        organisation_id=user.organisation_id,
        username=user.username,
        display_name=user.display_name,
        grants=frozenset(grants),
        address=address,
        session_id=session.id,
    )


async def logout(conn: asyncpg.Connection, actor: Actor) -> None:
    """End the actor's session for good, logged as auth.logout."""
    if actor.session_id is None:
        return
    async with conn.transaction():
        if not await queries.revoke_session(conn, actor.session_id):
            return
        entry = LogEntry(
            kind=EntryKind.AUTH_LOGOUT,
            time=await queries.database_now(conn),
            actor=_session_actor(actor.user_id, actor.grants),
            address=_session_address(actor.address, actor.grants),
            subject=Subject(type="session", id=str(actor.session_id)),
        )
        await audit.append(conn, entry)
    log.info("accounts.logout", extra={"user_id": str(actor.user_id)})
