"""三员分立 for administrator roles over HTTP: proposed by the security administrator,
applied only when the system or audit administrator approves (issue 9, item 16)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from audit import service as audit
from tests.web.accounts.test_permissions_http import World, snapshot, world  # noqa: F401

ADMINS = ("sysadmin", "secadmin", "auditadmin")


class Admins:
    """The world's users by name, and requests made as one of them."""

    def __init__(self, client: httpx.AsyncClient, people: World, ids: dict[str, str]) -> None:
        self.client, self.world, self.ids = client, people, ids

    async def call(
        self, username: str, method: str, path: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.world.tokens[username]}"}
        return await self.client.request(method, path, json=body, headers=headers)

    async def propose(self, username: str, change: str, target: str, role: str) -> httpx.Response:
        body = {"change": change, "user_id": self.ids[target], "role": role}
        return await self.call(username, "POST", "/api/v1/role-changes", body)

    async def decide(self, username: str, change_id: str, decision: str) -> httpx.Response:
        return await self.call(username, "POST", f"/api/v1/role-changes/{change_id}/{decision}")


@pytest.fixture
async def admins(client: httpx.AsyncClient, world: World, pool: asyncpg.Pool) -> Admins:  # noqa: F811
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT id, username FROM users")
    return Admins(client, world, {row["username"]: str(row["id"]) for row in rows})


async def _roles(pool: asyncpg.Pool, user_id: str) -> set[str]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT role FROM role_grants WHERE user_id = $1 AND revoked_at IS NULL",
            uuid.UUID(user_id),
        )
    return {row["role"] for row in rows}


async def _kinds_since(pool: asyncpg.Pool, size: int) -> list[str]:
    async with pool.acquire() as conn:
        await audit.integrate(conn)  # role changes are queued (docs/audit-log.md §2.2)
        rows = await conn.fetch("SELECT kind FROM log_entries WHERE idx >= $1 ORDER BY idx", size)
    return [row["kind"] for row in rows]


async def _log_size(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        await audit.integrate(conn)
        size: int = await conn.fetchval("SELECT count(*) FROM log_entries")
    return size


async def test_the_security_admin_alone_cannot_grant_or_remove_an_administrator_role(
    admins: Admins, pool: asyncpg.Pool
) -> None:
    """Removing the audit (or system) administrator's role, or granting one, directly:
    403 admin_role_change_forbidden, nothing changes."""
    before = await snapshot(pool)
    for target, role in (("auditadmin", "audit_admin"), ("sysadmin", "system_admin")):
        path = f"/api/v1/users/{admins.ids[target]}/roles/{role}"
        removed = await admins.call("secadmin", "DELETE", path)
        assert removed.status_code == 403, removed.text
        assert removed.json()["error"]["code"] == "admin_role_change_forbidden"
    granted = await admins.call("secadmin", "POST", f"/api/v1/users/{admins.ids['newcomer']}/roles",
                                {"role": "security_admin"})  # fmt: skip
    assert granted.json()["error"]["code"] == "admin_role_change_forbidden"
    assert await snapshot(pool) == before
    assert await _roles(pool, admins.ids["auditadmin"]) == {"audit_admin"}


async def test_a_removal_applies_when_a_second_administrator_approves_it(
    admins: Admins, pool: asyncpg.Pool
) -> None:
    """Proposed: pending, logged, the role still held. Approved by the system
    administrator: the role is gone; the proposal, approval and revocation are logged."""
    size = await _log_size(pool)
    proposed = await admins.propose("secadmin", "revoke", "auditadmin", "audit_admin")
    assert proposed.status_code == 201, proposed.text
    body = proposed.json()
    assert (body["status"], body["proposed_by"], body["decided_by"]) == (
        "pending",
        admins.ids["secadmin"],
        None,
    )
    assert await _roles(pool, admins.ids["auditadmin"]) == {"audit_admin"}
    assert await _kinds_since(pool, size) == ["auth.role_change_proposed"]
    approved = await admins.decide("sysadmin", body["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["decided_by"]) == (
        "approved",
        admins.ids["sysadmin"],
    )
    assert await _roles(pool, admins.ids["auditadmin"]) == set()
    assert await _kinds_since(pool, size) == [
        "auth.role_change_proposed",
        "auth.role_change_approved",
        "auth.role_revoked",
    ]
    again = await admins.decide("auditadmin", body["id"], "approve")
    assert (again.status_code, again.json()["error"]["code"]) == (
        403,
        "permission_denied",  # no longer an administrator
    )
    twice = await admins.decide("sysadmin", body["id"], "approve")
    assert (twice.status_code, twice.json()["error"]["code"]) == (
        409,
        "role_change_decided_conflict",
    )


async def test_a_grant_applies_when_the_audit_admin_approves_and_names_its_change(
    admins: Admins, pool: asyncpg.Pool
) -> None:
    """The new security administrator's grant row points at the approved proposal."""
    proposed = (await admins.propose("secadmin", "grant", "newcomer", "security_admin")).json()
    duplicate = await admins.propose("secadmin", "grant", "newcomer", "security_admin")
    assert (duplicate.status_code, duplicate.json()["error"]["code"]) == (
        409,
        "role_change_pending_exists",
    )
    approved = await admins.decide("auditadmin", proposed["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert await _roles(pool, admins.ids["newcomer"]) == {"security_admin"}
    async with pool.acquire() as conn:
        named = await conn.fetchval(
            "SELECT role_change_id FROM role_grants WHERE user_id = $1 AND revoked_at IS NULL",
            uuid.UUID(admins.ids["newcomer"]),
        )
    assert str(named) == proposed["id"]


async def test_neither_the_proposer_nor_the_user_concerned_approves(
    admins: Admins, pool: asyncpg.Pool
) -> None:
    """The proposer (a security admin) may not approve; the system administrator may not
    approve nor reject the removal of its own role; the audit administrator may."""
    proposed = (await admins.propose("secadmin", "revoke", "sysadmin", "system_admin")).json()
    by_proposer = await admins.decide("secadmin", proposed["id"], "approve")
    assert (by_proposer.status_code, by_proposer.json()["error"]["code"]) == (
        403,
        "permission_denied",
    )
    for decision in ("approve", "reject"):
        by_target = await admins.decide("sysadmin", proposed["id"], decision)
        assert (by_target.status_code, by_target.json()["error"]["code"]) == (
            403,
            "role_change_self_approval_forbidden",
        )
    assert await _roles(pool, admins.ids["sysadmin"]) == {"system_admin"}
    listed = await admins.call("auditadmin", "GET", "/api/v1/role-changes?status=pending")
    assert [c["id"] for c in listed.json()["items"]] == [proposed["id"]]
    approved = await admins.decide("auditadmin", proposed["id"], "approve")
    assert approved.status_code == 200, approved.text
    assert await _roles(pool, admins.ids["sysadmin"]) == set()


async def test_a_proposal_is_rejected_or_withdrawn_and_changes_nothing(
    admins: Admins, pool: asyncpg.Pool
) -> None:
    """The audit administrator rejects one; the proposer withdraws another; both logged."""
    first = (await admins.propose("secadmin", "revoke", "auditadmin", "audit_admin")).json()
    second = (await admins.propose("secadmin", "grant", "newcomer", "audit_admin")).json()
    size = await _log_size(pool)
    rejected = await admins.decide("sysadmin", first["id"], "reject")
    withdrawn = await admins.decide("secadmin", second["id"], "reject")
    assert [rejected.json()["status"], withdrawn.json()["status"]] == ["rejected", "rejected"]
    assert await _kinds_since(pool, size) == ["auth.role_change_rejected"] * 2
    assert await _roles(pool, admins.ids["auditadmin"]) == {"audit_admin"}
    assert await _roles(pool, admins.ids["newcomer"]) == set()
    late = await admins.decide("auditadmin", second["id"], "approve")
    assert late.json()["error"]["code"] == "role_change_decided_conflict"
    everything = (await admins.call("secadmin", "GET", "/api/v1/role-changes")).json()["items"]
    assert {c["id"] for c in everything} == {first["id"], second["id"]}


@pytest.mark.parametrize("username", ["staff", "bidder"])
async def test_someone_who_is_no_administrator_is_refused_everything(
    admins: Admins, pool: asyncpg.Pool, username: str
) -> None:
    """403 permission_denied to propose, list, approve and reject; nothing changes."""
    proposed = (await admins.propose("secadmin", "revoke", "auditadmin", "audit_admin")).json()
    before = (await snapshot(pool), await _log_size(pool))
    calls = [
        await admins.propose(username, "grant", "newcomer", "system_admin"),
        await admins.call(username, "GET", "/api/v1/role-changes"),
        await admins.decide(username, proposed["id"], "approve"),
        await admins.decide(username, proposed["id"], "reject"),
    ]
    for response in calls:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "permission_denied"
    assert (await snapshot(pool), await _log_size(pool)) == before


async def test_unknown_ids_are_not_found_and_bad_input_is_named(admins: Admins) -> None:
    """An id no proposal has: 404 role_change_not_found (the permission is checked
    first); an unknown user: 404; a role that needs no approval or a bad status: 422."""
    unknown = "00000000-0000-4000-8000-000000000001"
    for decision in ("approve", "reject"):
        missing = await admins.decide("auditadmin", unknown, decision)
        assert (missing.status_code, missing.json()["error"]["code"]) == (
            404,
            "role_change_not_found",
        )
    refused = await admins.decide("staff", unknown, "approve")
    assert refused.json()["error"]["code"] == "permission_denied"
    body = {"change": "grant", "user_id": unknown, "role": "audit_admin"}
    nobody = await admins.call("secadmin", "POST", "/api/v1/role-changes", body)
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (404, "user_not_found")
    for wrong in (
        {"change": "grant", "user_id": admins.ids["newcomer"], "role": "centre_staff"},
        {"change": "promote", "user_id": admins.ids["newcomer"], "role": "audit_admin"},
    ):
        bad = await admins.call("secadmin", "POST", "/api/v1/role-changes", wrong)
        assert (bad.status_code, bad.json()["error"]["code"]) == (422, "request_invalid")
    status = await admins.call("sysadmin", "GET", "/api/v1/role-changes?status=maybe")
    assert status.json()["error"]["code"] == "request_invalid"
    not_uuid = await admins.decide("sysadmin", "nope", "approve")
    assert not_uuid.json()["error"]["code"] == "request_invalid"


async def test_a_proposal_that_could_never_apply_is_refused_at_once(admins: Admins) -> None:
    """A second administrator role (三员分立), a role not held, one's own roles."""
    conflict = await admins.propose("secadmin", "grant", "sysadmin", "audit_admin")
    assert (conflict.status_code, conflict.json()["error"]["code"]) == (
        409,
        "admin_role_conflict",
    )
    not_held = await admins.propose("secadmin", "revoke", "newcomer", "audit_admin")
    assert not_held.json()["error"]["code"] == "role_grant_not_found"
    own = await admins.propose("secadmin", "revoke", "secadmin", "security_admin")
    assert (own.status_code, own.json()["error"]["code"]) == (403, "permission_denied")


async def test_the_database_refuses_an_administrator_grant_without_an_approved_change(
    admins: Admins, pool: asyncpg.Pool
) -> None:
    """0050: a user-made administrator grant must name its change; self-approval and a
    proposal about oneself are CHECK violations too."""
    sec, newcomer = uuid.UUID(admins.ids["secadmin"]), uuid.UUID(admins.ids["newcomer"])
    async with pool.acquire() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(
                "INSERT INTO role_grants (user_id, role, granted_by)"
                " VALUES ($1, 'audit_admin', $2)",
                newcomer,
                sec,
            )
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(
                "INSERT INTO role_changes (change, user_id, role, proposed_by)"
                " VALUES ('revoke', $1, 'security_admin', $1)",
                sec,
            )
        change_id = await conn.fetchval(
            "INSERT INTO role_changes (change, user_id, role, proposed_by)"
            " VALUES ('grant', $1, 'audit_admin', $2) RETURNING id",
            newcomer,
            sec,
        )
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(
                "UPDATE role_changes SET status = 'approved', decided_by = $2,"
                " decided_at = clock_timestamp() WHERE id = $1",
                change_id,
                sec,
            )
