"""One tender from its notice to performance and its archive (issue 13, "Must show"):
at every stage the public page, the disclosure API and the OCDS feed show exactly what
the rules allow and nothing of the next stage; every package validates against the
official schemas.

The tender's notice, sealed bids, opening and evaluation are the kit's real build
(tests/tender/results/template.py): the disclosure keeps each fact's publication time,
so what the public could see at the notice, just before the opening record and at it is
asked of the same service the pages use, as of those instants. From the candidates on,
each stage happens here, through the HTTP API its parties use, and is asked for live
before and after. (Each earlier stage asked for live: tests/web/disclosure/
test_before_opening.py.)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from signing.certs import dump_pem_certificate
from tender.calendar import SHANGHAI
from tender.disclosure.ocds import Site
from tender.disclosure.ocds_packages import release_package
from tender.disclosure.service import load_disclosure
from tender.lifecycle import load
from tender.queries import database_now
from tender.submission.receipts import load_or_create
from tests.tender.disclosure import ocds_schema
from tests.tender.results.kit import Closed
from tests.tender.results.steps import set_policies
from tests.tender.world import wait_until
from tests.web.disclosure.surfaces import awards, everything
from tests.web.evaluation.http import code, get, login
from web.services import PREVIOUS_PLATFORM_CAS


async def post(client: httpx.AsyncClient, url: str, who: Any, body: object) -> httpx.Response:
    return await client.post(url, json=body, headers=await login(client, who))


def _releases(seen: dict[str, Any], stage: str) -> list[dict[str, Any]]:
    return [r for r in seen["feed"] if f"-{stage}" in r["id"]]


def _openssl_verifies(tmp_path: Path, content: bytes, signature: bytes, root: bytes) -> None:
    (tmp_path / "content").write_bytes(content)
    (tmp_path / "content.p7s").write_bytes(signature)
    (tmp_path / "root.pem").write_bytes(root)
    run = subprocess.run(
        ["/usr/bin/openssl", "cms", "-verify", "-binary", "-inform", "DER",
         "-in", str(tmp_path / "content.p7s"), "-content", str(tmp_path / "content"),
         "-CAfile", str(tmp_path / "root.pem"), "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr


async def _verify_archive(tmp_path: Path, package: bytes, *supplements: bytes) -> int:
    """``etender archive verify`` as an auditor runs it: another process, offline."""
    (tmp_path / "archive.tar").write_bytes(package)
    argv = [sys.executable, "-m", "client.archive", "verify", str(tmp_path / "archive.tar")]
    for number, body in enumerate(supplements, 1):
        (tmp_path / f"supplement-{number}.tar").write_bytes(body)
        argv += ["--supplement", str(tmp_path / f"supplement-{number}.tar")]
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    print(out.decode(), err.decode())  # shown when the test fails
    return proc.returncode


def _no_bidder_in(package: dict[str, Any], closed: Closed) -> None:
    """Reg. 44: who bid is secret until the opening record is published."""
    ocds_schema.assert_release_package(package)
    for release in package["releases"]:
        assert "bids" not in release
        assert "numberOfTenderers" not in release["tender"]
        assert all(p["roles"] != ["tenderer"] for p in release["parties"])
    text = repr(package)
    assert all(c.bidder_name not in text and str(c.bid_id) not in text for c in closed.candidates)


async def _public_before_the_candidates(conn: asyncpg.Connection, closed: Closed) -> None:
    """As of the notice, a microsecond before the first opening record, and at it."""
    site = Site(base_url="http://testserver", publisher="测试中心")
    tender = await load(conn, closed.tender_id)
    assert tender.published_at is not None
    opened: dt.datetime = await conn.fetchval(
        "SELECT min(published_at) FROM opening_records WHERE tender_id = $1", closed.tender_id
    )
    submitted: dt.datetime = await conn.fetchval(
        "SELECT max(v.received_at) FROM bid_versions v JOIN bids b ON b.id = v.bid_id"
        " WHERE b.tender_id = $1",
        closed.tender_id,
    )
    assert tender.published_at < submitted < opened
    for at in (tender.published_at, submitted, opened - dt.timedelta(microseconds=1)):
        seen = await load_disclosure(conn, closed.tender_id, at)
        _no_bidder_in(release_package(seen, site), closed)
        assert not seen.candidates
        assert not seen.awards
    at_opening = release_package(await load_disclosure(conn, closed.tender_id, opened), site)
    ocds_schema.assert_release_package(at_opening)
    assert at_opening["releases"][-1]["tag"] == ["tenderUpdate"]
    assert at_opening["releases"][-1]["tender"]["numberOfTenderers"] >= len(closed.candidates)
    assert not any("awards" in r for r in at_opening["releases"])


async def test_a_tender_goes_from_its_notice_to_performance_and_each_stage_is_public_on_time(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    closed: Closed,
    tmp_path: Path,
) -> None:
    await _public_before_the_candidates(conn, closed)
    base = f"/api/v1/tenders/{closed.tender_id}"
    first = closed.candidates[0]
    # Opened and evaluated: the bids are public (the opening record), nothing later is.
    seen = await everything(client, closed)
    assert seen["api"]["candidates"] == []
    assert seen["api"]["result"] == []
    assert awards(seen) == []
    assert seen["api"]["contracts"] == []
    bids = seen["record"]["records"][0]["compiledRelease"]["bids"]["details"]
    assert {b["id"] for b in bids} >= {str(c.bid_id) for c in closed.candidates}
    assert (await client.get(f"{base}/draw-publications")).json()["items"] == []

    # The candidates' publicity (Reg. 54), for a short period so the test can wait it out
    # (an award before its end is refused: tests/tender/results/test_award.py).
    await set_policies(owner_conn, closed, candidates_publicity_days="2s")
    published = await post(client, f"{base}/lots/1/candidates/publish", closed.agency, {})
    assert published.status_code == 201, published.text
    seen = await everything(client, closed)
    assert [c["rank"] for c in seen["api"]["candidates"][0]["candidates"]] == [1, 2, 3]
    assert {a["status"] for a in awards(seen)} == {"pending"}
    assert seen["api"]["result"] == []
    await wait_until(conn, dt.datetime.fromisoformat(published.json()["ends_at"]))

    # The award (Reg. 55): the first-ranked candidate; notices signed; the draw public.
    awarded = await post(client, f"{base}/lots/1/award", closed.agency,
                         {"bid": str(first.bid_id), "reason": "排名第一的中标候选人"})  # fmt: skip
    assert awarded.status_code == 201, awarded.text
    seen = await everything(client, closed)
    assert seen["api"]["result"][0]["kind"] == "award"
    compiled = seen["record"]["records"][0]["compiledRelease"]
    assert [a["status"] for a in compiled["awards"]].count("active") == 1
    assert seen["api"]["contracts"] == []
    assert not _releases(seen, "contract")
    mine = (await get(client, "/api/v1/me/award-notices", closed.bidder(1))).json()["items"]
    assert [n["kind"] for n in mine] == ["award"]
    notice = f"/api/v1/award-notices/{mine[0]['id']}"
    pdf = await get(client, f"{notice}/notice.pdf", closed.bidder(1))
    p7s = await get(client, f"{notice}/notice.p7s", closed.bidder(1))
    root = dump_pem_certificate(load_or_create(tmp_path / "data").root)  # the app's identity
    _openssl_verifies(tmp_path, pdf.content, p7s.content, root)
    assert code(await get(client, notice, closed.bidder(2)))[0] == 404  # not its notice
    drawn = (await client.get(f"{base}/draw-publications")).json()["items"]
    assert drawn, "the award publishes the tender's draws"

    # The contract (Law 46): the winning bid's terms; other terms are refused.
    tender = await load(conn, closed.tender_id)
    lot = tender.content.lot("1")
    assert lot is not None
    today = (await database_now(conn)).astimezone(SHANGHAI).date().isoformat()
    terms = {
        "lot": "1", "supplier_id": str(first.bidder_id), "price_fen": first.price_fen,
        "duration_days": first.fields.get("duration"), "scope": lot.title,
        "document_sha256": hashlib.sha256(b"contract").hexdigest(), "signed_on": today,
    }  # fmt: skip
    cheaper = dict(terms, price_fen=first.price_fen - 100)
    refused = await post(client, f"{base}/contracts", closed.agency, cheaper)
    assert code(refused) == (422, "contract_terms_differ")
    assert (await client.get(f"{base}/contracts")).json()["contracts"] == []
    signed = await post(client, f"{base}/contracts", closed.agency, terms)
    assert signed.status_code == 201, signed.text
    seen = await everything(client, closed)
    assert seen["api"]["contracts"][0]["id"] == signed.json()["id"]
    assert seen["api"]["performance"] == {"milestones": [], "payments": []}
    assert _releases(seen, "contract")
    assert (await load(conn, closed.tender_id)).status == "contract"

    # Performance: a milestone, the acceptance and a payment, published as recorded.
    for record in (
        {"kind": "milestone", "title": "主体结构完工", "occurred_on": today},
        {"kind": "acceptance", "title": "竣工验收", "occurred_on": today},
        {"kind": "payment", "title": "进度款", "amount_fen": 1_000_000, "occurred_on": today},
    ):
        done = await post(client, f"{base}/contracts/1/performance", closed.agency, record)
        assert done.status_code == 201, done.text
    seen = await everything(client, closed)
    assert seen["api"]["performance"]["payments"][0]["amount_fen"] == 1_000_000
    compiled = seen["record"]["records"][0]["compiledRelease"]
    assert compiled["contracts"][0]["implementation"]["transactions"]
    assert (await load(conn, closed.tender_id)).status == "performance"

    # The archive (一项一档): made, verified offline; later performance as a supplement.
    # The kit's opening records were signed by an identity of their own (tests/evaluation/
    # scenario.py); to this app it is a previous platform identity (web/services.py).
    previous = tmp_path / "data" / PREVIOUS_PLATFORM_CAS
    previous.mkdir(parents=True)
    opening_root = load_or_create(tmp_path / "data" / "platform").root
    assert opening_root is not None
    (previous / "opening.pem").write_bytes(dump_pem_certificate(opening_root))
    built = await post(client, f"{base}/archive", closed.staff, {})
    assert built.status_code == 201, built.text
    package = (await get(client, f"{base}/archive", closed.supervisor)).content
    assert hashlib.sha256(package).hexdigest() == built.json()["sha256"]
    assert await _verify_archive(tmp_path, package) == 0
    later = {"kind": "payment", "title": "结算款", "amount_fen": 500_000, "occurred_on": today}
    done = await post(client, f"{base}/contracts/1/performance", closed.agency, later)
    assert done.status_code == 201, done.text
    added = await post(client, f"{base}/archive/supplements", closed.staff, {})
    assert added.status_code == 201, added.text
    assert code(await post(client, f"{base}/archive/supplements", closed.agency, {}))[0] == 403
    supplement = (await get(client, f"{base}/archive/supplements/1", closed.staff)).content
    assert b"500000" in supplement
    assert await _verify_archive(tmp_path, package, supplement) == 0
    assert await _verify_archive(tmp_path, package, supplement.replace(b"500000", b"500001")) == 1
