"""Bad input on every tender endpoint: malformed JSON, wrong types, unknown fields, an
unknown tender or lot, a user of another organisation, a role without the permission,
no session — each a clear error with a stable code, and nothing stored."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from tests.tender.world import World
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    Published,
    bearer,
    committee_json,
    count_rows,
    draft_json,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
    publish_over_http,
)

UNKNOWN = str(uuid.UUID(int=42))


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Endpoint:
    """One endpoint: how to call it validly, and who may."""

    method: str
    path: str  # {draft} or {published} is the tender used
    body: Callable[[Case], dict[str, Any]] | None
    user: str  # someone allowed (or at least of the right role)
    wrong_types: dict[str, Any] | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Case:
    """The tenders and world the table is filled in with."""

    world: World
    draft: dict[str, Any]
    draft_id: str
    published: Published

    def url(self, endpoint: Endpoint, tender: str | None = None) -> str:
        """The endpoint's URL for its tender (or another id)."""
        target = tender or (self.draft_id if "{draft}" in endpoint.path else self.published.id)
        return endpoint.path.replace("{draft}", target).replace("{published}", target)


def _bond(case: Case) -> dict[str, Any]:
    return {
        "lot": "1",
        "bidder_id": str(case.world.bidder_orgs[0].id),
        "kind": "transfer",
        "amount_fen": 100,
        "paid_at": "2026-01-05T01:00:00Z",
        "paying_account": "6222001234567890",
    }


JSON_ENDPOINTS = {
    "create": Endpoint(
        method="POST",
        path="/api/v1/tenders",
        body=lambda c: c.draft,
        user="agent",
        wrong_types={"lots": {"number": 1}},
    ),
    "update": Endpoint(
        method="PUT",
        path="/api/v1/tenders/{draft}",
        body=lambda c: c.draft,
        user="agent",
        wrong_types={"envelopes": "two"},
    ),
    "appoint": Endpoint(
        method="PUT",
        path="/api/v1/tenders/{draft}/lots/1/committee",
        body=lambda c: committee_json(c.world),
        user="staff",
        wrong_types={"k": "2"},
    ),
    "approve": Endpoint(
        method="POST",
        path="/api/v1/tenders/{draft}/lots/1/committee/approve",
        body=lambda c: {"roster_sha256": "0" * 64},
        user="supervisor",
        wrong_types={"roster_sha256": 7},
    ),
    "clarify": Endpoint(
        method="POST",
        path="/api/v1/tenders/{published}/clarifications",
        body=lambda c: {"kind": "clarification", "title": "t", "body": "b"},
        user="agent",
        wrong_types={"documents": "all"},
    ),
    "object": Endpoint(
        method="POST",
        path="/api/v1/tenders/{published}/objections",
        body=lambda c: {"text": "异议"},
        user="bidder1",
        wrong_types={"text": ["异议"]},
    ),
    "answer": Endpoint(
        method="POST",
        path=f"/api/v1/tenders/{{published}}/objections/{UNKNOWN}/answer",
        body=lambda c: {"answer": "答复"},
        user="agent",
        wrong_types={"answer": None},
    ),
    "bond": Endpoint(
        method="POST",
        path="/api/v1/tenders/{published}/bonds",
        body=_bond,
        user="staff",
        wrong_types={"amount_fen": "100"},
    ),
    "refund": Endpoint(
        method="POST",
        path=f"/api/v1/tenders/{{published}}/bonds/{UNKNOWN}/refund",
        body=lambda c: {"reference": "回单"},
        user="staff",
        wrong_types={"reference": 5},
    ),
}
OTHER_ENDPOINTS = {
    "publish": Endpoint(
        method="POST", path="/api/v1/tenders/{draft}/publish", body=None, user="agent"
    ),
    "check": Endpoint(method="GET", path="/api/v1/tenders/{draft}/check", body=None, user="agent"),
    "upload": Endpoint(
        method="POST", path="/api/v1/tenders/{draft}/documents?name=a.pdf", body=None, user="agent"
    ),
    "download": Endpoint(
        method="POST",
        path=f"/api/v1/tenders/{{published}}/documents/{UNKNOWN}/download",
        body=None,
        user="bidder1",
    ),
    "downloads": Endpoint(
        method="GET", path="/api/v1/tenders/{published}/downloads", body=None, user="agent"
    ),
    "objections": Endpoint(
        method="GET", path="/api/v1/tenders/{published}/objections", body=None, user="agent"
    ),
    "bonds": Endpoint(
        method="GET", path="/api/v1/tenders/{published}/bonds", body=None, user="staff"
    ),
    "alerts": Endpoint(
        method="GET", path="/api/v1/tenders/{published}/alerts", body=None, user="staff"
    ),
}
PUBLIC_PATHS = (
    "",
    "/documents",
    "/clarifications",
    "/committees",
    "/notice.pdf",
    "/ocds",
    "/lots/1/committee",
)
# Who may not read a draft: for them it does not exist (404 on every method).
DRAFT_OUTSIDERS = ("otheragent", "bidder1")
# Who must be refused (403 permission_denied; 404 for DRAFT_OUTSIDERS on a draft) on each
# endpoint: another organisation's agency, and roles without the permission.
REFUSED = {
    "update": ("otheragent", "bidder1", "owner", "staff"),
    "appoint": ("agent", "bidder1", "supervisor"),
    "approve": ("agent", "staff", "bidder1"),
    "clarify": ("otheragent", "bidder1", "owner", "staff"),
    "object": ("agent", "staff", "supervisor"),
    "answer": ("otheragent", "bidder1", "staff"),
    "bond": ("agent", "owner", "bidder1", "supervisor"),
    "refund": ("agent", "bidder1", "supervisor"),
    "publish": ("otheragent", "bidder1", "owner", "staff"),
    "check": ("otheragent", "bidder1", "owner"),
    "upload": ("otheragent", "bidder1", "owner", "staff"),
    "downloads": ("otheragent", "bidder1", "staff", "supervisor"),
    "alerts": ("agent", "otheragent", "bidder1"),
    "bonds": ("agent", "otheragent", "owner"),
}


@pytest.fixture
async def case(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> Case:
    """A draft and a published tender of the world's agency."""
    published = await publish_over_http(client, pool, web_world, tokens)
    draft = await draft_json(pool, web_world)
    created = await client.post("/api/v1/tenders", json=draft, headers=bearer(tokens["agent"]))
    return Case(world=web_world, draft=draft, draft_id=created.json()["id"], published=published)


async def send(
    client: httpx.AsyncClient, endpoint: Endpoint, url: str, token: str | None, content: bytes = b""
) -> httpx.Response:
    """One request with raw content."""
    headers = bearer(token) if token else {}
    if endpoint.body is not None:
        headers["Content-Type"] = "application/json"
    return await client.request(endpoint.method, url, content=content, headers=headers)


def error(response: httpx.Response) -> tuple[int, str]:
    """(status, code) of an error response, in the one error body."""
    return response.status_code, response.json()["error"]["code"]


async def test_malformed_json_wrong_types_and_unknown_fields_are_refused_on_every_endpoint(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: dict[str, str], case: Case
) -> None:
    """400 malformed_json; 422 request_invalid for wrong types and unknown fields."""
    before = await count_rows(pool)
    for name, endpoint in JSON_ENDPOINTS.items():
        assert endpoint.body is not None
        assert endpoint.wrong_types is not None
        url, token = case.url(endpoint), tokens[endpoint.user]
        got = await send(client, endpoint, url, token, b"{not json")
        assert error(got) == (400, "malformed_json"), (name, got.text)
        wrong = endpoint.body(case) | endpoint.wrong_types
        got = await send(client, endpoint, url, token, json.dumps(wrong).encode())
        assert error(got) == (422, "request_invalid"), (name, got.text)
        extra = endpoint.body(case) | {"surprise": True}
        got = await send(client, endpoint, url, token, json.dumps(extra).encode())
        assert error(got) == (422, "request_invalid"), name
        assert "surprise" in got.json()["error"]["message"], name
    assert await count_rows(pool) == before


async def test_an_unknown_tender_or_lot_is_not_found_on_every_endpoint(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: dict[str, str], case: Case
) -> None:
    """404 tender_not_found for an unknown or malformed id; tender_lot_not_found for lot 9."""
    before = await count_rows(pool)
    endpoints = {**JSON_ENDPOINTS, **OTHER_ENDPOINTS}
    for name, endpoint in endpoints.items():
        if "{" not in endpoint.path:
            continue
        for tender in (UNKNOWN, "not-a-uuid"):
            body = json.dumps(endpoint.body(case)).encode() if endpoint.body else b""
            got = await send(
                client, endpoint, case.url(endpoint, tender), tokens[endpoint.user], body
            )
            assert error(got) == (404, "tender_not_found"), (name, tender, got.text)
    for path in PUBLIC_PATHS:
        got = await client.get(f"/api/v1/tenders/{UNKNOWN}{path}")
        assert error(got) == (404, "tender_not_found"), path
    for name in ("appoint", "approve"):
        endpoint = JSON_ENDPOINTS[name]
        assert endpoint.body is not None
        url = case.url(endpoint).replace("/lots/1/", "/lots/9/")
        got = await send(
            client, endpoint, url, tokens[endpoint.user], json.dumps(endpoint.body(case)).encode()
        )
        assert error(got) == (404, "tender_lot_not_found"), name
    bond = JSON_ENDPOINTS["bond"]
    got = await send(
        client,
        bond,
        case.url(bond),
        tokens["staff"],
        json.dumps(_bond(case) | {"lot": "9"}).encode(),
    )
    assert error(got) == (404, "tender_lot_not_found")
    got = await client.get(f"/api/v1/tenders/{case.published.id}/lots/9/committee")
    assert error(got) == (404, "tender_lot_not_found")
    assert await count_rows(pool) == before


async def test_other_organisations_and_roles_without_permission_are_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: dict[str, str], case: Case
) -> None:
    """403 permission_denied for each refused user on each endpoint; 401 without a session."""
    before = await count_rows(pool)
    endpoints = {**JSON_ENDPOINTS, **OTHER_ENDPOINTS}
    for name, refused in REFUSED.items():
        endpoint = endpoints[name]
        body = json.dumps(endpoint.body(case)).encode() if endpoint.body else b""
        for user in refused:
            got = await send(client, endpoint, case.url(endpoint), tokens[user], body)
            hidden = "{draft}" in endpoint.path and user in DRAFT_OUTSIDERS
            expected = (404, "tender_not_found") if hidden else (403, "permission_denied")
            assert error(got) == expected, (name, user, got.text)
        got = await send(client, endpoint, case.url(endpoint), None, body)
        assert error(got) == (401, "unauthenticated"), name
    for user in ("bidder1", "otheragent"):  # a draft is invisible to them
        got = await client.get(f"/api/v1/tenders/{case.draft_id}", headers=bearer(tokens[user]))
        assert error(got) == (404, "tender_not_found")
    assert await count_rows(pool) == before


@pytest.mark.parametrize("user", DRAFT_OUTSIDERS)
async def test_a_draft_is_not_found_by_those_who_may_not_read_it_whatever_the_method(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: dict[str, str], case: Case, user: str
) -> None:
    """Another agency and a bidder get the unknown id's 404 on GET, PUT, check, publish,
    committees, documents, clarifications, objections, bonds and alerts of a draft: a 403
    would tell them the id exists (issue 9, item 15)."""
    before = await count_rows(pool)
    for name, endpoint in {**JSON_ENDPOINTS, **OTHER_ENDPOINTS}.items():
        if "{" not in endpoint.path or name == "download":
            continue
        body = json.dumps(endpoint.body(case)).encode() if endpoint.body else b""
        url = case.url(endpoint, case.draft_id)
        got = await send(client, endpoint, url, tokens[user], body)
        assert error(got) == (404, "tender_not_found"), (name, got.text)
    for path in PUBLIC_PATHS:
        got = await client.get(
            f"/api/v1/tenders/{case.draft_id}{path}", headers=bearer(tokens[user])
        )
        assert error(got) == (404, "tender_not_found"), path
    assert await count_rows(pool) == before


async def test_domain_rules_come_back_as_their_own_codes(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: dict[str, str], case: Case
) -> None:
    """A draft breaking rules, a second publish, a bad name, a naive date, a bad committee."""
    publish = OTHER_ENDPOINTS["publish"]
    got = await send(client, publish, case.url(publish), tokens["agent"])
    assert error(got) == (422, "tender_rules_broken")
    assert {v["code"] for v in got.json()["error"]["details"]["violations"]} == {
        "committee_missing"
    }
    again = await client.post(
        f"/api/v1/tenders/{case.published.id}/publish", headers=bearer(tokens["agent"])
    )
    assert error(again) == (409, "tender_not_draft_conflict")
    upload = await client.post(
        f"/api/v1/tenders/{case.draft_id}/documents",
        params={"name": "../../etc/passwd"},
        content=b"x",
        headers=bearer(tokens["agent"]),
    )
    assert error(upload) == (422, "tender_document_name_invalid")
    naive = case.draft | {"schedule": case.draft["schedule"] | {"deadline": "2026-12-01T09:00:00"}}
    got = await client.put(
        f"/api/v1/tenders/{case.draft_id}", json=naive, headers=bearer(tokens["agent"])
    )
    assert error(got) == (422, "request_invalid")
    bad_k = committee_json(case.world) | {"k": 1}
    got = await client.put(
        f"/api/v1/tenders/{case.draft_id}/lots/1/committee",
        json=bad_k,
        headers=bearer(tokens["staff"]),
    )
    assert error(got) == (422, "tender_input_invalid")
    broken = committee_json(case.world)
    broken["officials"][0]["statement"]["body"] = "not base64!"
    got = await client.put(
        f"/api/v1/tenders/{case.draft_id}/lots/1/committee",
        content=json.dumps(broken),
        headers=bearer(tokens["staff"]) | {"Content-Type": "application/json"},
    )
    assert error(got) == (422, "request_invalid")
    missing = await client.post(
        f"/api/v1/tenders/{case.draft_id}/documents", content=b"x", headers=bearer(tokens["agent"])
    )
    assert error(missing) == (422, "request_invalid")


async def test_a_committee_statement_in_non_ascii_base64_is_refused_after_the_permission_check(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: dict[str, str], case: Case
) -> None:
    """Centre staff get 422 request_invalid (was a 500); a bidder gets the permission
    error before the body's statements are decoded."""
    before = await count_rows(pool)
    body = committee_json(case.world)
    body["officials"][0]["statement"]["body"] = "签名"
    endpoint = JSON_ENDPOINTS["appoint"]
    content = json.dumps(body).encode()
    got = await send(client, endpoint, case.url(endpoint), tokens["staff"], content)
    assert error(got) == (422, "request_invalid")
    assert got.json()["error"]["details"] == {"field": "statement.body"}
    published = case.url(endpoint, case.published.id)
    got = await send(client, endpoint, published, tokens["bidder1"], content)
    assert error(got) == (403, "permission_denied")
    assert await count_rows(pool) == before
