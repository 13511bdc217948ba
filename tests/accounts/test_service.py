"""Organisations, users and roles through the service, on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import asyncpg
import pytest

from accounts import errors, queries, service
from accounts.model import Organisation, OrgKind, Role
from signing.log.entry import LogEntry
from tests.accounts.factory import (
    CONSOLE,
    PASSWORD,
    actor_for,
    count_rows,
    ids,
    last_entry_kind,
    log_size,
    make_organisation,
    make_user,
    new_credit_code,
)


async def test_creating_an_organisation_appends_its_log_entry(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The organisation and its account.organisation_created entry commit together."""
    before = await log_size(conn)
    county = await make_organisation(
        conn, OrgKind.COUNTY_CENTRE, parent=centre, name="宁国市分中心", region="341881"
    )
    assert await log_size(conn) == before + 1
    raw = await conn.fetchval("SELECT entry FROM log_entries ORDER BY idx DESC LIMIT 1")
    entry = LogEntry.from_bytes(raw)
    assert entry.kind == "account.organisation_created"
    assert entry.actor.role == "console"
    assert entry.subject is not None
    assert entry.subject.id == str(county.id)
    assert entry.data["parent_id"] == str(centre.id)
    assert entry.data["credit_code"] == county.credit_code


async def test_a_taken_credit_code_is_refused_and_nothing_is_logged(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """credit_code_exists; no row and no entry."""
    before = (await log_size(conn), await count_rows(conn, "organisations"))
    with pytest.raises(errors.CreditCodeTaken) as refused:
        await service.create_organisation(
            conn, CONSOLE, credit_code=centre.credit_code, name="冒名", kind=OrgKind.BIDDER
        )
    assert refused.value.code == "credit_code_exists"
    assert (await log_size(conn), await count_rows(conn, "organisations")) == before


async def test_a_wrong_check_character_is_refused(conn: asyncpg.Connection) -> None:
    """The credit code's check character is verified before anything is stored."""
    code = new_credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(errors.CreditCodeInvalid):
        await service.create_organisation(
            conn, CONSOLE, credit_code=wrong, name="x", kind=OrgKind.OTHER
        )
    assert await count_rows(conn, "organisations") == 0


async def test_a_county_centre_needs_an_existing_city_centre(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The "1+6" rule: a missing parent is organisation_not_found, a wrong one is refused."""
    agency = await make_organisation(conn, OrgKind.AGENCY)
    with pytest.raises(errors.ParentOrganisationInvalid):
        await make_organisation(conn, OrgKind.COUNTY_CENTRE, parent=agency)
    with pytest.raises(errors.ParentOrganisationInvalid):
        await make_organisation(conn, OrgKind.COUNTY_CENTRE)
    ghost = dataclasses.replace(centre, id=uuid.uuid4())
    with pytest.raises(errors.OrganisationNotFound):
        await make_organisation(conn, OrgKind.COUNTY_CENTRE, parent=ghost)


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
            await service.create_organisation(
                conn, refused, credit_code=new_credit_code(), name="x", kind=OrgKind.BIDDER
            )
        with pytest.raises(errors.PermissionDenied):
            await service.create_user(
                conn,
                refused,
                organisation_id=centre.id,
                username="sneaky",
                display_name="x",
                password=PASSWORD,
            )
    assert (await log_size(conn), await count_rows(conn, "organisations")) == before
    org = await service.create_organisation(
        conn, system, credit_code=new_credit_code(), name="投标人甲", kind=OrgKind.BIDDER
    )
    assert org.kind is OrgKind.BIDDER
    raw = await conn.fetchval("SELECT entry FROM log_entries ORDER BY idx DESC LIMIT 1")
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


async def test_the_stored_hash_is_scrypt_and_the_password_is_nowhere(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Only the PHC string is stored; the log never sees the password."""
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
    grant = await service.grant_role(conn, security, user_id=staff.id, role=Role.CENTRE_STAFF)
    assert grant.role is Role.CENTRE_STAFF
    assert await last_entry_kind(conn) == "auth.role_granted"
    assert [g.role for g in await service.user_roles(conn, staff.id)] == [Role.CENTRE_STAFF]
    await service.revoke_role(conn, security, user_id=staff.id, role=Role.CENTRE_STAFF)
    assert await last_entry_kind(conn) == "auth.role_revoked"
    assert await service.user_roles(conn, staff.id) == []
    with pytest.raises(errors.RoleGrantNotFound):
        await service.revoke_role(conn, security, user_id=staff.id, role=Role.CENTRE_STAFF)


async def test_granting_a_role_twice_is_refused(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """role_grant_exists (the database's unique index)."""
    staff = await make_user(conn, centre, Role.CENTRE_STAFF)
    with pytest.raises(errors.RoleAlreadyGranted):
        await service.grant_role(conn, CONSOLE, user_id=staff.id, role=Role.CENTRE_STAFF)


async def test_the_system_admin_cannot_grant_roles(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Permissions belong to the security administrator (三员分立)."""
    system = await actor_for(conn, await make_user(conn, centre, Role.SYSTEM_ADMIN))
    staff = await make_user(conn, centre)
    before = await log_size(conn)
    with pytest.raises(errors.PermissionDenied):
        await service.grant_role(conn, system, user_id=staff.id, role=Role.CENTRE_STAFF)
    assert await count_rows(conn, "role_grants") == 1
    assert await log_size(conn) == before


async def test_nobody_grants_roles_to_themselves(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """A security administrator cannot give itself centre staff powers."""
    me = await actor_for(conn, await make_user(conn, centre, Role.SECURITY_ADMIN))
    with pytest.raises(errors.PermissionDenied):
        await service.grant_role(conn, me, user_id=me.user_id, role=Role.CENTRE_STAFF)


async def test_a_second_admin_role_is_refused_by_the_database_too(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """三员分立 holds even if the Python check were skipped (role_grants_one_admin_idx)."""
    admin = await make_user(conn, centre, Role.AUDIT_ADMIN)
    with pytest.raises(errors.AdminRolesSeparated):
        await service.grant_role(conn, CONSOLE, user_id=admin.id, role=Role.SYSTEM_ADMIN)
    async with conn.transaction():
        with pytest.raises(errors.AdminRolesSeparated):
            await queries.insert_role_grant(
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
                await service.grant_role(conn, CONSOLE, user_id=person.id, role=role)
            except errors.AdminRolesSeparated:
                return None
            return role

    results = await asyncio.gather(grant(Role.SYSTEM_ADMIN), grant(Role.SECURITY_ADMIN))
    assert sorted(r is None for r in results) == [False, True]
    async with pool.acquire() as check:
        held = [g.role for g in await service.user_roles(check, person.id)]
    assert held == [r for r in results if r is not None]


async def test_a_supervisor_grant_names_its_department(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """A supervisor without an industry department scope is refused."""
    dept = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="住建局")
    person = await make_user(conn, dept)
    with pytest.raises(errors.RoleScopeInvalid):
        await service.grant_role(conn, CONSOLE, user_id=person.id, role=Role.SUPERVISOR)
    with pytest.raises(errors.RoleScopeInvalid):
        await service.grant_role(
            conn, CONSOLE, user_id=person.id, role=Role.SUPERVISOR, scope_id=centre.id
        )
    grant = await service.grant_role(
        conn, CONSOLE, user_id=person.id, role=Role.SUPERVISOR, scope_id=dept.id
    )
    assert grant.scope_id == dept.id


async def test_a_bidder_role_needs_a_bidder_organisation(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """role_organisation_mismatch: centre staff cannot be made a bidder."""
    person = await make_user(conn, centre)
    with pytest.raises(errors.RoleOrganisationMismatch):
        await service.grant_role(conn, CONSOLE, user_id=person.id, role=Role.BIDDER)


async def test_the_system_admin_cannot_reset_another_admins_password(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """三员分立: taking over the audit administrator's account is refused."""
    system = await actor_for(conn, await make_user(conn, centre, Role.SYSTEM_ADMIN))
    auditor = await make_user(conn, centre, Role.AUDIT_ADMIN)
    clerk = await make_user(conn, centre, Role.CENTRE_STAFF)
    with pytest.raises(errors.PermissionDenied):
        await service.set_password(conn, system, user_id=auditor.id, password="New-password-1")
    await service.set_password(conn, system, user_id=clerk.id, password="New-password-1")
    assert await last_entry_kind(conn) == "account.password_changed"


async def test_organisations_page_through_with_a_cursor(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Every organisation appears once, in creation order, across pages."""
    created = [centre] + [await make_organisation(conn, OrgKind.BIDDER) for _ in range(4)]
    reader = await actor_for(conn, await make_user(conn, centre))
    seen, cursor, pages = [], None, 0
    while True:
        page = await service.list_organisations(conn, reader, cursor=cursor, limit=2)
        seen += ids(page.items)
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ids(created)
    assert pages == 3
    with pytest.raises(errors.CursorInvalid):
        await service.list_organisations(conn, reader, cursor="bogus", limit=2)
