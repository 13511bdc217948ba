"""Users and roles through the service, on a real PostgreSQL."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from accounts import errors
from accounts.model import Organisation, OrgKind, Role
from accounts.organisations import service as organisations
from accounts.users import queries as user_queries
from accounts.users import service as users
from signing.log.entry import LogEntry
from tests.accounts.factory import (
    CONSOLE,
    PASSWORD,
    actor_for,
    count_rows,
    last_entry_kind,
    log_size,
    make_organisation,
    make_user,
    new_credit_code,
    newest_entry,
)


async def test_only_the_system_admin_creates_organisations_and_users(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The security and audit administrators are refused (三员分立)."""
    security = await actor_for(conn, await make_user(conn, centre, Role.SECURITY_ADMIN))
    audit_admin = await actor_for(conn, await make_user(conn, centre, Role.AUDIT_ADMIN))
    system = await actor_for(conn, await make_user(conn, centre, Role.SYSTEM_ADMIN))
    before = (await log_size(conn), await count_rows(conn, "organisations"))
    for refused in (security, audit_admin):
        with pytest.raises(errors.PermissionDenied):
            await organisations.create_organisation(
                conn, refused, credit_code=new_credit_code(), name="x", kind=OrgKind.BIDDER
            )
        with pytest.raises(errors.PermissionDenied):
            await users.create_user(
                conn,
                refused,
                organisation_id=centre.id,
                username="sneaky",
                display_name="x",
                password=PASSWORD,
            )
    assert (await log_size(conn), await count_rows(conn, "organisations")) == before
    org = await organisations.create_organisation(
        conn, system, credit_code=new_credit_code(), name="投标人甲", kind=OrgKind.BIDDER
    )
    assert org.kind is OrgKind.BIDDER
    raw = await newest_entry(conn)
    entry = LogEntry.from_bytes(raw)
    assert entry.actor.user_id == str(system.user_id)
    assert entry.actor.role == "system_admin"
    assert entry.address == "192.0.2.10"


async def test_a_taken_username_is_refused(conn: asyncpg.Connection, centre: Organisation) -> None:
    """username_exists, and the first user is untouched."""
    await make_user(conn, centre, username="zhang.san")
    with pytest.raises(errors.UsernameTaken) as refused:
        await make_user(conn, centre, username="zhang.san")
    assert refused.value.code == "username_exists"
    assert await count_rows(conn, "users") == 1


async def test_a_weak_password_is_refused_before_anything_is_stored(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """password_too_weak; no user row."""
    with pytest.raises(errors.PasswordTooWeak):
        await make_user(conn, centre, password="short")
    assert await count_rows(conn, "users") == 0


@pytest.mark.usefixtures("production_password_cost")
async def test_the_stored_hash_is_scrypt_and_the_password_is_nowhere(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Only the PHC string is stored, at the production cost; the log never sees the
    password."""
    user = await make_user(conn, centre)
    stored = await conn.fetchval("SELECT password_hash FROM users WHERE id = $1", user.id)
    assert stored.startswith("$scrypt$ln=14,r=8,p=1$")
    entries = await conn.fetch("SELECT entry FROM log_entries")
    assert all(PASSWORD.encode() not in row["entry"] for row in entries)


async def test_granting_and_revoking_roles_is_logged(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """auth.role_granted and auth.role_revoked, by the security administrator."""
    security = await actor_for(conn, await make_user(conn, centre, Role.SECURITY_ADMIN))
    staff = await make_user(conn, centre)
    grant = await users.grant_role(conn, security, user_id=staff.id, role=Role.CENTRE_STAFF)
    assert grant.role is Role.CENTRE_STAFF
    assert await last_entry_kind(conn) == "auth.role_granted"
    assert [g.role for g in await users.user_roles(conn, staff.id)] == [Role.CENTRE_STAFF]
    await users.revoke_role(conn, security, user_id=staff.id, role=Role.CENTRE_STAFF)
    assert await last_entry_kind(conn) == "auth.role_revoked"
    assert await users.user_roles(conn, staff.id) == []
    with pytest.raises(errors.RoleGrantNotFound):
        await users.revoke_role(conn, security, user_id=staff.id, role=Role.CENTRE_STAFF)


async def test_granting_a_role_twice_is_refused(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """role_grant_exists (the database's unique index)."""
    staff = await make_user(conn, centre, Role.CENTRE_STAFF)
    with pytest.raises(errors.RoleAlreadyGranted):
        await users.grant_role(conn, CONSOLE, user_id=staff.id, role=Role.CENTRE_STAFF)


async def test_the_system_admin_cannot_grant_roles(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Permissions belong to the security administrator (三员分立)."""
    system = await actor_for(conn, await make_user(conn, centre, Role.SYSTEM_ADMIN))
    staff = await make_user(conn, centre)
    before = await log_size(conn)
    with pytest.raises(errors.PermissionDenied):
        await users.grant_role(conn, system, user_id=staff.id, role=Role.CENTRE_STAFF)
    assert await count_rows(conn, "role_grants") == 1
    assert await log_size(conn) == before


async def test_nobody_grants_roles_to_themselves(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """A security administrator cannot give itself centre staff powers."""
    me = await actor_for(conn, await make_user(conn, centre, Role.SECURITY_ADMIN))
    with pytest.raises(errors.PermissionDenied):
        await users.grant_role(conn, me, user_id=me.user_id, role=Role.CENTRE_STAFF)


async def test_a_second_admin_role_is_refused_by_the_database_too(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """三员分立 holds even if the Python check were skipped (role_grants_one_admin_idx)."""
    admin = await make_user(conn, centre, Role.AUDIT_ADMIN)
    with pytest.raises(errors.AdminRolesSeparated):
        await users.grant_role(conn, CONSOLE, user_id=admin.id, role=Role.SYSTEM_ADMIN)
    async with conn.transaction():
        with pytest.raises(errors.AdminRolesSeparated):
            await user_queries.insert_role_grant(
                conn, user_id=admin.id, role=Role.SYSTEM_ADMIN, scope_id=None, granted_by=None
            )


async def test_racing_admin_grants_leave_one_admin_role(
    pool: asyncpg.Pool, centre: Organisation
) -> None:
    """Two connections grant different admin roles to one person at once: one wins."""
    async with pool.acquire() as setup:
        person = await make_user(setup, centre)

    async def grant(role: Role) -> Role | None:
        async with pool.acquire() as conn:
            try:
                await users.grant_role(conn, CONSOLE, user_id=person.id, role=role)
            except errors.AdminRolesSeparated:
                return None
            return role

    results = await asyncio.gather(grant(Role.SYSTEM_ADMIN), grant(Role.SECURITY_ADMIN))
    assert sorted(r is None for r in results) == [False, True]
    async with pool.acquire() as check:
        held = [g.role for g in await users.user_roles(check, person.id)]
    assert held == [r for r in results if r is not None]


async def test_a_supervisor_grant_names_its_department(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """A supervisor without an industry department scope is refused."""
    dept = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="住建局")
    person = await make_user(conn, dept)
    with pytest.raises(errors.RoleScopeInvalid):
        await users.grant_role(conn, CONSOLE, user_id=person.id, role=Role.SUPERVISOR)
    with pytest.raises(errors.RoleScopeInvalid):
        await users.grant_role(
            conn, CONSOLE, user_id=person.id, role=Role.SUPERVISOR, scope_id=centre.id
        )
    grant = await users.grant_role(
        conn, CONSOLE, user_id=person.id, role=Role.SUPERVISOR, scope_id=dept.id
    )
    assert grant.scope_id == dept.id


async def test_a_bidder_role_needs_a_bidder_organisation(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """role_organisation_mismatch: centre staff cannot be made a bidder."""
    person = await make_user(conn, centre)
    with pytest.raises(errors.RoleOrganisationMismatch):
        await users.grant_role(conn, CONSOLE, user_id=person.id, role=Role.BIDDER)


async def test_the_system_admin_cannot_reset_another_admins_password(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """三员分立: taking over the audit administrator's account is refused."""
    system = await actor_for(conn, await make_user(conn, centre, Role.SYSTEM_ADMIN))
    auditor = await make_user(conn, centre, Role.AUDIT_ADMIN)
    clerk = await make_user(conn, centre, Role.CENTRE_STAFF)
    with pytest.raises(errors.PermissionDenied):
        await users.set_password(conn, system, user_id=auditor.id, password="New-password-1")
    await users.set_password(conn, system, user_id=clerk.id, password="New-password-1")
    assert await last_entry_kind(conn) == "account.password_changed"


async def test_a_bidders_own_password_change_names_nobody_but_an_admin_reset_names_all(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """docs/audit-log.md §1.3 (finding F1, session 16): the bidder's own change is written
    as its login — no user id, no address, no subject — lest it name the bidder a moment
    before an anonymous bid; the system administrator's reset is the administrator's act."""
    company = await make_organisation(conn, OrgKind.BIDDER)
    person = await make_user(conn, company, Role.BIDDER)
    bidder = await actor_for(conn, person)
    await users.set_password(conn, bidder, user_id=person.id, password="New-password-1")
    own = await newest_entry(conn)
    entry = LogEntry.from_bytes(own)
    assert entry.kind == "account.password_changed"
    assert (entry.actor.user_id, entry.actor.role) == (None, "bidder")
    assert (entry.address, entry.subject) == (None, None)
    assert str(person.id).encode() not in own
    system = await actor_for(conn, await make_user(conn, centre, Role.SYSTEM_ADMIN))
    await users.set_password(conn, system, user_id=person.id, password="New-password-2")
    reset = LogEntry.from_bytes(await newest_entry(conn))
    assert reset.actor.user_id == str(system.user_id)
    assert reset.address is not None
    assert reset.subject is not None
    assert reset.subject.id == str(person.id)
