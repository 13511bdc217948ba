"""The tender API end to end over HTTP: draft, committee, publish, documents, downloads,
clarifications, objections, bonds, and the public notice, PDF and OCDS package."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import asyncpg
import httpx

from tests.tender.world import World
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    draft_json,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
    publish_over_http,
)

PDF = "%PDF-1.4 招标文件 v1".encode()


async def test_an_agency_drafts_and_publishes_and_the_public_reads_the_notice(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Draft → committee → upload → publish; public list, notice, documents, committee file."""
    published = await publish_over_http(client, pool, web_world, tokens, document=PDF)
    body = published.body
    assert body["status"] == "published"
    assert body["code"].startswith("XC-")
    assert body["policies"]["bid_period"] == "2s"
    listed = (await client.get("/api/v1/tenders", params={"q": "道路"})).json()
    assert [item["id"] for item in listed["items"]] == [published.id]
    assert (await client.get("/api/v1/tenders", params={"q": "不存在"})).json()["items"] == []
    notice = await client.get(f"/api/v1/tenders/{published.id}")
    assert notice.status_code == 200
    assert notice.json()["lots"][0]["bond_fen"] == 10_000_000
    assert notice.json()["procurement_method"] == "public_tendering"  # no project: the default
    docs = (await client.get(f"/api/v1/tenders/{published.id}/documents")).json()["items"]
    assert [(d["name"], d["sha256"]) for d in docs] == [
        ("招标文件.pdf", hashlib.sha256(PDF).hexdigest())
    ]
    committee = await client.get(f"/api/v1/tenders/{published.id}/lots/1/committee")
    assert committee.status_code == 200
    assert committee.json()["tender"] == body["code"]
    rosters = (await client.get(f"/api/v1/tenders/{published.id}/committees")).json()["items"]
    assert rosters[0]["approved"] is True
    assert rosters[0]["fingerprint"] is not None


async def test_a_bidder_downloads_and_only_the_agency_sees_who_until_the_deadline(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """The download streams the exact bytes with their hash; the downloader list is the
    agency's and tenderer's; the public cannot download."""
    published = await publish_over_http(client, pool, web_world, tokens, document=PDF)
    docs = (await client.get(f"/api/v1/tenders/{published.id}/documents")).json()["items"]
    url = f"/api/v1/tenders/{published.id}/documents/{docs[0]['id']}/download"
    assert (await client.post(url)).status_code == 401
    got = await client.post(url, headers=bearer(tokens["bidder1"]))
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["x-content-sha256"] == hashlib.sha256(PDF).hexdigest()
    assert "filename*=UTF-8''%E6%8B%9B" in got.headers["content-disposition"]
    downloads = f"/api/v1/tenders/{published.id}/downloads"
    for who in ("agent", "owner"):
        listed = await client.get(downloads, headers=bearer(tokens[who]))
        assert [d["username"] for d in listed.json()["items"]] == ["bidder1"]
    for who in ("staff", "supervisor", "bidder1", "bidder2", "otheragent"):
        refused = await client.get(downloads, headers=bearer(tokens[who]))
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "permission_denied"


async def test_clarifications_objections_and_bonds_over_http(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """A clarification notifies the downloader; an objection suspends; a bond is recorded."""
    published = await publish_over_http(client, pool, web_world, tokens, document=PDF)
    base = f"/api/v1/tenders/{published.id}"
    docs = (await client.get(f"{base}/documents")).json()["items"]
    await client.post(
        f"{base}/documents/{docs[0]['id']}/download", headers=bearer(tokens["bidder1"])
    )
    issued = await client.post(
        f"{base}/clarifications",
        headers=bearer(tokens["agent"]),
        json={"kind": "clarification", "title": "第1号澄清", "body": "工期以合同为准。"},
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["notified"] == 1
    public = (await client.get(f"{base}/clarifications")).json()["items"]
    assert [(c["title"], c["notified"]) for c in public] == [("第1号澄清", 0)]
    mine = await client.get("/api/v1/tender-notifications", headers=bearer(tokens["bidder1"]))
    assert [n["title"] for n in mine.json()["items"]] == ["第1号澄清"]
    objection = await client.post(
        f"{base}/objections", headers=bearer(tokens["bidder1"]), json={"text": "评分标准不合理"}
    )
    assert objection.status_code == 201, objection.text
    assert (await client.get(base)).json()["status"] == "suspended"
    answered = await client.post(
        f"{base}/objections/{objection.json()['id']}/answer",
        headers=bearer(tokens["agent"]),
        json={"answer": "已答复"},
    )
    assert answered.status_code == 200
    assert (await client.get(base)).json()["status"] == "published"
    bond = await client.post(
        f"{base}/bonds",
        headers=bearer(tokens["staff"]),
        json={
            "lot": "1",
            "bidder_id": str(web_world.bidder_orgs[0].id),
            "kind": "transfer",
            "amount_fen": 10_000_000,
            "paid_at": "2026-01-05T01:00:00Z",
            "paying_account": "6222001234567890",
        },
    )
    assert bond.status_code == 201, bond.text
    own = await client.get(f"{base}/bonds", headers=bearer(tokens["bidder1"]))
    assert [b["paying_account"] for b in own.json()["items"]] == ["6222001234567890"]
    assert (await client.get(f"{base}/bonds", headers=bearer(tokens["bidder2"]))).json() == {
        "items": []
    }


async def test_the_notice_pdf_has_chinese_text_and_ocds_describes_the_tender(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    web_world: World,
    tokens: dict[str, str],
    tmp_path: Path,
) -> None:
    """pdftotext reads the title, code and lot back; OCDS 1.1 carries lots and documents."""
    published = await publish_over_http(client, pool, web_world, tokens, document=PDF)
    code = published.body["code"]
    pdf = await client.get(f"/api/v1/tenders/{published.id}/notice.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("招标公告", "宣城市城南道路改造工程", code, "第1标段", "招标文件.pdf"):
        assert expected in text
    package = (await client.get(f"/api/v1/tenders/{published.id}/ocds")).json()
    assert package["version"] == "1.1"
    release = package["releases"][0]
    assert release["ocid"].endswith(code)
    assert release["tag"] == ["tender"]
    tender = release["tender"]
    assert (tender["id"], tender["mainProcurementCategory"]) == (code, "works")
    assert tender["value"] == {"amount": 5_000_000.0, "currency": "CNY"}
    assert tender["lots"][0]["id"] == "1"
    assert tender["documents"][0]["documentType"] == "biddingDocuments"
    assert {p["roles"][0] for p in release["parties"]} == {"buyer", "procuringEntity", "reviewBody"}
    draft = await client.post(
        "/api/v1/tenders", headers=bearer(tokens["agent"]), json=await draft_json(pool, web_world)
    )
    hidden = await client.get(f"/api/v1/tenders/{draft.json()['id']}/ocds")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "tender_not_found"


async def test_a_document_upload_retried_over_http_answers_the_same_version(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """The upload answers 201 at the production log level, and sending it again (a lost
    answer) returns the same version instead of adding one."""
    created = await client.post(
        "/api/v1/tenders", json=await draft_json(pool, web_world), headers=bearer(tokens["agent"])
    )
    url = f"/api/v1/tenders/{created.json()['id']}/documents"
    headers = bearer(tokens["agent"]) | {"Content-Type": "application/pdf"}
    sent = [
        await client.post(url, params={"name": "招标文件.pdf"}, content=PDF, headers=headers)
        for _ in range(2)
    ]
    assert [r.status_code for r in sent] == [201, 201]
    assert sent[0].json() == sent[1].json()
    listed = (await client.get(url, headers=bearer(tokens["agent"]))).json()["items"]
    assert [d["version"] for d in listed] == [1]
