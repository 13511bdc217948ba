"""Bad input to the pool's API: clear errors, one error body, and nothing stored."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from accounts.model import OrgKind, Role
from signing.demo_ca import DemoCA
from signing.draw.response import Decision
from tender.service import create_draft
from tests.accounts.factory import actor_for, count_sql, make_organisation, make_user
from tests.expert_pool import fixtures
from tests.expert_pool.world import (
    CSV_HEADER,
    REMOTE,
    World,
    add_experts,
    expert_row,
)
from tests.tender.kit import a_draft
from tests.web.expert_pool.test_routes import Api, _answer, _entropy, _request_body, _waiting
from tests.web.trust_dir import trust_ca
from web.services import services

conn, pool_ca, world = fixtures.conn, fixtures.pool_ca, fixtures.world


@pytest.fixture
def api(client: httpx.AsyncClient, app: Starlette, pool_ca: DemoCA, world: World) -> Api:
    """The HTTP client; the app trusts the demo CA."""
    trust_ca(services(app).settings.data_dir, pool_ca)
    return Api(client, app, world.conn)


async def _count(conn: asyncpg.Connection, table: str) -> int:
    assert table in {"experts", "draws", "draw_entropy", "log_entries", "expert_specialties"}
    found: int = await conn.fetchval(count_sql(table))
    return found


async def test_a_csv_with_broken_rows_imports_nothing_and_names_each_row(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    """Every bad row is reported with its column; the good rows are not stored either."""
    good = expert_row("G001", "A08", "341802")
    rows = (
        CSV_HEADER
        + good
        + "BAD!,张三,110101199001011234,13800000000,A08,senior,10,1990-01-01,341802,X\n"
        + expert_row("G002", "Z99", "341802")
    )
    headers = await api.headers(world.admin) | {"Content-Type": "text/csv"}
    before = (await _count(world.conn, "experts"), await _count(world.conn, "log_entries"))
    response = await client.post("/api/v1/experts/import", content=rows.encode(), headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "csv_rows_invalid"
    problems = {(p["row"], p["column"]) for p in error["details"]}
    assert {(3, "id"), (3, "id_card"), (3, "employer_credit_code"), (4, "specialties")} <= problems
    assert not any(p["row"] == 2 for p in error["details"])
    assert "Z99" in str(error["details"])
    after = (await _count(world.conn, "experts"), await _count(world.conn, "log_entries"))
    assert after == before


async def test_an_expert_already_in_the_pool_refuses_the_whole_file(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    """A row clashing with a stored expert (id or identity card) is reported by row."""
    await add_experts(world, ["K001"])
    headers = await api.headers(world.admin) | {"Content-Type": "text/csv"}
    body = CSV_HEADER + expert_row("K002", "A08", "341802") + expert_row("K001", "A08", "341802")
    response = await client.post("/api/v1/experts/import", content=body.encode(), headers=headers)
    assert response.json()["error"]["details"] == [
        {"row": 3, "column": "id", "message": "an expert with this id exists"}
    ]
    assert await _count(world.conn, "experts") == 1


async def test_json_bodies_are_checked_strictly(api: Api, world: World) -> None:
    """Malformed JSON, unknown fields, wrong types, naive times and bad ids are refused."""
    agency, before = world.agency_actor, await _count(world.conn, "draws")
    headers = await api.headers(agency) | {"Content-Type": "application/json"}
    client = api.client
    broken = await client.post("/api/v1/draws", content=b'{"tender_id": ', headers=headers)
    assert (broken.status_code, broken.json()["error"]["code"]) == (400, "malformed_json")
    cases: list[tuple[dict[str, Any], str]] = [
        (_request_body(world, surprise=1), "request_invalid"),
        (_request_body(world, categories="A08@local"), "request_invalid"),
        (_request_body(world, tender_id="T 1/2"), "expert_id_invalid"),
        (_request_body(world, categories=[["Z99@local", 5]]), "specialty_unknown"),
        (_request_body(world, categories=[["A08@moon", 5]]), "category_label_invalid"),
        (_request_body(world, categories=[["A08@local", 4]]), "committee_composition_invalid"),
        (_request_body(world, session_start="2030-01-01T09:00:00"), "time_not_aware"),
        (_request_body(world, tenderer="91341800MA2X"), "draw_request_invalid"),
        (_request_body(world, purpose="lottery"), "request_invalid"),
    ]
    for body, code in cases:
        response = await api.call("POST", "/api/v1/draws", agency, body)
        assert response.status_code in (400, 422), (code, response.text)
        assert response.json()["error"]["code"] == code, body
    assert await _count(world.conn, "draws") == before
    for path in ("/api/v1/draws/bad$id", "/api/v1/draws/bad$id/transcript"):
        response = await api.call("GET", path, world.supervisor)
        assert response.json()["error"]["code"] == "draw_id_invalid"
    missing = await api.call("GET", "/api/v1/draws/D-0000000000000000", world.supervisor)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "draw_not_found")
    expert = await api.call("GET", "/api/v1/experts/bad%20id", world.supervisor)
    assert expert.json()["error"]["code"] == "expert_id_invalid"


async def test_second_draw_for_a_committee_and_entropy_after_the_draw_are_refused(
    api: Api, world: World
) -> None:
    """One live draw per committee; a complete draw takes no more entropy."""
    await add_experts(world, [f"L{n:03d}" for n in range(12)], accounts=True, passwords=True)
    await add_experts(
        world,
        [f"R{n:03d}" for n in range(7)],
        specialty="C01",
        region=REMOTE,
        accounts=True,
        passwords=True,
    )
    body = _request_body(world, tender_id=await api.tender(world))
    first = await api.call("POST", "/api/v1/draws", world.agency_actor, body)
    second = await api.call("POST", "/api/v1/draws", world.agency_actor, body)
    assert (second.status_code, second.json()["error"]["code"]) == (409, "draw_exists")
    draw_id = first.json()["id"]
    await api.call("POST", f"/api/v1/draws/{draw_id}/prepare", world.centre_staff)
    await api.call("POST", f"/api/v1/draws/{draw_id}/commit", world.centre_staff)
    recommit = await api.call("POST", f"/api/v1/draws/{draw_id}/commit", world.centre_staff)
    assert recommit.json()["error"]["code"] == "draw_state_invalid"
    await _entropy(api, world.supervisor, draw_id, 0)
    for expert_id in await _waiting(api, world, draw_id):
        assert (await _answer(api, world, draw_id, expert_id, Decision.CONFIRM)).status_code == 200
    after = await _entropy(api, world.supervisor, draw_id, 1)
    assert after.json()["error"]["code"] == "draw_closed"
    count = await _count(world.conn, "draw_entropy")
    assert count == 1


async def test_a_pool_smaller_than_the_places_gives_a_shortfall_not_a_crash(
    api: Api, world: World
) -> None:
    """Two experts for three places: two seated, one missing, agency and supervisors alerted."""
    await add_experts(world, ["L001", "L002"], accounts=True, passwords=True)
    await add_experts(world, [f"R{n:03d}" for n in range(7)], specialty="C01", region=REMOTE)
    body = _request_body(world, tender_id=await api.tender(world))
    created = await api.call("POST", "/api/v1/draws", world.agency_actor, body)
    draw_id = created.json()["id"]
    prepared = await api.call("POST", f"/api/v1/draws/{draw_id}/prepare", world.centre_staff)
    assert prepared.json()["below_ratio"] == ["A08@local"]
    refused = await api.call("POST", f"/api/v1/draws/{draw_id}/commit", world.centre_staff)
    assert refused.json()["error"]["code"] == "draw_pool_too_small"
    reason = {"reason": "稀缺专业"}
    await api.call("POST", f"/api/v1/draws/{draw_id}/pool-approval", world.supervisor, reason)
    await api.call("POST", f"/api/v1/draws/{draw_id}/commit", world.centre_staff)
    drawn = await _entropy(api, world.supervisor, draw_id, 0)
    assert drawn.status_code == 200
    seats = {s["label"]: s for s in drawn.json()["seats"]}
    assert (seats["A08@local"]["waiting"], seats["A08@local"]["missing"]) == (2, 1)
    transcript = await api.call("GET", f"/api/v1/draws/{draw_id}/transcript", world.supervisor)
    assert transcript.json()["shortfalls"] == [{"r": 0, "label": "A08@local", "missing": 1}]
    for who in (world.agency_actor, world.supervisor):
        alerts = (await api.call("GET", "/api/v1/expert-pool/alerts", who)).json()["items"]
        assert [(a["kind"], a["data"]["missing"]) for a in alerts] == [("shortfall", 1)]
    other = (await api.call("GET", "/api/v1/expert-pool/alerts", world.other_supervisor)).json()
    assert other["items"] == []
    # The draw stays open; it can never complete with a missing seat.
    status = (await api.call("GET", f"/api/v1/draws/{draw_id}", world.agency_actor)).json()
    assert status["status"] == "drawing"


async def test_answers_without_a_configured_ca_are_refused_clearly(
    client: httpx.AsyncClient, world: World, app: Starlette
) -> None:
    """No trust store and no <data dir>/trust: 503 trust_store_unavailable, nothing stored."""
    assert services(app).trust_now() is None
    api = Api(client, app, world.conn)
    await add_experts(world, ["E001"], accounts=True, passwords=True)
    expert = await world.actor(world.expert_users["E001"])
    body = {"statement": "e30=", "signature": "e30="}
    response = await api.call("POST", "/api/v1/draws/D-0000000000000000/answers", expert, body)
    assert (response.status_code, response.json()["error"]["code"]) == (
        503,
        "trust_store_unavailable",
    )


async def test_a_draw_names_a_real_tender_lot_of_the_requesting_agency(
    api: Api, world: World
) -> None:
    """No tender, no such lot, or another agency's tender: the same 404, nothing stored
    (issue 9, item 4); the tender's own department must supervise the draw."""
    other_org = await make_organisation(world.conn, OrgKind.AGENCY)
    other_actor = await actor_for(world.conn, await make_user(world.conn, other_org, Role.AGENCY))
    assert world.tenderer_org is not None
    theirs = await create_draft(
        world.conn,
        other_actor,
        a_draft(tenderer_id=world.tenderer_org.id, department_id=world.department.id),
    )
    ours = await api.tender(world)
    before = await _count(world.conn, "draws")
    answers = []
    for tender_id, lot in (("XC-2026-0042", "1"), (ours, "2"), (str(theirs.id), "1")):
        body = _request_body(world, tender_id=tender_id, lot=lot)
        answers.append(await api.call("POST", "/api/v1/draws", world.agency_actor, body))
    assert {(a.status_code, a.json()["error"]["code"]) for a in answers} == {
        (404, "draw_tender_not_found")
    }
    elsewhere = _request_body(world, tender_id=ours, department_id=str(world.other_department.id))
    refused = await api.call("POST", "/api/v1/draws", world.agency_actor, elsewhere)
    assert refused.json()["error"]["code"] == "draw_request_invalid"
    # Another organisation named as the tenderer would keep the real one's experts in
    # the pool: the tenderer is the tender's own.
    stranger = _request_body(world, tender_id=ours, tenderer=other_org.credit_code)
    refused = await api.call("POST", "/api/v1/draws", world.agency_actor, stranger)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "draw_request_invalid")
    assert "tenderer" in refused.json()["error"]["message"]
    assert await _count(world.conn, "draws") == before
    created = await api.call(
        "POST", "/api/v1/draws", world.agency_actor, _request_body(world, tender_id=ours)
    )
    assert created.status_code == 201, created.text


async def test_a_blank_penalty_authority_or_relationship_person_is_a_named_422(
    api: Api, world: World
) -> None:
    """The table's CHECKs refused them with a 500; the model refuses them by name first,
    and nothing is stored."""
    await add_experts(world, ["E-BLANK-01"])
    stored = (
        "SELECT (SELECT count(*) FROM expert_penalties)"
        " + (SELECT count(*) FROM expert_relationships)"
    )
    penalty = {"kind": "administrative", "imposed_on": "2026-01-05", "authority": ""}
    cases = [
        ("penalties", penalty, "penalty_authority_invalid"),
        ("penalties", penalty | {"authority": "  "}, "penalty_authority_invalid"),
        ("relationships", {"kind": "other", "person_name": ""}, "expert_record_invalid"),
        (
            "relationships",
            {"kind": "other", "credit_code": "91341800MA2XXXXX0T", "person_name": ""},
            "relationship_person_invalid",
        ),
    ]
    for path, body, code in cases:
        response = await api.call("POST", f"/api/v1/experts/E-BLANK-01/{path}", world.admin, body)
        assert (response.status_code, response.json()["error"]["code"]) == (422, code), body
    assert await world.conn.fetchval(stored) == 0
