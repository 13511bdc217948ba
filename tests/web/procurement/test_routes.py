"""The procurement API over HTTP (docs/api-procurement.md): a project created with its
method, published through its checks, read by the public with its OCDS release; each
role refused what is not its own, bad input answered with the documented code and
nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx

from tests.tender.disclosure.ocds_schema import assert_release_package
from tests.tender.world import World
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    committee_json,
    draft_json,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
)

API = "/api/v1/procurement/projects"


def code(response: httpx.Response) -> str:
    found: str = response.json()["error"]["code"]
    return found


async def create(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    world: World,
    tokens: dict[str, str],
    plan: dict[str, Any],
    deadline_in: dt.timedelta = dt.timedelta(hours=3),
) -> str:
    """A draft project with its lot's committee appointed and approved, over HTTP."""
    body = {"tender": await draft_json(pool, world, deadline_in=deadline_in), "plan": plan}
    created = await client.post(API, json=body, headers=bearer(tokens["agent"]))
    assert created.status_code == 201, created.text
    tender_id: str = created.json()["tender_id"]
    appointed = await client.put(
        f"/api/v1/tenders/{tender_id}/lots/1/committee",
        json=committee_json(world),
        headers=bearer(tokens["staff"]),
    )
    assert appointed.status_code == 200, appointed.text
    approved = await client.post(
        f"/api/v1/tenders/{tender_id}/lots/1/committee/approve",
        json={"roster_sha256": appointed.json()["roster_sha256"]},
        headers=bearer(tokens["supervisor"]),
    )
    assert approved.status_code == 200, approved.text
    return tender_id


def suppliers(world: World, count: int = 3) -> list[str]:
    return [str(org.id) for org in world.bidder_orgs[:count]]


async def test_a_negotiation_is_published_through_its_checks_and_read_by_the_public(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """An even group is reported and nothing is published; fixed, the project is public,
    its OCDS release valid and ``selective``; rounds wait for the deadline; each role
    is refused what is not its own."""
    agent = bearer(tokens["agent"])
    plan = {"method": "competitive_negotiation", "suppliers": suppliers(web_world),
            "group": {"members": 4, "experts": 3}}  # fmt: skip
    tender_id = await create(client, pool, web_world, tokens, plan)
    project = f"{API}/{tender_id}"
    assert (await client.get(project)).status_code == 404  # a draft: not the public's
    assert (await client.get(f"/procurement/{tender_id}")).status_code == 404
    refused = await client.get(project, headers=bearer(tokens["otheragent"]))
    assert (refused.status_code, code(refused)) == (404, "procurement_project_not_found")
    checked = (await client.get(f"{project}/check", headers=agent)).json()
    assert [v["code"] for v in checked["violations"]] == ["negotiation_group_invalid"]
    broken = await client.post(f"{project}/publish", headers=agent)
    assert (broken.status_code, code(broken)) == (422, "procurement_rules_broken")
    assert (await client.get(project, headers=agent)).json()["status"] == "draft"

    agency = str(web_world.agency_org.id)
    bad_plans = [
        ({**plan, "group": {"members": 100, "experts": 3}}, 422, "procurement_input_invalid"),
        ({**plan, "method": "single_source"}, 422, "procurement_input_invalid"),
        ({**plan, "suppliers": [agency]}, 422, "procurement_supplier_invalid"),
        ({**plan, "extra": 1}, 422, "request_invalid"),
    ]  # fmt: skip
    for bad, status, expected in bad_plans:
        answer = await client.put(f"{project}/plan", json=bad, headers=agent)
        assert (answer.status_code, code(answer)) == (status, expected), answer.text
    fixed = {**plan, "group": {"members": 5, "experts": 4}}
    assert (await client.put(f"{project}/plan", json=fixed, headers=agent)).status_code == 200
    published = await client.post(f"{project}/publish", headers=agent)
    assert published.status_code == 200, published.text

    public = (await client.get(project)).json()
    assert public["plan"]["method"] == "competitive_negotiation"
    assert public["plan"]["group"] == {"members": 5, "experts": 4}
    # Who was invited stays with the agency and the overseers until the award.
    assert public["plan"]["suppliers"] == []
    for who, seen in (("agent", 3), ("supervisor", 3), ("bidder1", 0)):
        mine = (await client.get(project, headers=bearer(tokens[who]))).json()
        assert len(mine["plan"]["suppliers"]) == seen, who
    for lang, method, hidden in (
        ("zh-CN", "竞争性谈判", "成交前不公开受邀供应商。"),
        ("en", "Competitive negotiation", "Invited suppliers are shown after the award."),
    ):
        client.cookies.set("lang", lang)
        page = await client.get(f"/procurement/{tender_id}")
        assert page.status_code == 200
        assert method in page.text
        assert hidden in page.text
        assert web_world.bidder_orgs[0].name not in page.text
    client.cookies.delete("lang")
    notice = await client.get(f"/tenders/{tender_id}")  # the tender's own notice names it
    shown = (await client.get(f"/api/v1/tenders/{tender_id}")).json()  # and its API answer
    assert shown["procurement_method"] == "competitive_negotiation"
    assert f'<a href="/procurement/{tender_id}">竞争性谈判</a>' in notice.text
    assert (await client.get(f"/procurement/{tender_id[:-1]}x")).status_code == 404
    release = (await client.get(f"{project}/ocds")).json()
    assert_release_package(release)
    tender = release["releases"][0]["tender"]
    assert tender["procurementMethod"] == "selective"
    assert tender["procurementMethodDetails"] == "竞争性谈判 Competitive negotiation"
    # The tender's own releases and the feed state the method too, not "open".
    own = (await client.get(f"/api/v1/tenders/{tender_id}/ocds/record")).json()
    assert own["records"][0]["compiledRelease"]["tender"]["procurementMethod"] == "selective"
    feed = (await client.get("/api/v1/ocds/releases")).json()["releases"]
    assert {r["tender"]["procurementMethod"] for r in feed} == {"selective"}

    early = await client.post(f"{project}/rounds", json={}, headers=agent)
    assert (early.status_code, code(early)) == (409, "negotiation_not_started_conflict")
    for who in ("bidder1", "otheragent", "staff"):
        denied = await client.post(f"{project}/rounds", json={}, headers=bearer(tokens[who]))
        assert (denied.status_code, code(denied)) == (403, "permission_denied")
    quoted = await client.post(
        f"{project}/rounds/1/quotations", json={"price_fen": 0}, headers=bearer(tokens["bidder1"])
    )
    assert (quoted.status_code, code(quoted)) == (422, "procurement_input_invalid")
    for bad_round in ("0", "abc", "100"):
        answer = await client.post(f"{project}/rounds/{bad_round}/close", headers=agent)
        assert (answer.status_code, code(answer)) == (422, "request_invalid")
    unknown = await client.get(f"{API}/not-a-uuid")
    assert (unknown.status_code, code(unknown)) == (404, "procurement_project_not_found")
    view = await client.get(f"{project}/negotiation", headers=bearer(tokens["owner"]))
    assert (view.status_code, code(view)) == (403, "procurement_supplier_not_invited")
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM negotiation_rounds") == 0


async def test_single_source_objections_over_http(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Anyone signed in objects during the publicity, the public reads the objections,
    the agency alone answers, and no price is agreed while the publicity runs."""
    plan = {"method": "single_source", "suppliers": suppliers(web_world, 1), "reason": "专利产品"}
    # Decree 74 Art. 38: the deadline after 5 working days of publicity (the default).
    tender_id = await create(client, pool, web_world, tokens, plan, dt.timedelta(days=15))
    project, agent = f"{API}/{tender_id}", bearer(tokens["agent"])
    published = await client.post(f"{project}/publish", headers=agent)
    assert published.status_code == 200, published.text
    assert published.json()["publicity_ends_at"] is not None

    assert (await client.post(f"{project}/objections", json={"text": "异议"})).status_code == 401
    filed = await client.post(
        f"{project}/objections", json={"text": "另有厂家可供货"}, headers=bearer(tokens["bidder2"])
    )
    assert filed.status_code == 201, filed.text
    listed = (await client.get(f"{project}/objections")).json()["items"]
    assert [o["text"] for o in listed] == ["另有厂家可供货"]
    answer_url = f"{project}/objections/{filed.json()['id']}/answer"
    answer = {"outcome": "dismissed", "text": "不成立"}
    denied = await client.post(answer_url, json=answer, headers=bearer(tokens["bidder1"]))
    assert (denied.status_code, code(denied)) == (403, "permission_denied")
    bad = await client.post(answer_url, json={**answer, "outcome": "maybe"}, headers=agent)
    assert (bad.status_code, code(bad)) == (422, "request_invalid")
    page = await client.get(f"/procurement/{tender_id}")
    assert "专利产品" in page.text
    assert web_world.bidder_orgs[0].name in page.text  # Art. 38: the one supplier is public
    assert "另有厂家可供货" in page.text
    early = await client.post(f"{project}/agreement", json={"price_fen": 100}, headers=agent)
    assert (early.status_code, code(early)) == (409, "single_source_publicity_running_conflict")
    release = (await client.get(f"{project}/ocds")).json()
    assert_release_package(release)
    tender = release["releases"][0]["tender"]
    assert (tender["procurementMethod"], tender["procurementMethodRationale"]) == (
        "direct", "专利产品",
    )  # fmt: skip
