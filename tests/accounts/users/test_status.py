"""Disabling and enabling accounts through the service, on a real PostgreSQL."""

from __future__ import annotations

import asyncpg
import pytest

from accounts import errors
from accounts.model import Organisation, OrgKind, Role, UserStatus
from accounts.users import service as users
from tests.accounts.factory import (
    CONSOLE,
    actor_for,
    last_entry_kind,
    log_size,
    make_organisation,
    make_user,
)


async def _sessions_open(conn: asyncpg.Connection, user_id: object) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL", user_id
    )
    return count


async def test_a_disabled_account_loses_its_sessions_and_its_login_and_is_logged(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Disabled: every session ends, the password no longer logs in; logged once."""
    system = await actor_for(conn, await make_user(conn, centre, Role.SYSTEM_ADMIN))
    bidder = await make_user(conn, await make_organisation(conn, OrgKind.BIDDER), Role.BIDDER)
    await conn.execute(
        "INSERT INTO sessions (user_id, token_sha256, kind, expires_at) "
        "VALUES ($1, decode(repeat('ab', 32), 'hex'), 'bearer', "
        "clock_timestamp() + interval '1 hour')",
        bidder.id,
    )
    assert await _sessions_open(conn, bidder.id) == 1
    disabled = await users.set_user_status(
        conn, system, user_id=bidder.id, status=UserStatus.DISABLED
    )
    assert disabled.status is UserStatus.DISABLED
    assert await _sessions_open(conn, bidder.id) == 0
    assert await last_entry_kind(conn) == "account.user_disabled"
    size = await log_size(conn)
    again = await users.set_user_status(conn, system, user_id=bidder.id, status=UserStatus.DISABLED)
    assert again.status is UserStatus.DISABLED
    assert await log_size(conn) == size  # nothing changed, nothing logged
    await users.set_user_status(conn, system, user_id=bidder.id, status=UserStatus.ACTIVE)
    assert await last_entry_kind(conn) == "account.user_enabled"


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN])
async def test_the_system_administrator_cannot_disable_an_administrator_but_the_console_can(
    conn: asyncpg.Connection, centre: Organisation, role: Role
) -> None:
    """三员分立: locking out another administrator takes the console's access."""
    system = await actor_for(conn, await make_user(conn, centre, Role.SYSTEM_ADMIN))
    admin = await make_user(conn, centre, role)
    with pytest.raises(errors.PermissionDenied):
        await users.set_user_status(conn, system, user_id=admin.id, status=UserStatus.DISABLED)
    assert (await users.get_user(conn, admin.id)).status is UserStatus.ACTIVE
    await users.set_user_status(conn, CONSOLE, user_id=admin.id, status=UserStatus.DISABLED)
    assert (await users.get_user(conn, admin.id)).status is UserStatus.DISABLED


async def test_only_the_system_administrator_disables_and_nobody_disables_itself(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The security administrator is refused; so is the system administrator on itself."""
    system_user = await make_user(conn, centre, Role.SYSTEM_ADMIN)
    system = await actor_for(conn, system_user)
    security = await actor_for(conn, await make_user(conn, centre, Role.SECURITY_ADMIN))
    staff = await make_user(conn, centre, Role.CENTRE_STAFF)
    with pytest.raises(errors.PermissionDenied):
        await users.set_user_status(conn, security, user_id=staff.id, status=UserStatus.DISABLED)
    with pytest.raises(errors.PermissionDenied):
        await users.set_user_status(
            conn, system, user_id=system_user.id, status=UserStatus.DISABLED
        )
    with pytest.raises(errors.UserNotFound):
        await users.set_user_status(conn, system, user_id=centre.id, status=UserStatus.DISABLED)


async def test_the_security_administrator_lists_users_to_grant_their_roles(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The list is the system and the security administrator's; the audit one's not."""
    security = await actor_for(conn, await make_user(conn, centre, Role.SECURITY_ADMIN))
    audit = await actor_for(conn, await make_user(conn, centre, Role.AUDIT_ADMIN))
    listed = await users.list_users(conn, security)
    assert security.user_id in {user.id for user, _ in listed}
    with pytest.raises(errors.PermissionDenied):
        await users.list_users(conn, audit)
