"""The security administrator's pages: roles granted and removed (administrator roles
only proposed, the two-person rule end to end through pages), the permission matrix,
and the security events with their filters; everyone else refused."""

from __future__ import annotations

import hashlib
import json

import asyncpg
import pytest
from starlette.applications import Starlette

from accounts import security_events
from accounts.errors import PermissionDenied
from accounts.model import OrgKind, Role
from accounts.permissions import RULES
from accounts.security_report import SecurityFilter
from accounts.users import service as users
from signing.log.checkpoint import Cosigner, generate_private_key
from tests.accounts.factory import CONSOLE, actor_for, count_rows, make_organisation, make_user
from tests.web.accounts.page_kit import (
    Admins,
    fixture_admins,
    log_kinds,
    signed_in,
    signed_out,
)
from web.auth import SESSION_COOKIE

__all__ = ["fixture_admins"]


async def _roles(pool: asyncpg.Pool, username: str) -> set[Role]:
    async with pool.acquire() as conn:
        user = await users.user_by_username(conn, username)
        return {grant.role for grant in await users.user_roles(conn, user.id)}


async def test_the_security_administrator_grants_and_removes_a_role_on_the_page(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """A supervisor's role with its department as scope, then removed; both logged."""
    async with pool.acquire() as conn:
        officer = await users.create_user(
            conn, CONSOLE, organisation_id=admins.department.id, username="officer",
            display_name="赵六", password=None,
        )  # fmt: skip
    async with signed_in(app, "secadmin") as secadmin:
        page = await secadmin.get("/admin/roles")
        assert page.status_code == 200
        assert "宣城市住建局" in page.text  # the scope choices
        granted = await secadmin.post("/admin/roles/grant", {
            "user_id": str(officer.id), "role": "supervisor",
            "scope_id": str(admins.department.id),
        })  # fmt: skip
        assert granted.headers["location"] == "/admin/roles?done=granted"
        assert await _roles(pool, "officer") == {Role.SUPERVISOR}
        revoked = await secadmin.post("/admin/roles/revoke", {
            "user_id": str(officer.id), "role": "supervisor",
            "scope_id": str(admins.department.id),
        })  # fmt: skip
        assert revoked.headers["location"] == "/admin/roles?done=revoked"
    assert await _roles(pool, "officer") == set()
    async with pool.acquire() as conn:
        kinds = await log_kinds(conn)
    assert kinds[-2:] == ["auth.role_granted", "auth.role_revoked"]


async def test_an_administrator_role_takes_two_people_through_the_pages(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """The security administrator's grant of an administrator role is only a proposal;
    it cannot approve it itself; the system administrator's approval applies it."""
    async with pool.acquire() as conn:
        newcomer = await users.create_user(
            conn, CONSOLE, organisation_id=admins.centre.id, username="newcomer",
            display_name="钱七", password=None,
        )  # fmt: skip
    async with signed_in(app, "secadmin") as secadmin:
        proposed = await secadmin.post(
            "/admin/roles/grant", {"user_id": str(newcomer.id), "role": "audit_admin"}
        )
        assert proposed.headers["location"] == "/admin/roles?done=proposed"
        page = await secadmin.get("/admin/roles", done="proposed")
        assert "已提出，待系统管理员或审计管理员批准后生效。" in page.text
        assert await _roles(pool, "newcomer") == set()
        async with pool.acquire() as conn:
            change = await conn.fetchval("SELECT id FROM role_changes WHERE user_id = $1",
                                         newcomer.id)  # fmt: skip
        assert f'data-change="{change}"' in page.text
        own = await secadmin.post(f"/admin/role-changes/{change}/approve")
        assert own.status_code == 403
        assert await _roles(pool, "newcomer") == set()
    async with signed_in(app, "sysadmin") as sysadmin:
        await sysadmin.post(f"/admin/role-changes/{change}/approve")
    assert await _roles(pool, "newcomer") == {Role.AUDIT_ADMIN}


async def test_the_proposer_withdraws_its_own_proposal_on_the_page(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """Withdrawn: rejected, nothing applied, back on the roles page."""
    async with signed_in(app, "secadmin") as secadmin:
        await secadmin.post(
            "/admin/roles/revoke", {"user_id": str(admins.sysadmin.id), "role": "system_admin"}
        )
        async with pool.acquire() as conn:
            change = await conn.fetchval("SELECT id FROM role_changes")
        answer = await secadmin.post(f"/admin/role-changes/{change}/reject")
    assert answer.headers["location"] == "/admin/roles?done=rejected"
    assert await _roles(pool, "sysadmin") == {Role.SYSTEM_ADMIN}
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM role_changes") == "rejected"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"role": "king"}, 422, "request_invalid"),
        ({"role": "centre_staff"}, 422, "role_organisation_mismatch"),
        ({"role": "bidder"}, 409, "role_grant_exists"),
    ],
)
async def test_a_grant_the_rules_refuse_shows_why_and_changes_nothing(
    app: Starlette, pool: asyncpg.Pool, admins: Admins, fields: dict[str, str], status: int,
    code: str,
) -> None:  # fmt: skip
    """A bidder's user is not centre staff, nor a bidder twice, and 'king' is no role."""
    async with pool.acquire() as conn:
        before = await count_rows(conn, "role_grants")
    async with signed_in(app, "secadmin") as secadmin:
        answer = await secadmin.post(
            "/admin/roles/grant", {"user_id": str(admins.bidder.id), **fields}
        )
    assert answer.status_code == status
    assert f'data-code="{code}"' in answer.text
    async with pool.acquire() as conn:
        assert await count_rows(conn, "role_grants") == before


@pytest.mark.parametrize("who", ["sysadmin", "auditadmin", "bidder1"])
async def test_only_the_security_administrator_grants_roles(
    app: Starlette, pool: asyncpg.Pool, admins: Admins, who: str
) -> None:
    """三员分立: the roles page, its forms and the matrix refuse everyone else."""
    async with signed_in(app, who) as other:
        assert (await other.get("/admin/roles")).status_code == 403
        assert (await other.get("/admin/permissions")).status_code == 403
        answer = await other.post(
            "/admin/roles/revoke", {"user_id": str(admins.bidder.id), "role": "bidder"}
        )
    assert answer.status_code == 403
    assert await _roles(pool, "bidder1") == {Role.BIDDER}


async def test_the_permission_matrix_page_lists_every_rule(app: Starlette, admins: Admins) -> None:
    """One row per rule of accounts/permissions.py, in the page's language."""
    async with signed_in(app, "secadmin") as secadmin:
        page = await secadmin.get("/admin/permissions")
    assert page.text.count("<tr data-action=") == sum(len(rules) for rules in RULES.values())
    assert "开标委员会成员" in page.text


async def test_security_events_are_filtered_by_kind_address_and_beijing_day(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """Refusals counted per minute and account changes from the log, filtered."""
    async with pool.acquire() as conn:
        for address in ("203.0.113.7", "203.0.113.7", "198.51.100.1"):
            await security_events.record_refusal(
                conn, kind=security_events.LOGIN_FAILED, address=address, subject="x"
            )
        await security_events.record_refusal(
            conn, kind=security_events.PERMISSION_DENIED, address="203.0.113.7"
        )
        org = await make_organisation(conn, OrgKind.BIDDER)
        await make_user(conn, org, Role.BIDDER, username="granted1")
    async with signed_in(app, "secadmin") as secadmin:
        failed = await secadmin.get(
            "/admin/security-events", kind="auth.login_failed", address="203.0.113.7"
        )
        everything = await secadmin.get("/admin/security-events")
        grants = await secadmin.get("/admin/security-events", kind="auth.role_granted")
        future = await secadmin.get("/admin/security-events", since="2999-01-01")
        bad_kind = await secadmin.get("/admin/security-events", kind="auth.nothing")
        bad_day = await secadmin.get("/admin/security-events", until="yesterday")
        last_day = await secadmin.get("/admin/security-events", until="9999-12-31")
        first_day = await secadmin.get("/admin/security-events", since="0001-01-01")
    assert failed.text.count('<tr data-kind="auth.login_failed">') == 1
    assert '<td class="num">2</td>' in failed.text
    assert 'data-kind="auth.permission_denied"' not in failed.text
    assert 'id="no-changes"' in failed.text  # a refusal kind: no log entries
    assert '<tr data-kind="auth.permission_denied">' in everything.text
    assert "（北京时间）" in everything.text
    assert "granted1" in grants.text  # the subject's username, not only its id
    assert 'id="no-refusals"' in future.text
    assert 'id="no-changes"' in future.text
    assert bad_kind.status_code == 422
    assert bad_day.status_code == 422
    assert last_day.status_code == 422  # no day after it: refused, not a server error
    assert first_day.status_code == 422


@pytest.mark.parametrize(("who", "status"), [("auditadmin", 200), ("sysadmin", 403),
                                             ("bidder1", 403)])  # fmt: skip
async def test_the_security_and_audit_administrators_read_the_security_events(
    app: Starlette, admins: Admins, who: str, status: int
) -> None:
    """read_security_events: the security and the audit administrator, nobody else."""
    async with signed_in(app, who) as other:
        assert (await other.get("/admin/security-events")).status_code == status


async def test_the_security_administrator_sees_a_bidders_sign_in_the_log_leaves_unnamed(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """docs/audit-log.md §1.3: the bidder's auth.login names nobody, so the page lists the
    session table's sign-ins — username, name, organisation, kind, address — never a token."""
    async with signed_in(app, "bidder1") as bidder:
        token = bidder.client.cookies[SESSION_COOKIE]
        await bidder.client.post("/logout", data={"csrf_token": bidder.csrf})
    async with pool.acquire() as conn:
        await log_kinds(conn)
        raw = await conn.fetchval(
            "SELECT entry FROM log_entries WHERE kind = 'auth.login' ORDER BY idx DESC LIMIT 1"
        )
    login = json.loads(bytes(raw))
    assert login["actor"] == {"user_id": None, "role": "bidder"}
    assert login["address"] is None
    async with signed_in(app, "secadmin") as secadmin:
        page = await secadmin.get("/admin/security-events")
        elsewhere = await secadmin.get("/admin/security-events", address="198.51.100.1")
        here = await secadmin.get("/admin/security-events", address="192.0.2.10")
        future = await secadmin.get("/admin/security-events", since="2999-01-01")
    assert "登录记录" in page.text
    row = page.text.split('<tr data-username="bidder1"', 1)[1].split("</tr>", 1)[0]
    assert 'data-ended="logged_out"' in row
    for shown in (
        "bidder1 (测试用户)",
        "宣城建工集团",
        "浏览器",
        "<code>192.0.2.10</code>",
        "已退出",
    ):
        assert shown in row
    # The newest first: the administrator's own sign-in above the bidder's.
    assert page.text.index('data-username="secadmin"') < page.text.index('data-username="bidder1"')
    for text in (page.text, here.text):
        assert token not in text
        assert hashlib.sha256(token.encode()).hexdigest() not in text
    assert 'data-username="bidder1"' in here.text
    assert 'data-username="bidder1"' not in elsewhere.text
    assert 'id="no-sign-ins"' in elsewhere.text
    assert 'id="no-sign-ins"' in future.text


@pytest.mark.parametrize("role", [Role.BIDDER, Role.CENTRE_STAFF, Role.SUPERVISOR])
async def test_no_other_role_reads_the_sign_ins(
    app: Starlette, pool: asyncpg.Pool, admins: Admins, role: Role
) -> None:
    """read_security_events: a bidder, centre staff and a supervisor are refused the page
    (and so its sign-ins), as before; the service refuses them too."""
    org = {Role.BIDDER: admins.bidder_org, Role.CENTRE_STAFF: admins.centre}.get(
        role, admins.department
    )
    async with pool.acquire() as conn:
        user = await make_user(conn, org, role, scope=admins.department, username="reader")
        with pytest.raises(PermissionDenied):
            await security_events.read_sign_ins(conn, await actor_for(conn, user), SecurityFilter())
    async with signed_in(app, "reader") as other:
        answer = await other.get("/admin/security-events")
    assert answer.status_code == 403
    assert "登录记录" not in answer.text


async def test_signed_out_the_security_pages_send_to_the_login(app: Starlette) -> None:
    async with signed_out(app) as client:
        for path in ("/admin/roles", "/admin/permissions", "/admin/security-events"):
            answer = await client.get(path)
            assert answer.headers["location"] == "/login"


async def test_the_security_administrator_registers_a_witness_on_the_page(
    app: Starlette, pool: asyncpg.Pool, admins: Admins
) -> None:
    """Registered and listed; the same name again shows log_witness_exists, nothing added."""
    cosigner = Cosigner(name="witness.example/county", private_key=generate_private_key())
    vkey = cosigner.verifier().to_vkey()
    async with signed_in(app, "secadmin") as secadmin:
        answer = await secadmin.post("/admin/witnesses", {"vkey": vkey})
        assert answer.headers["location"] == "/admin/witnesses?done=witness"
        listing = await secadmin.get("/admin/witnesses")
        again = await secadmin.post("/admin/witnesses", {"vkey": vkey})
        bad = await secadmin.post("/admin/witnesses", {"vkey": "nonsense"})
    assert 'data-witness="witness.example/county"' in listing.text
    assert again.status_code == 409
    assert 'data-code="log_witness_exists"' in again.text
    assert bad.status_code == 422
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM log_witnesses") == 1
    async with signed_in(app, "auditadmin") as auditor:
        assert (await auditor.post("/admin/witnesses", {"vkey": vkey})).status_code == 403
