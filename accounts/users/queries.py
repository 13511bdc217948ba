"""All SQL of users, their passwords and their role grants.

Rows leave as domain objects and database errors as domain errors.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from accounts.errors import (
    AdminRolesSeparated,
    OrganisationNotFound,
    RoleAlreadyGranted,
    UsernameTaken,
)
from accounts.model import Credentials, Role, RoleGrant, User, UserStatus


def user_from_row(row: asyncpg.Record, prefix: str = "") -> User:
    """A user from a row whose user columns carry ``prefix``."""
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
    return user_from_row(row)


SELECT_USER = """
SELECT id, organisation_id, username, display_name, status, created_at
FROM users WHERE id = $1
"""


async def user(conn: asyncpg.Connection, user_id: UUID) -> User | None:
    """The user with this id, if any."""
    row = await conn.fetchrow(SELECT_USER, user_id)
    return None if row is None else user_from_row(row)


SELECT_USER_BY_USERNAME = """
SELECT id, organisation_id, username, display_name, status, created_at
FROM users WHERE username = $1
"""


async def user_by_username(conn: asyncpg.Connection, username: str) -> User | None:
    """The user with this username, if any."""
    row = await conn.fetchrow(SELECT_USER_BY_USERNAME, username)
    return None if row is None else user_from_row(row)


LOCK_USER = """
SELECT id, organisation_id, username, display_name, status, created_at
FROM users WHERE id = $1 FOR UPDATE
"""


async def lock_user(conn: asyncpg.Connection, user_id: UUID) -> User | None:
    """The user, row-locked until the transaction ends (serialises grants, logins)."""
    row = await conn.fetchrow(LOCK_USER, user_id)
    return None if row is None else user_from_row(row)


LIST_USERS = """
SELECT id, organisation_id, username, display_name, status, created_at
FROM users ORDER BY username
"""


async def list_users(conn: asyncpg.Connection) -> list[User]:
    """Every user, by username."""
    return [user_from_row(row) for row in await conn.fetch(LIST_USERS)]


SELECT_CREDENTIALS = """
SELECT id, organisation_id, username, display_name, status, created_at, password_hash
FROM users WHERE username = $1
"""


async def credentials(conn: asyncpg.Connection, username: str) -> Credentials | None:
    """What a login with ``username`` is checked against, if the user exists."""
    row = await conn.fetchrow(SELECT_CREDENTIALS, username)
    if row is None:
        return None
    return Credentials(user=user_from_row(row), password_hash=row["password_hash"])


# --- passwords ------------------------------------------------------------------------

SET_PASSWORD_HASH = "UPDATE users SET password_hash = $2 WHERE id = $1"  # noqa: S105


async def set_password_hash(conn: asyncpg.Connection, user_id: UUID, password_hash: str) -> None:
    """Replace a user's password hash."""
    await conn.execute(SET_PASSWORD_HASH, user_id, password_hash)


# A new password ends every session of the user (accounts/users/service.py).
REVOKE_USER_SESSIONS = """
UPDATE sessions SET revoked_at = clock_timestamp()
WHERE user_id = $1 AND revoked_at IS NULL
"""


async def revoke_user_sessions(conn: asyncpg.Connection, user_id: UUID) -> None:
    """End every open session of a user (after a password change)."""
    await conn.execute(REVOKE_USER_SESSIONS, user_id)


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


# A disabled account logs in no more and its sessions end at once (0001: status).
SET_USER_STATUS = """
UPDATE users SET status = $2 WHERE id = $1
RETURNING id, organisation_id, username, display_name, status, created_at
"""


async def set_user_status(conn: asyncpg.Connection, user_id: UUID, status: UserStatus) -> User:
    """Set a (locked) user's status."""
    row = await conn.fetchrow(SET_USER_STATUS, user_id, status)
    assert row is not None, "set_user_status needs the user row locked first"
    return user_from_row(row)
