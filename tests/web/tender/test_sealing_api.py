"""The tender's sealing policy (issue 16; docs/api-tenders.md, "Sealing"; migration 0091)
over a real server: "any" by default so nothing sent before changes, "client" set on the
draft (API and form), shown in the tender JSON, the notice page and the notice PDF, frozen
at publication; other values and other parties refused with nothing written."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import asyncpg
import httpx
import pytest

from tender import service
from tender.model import Sealing, Tender
from tests.conftest import LiveServer
from tests.tender.kit import replace
from tests.tender.world import World, appoint, fast_draft
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    draft_json,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
)
from tests.web.tender.test_pages import sign_in


async def _published(pool: asyncpg.Pool, world: World, sealing: Sealing) -> Tender:
    async with pool.acquire() as conn:
        draft = replace(await fast_draft(conn, world), sealing=sealing)
        created = await service.create_draft(conn, world.agency, draft)
        await appoint(conn, world, created)
        return await service.publish(conn, world.agency, created.id, world.setup())


async def _count(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        found: int = await conn.fetchval("SELECT count(*) FROM tenders")
    return found


async def test_sealing_defaults_to_any_and_client_is_kept_and_changed_on_the_draft(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    agent = bearer(tokens["agent"])
    body = await draft_json(pool, web_world)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        plain = await http.post("/api/v1/tenders", json=body, headers=agent)
        assert plain.status_code == 201, plain.text
        assert plain.json()["sealing"] == "any"
        strict = await http.post(
            "/api/v1/tenders", json={**body, "sealing": "client"}, headers=agent
        )
        assert strict.status_code == 201, strict.text
        which = strict.json()["id"]
        assert (await http.get(f"/api/v1/tenders/{which}", headers=agent)).json()["sealing"] == (
            "client"
        )
        mine = (await http.get("/api/v1/tenders/mine", headers=agent)).json()["items"]
        assert {t["id"]: t["sealing"] for t in mine}[which] == "client"
        eased = await http.put(f"/api/v1/tenders/{which}", json=body, headers=agent)
        assert eased.json()["sealing"] == "any"  # a whole draft: omitted is the default


@pytest.mark.parametrize("value", ["browser", "CLIENT", "", " client", None, 1, True, ["client"]])
async def test_another_sealing_value_is_request_invalid_and_writes_nothing(
    live_server: LiveServer,
    pool: asyncpg.Pool,
    web_world: World,
    tokens: dict[str, str],
    value: object,
) -> None:
    body = await draft_json(pool, web_world)
    before = await _count(pool)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        answer = await http.post(
            "/api/v1/tenders", json={**body, "sealing": value}, headers=bearer(tokens["agent"])
        )
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "request_invalid")
    assert await _count(pool) == before


async def test_a_published_client_tender_says_so_in_its_json_page_and_pdf_and_keeps_it(
    live_server: LiveServer,
    pool: asyncpg.Pool,
    owner_conn: asyncpg.Connection,
    web_world: World,
    tokens: dict[str, str],
    tmp_path: Path,
) -> None:
    """Anyone reads "client" (JSON, list, page in both languages, PDF); the agency cannot
    change it any more, and neither can a direct UPDATE (tenders_content_frozen)."""
    tender = await _published(pool, web_world, Sealing.CLIENT)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        shown = await http.get(f"/api/v1/tenders/{tender.id}")
        assert shown.json()["sealing"] == "client"
        listed = await http.get("/api/v1/tenders", params={"q": tender.code})
        assert [t["sealing"] for t in listed.json()["items"]] == ["client"]
        page = await http.get(f"/tenders/{tender.id}")
        assert re.search(r'<dd id="sealing">仅限在投标人本机用 etender bid seal', page.text)
        http.cookies.set("lang", "en")
        english = await http.get(f"/tenders/{tender.id}")
        assert "Only with the etender bid seal client on the bidder&#39;s machine" in english.text
        pdf = await http.get(f"/api/v1/tenders/{tender.id}/notice.pdf")
        refused = await http.put(
            f"/api/v1/tenders/{tender.id}",
            json=await draft_json(pool, web_world),
            headers=bearer(tokens["agent"]),
        )
    (tmp_path / "notice.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "notice.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "仅限在投标人本机用etenderbidseal客户端加密，投标页面不提供加密" in flat
    assert "sealedwithetenderbidsealonthebidder'smachineonly" in flat
    assert refused.status_code == 409, refused.text
    with pytest.raises(asyncpg.CheckViolationError):
        await owner_conn.execute("UPDATE tenders SET sealing = 'any' WHERE id = $1", tender.id)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT sealing FROM tenders WHERE id = $1", tender.id) == (
            "client"
        )


async def test_an_any_tender_notice_names_both_ways(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World
) -> None:
    tender = await _published(pool, web_world, Sealing.ANY)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        page = await http.get(f"/tenders/{tender.id}")
    assert (
        '<dd id="sealing">在投标页面（浏览器）或用 etender bid seal 客户端加密均可</dd>'
        in page.text
    )


async def test_another_party_cannot_read_or_set_a_drafts_sealing(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Another agency's or a bidder's PUT is refused like any edit of a draft that is not
    theirs (404: a draft is not shown to them), and the policy stays."""
    body = await draft_json(pool, web_world)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        created = await http.post(
            "/api/v1/tenders", json={**body, "sealing": "client"}, headers=bearer(tokens["agent"])
        )
        which = created.json()["id"]
        for outsider in ("otheragent", "bidder1"):
            got = await http.get(f"/api/v1/tenders/{which}", headers=bearer(tokens[outsider]))
            put = await http.put(
                f"/api/v1/tenders/{which}",
                json={**body, "sealing": "any"},
                headers=bearer(tokens[outsider]),
            )
            assert (got.status_code, got.json()["error"]["code"]) == (404, "tender_not_found")
            assert put.status_code in (403, 404), put.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT sealing FROM tenders WHERE id = $1", which) == "client"


async def test_the_agency_sets_sealing_in_the_drafts_general_form(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """The form's select saves "client" and shows it selected; a forged value is
    ``tender_input_invalid`` and the draft keeps what it had."""
    csrf = await sign_in(client, "agent")
    created = await client.post(
        "/agency/tenders",
        data={
            "csrf_token": csrf, "title": "加密方式测试", "category": "goods", "procedure": "open",
            "tenderer_id": str(web_world.tenderer_org.id),
            "department_id": str(web_world.department.id),
        },
    )  # fmt: skip
    assert created.status_code == 303
    manage_url = created.headers["location"]
    general = {
        "csrf_token": csrf, "title": "加密方式测试", "description": "", "category": "goods",
        "procedure": "open", "envelopes": "1", "consortia_allowed": "no",
        "opening_policy": "strict", "tenderer_id": str(web_world.tenderer_org.id),
        "department_id": str(web_world.department.id), "invitation_approval": "",
        "documents_from": "", "documents_until": "", "clarification_cutoff": "",
        "deadline": "", "decryption_minutes": "30",
    }  # fmt: skip
    saved = await client.post(f"{manage_url}/general", data={**general, "sealing": "client"})
    assert saved.status_code == 303, saved.text
    page = await client.get(manage_url)
    assert '<option value="client" selected>' in page.text
    for forged in ("browser", ""):
        bad = await client.post(f"{manage_url}/general", data={**general, "sealing": forged})
        assert bad.status_code == 422
        assert 'data-code="tender_input_invalid"' in bad.text
    tender_id = manage_url.rstrip("/").rsplit("/", 1)[-1]
    async with pool.acquire() as conn:
        assert await conn.fetchval(
            "SELECT sealing FROM tenders WHERE id = $1::uuid", tender_id
        ) == ("client")
