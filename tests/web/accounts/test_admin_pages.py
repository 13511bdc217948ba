"""The system administrator's pages: accounts opened, disabled and enabled; approvals
of administrator role changes (the two-person rule); everyone else refused."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import pytest
from starlette.applications import Starlette

from accounts.model import Role, UserStatus
from accounts.role_changes import service as role_changes
from accounts.role_changes.model import RoleChangeKind, RoleChangeStatus
from accounts.users import service as users
from tests.accounts.factory import CONSOLE, actor_for, count_rows, new_credit_code
from tests.web.accounts.page_kit import (
    Admins,
    fixture_admins,
    log_kinds,
    signed_in,
    signed_out,
)

__all__ = ["fixture_admins"]


async def test_the_system_administrator_opens_an_account_through_the_page(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """The form opens the account (logged), and the list shows it in Beijing time."""
    async with signed_in(app, "sysadmin") as sysadmin:
        listing = await sysadmin.get("/admin/users")
        assert listing.status_code == 200
        assert "（北京时间）" in listing.text
        answer = await sysadmin.post("/admin/users", {
            "organisation_id": str(admins.bidder_org.id), "username": "bidder2",
            "display_name": "李四", "password": "Another-horse-43",
        })  # fmt: skip
        assert answer.status_code == 303
        assert answer.headers["location"] == "/admin/users?done=created"
        redirected = await sysadmin.get("/admin/users", done="created")
        shown = await sysadmin.get("/admin/users", q="bidder2")
    assert "账户已开设。" in redirected.text
    assert 'data-username="bidder2"' in shown.text
    assert 'data-username="bidder1"' not in shown.text  # filtered
    async with pool.acquire() as conn:
        created = await users.user_by_username(conn, "bidder2")
        assert created.organisation_id == admins.bidder_org.id
        assert "account.user_created" in await log_kinds(conn)


async def test_a_bad_account_form_shows_the_refusal_and_writes_nothing(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """A malformed username: 422 with its code, no user, no log entry."""
    async with pool.acquire() as conn:
        before = await count_rows(conn, "users")
    async with signed_in(app, "sysadmin") as sysadmin:
        async with pool.acquire() as conn:
            entries = len(await log_kinds(conn))
        answer = await sysadmin.post("/admin/users", {
            "organisation_id": str(admins.bidder_org.id), "username": "A B",
            "display_name": "李四", "password": "",
        })  # fmt: skip
    assert answer.status_code == 422
    assert 'data-code="username_invalid"' in answer.text
    async with pool.acquire() as conn:
        assert await count_rows(conn, "users") == before
        assert len(await log_kinds(conn)) == entries


async def test_disabling_an_account_ends_its_sessions_and_enabling_restores_the_login(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """Disabled: the bidder's open session ends at once; enabled: it signs in again."""
    async with signed_in(app, "bidder1") as bidder, signed_in(app, "sysadmin") as sysadmin:
        assert (await bidder.get("/home")).status_code == 200
        answer = await sysadmin.post(f"/admin/users/{admins.bidder.id}/disable")
        assert answer.headers["location"] == "/admin/users?done=disabled"
        home = await bidder.get("/home")
        assert home.status_code == 303
        assert home.headers["location"] == "/login"
        async with pool.acquire() as conn:
            assert (await users.get_user(conn, admins.bidder.id)).status is UserStatus.DISABLED
            assert (await log_kinds(conn))[-1] == "account.user_disabled"
        await sysadmin.post(f"/admin/users/{admins.bidder.id}/enable")
    async with pool.acquire() as conn:
        assert (await users.get_user(conn, admins.bidder.id)).status is UserStatus.ACTIVE
        assert (await log_kinds(conn))[-1] == "account.user_enabled"
    async with signed_in(app, "bidder1") as bidder:
        assert (await bidder.get("/home")).status_code == 200


@pytest.mark.parametrize("who", ["secadmin", "sysadmin"])
async def test_the_system_administrator_disables_no_administrator_not_even_itself(
    app: Starlette, pool: asyncpg.Pool, admins: Admins, who: str
) -> None:
    """三员分立: only the console locks an administrator out; nobody disables itself."""
    target = admins.secadmin if who == "secadmin" else admins.sysadmin
    async with signed_in(app, "sysadmin") as sysadmin:
        answer = await sysadmin.post(f"/admin/users/{target.id}/disable")
    assert answer.status_code == 403
    assert 'data-code="permission_denied"' in answer.text
    async with pool.acquire() as conn:
        assert (await users.get_user(conn, target.id)).status is UserStatus.ACTIVE


@pytest.mark.parametrize("who", ["secadmin", "auditadmin", "bidder1"])
async def test_only_the_system_administrator_manages_accounts(
    app: Starlette, pool: asyncpg.Pool, admins: Admins, who: str
) -> None:
    """The users page and its forms refuse the other administrators and everyone else."""
    async with pool.acquire() as conn:
        before = await count_rows(conn, "users")
    async with signed_in(app, who) as other:
        assert (await other.get("/admin/users")).status_code == 403
        created = await other.post("/admin/users", {
            "organisation_id": str(admins.bidder_org.id), "username": "intruder",
            "display_name": "x", "password": "",
        })  # fmt: skip
        disabled = await other.post(f"/admin/users/{admins.bidder.id}/disable")
    assert created.status_code == 403
    assert disabled.status_code == 403
    async with pool.acquire() as conn:
        assert await count_rows(conn, "users") == before
        assert (await users.get_user(conn, admins.bidder.id)).status is UserStatus.ACTIVE


async def test_signed_out_the_admin_pages_send_to_the_login(app: Starlette) -> None:
    """No session: the login page, nothing shown."""
    async with signed_out(app) as client:
        for path in ("/admin/users", "/admin/role-changes"):
            answer = await client.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"] == "/login"


async def _proposal(pool: asyncpg.Pool, admins: Admins, change: RoleChangeKind, user: UUID,
                    role: Role) -> UUID:  # fmt: skip
    async with pool.acquire() as conn:
        proposer = await actor_for(conn, admins.secadmin)
        proposed = await role_changes.propose_role_change(
            conn, proposer, change=change, user_id=user, role=role
        )
    return proposed.id


async def _status(pool: asyncpg.Pool, change_id: UUID) -> RoleChangeStatus:
    async with pool.acquire() as conn:
        status: str = await conn.fetchval(
            "SELECT status FROM role_changes WHERE id = $1", change_id
        )
    return RoleChangeStatus(status)


async def test_the_system_administrator_approves_a_proposed_grant_on_the_page(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """Pending, shown with who proposed it; approved, the role is held."""
    async with pool.acquire() as conn:
        staff = await users.create_user(
            conn, CONSOLE, organisation_id=admins.centre.id, username="newaudit",
            display_name="王五", password=None,
        )  # fmt: skip
    change = await _proposal(pool, admins, RoleChangeKind.GRANT, staff.id, Role.AUDIT_ADMIN)
    async with signed_in(app, "sysadmin") as sysadmin:
        listing = await sysadmin.get("/admin/role-changes")
        assert f'data-change="{change}"' in listing.text
        assert "secadmin" in listing.text
        answer = await sysadmin.post(f"/admin/role-changes/{change}/approve")
        assert answer.headers["location"] == "/admin/role-changes?done=approved"
    assert await _status(pool, change) is RoleChangeStatus.APPROVED
    async with pool.acquire() as conn:
        held = {grant.role for grant in await users.user_roles(conn, staff.id)}
    assert Role.AUDIT_ADMIN in held


async def test_neither_the_proposer_nor_the_user_concerned_approves_on_the_page(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """Two-person rule: the security administrator (proposer) and the system
    administrator whose own role it removes are refused; the change stays pending."""
    change = await _proposal(
        pool, admins, RoleChangeKind.REVOKE, admins.sysadmin.id, Role.SYSTEM_ADMIN
    )
    async with signed_in(app, "secadmin") as proposer:
        refused = await proposer.post(f"/admin/role-changes/{change}/approve")
    assert refused.status_code == 403
    assert 'data-code="permission_denied"' in refused.text
    async with signed_in(app, "sysadmin") as concerned:
        page = await concerned.get("/admin/role-changes")
        refused = await concerned.post(f"/admin/role-changes/{change}/approve")
    assert 'name="approve"' in page.text  # the form is there; the rule refuses it
    assert refused.status_code == 403
    assert 'data-code="role_change_self_approval_forbidden"' in refused.text
    assert await _status(pool, change) is RoleChangeStatus.PENDING
    async with signed_in(app, "auditadmin") as auditor:
        page = await auditor.get("/admin/role-changes")  # the other approver's page too
        assert 'name="approve"' in page.text
        assert "sysadmin" in page.text  # the user concerned, by username
        await auditor.post(f"/admin/role-changes/{change}/reject")
    assert await _status(pool, change) is RoleChangeStatus.REJECTED


async def test_the_system_administrator_registers_an_organisation_on_the_page(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """A bidder's organisation, logged; the list shows it with its kind in Chinese."""
    code = new_credit_code()
    async with signed_in(app, "sysadmin") as sysadmin:
        answer = await sysadmin.post("/admin/organisations", {
            "name": "宣城路桥有限公司", "credit_code": code, "kind": "bidder",
            "parent_id": "", "region": "341800",
        })  # fmt: skip
        assert answer.headers["location"] == "/admin/organisations?done=registered"
        listing = await sysadmin.get("/admin/organisations", done="registered")
    assert f'data-credit-code="{code}"' in listing.text
    assert "单位已登记。" in listing.text
    async with pool.acquire() as conn:
        assert (await log_kinds(conn))[-1] == "account.organisation_created"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"credit_code": "12345", "kind": "bidder"}, "credit_code_invalid"),
        ({"kind": "empire"}, "request_invalid"),
        ({"kind": "county_centre"}, "organisation_parent_invalid"),
    ],
)
async def test_a_bad_organisation_form_shows_why_and_registers_nothing(
    app: Starlette, pool: asyncpg.Pool, admins: Admins, fields: dict[str, str], code: str
) -> None:
    """A wrong check character, an unknown kind, a county centre without its city."""
    async with pool.acquire() as conn:
        before = await count_rows(conn, "organisations")
    form = {"name": "某单位", "credit_code": new_credit_code(), "parent_id": "", **fields}
    async with signed_in(app, "sysadmin") as sysadmin:
        answer = await sysadmin.post("/admin/organisations", form)
    assert answer.status_code == 422
    assert f'data-code="{code}"' in answer.text
    async with pool.acquire() as conn:
        assert await count_rows(conn, "organisations") == before


async def test_only_the_system_administrator_registers_organisations(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    async with pool.acquire() as conn:
        before = await count_rows(conn, "organisations")
    async with signed_in(app, "secadmin") as secadmin:
        assert (await secadmin.get("/admin/organisations")).status_code == 403
        answer = await secadmin.post("/admin/organisations", {
            "name": "x", "credit_code": new_credit_code(), "kind": "bidder",
        })  # fmt: skip
    assert answer.status_code == 403
    async with pool.acquire() as conn:
        assert await count_rows(conn, "organisations") == before
