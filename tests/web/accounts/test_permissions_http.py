"""Who may call the account endpoints: refusals are 403, counted, and change nothing."""

from __future__ import annotations

import dataclasses

import asyncpg
import httpx
import pytest

from accounts.model import Organisation, OrgKind, Role, User
from tests.accounts.factory import (
    PASSWORD,
    count_rows,
    last_entry_kind,
    log_size,
    make_organisation,
    make_user,
    new_credit_code,
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class World:
    centre: Organisation
    bidder_org: Organisation
    target: User
    tokens: dict[str, str]


USERS = {
    "sysadmin": Role.SYSTEM_ADMIN,
    "secadmin": Role.SECURITY_ADMIN,
    "auditadmin": Role.AUDIT_ADMIN,
    "staff": Role.CENTRE_STAFF,
}


@pytest.fixture
async def world(pool: asyncpg.Pool, client: httpx.AsyncClient) -> World:
    """The three administrators, centre staff, a bidder user, and their bearer tokens."""
    async with pool.acquire() as conn:
        centre = await make_organisation(conn, OrgKind.CITY_CENTRE)
        bidder_org = await make_organisation(conn, OrgKind.BIDDER)
        for username, role in USERS.items():
            await make_user(conn, centre, role, username=username)
        await make_user(conn, bidder_org, Role.BIDDER, username="bidder")
        target = await make_user(conn, centre, username="newcomer")
    tokens = {}
    for username in [*USERS, "bidder"]:
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        tokens[username] = response.json()["token"]
    return World(centre=centre, bidder_org=bidder_org, target=target, tokens=tokens)


def requests_for(world: World) -> dict[str, tuple[str, str, dict[str, object] | None]]:
    """One request per protected endpoint."""
    return {
        "create_organisation": (
            "POST",
            "/api/v1/organisations",
            {"credit_code": new_credit_code(), "name": "新投标人", "kind": "bidder"},
        ),
        "create_user": (
            "POST",
            "/api/v1/users",
            {
                "organisation_id": str(world.centre.id),
                "username": "another.one",
                "display_name": "王五",
                "password": "Brand-new-pass-1",
            },
        ),
        "grant_role": ("POST", f"/api/v1/users/{world.target.id}/roles", {"role": "centre_staff"}),
        "revoke_role": ("DELETE", f"/api/v1/users/{world.target.id}/roles/centre_staff", None),
    }


# endpoint → the one user allowed (三员分立: each administrator has its own endpoints).
ALLOWED = {
    "create_organisation": "sysadmin",
    "create_user": "sysadmin",
    "grant_role": "secadmin",
    "revoke_role": "secadmin",
}


async def snapshot(pool: asyncpg.Pool) -> tuple[int, ...]:
    async with pool.acquire() as conn:
        return (
            await count_rows(conn, "organisations"),
            await count_rows(conn, "users"),
            await count_rows(conn, "role_grants"),
            await log_size(conn),
            await conn.fetchval("SELECT count(*) FROM role_grants WHERE revoked_at IS NOT NULL"),
        )


REFUSED = [
    (endpoint, username)
    for endpoint, allowed in ALLOWED.items()
    for username in [*USERS, "bidder"]
    if username != allowed
]


@pytest.mark.parametrize(("endpoint", "username"), REFUSED)
async def test_only_the_right_administrator_passes(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World, endpoint: str, username: str
) -> None:
    """Everyone else gets 403 permission_denied, counted, with no change."""
    method, path, body = requests_for(world)[endpoint]
    before = await snapshot(pool)
    response = await client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {world.tokens[username]}"}
    )
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "permission_denied"
    assert await snapshot(pool) == before
    async with pool.acquire() as conn:
        counted = await conn.fetchval(
            "SELECT sum(count) FROM security_events WHERE kind = 'auth.permission_denied' "
            "AND subject LIKE $1",
            f"{username}:%",
        )
    assert counted == 1


async def test_the_system_admin_opens_accounts_and_organisations(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World
) -> None:
    """201 with the new object; each creation is logged."""
    requests = requests_for(world)
    headers = {"Authorization": f"Bearer {world.tokens['sysadmin']}"}
    for endpoint, kind in (
        ("create_organisation", "account.organisation_created"),
        ("create_user", "account.user_created"),
    ):
        method, path, body = requests[endpoint]
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        async with pool.acquire() as conn:
            assert await last_entry_kind(conn) == kind
    assert response.json()["username"] == "another.one"
    assert "password" not in response.text


async def test_the_security_admin_grants_and_revokes(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World
) -> None:
    """POST then DELETE a role: 201, 200, each logged; a second DELETE is 404."""
    requests = requests_for(world)
    headers = {"Authorization": f"Bearer {world.tokens['secadmin']}"}
    method, path, body = requests["grant_role"]
    granted = await client.request(method, path, json=body, headers=headers)
    assert granted.status_code == 201
    assert granted.json() == {
        "user_id": str(world.target.id),
        "role": "centre_staff",
        "scope_id": None,
    }
    again = await client.request(method, path, json=body, headers=headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "role_grant_exists"
    method, path, _ = requests["revoke_role"]
    revoked = await client.request(method, path, headers=headers)
    assert revoked.status_code == 200
    async with pool.acquire() as conn:
        assert await last_entry_kind(conn) == "auth.role_revoked"
    missing = await client.request(method, path, headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "role_grant_not_found"


async def test_a_second_admin_role_is_a_conflict(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World
) -> None:
    """三员分立 over HTTP: proposing a second administrator role is 409 admin_role_conflict
    (granting one directly is refused before: tests/web/accounts/test_role_changes.py)."""
    async with pool.acquire() as conn:
        sysadmin_id = await conn.fetchval("SELECT id FROM users WHERE username = 'sysadmin'")
    before = await snapshot(pool)
    response = await client.post(
        "/api/v1/role-changes",
        json={"change": "grant", "user_id": str(sysadmin_id), "role": "audit_admin"},
        headers={"Authorization": f"Bearer {world.tokens['secadmin']}"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "admin_role_conflict"
    assert await snapshot(pool) == before


async def test_the_security_admin_cannot_grant_itself_a_role(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World
) -> None:
    """Nobody changes their own roles."""
    async with pool.acquire() as conn:
        me = await conn.fetchval("SELECT id FROM users WHERE username = 'secadmin'")
    response = await client.post(
        f"/api/v1/users/{me}/roles",
        json={"role": "centre_staff"},
        headers={"Authorization": f"Bearer {world.tokens['secadmin']}"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


async def test_every_signed_in_user_may_list_organisations_and_see_itself(
    client: httpx.AsyncClient, world: World
) -> None:
    """Reading the organisation list and /me needs no particular role."""
    for username, token in world.tokens.items():
        headers = {"Authorization": f"Bearer {token}"}
        assert (await client.get("/api/v1/organisations", headers=headers)).status_code == 200
        me = await client.get("/api/v1/me", headers=headers)
        assert me.json()["username"] == username


async def test_granting_to_an_unknown_user_is_not_found(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World
) -> None:
    """404 user_not_found for the security administrator (others are refused first)."""
    before = await snapshot(pool)
    response = await client.post(
        "/api/v1/users/00000000-0000-4000-8000-000000000001/roles",
        json={"role": "centre_staff"},
        headers={"Authorization": f"Bearer {world.tokens['secadmin']}"},
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "user_not_found"
    assert await snapshot(pool) == before
