"""The alert API per role (docs/api-alerts.md): the list and its filters, one alert,
acknowledge / escalate / resolve; every refusal a stable code and no change."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from tests.supervision.alerts.kit import AlertsWorld, alert_row, log_count

Tokens = dict[str, dict[str, str]]


async def _snapshot(pool: asyncpg.Pool, aw: AlertsWorld) -> tuple[object, ...]:
    async with pool.acquire() as conn:
        return (
            await alert_row(conn, aw.overdue),
            await alert_row(conn, aw.same_account),
            await log_count(conn),
        )


async def test_the_department_lists_filters_and_reads_its_alerts(
    client: httpx.AsyncClient, aw: AlertsWorld, tokens: Tokens
) -> None:
    listed = await client.get("/api/v1/alerts", headers=tokens["supervisor"])
    assert listed.status_code == 200, listed.text
    assert {i["id"] for i in listed.json()["items"]} == {str(aw.overdue), str(aw.same_account)}
    by_rule = await client.get(
        "/api/v1/alerts", params={"rule": "bond_same_account"}, headers=tokens["supervisor"]
    )
    assert [i["id"] for i in by_rule.json()["items"]] == [str(aw.same_account)]
    by_tender = await client.get(
        "/api/v1/alerts",
        params={"tender_id": str(aw.tender.id), "state": "open"},
        headers=tokens["staff"],
    )
    assert len(by_tender.json()["items"]) == 2
    one = (await client.get(f"/api/v1/alerts/{aw.same_account}", headers=tokens["staff"])).json()
    assert one["rule"] == "bond_same_account"
    assert one["evidence"]["paying_account"] == "62220012345678"
    assert one["department_id"] == str(aw.world.department.id)
    assert [h["state"] for h in one["history"]] == ["open"]
    other = await client.get("/api/v1/alerts", headers=tokens["othersupervisor"])
    assert other.json()["items"] == []


async def test_the_lifecycle_over_http_by_the_department_then_the_centre(
    client: httpx.AsyncClient, aw: AlertsWorld, tokens: Tokens
) -> None:
    base = f"/api/v1/alerts/{aw.overdue}"
    acked = await client.post(f"{base}/acknowledge", json={}, headers=tokens["supervisor"])
    assert acked.status_code == 200, acked.text
    assert acked.json()["state"] == "acknowledged"
    up = await client.post(
        f"{base}/escalate", json={"note": "请中心督办"}, headers=tokens["supervisor"]
    )
    assert up.json()["state"] == "escalated"
    done = await client.post(
        f"{base}/resolve", json={"resolution": "已退还保证金"}, headers=tokens["staff"]
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["state"] == "resolved"
    assert [(h["state"], h["note"]) for h in body["history"]] == [
        ("open", None),
        ("acknowledged", None),
        ("escalated", "请中心督办"),
        ("resolved", "已退还保证金"),
    ]


async def test_another_departments_supervisor_is_refused_with_details_and_nothing_changes(
    client: httpx.AsyncClient, pool: asyncpg.Pool, aw: AlertsWorld, tokens: Tokens
) -> None:
    before = await _snapshot(pool, aw)
    refused = await client.post(
        f"/api/v1/alerts/{aw.overdue}/acknowledge", json={}, headers=tokens["othersupervisor"]
    )
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "permission_denied"
    assert error["details"] == {
        "action": "acknowledge_alert",
        "resource": "alert",
        "alert_id": str(aw.overdue),
        "department_id": str(aw.world.department.id),
    }
    read = await client.get(f"/api/v1/alerts/{aw.overdue}", headers=tokens["othersupervisor"])
    assert read.status_code == 403
    assert await _snapshot(pool, aw) == before


async def test_resolving_a_resolved_alert_is_a_conflict_and_nothing_changes(
    client: httpx.AsyncClient, pool: asyncpg.Pool, aw: AlertsWorld, tokens: Tokens
) -> None:
    url = f"/api/v1/alerts/{aw.overdue}/resolve"
    first = await client.post(url, json={"resolution": "已处理"}, headers=tokens["supervisor"])
    assert first.status_code == 200
    before = await _snapshot(pool, aw)
    again = await client.post(url, json={"resolution": "再次"}, headers=tokens["supervisor"])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "alert_state_conflict"
    assert again.json()["error"]["details"] == {"state": "resolved", "action": "resolve_alert"}
    assert await _snapshot(pool, aw) == before


async def test_unknown_ids_other_parties_and_bad_bodies_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, pool: asyncpg.Pool, aw: AlertsWorld, tokens: Tokens
) -> None:
    before = await _snapshot(pool, aw)
    cases = [
        ("POST", f"/api/v1/alerts/{uuid.uuid4()}/acknowledge", {}, "supervisor", 404,
         "alert_not_found"),
        ("GET", f"/api/v1/alerts/{uuid.uuid4()}", None, "staff", 404, "alert_not_found"),
        ("GET", f"/api/v1/alerts/{aw.same_account}", None, "bidder1", 404, "alert_not_found"),
        ("POST", f"/api/v1/alerts/{aw.same_account}/acknowledge", {}, "bidder1", 404,
         "alert_not_found"),
        ("GET", f"/api/v1/alerts/{aw.overdue}", None, "agent", 404, "alert_not_found"),
        ("POST", f"/api/v1/alerts/{aw.overdue}/resolve", {"resolution": "x"}, "agent", 404,
         "alert_not_found"),
        ("GET", "/api/v1/alerts", None, "bidder1", 403, "permission_denied"),
        ("GET", "/api/v1/alerts", None, "agent", 403, "permission_denied"),
        ("POST", f"/api/v1/alerts/{aw.overdue}/acknowledge", {}, "staff", 403,
         "permission_denied"),
        ("POST", f"/api/v1/alerts/{aw.overdue}/resolve", {"resolution": "  "}, "supervisor",
         422, "alert_note_invalid"),
        ("POST", f"/api/v1/alerts/{aw.overdue}/escalate", {}, "supervisor", 422,
         "request_invalid"),
        ("POST", "/api/v1/alerts/not-a-uuid/acknowledge", {}, "supervisor", 422,
         "request_invalid"),
        ("GET", "/api/v1/alerts?state=closed", None, "staff", 422, "request_invalid"),
        ("GET", "/api/v1/alerts?tender_id=x", None, "staff", 422, "request_invalid"),
    ]  # fmt: skip
    for method, path, body, user, status, code in cases:
        response = await client.request(method, path, json=body, headers=tokens[user])
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), path
    anonymous = await client.get("/api/v1/alerts")
    assert anonymous.status_code == 401
    assert await _snapshot(pool, aw) == before
