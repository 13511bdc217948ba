"""The agency records API, role by role: who may do what, and refusals that change
nothing (docs/api-agencies.md)."""

from __future__ import annotations

import json

import asyncpg
import httpx

from supervision.agencies.formula import SHIPPED
from tests.supervision.factory import People
from tests.web.supervision.kit import fixture_people, token

__all__ = ["fixture_people"]


def agency_json(people: People) -> dict[str, object]:
    return {
        "organisation_id": str(people.agency.id), "registration_number": "AH-2026-001",
        "registered_on": "2026-01-05", "scope": ["works"],
    }  # fmt: skip


async def counts(pool: asyncpg.Pool) -> tuple[int, ...]:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM agency_registrations),"
            " (SELECT count(*) FROM agency_inspections),"
            " (SELECT count(*) FROM agency_inspection_findings),"
            " (SELECT count(*) FROM log_entries) + (SELECT count(*) FROM log_queue)"
        )
    assert row is not None
    return tuple(row)


async def test_centre_staff_register_and_supervisors_may_not(
    client: httpx.AsyncClient, people: People, pool: asyncpg.Pool
) -> None:
    """201 for centre staff; 403 agency_record_forbidden for a supervisor; 401 anonymous."""
    supervisor = await token(client, people.supervisor.username)
    before = await counts(pool)
    refused = await client.post("/api/v1/agencies", json=agency_json(people), headers=supervisor)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "agency_record_forbidden"
    anonymous = await client.post("/api/v1/agencies", json=agency_json(people))
    assert anonymous.status_code == 401
    assert await counts(pool) == before
    staff = await token(client, people.staff.username)
    created = await client.post("/api/v1/agencies", json=agency_json(people), headers=staff)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "皖南招标代理有限公司"
    listed = await client.get("/api/v1/agencies", headers=supervisor)
    assert [a["registration_number"] for a in listed.json()["items"]] == ["AH-2026-001"]
    bidder = await token(client, people.bidder_user.username)
    assert (await client.get("/api/v1/agencies", headers=bidder)).status_code == 403


async def test_an_inspection_finding_by_another_department_is_refused_over_http(
    client: httpx.AsyncClient, people: People, pool: asyncpg.Pool
) -> None:
    """The finding is 403 with the inspection and its department in the details."""
    staff = await token(client, people.staff.username)
    await client.post("/api/v1/agencies", json=agency_json(people), headers=staff)
    supervisor = await token(client, people.supervisor.username)
    opened = await client.post(
        f"/api/v1/agencies/{people.agency.id}/inspections",
        json={"kind": "planned", "scheduled_on": "2026-05-01", "subject": "年度检查"},
        headers=supervisor,
    )
    assert opened.status_code == 201, opened.text
    inspection = opened.json()["id"]
    other = await token(client, people.other_supervisor.username)
    before = await counts(pool)
    finding = {"severity": "major", "description": "未按时答复异议", "found_on": "2026-05-02"}
    refused = await client.post(
        f"/api/v1/agency-inspections/{inspection}/findings", json=finding, headers=other
    )
    assert refused.status_code == 403
    error = refused.json()["error"]
    del error["request_id"]
    assert error == {
        "code": "agency_inspection_department_denied",
        "message": "only supervisors of the inspecting department record its findings",
        "details": {"inspection_id": inspection, "department_id": str(people.department.id)},
    }
    assert await counts(pool) == before
    recorded = await client.post(
        f"/api/v1/agency-inspections/{inspection}/findings", json=finding, headers=supervisor
    )
    assert recorded.status_code == 201, recorded.text
    record = await client.get(f"/api/v1/agencies/{people.agency.id}", headers=other)
    [seen] = record.json()["inspections"]
    assert [f["severity"] for f in seen["findings"]] == ["major"]


async def test_an_inspection_of_an_unknown_agency_is_not_found(
    client: httpx.AsyncClient, people: People, pool: asyncpg.Pool
) -> None:
    """An organisation that is not a registered agency: 404 agency_not_found."""
    supervisor = await token(client, people.supervisor.username)
    before = await counts(pool)
    refused = await client.post(
        f"/api/v1/agencies/{people.tenderer.id}/inspections",
        json={"kind": "ad_hoc", "scheduled_on": "2026-05-01", "subject": "核查"},
        headers=supervisor,
    )
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "agency_not_found"
    assert await counts(pool) == before


async def test_assessments_are_published_by_the_centre_and_read_by_anyone(
    client: httpx.AsyncClient, people: People
) -> None:
    """POST by centre staff (201); GET is public; a bad date is request_invalid."""
    staff = await token(client, people.staff.username)
    await client.post("/api/v1/agencies", json=agency_json(people), headers=staff)
    period = {"period_start": "2026-01-01", "period_end": "2026-06-30"}
    published = await client.post("/api/v1/agency-assessments", json=period, headers=staff)
    assert published.status_code == 201, published.text
    [item] = published.json()["items"]
    assert (item["score"], item["grade"], item["formula_version"]) == (
        "100.00", "A", "agency-assessment-v1",
    )  # fmt: skip
    again = await client.post("/api/v1/agency-assessments", json=period, headers=staff)
    assert again.status_code == 409
    public = await client.get("/api/v1/agency-assessments", params=period)
    assert public.status_code == 200
    assert [i["name"] for i in public.json()["items"]] == ["皖南招标代理有限公司"]
    bad = await client.get("/api/v1/agency-assessments", params={"period_start": "2026-1-1"})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "request_invalid"
    page = await client.get("/agency-assessments")
    assert page.status_code == 200
    assert "皖南招标代理有限公司" in page.text
    assert "代理机构服务质量评价结果" in page.text


async def test_the_formula_in_force_is_public(client: httpx.AsyncClient) -> None:
    """Anyone reads the formula the results were computed with: the shipped file."""
    found = await client.get("/api/v1/agency-assessment-formula")
    assert found.status_code == 200
    assert found.json() == json.loads(SHIPPED.read_text(encoding="utf-8"))
