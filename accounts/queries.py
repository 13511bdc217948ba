"""All SQL of the accounts package: organisations, users, role grants and sessions.

Each statement is a named constant beside the function that runs it; rows leave as
domain objects and database errors as domain errors. The database clock decides
login throttling and expiry (DESIGN.md, "Time"): comparisons run in SQL with
clock_timestamp().
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import (
    AdminRolesSeparated,
    CreditCodeTaken,
    OrganisationNotFound,
    RoleAlreadyGranted,
    UsernameTaken,
)
from accounts.model import (
    Credentials,
    Organisation,
    OrgKind,
    Role,
    RoleGrant,
    Session,
    SessionKind,
    User,
    UserStatus,
)

DATABASE_NOW = """
SELECT clock_timestamp()
"""


async def database_now(conn: asyncpg.Connection) -> datetime:
    """The database clock, which decides every deadline and expiry."""
    now: datetime = await conn.fetchval(DATABASE_NOW)
    return now


# --- organisations --------------------------------------------------------------------


def _organisation(row: asyncpg.Record) -> Organisation:
    return Organisation(
        id=row["id"],
        credit_code=row["credit_code"],
        name=row["name"],
        kind=OrgKind(row["kind"]),
        parent_id=row["parent_id"],
        region=row["region"],
        created_at=row["created_at"],
    )


INSERT_ORGANISATION = """
INSERT INTO organisations (credit_code, name, kind, parent_id, region)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, credit_code, name, kind, parent_id, region, created_at
"""


async def insert_organisation(
    conn: asyncpg.Connection,
    *,
    credit_code: str,
    name: str,
    kind: OrgKind,
    parent_id: UUID | None,
    region: str,
) -> Organisation:
    """Insert an organisation; a credit code already in use raises CreditCodeTaken."""
    try:
        row = await conn.fetchrow(INSERT_ORGANISATION, credit_code, name, kind, parent_id, region)
    except asyncpg.UniqueViolationError:
        raise CreditCodeTaken("an organisation with this credit code exists") from None
    except asyncpg.ForeignKeyViolationError:
        raise OrganisationNotFound("the parent organisation does not exist") from None
    assert row is not None
    return _organisation(row)


SELECT_ORGANISATION = """
SELECT id, credit_code, name, kind, parent_id, region, created_at
FROM organisations WHERE id = $1
"""


async def organisation(conn: asyncpg.Connection, organisation_id: UUID) -> Organisation | None:
    """The organisation with this id, if any."""
    row = await conn.fetchrow(SELECT_ORGANISATION, organisation_id)
    return None if row is None else _organisation(row)


SELECT_ORGANISATION_BY_CODE = """
SELECT id, credit_code, name, kind, parent_id, region, created_at
FROM organisations WHERE credit_code = $1
"""


async def organisation_by_code(conn: asyncpg.Connection, credit_code: str) -> Organisation | None:
    """The organisation with this credit code, if any."""
    row = await conn.fetchrow(SELECT_ORGANISATION_BY_CODE, credit_code)
    return None if row is None else _organisation(row)


# Keyset pagination in creation order; the cursor is the last row's (created_at, id).
LIST_ORGANISATIONS = """
SELECT id, credit_code, name, kind, parent_id, region, created_at FROM organisations
WHERE $1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::uuid)
ORDER BY created_at, id
LIMIT $3
"""


async def list_organisations(
    conn: asyncpg.Connection, *, after: tuple[datetime, UUID] | None, limit: int
) -> list[Organisation]:
    """Up to ``limit`` organisations after the cursor position, oldest first."""
    created_at, last_id = after if after is not None else (None, None)
    rows = await conn.fetch(LIST_ORGANISATIONS, created_at, last_id, limit)
    return [_organisation(row) for row in rows]


# --- users ----------------------------------------------------------------------------


def _user(row: asyncpg.Record, prefix: str = "") -> User:
    return User(
        id=row[f"{prefix}id"],
        organisation_id=row[f"{prefix}organisation_id"],
        username=row[f"{prefix}username"],
        display_name=row[f"{prefix}display_name"],
        status=UserStatus(row[f"{prefix}status"]),
        created_at=row[f"{prefix}created_at"],
    )


INSERT_USER = """
INSERT INTO users (organisation_id, username, display_name, password_hash)
VALUES ($1, $2, $3, $4)
RETURNING id, organisation_id, username, display_name, status, created_at
"""


async def insert_user(
    conn: asyncpg.Connection,
    *,
    organisation_id: UUID,
    username: str,
    display_name: str,
    password_hash: str | None,
) -> User:
    """Insert a user; a username already in use raises UsernameTaken."""
    try:
        row = await conn.fetchrow(
            INSERT_USER, organisation_id, username, display_name, password_hash
        )
    except asyncpg.UniqueViolationError:
        raise UsernameTaken(f"the username {username!r} is taken") from None
    except asyncpg.ForeignKeyViolationError:
        raise OrganisationNotFound("the organisation does not exist") from None
    assert row is not None
    return _user(row)


SELECT_USER = """
SELECT id, organisation_id, username, display_name, status, created_at
FROM users WHERE id = $1
"""


async def user(conn: asyncpg.Connection, user_id: UUID) -> User | None:
    """The user with this id, if any."""
    row = await conn.fetchrow(SELECT_USER, user_id)
    return None if row is None else _user(row)


SELECT_USER_BY_USERNAME = """
SELECT id, organisation_id, username, display_name, status, created_at
FROM users WHERE username = $1
"""


async def user_by_username(conn: asyncpg.Connection, username: str) -> User | None:
    """The user with this username, if any."""
    row = await conn.fetchrow(SELECT_USER_BY_USERNAME, username)
    return None if row is None else _user(row)


LOCK_USER = """
SELECT id, organisation_id, username, display_name, status, created_at
FROM users WHERE id = $1 FOR UPDATE
"""


async def lock_user(conn: asyncpg.Connection, user_id: UUID) -> User | None:
    """The user, row-locked until the transaction ends (serialises grants, logins)."""
    row = await conn.fetchrow(LOCK_USER, user_id)
    return None if row is None else _user(row)


LIST_USERS = """
SELECT id, organisation_id, username, display_name, status, created_at
FROM users ORDER BY username
"""


async def list_users(conn: asyncpg.Connection) -> list[User]:
    """Every user, by username."""
    return [_user(row) for row in await conn.fetch(LIST_USERS)]


SELECT_CREDENTIALS = """
SELECT id, organisation_id, username, display_name, status, created_at, password_hash
FROM users WHERE username = $1
"""


async def credentials(conn: asyncpg.Connection, username: str) -> Credentials | None:
    """What a login with ``username`` is checked against, if the user exists."""
    row = await conn.fetchrow(SELECT_CREDENTIALS, username)
    if row is None:
        return None
    return Credentials(user=_user(row), password_hash=row["password_hash"])


# --- login throttling (accounts/throttle.py decides; 0053) -----------------------------

# Serialises the check-and-record of every attempt from one address (a transaction
# lock, held for two short queries, never across scrypt): parallel guesses all count.
LOCK_LOGIN_ADDRESS = "SELECT pg_advisory_xact_lock(hashtextextended('etender.login:' || $1, 0))"


async def lock_login_address(conn: asyncpg.Connection, address: str) -> None:
    """Take the address's throttling lock until the transaction ends."""
    await conn.execute(LOCK_LOGIN_ADDRESS, address)


# The backoff is capped long before 64 failures, so more are never needed.
PAIR_FAILURES = """
SELECT at FROM login_attempts
WHERE name_sha256 = $1 AND address = $2 AND at > clock_timestamp() - make_interval(secs => $3)
ORDER BY at DESC LIMIT 64
"""


async def pair_failures(
    conn: asyncpg.Connection, name_sha256: bytes, address: str, *, seconds: int
) -> list[datetime]:
    """The remembered failed attempts of a (username, address) pair, newest first."""
    rows = await conn.fetch(PAIR_FAILURES, name_sha256, address, seconds)
    return [row["at"] for row in rows]


ADDRESS_FAILURES = """
SELECT at FROM login_attempts
WHERE address = $1 AND failed AND at > clock_timestamp() - make_interval(secs => $2)
ORDER BY at DESC LIMIT $3
"""


async def address_failures(
    conn: asyncpg.Connection, address: str, *, seconds: int, limit: int
) -> list[datetime]:
    """The newest ``limit`` failed attempts from an address within ``seconds`` (not pending)."""
    rows = await conn.fetch(ADDRESS_FAILURES, address, seconds, limit)
    return [row["at"] for row in rows]


RECORD_LOGIN_ATTEMPT = """
INSERT INTO login_attempts (name_sha256, address) VALUES ($1, $2) RETURNING id
"""
PURGE_LOGIN_ATTEMPTS = """
DELETE FROM login_attempts WHERE at < clock_timestamp() - make_interval(secs => $1)
"""


async def record_login_attempt(
    conn: asyncpg.Connection, name_sha256: bytes, address: str, *, memory_seconds: int
) -> int:
    """Count an attempt for its pair until it succeeds (its id); forget what is too old."""
    attempt_id: int = await conn.fetchval(RECORD_LOGIN_ATTEMPT, name_sha256, address)
    await conn.execute(PURGE_LOGIN_ATTEMPTS, memory_seconds)
    return attempt_id


MARK_LOGIN_FAILED = "UPDATE login_attempts SET failed = true WHERE id = $1"


async def mark_login_failed(conn: asyncpg.Connection, attempt_id: int) -> None:
    """The attempt's password was wrong: it now counts for its address too."""
    await conn.execute(MARK_LOGIN_FAILED, attempt_id)


FORGET_LOGIN_FAILURES = "DELETE FROM login_attempts WHERE name_sha256 = $1 AND address = $2"


async def forget_login_failures(conn: asyncpg.Connection, name_sha256: bytes, address: str) -> None:
    """A right password clears its pair's failures (this attempt's own row included)."""
    await conn.execute(FORGET_LOGIN_FAILURES, name_sha256, address)


SET_PASSWORD_HASH = "UPDATE users SET password_hash = $2 WHERE id = $1"  # noqa: S105


async def set_password_hash(conn: asyncpg.Connection, user_id: UUID, password_hash: str) -> None:
    """Replace a user's password hash."""
    await conn.execute(SET_PASSWORD_HASH, user_id, password_hash)


# --- role grants ----------------------------------------------------------------------

INSERT_ROLE_GRANT = """
INSERT INTO role_grants (user_id, role, scope_id, granted_by, role_change_id)
VALUES ($1, $2, $3, $4, $5)
RETURNING role, scope_id
"""


async def insert_role_grant(
    conn: asyncpg.Connection,
    *,
    user_id: UUID,
    role: Role,
    scope_id: UUID | None,
    granted_by: UUID | None,
    role_change_id: UUID | None = None,
) -> RoleGrant:
    """Grant a role; the unique indexes of 0001 refuse duplicates and a second admin role
    (an administrator role granted by a user names its approved change: 0050)."""
    try:
        row = await conn.fetchrow(
            INSERT_ROLE_GRANT, user_id, role, scope_id, granted_by, role_change_id
        )
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == "role_grants_one_admin_idx":
            raise AdminRolesSeparated("三员分立: this user already holds an admin role") from None
        raise RoleAlreadyGranted(f"the user already holds the {role} role") from None
    assert row is not None
    return RoleGrant(role=Role(row["role"]), scope_id=row["scope_id"])


REVOKE_ROLE_GRANT = """
UPDATE role_grants SET revoked_at = clock_timestamp()
WHERE user_id = $1 AND role = $2 AND scope_id IS NOT DISTINCT FROM $3 AND revoked_at IS NULL
RETURNING id
"""


async def revoke_role_grant(
    conn: asyncpg.Connection, *, user_id: UUID, role: Role, scope_id: UUID | None
) -> bool:
    """End an active grant; returns whether there was one."""
    revoked = await conn.fetchval(REVOKE_ROLE_GRANT, user_id, role, scope_id)
    return revoked is not None


SELECT_ROLE_GRANTS = """
SELECT role, scope_id FROM role_grants
WHERE user_id = $1 AND revoked_at IS NULL
ORDER BY role, scope_id
"""


async def role_grants(conn: asyncpg.Connection, user_id: UUID) -> list[RoleGrant]:
    """A user's active role grants."""
    rows = await conn.fetch(SELECT_ROLE_GRANTS, user_id)
    return [RoleGrant(role=Role(row["role"]), scope_id=row["scope_id"]) for row in rows]


# --- sessions -------------------------------------------------------------------------

INSERT_SESSION = """
INSERT INTO sessions (token_sha256, user_id, kind, expires_at, address)
VALUES ($1, $2, $3, clock_timestamp() + make_interval(secs => $4), $5)
RETURNING id, user_id, kind, expires_at
"""


def _session(row: asyncpg.Record) -> Session:
    return Session(
        id=row["id"],
        user_id=row["user_id"],
        kind=SessionKind(row["kind"]),
        expires_at=row["expires_at"],
    )


async def insert_session(
    conn: asyncpg.Connection,
    *,
    token_sha256: bytes,
    user_id: UUID,
    kind: SessionKind,
    ttl_seconds: int,
    address: str,
) -> Session:
    """Store a new session by its token's hash; it expires ``ttl_seconds`` from now."""
    row = await conn.fetchrow(
        INSERT_SESSION, token_sha256, user_id, kind, float(ttl_seconds), address[:64]
    )
    assert row is not None
    return _session(row)


SELECT_SESSION = """
SELECT s.id, s.user_id, s.kind, s.expires_at,
       s.revoked_at IS NOT NULL OR s.expires_at <= clock_timestamp() AS ended,
       -- s.user_id doubles as the user's id for _user(row, prefix="user_").
       u.organisation_id AS user_organisation_id,
       u.username AS user_username, u.display_name AS user_display_name,
       u.status AS user_status, u.created_at AS user_created_at
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_sha256 = $1
"""


async def session_by_token_hash(
    conn: asyncpg.Connection, token_sha256: bytes
) -> tuple[Session, User, bool] | None:
    """The session, its user, and whether it has ended (expired or revoked)."""
    row = await conn.fetchrow(SELECT_SESSION, token_sha256)
    if row is None:
        return None
    return _session(row), _user(row, prefix="user_"), row["ended"]


REVOKE_SESSION = """
UPDATE sessions SET revoked_at = clock_timestamp()
WHERE id = $1 AND revoked_at IS NULL
RETURNING id
"""


async def revoke_session(conn: asyncpg.Connection, session_id: UUID) -> bool:
    """End a session now; returns whether it was still open."""
    return await conn.fetchval(REVOKE_SESSION, session_id) is not None


REVOKE_USER_SESSIONS = """
UPDATE sessions SET revoked_at = clock_timestamp()
WHERE user_id = $1 AND revoked_at IS NULL
"""


async def revoke_user_sessions(conn: asyncpg.Connection, user_id: UUID) -> None:
    """End every open session of a user (after a password change)."""
    await conn.execute(REVOKE_USER_SESSIONS, user_id)
