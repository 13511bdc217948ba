"""The credit API over HTTP, per role (docs/api-credit.md): the public lists, the
supervisor's record, the party's appeal, refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx

from expert_pool.id_card import check_character
from tests.accounts.factory import count_sql
from tests.supervision.credit.kit import BASIS, blacklist
from tests.tender.world import World
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)

ID_NUMBER = "34180019800101001" + check_character("34180019800101001")


async def _counts(pool: asyncpg.Pool) -> tuple[int, ...]:
    async with pool.acquire() as conn:
        return tuple(
            [await conn.fetchval(count_sql(t)) for t in (
                "violations", "sanctions", "credit_list_entries", "credit_appeals", "log_entries")]
        )  # fmt: skip


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


async def test_the_black_list_is_public_with_source_basis_and_term(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    async with pool.acquire() as conn:
        entry = await blacklist(conn, web_world.supervisor, web_world.bidder_orgs[0].id)
    answer = await client.get("/api/v1/credit/lists")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["red"] == []
    [shown] = body["black"]
    assert shown["id"] == str(entry.id)
    assert (shown["basis"], shown["source"]) == (BASIS, "inspection")
    assert shown["credit_code"] == web_world.bidder_orgs[0].credit_code
    assert {"starts_at", "ends_at", "party_name", "appeal_state"} <= set(shown)
    assert "violation_id" not in shown  # the record itself is for supervisors


async def test_a_supervisor_records_violation_sanction_and_entry_over_http(
    client: httpx.AsyncClient, web_world: World, tokens: dict[str, str]
) -> None:
    auth = bearer(tokens["supervisor"])
    now = dt.datetime.now(dt.UTC)
    violation = await client.post("/api/v1/credit/violations", headers=auth, json={
        "organisation_id": str(web_world.bidder_orgs[1].id), "kind": "false_documents",
        "description": "提供虚假业绩证明", "finding_source": "complaint",
        "finding_ref": "投诉〔2026〕3号", "found_at": _iso(now),
    })  # fmt: skip
    assert violation.status_code == 201, violation.text
    sanction = await client.post("/api/v1/credit/sanctions", headers=auth, json={
        "violation_id": violation.json()["id"], "kind": "warning", "detail": "警告",
        "starts_at": _iso(now),
    })  # fmt: skip
    assert sanction.status_code == 201, sanction.text
    entry = await client.post("/api/v1/credit/entries", headers=auth, json={
        "list": "black", "violation_id": violation.json()["id"], "basis": "提供虚假材料",
        "basis_ref": "宣建罚〔2026〕9号", "starts_at": _iso(now),
        "ends_at": _iso(now + dt.timedelta(days=365)),
    })  # fmt: skip
    assert entry.status_code == 201, entry.text
    assert entry.json()["source"] == "complaint"
    record = await client.get(f"/api/v1/parties/{web_world.bidder_orgs[1].id}", headers=auth)
    assert record.status_code == 200, record.text
    assert [v["kind"] for v in record.json()["violations"]] == ["false_documents"]
    assert record.json()["credit"]["facts"]["black_entries"] == 1


async def test_bad_input_over_http_is_a_clear_error_and_changes_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    auth = bearer(tokens["supervisor"])
    now = dt.datetime.now(dt.UTC)
    before = await _counts(pool)
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("/api/v1/credit/sanctions",
         {"kind": "warning", "detail": "警告", "starts_at": _iso(now)},
         422, "sanction_finding_missing"),
        ("/api/v1/credit/violations",
         {"organisation_id": str(web_world.bidder_orgs[0].id), "kind": "collusion",
          "description": "串通", "found_at": _iso(now)}, 422, "violation_finding_missing"),
        ("/api/v1/credit/violations",
         {"organisation_id": "00000000-0000-4000-8000-000000000000", "kind": "collusion",
          "description": "串通", "finding_source": "inspection", "finding_ref": "检查1",
          "found_at": _iso(now)}, 404, "party_not_found"),
        ("/api/v1/credit/entries",
         {"list": "red", "organisation_id": str(web_world.bidder_orgs[0].id),
          "source": "authority", "basis": "守信", "basis_ref": "表彰1",
          "starts_at": _iso(now), "ends_at": _iso(now - dt.timedelta(days=1))},
         422, "credit_entry_term_invalid"),
    ]  # fmt: skip
    for path, body, status, code in cases:
        answer = await client.post(path, headers=auth, json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), answer.text
        assert answer.json()["error"]["message"]
    assert await _counts(pool) == before


async def test_only_the_listed_party_appeals_and_only_supervisors_read_the_registry(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    async with pool.acquire() as conn:
        entry = await blacklist(conn, web_world.supervisor, web_world.bidder_orgs[0].id)
    before = await _counts(pool)
    other = await client.post(
        f"/api/v1/credit/entries/{entry.id}/appeals", json={"grounds": "与我无关"},
        headers=bearer(tokens["bidder2"]),
    )  # fmt: skip
    assert (other.status_code, other.json()["error"]["code"]) == (403, "credit_appeal_not_yours")
    for who in ("bidder2", "agent"):
        refused = await client.get("/api/v1/parties", headers=bearer(tokens[who]))
        assert refused.json()["error"]["code"] == "permission_denied"
        record = await client.get(
            f"/api/v1/parties/{web_world.bidder_orgs[0].id}", headers=bearer(tokens[who])
        )
        assert record.status_code == 403
    assert await _counts(pool) == before
    own = await client.get(
        f"/api/v1/parties/{web_world.bidder_orgs[0].id}", headers=bearer(tokens["bidder1"])
    )
    assert own.status_code == 200
    filed = await client.post(
        f"/api/v1/credit/entries/{entry.id}/appeals", json={"grounds": "处罚已撤销"},
        headers=bearer(tokens["bidder1"]),
    )  # fmt: skip
    assert filed.status_code == 201, filed.text
    pending = await client.get("/api/v1/credit/appeals", headers=bearer(tokens["staff"]))
    assert [a["id"] for a in pending.json()["items"]] == [filed.json()["id"]]
    decided = await client.post(
        f"/api/v1/credit/appeals/{filed.json()['id']}/decision",
        json={"decision": "dismissed", "reasons": "处罚决定仍有效"},
        headers=bearer(tokens["supervisor"]),
    )  # fmt: skip
    assert decided.json()["decision"] == "dismissed"


async def test_a_persons_id_number_is_never_in_an_answer(
    client: httpx.AsyncClient, web_world: World, tokens: dict[str, str]
) -> None:
    auth, org = bearer(tokens["staff"]), web_world.bidder_orgs[0].id
    made = await client.post(
        f"/api/v1/parties/{org}/people", headers=auth,
        json={"role": "project_manager", "name": "王五", "id_number": ID_NUMBER},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    assert ID_NUMBER not in made.text
    record = await client.get(f"/api/v1/parties/{org}", headers=auth)
    assert [p["name"] for p in record.json()["people"]] == ["王五"]
    assert ID_NUMBER not in record.text
    listed = await client.get("/api/v1/parties?search=", headers=auth)
    assert str(org) in listed.text
