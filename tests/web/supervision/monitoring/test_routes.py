"""The monitoring rules over HTTP: read by supervisors and centre staff, changed by
supervisors, a bad rule refused by name with nothing changed (docs/monitoring.md)."""

from __future__ import annotations

import asyncpg
import httpx

from accounts.model import OrgKind, Role
from supervision.monitoring.defaults import default_rules
from tests.accounts import factory

RULES = "/api/v1/monitoring/rules"


async def _headers(client: httpx.AsyncClient, pool: asyncpg.Pool, role: Role) -> dict[str, str]:
    kind = {Role.SUPERVISOR: OrgKind.INDUSTRY_DEPARTMENT, Role.CENTRE_STAFF: OrgKind.CITY_CENTRE,
            Role.BIDDER: OrgKind.BIDDER}[role]  # fmt: skip
    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, kind)
        user = await factory.make_user(conn, org, role, scope=org)
    login = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


def _definition(**params: object) -> dict[str, object]:
    rule = default_rules()["bids_same_address"].definition()
    rule.pop("name")
    rule["params"] = {**rule["params"], **params}
    return rule


async def test_a_supervisor_stores_a_version_and_staff_read_it(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    supervisor = await _headers(client, pool, Role.SUPERVISOR)
    staff = await _headers(client, pool, Role.CENTRE_STAFF)
    stored = await client.put(
        f"{RULES}/bids_same_address", headers=supervisor,
        json={"definition": _definition(within_minutes=25), "expected_version": 0,
              "note": "a business park shares one address"},
    )  # fmt: skip
    assert stored.status_code == 200, stored.text
    assert (stored.json()["version"], stored.json()["definition"]["params"]["within_minutes"]) == (
        1,
        25,
    )
    listed = await client.get(RULES, headers=staff)
    assert listed.status_code == 200
    by_name = {r["name"]: r for r in listed.json()["items"]}
    assert by_name["bids_same_address"]["version"] == 1
    assert by_name["parts_identical"]["version"] == 0
    versions = await client.get(f"{RULES}/bids_same_address/versions", headers=staff)
    assert [v["note"] for v in versions.json()["items"]] == ["a business park shares one address"]


async def test_an_unknown_operator_is_refused_by_name_and_nothing_changes(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    supervisor = await _headers(client, pool, Role.SUPERVISOR)
    bad = _definition() | {"operator": "hunch"}
    answer = await client.put(
        f"{RULES}/bids_same_address", headers=supervisor,
        json={"definition": bad, "expected_version": 0, "note": "try"},
    )  # fmt: skip
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "monitoring_rule_invalid"
    assert error["details"] == {"rule": "bids_same_address", "path": "operator", "unknown": "hunch"}
    versions = await client.get(f"{RULES}/bids_same_address/versions", headers=supervisor)
    assert versions.json()["items"] == []


async def test_a_bidder_neither_reads_nor_changes_rules(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    bidder = await _headers(client, pool, Role.BIDDER)
    assert (await client.get(RULES, headers=bidder)).status_code == 403
    answer = await client.put(
        f"{RULES}/bids_same_address", headers=bidder,
        json={"definition": _definition(), "expected_version": 0, "note": "x"},
    )  # fmt: skip
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "monitoring_rule_forbidden"
