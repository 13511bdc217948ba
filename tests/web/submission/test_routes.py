"""The submission API over HTTP: resumable upload, submit, receipt (JSON and PDF), refusals."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tender import service
from tender.model import Tender
from tender.submission import freeze
from tests.tender.kit import replace
from tests.tender.submission.kit import (
    Bidder,
    bidder,
    countersign_as,
    make_submission,
    seal_for,
    sealed_committee,
    sign_submit,
    submit_sealed,
)
from tests.tender.world import SOON, World, appoint, fast_draft, published_tender, wait_until
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)


async def _tender(pool: asyncpg.Pool, web_world: World) -> Tender:
    async with pool.acquire() as conn:
        return await published_tender(conn, web_world)


async def _sealed(pool: asyncpg.Pool, web_world: World, tender: Tender, who: Bidder) -> bytes:
    async with pool.acquire() as conn:
        return seal_for(web_world, await sealed_committee(conn, tender), who)


def _docs_commit(value: str, salt_hex: str, label: bytes = b"etender-commit-v1") -> str:
    """commit(value, salt) as docs/audit-log.md §1.2 spells it, written from the page
    (an outsider's check, not the platform's own function); the statement's commitment
    has the label "etender-bid-statement-v1" (upload.md §5)."""

    def lp(x: bytes) -> bytes:
        return len(x).to_bytes(4, "big") + x

    salt = bytes.fromhex(salt_hex)
    return hashlib.sha256(lp(label) + lp(salt) + lp(value.encode())).hexdigest()


def _check_entry_as_upload_md_4_2(receipt: dict[str, Any], credit_code: str) -> str:
    """Step 2 of docs/formats/upload.md §4.2 from the receipt alone; the commitment."""
    entry = json.loads(base64.b64decode(receipt["entry"]))
    kinds = {"submit": "tender.bid_submitted", "withdraw": "tender.bid_withdrawn"}
    assert entry["kind"] == kinds[receipt["receipt_json"]["kind"]]
    assert entry["data"]["format"] == 2
    sha256 = receipt["receipt_json"]["statement_sha256"]
    assert sha256 not in base64.b64decode(receipt["entry"]).decode()  # not in clear
    statement = _docs_commit(sha256, receipt["bidder_salt"], b"etender-bid-statement-v1")
    assert entry["data"]["statement"] == statement
    assert entry["data"]["parts"] == receipt["receipt_json"]["parts"]
    assert entry["commitments"] == ["bidder", "statement"]
    assert entry["data"]["bidder"] == _docs_commit(credit_code, receipt["bidder_salt"])
    return str(entry["data"]["bidder"])


def _statement_json(signed: Any) -> dict[str, str]:
    return {
        "statement": base64.b64encode(signed.body).decode(),
        "signature": base64.b64encode(signed.signature).decode(),
    }


async def test_a_bidder_uploads_in_chunks_submits_and_fetches_its_receipt(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str],
    tmp_path: Path,
) -> None:  # fmt: skip
    """create → PUT at 0 → GET offset → PUT rest → submit → bid, receipt, PDF, CA root."""
    tender = await _tender(pool, web_world)
    who = bidder(web_world, 0)
    data = await _sealed(pool, web_world, tender, who)
    digest = hashlib.sha256(data).hexdigest()
    auth = bearer(tokens["bidder1"])
    lot = f"/api/v1/tenders/{tender.id}/lots/1"
    created = await client.post(
        f"{lot}/uploads", json={"part": "main", "size": len(data), "sha256": digest}, headers=auth
    )
    assert created.status_code == 201, created.text
    upload = f"/api/v1/uploads/{created.json()['id']}"
    first = await client.put(f"{upload}?offset=0", content=data[:700], headers=auth)
    assert (first.status_code, first.json()["offset"]) == (200, 700)
    state = await client.get(upload, headers=auth)
    assert (state.json()["offset"], state.json()["status"]) == (700, "open")
    # upload.md §2.2: bytes are application/octet-stream (or untyped); a form or text
    # type is refused unread, never scanned as form text (F7).
    for typed in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data"):
        refused = await client.put(
            f"{upload}?offset=700", content=data[700:], headers={**auth, "Content-Type": typed}
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (
            415, "content_type_unsupported"
        ), typed  # fmt: skip
    typed_ok = {**auth, "Content-Type": "application/octet-stream"}
    wrong = await client.put(f"{upload}?offset=0", content=data, headers=auth)
    assert wrong.status_code == 409
    assert wrong.json()["error"]["code"] == "bid_upload_offset_conflict"
    assert wrong.json()["error"]["details"] == {"offset": 700}
    rest = await client.put(f"{upload}?offset=700", content=data[700:], headers=typed_ok)
    assert rest.json()["status"] == "complete"
    signed = sign_submit(tender, who, {"main": digest})
    submitted = await client.post(f"{lot}/bid", json=_statement_json(signed), headers=auth)
    assert submitted.status_code == 201, submitted.text
    body = submitted.json()
    assert body["receipt_json"]["parts"] == [{"label": "main", "sha256": digest, "size": len(data)}]
    mine = (await client.get(f"{lot}/bid", headers=auth)).json()
    assert [v["version"] for v in mine["versions"]] == [1]
    again = (await client.get(f"{lot}/bid/receipts/1", headers=auth)).json()
    assert again["signature"] == body["signature"]
    # upload.md §4.2 step 2, with the salt the receipt carries (the outside tester's finding)
    assert _check_entry_as_upload_md_4_2(body, who.org.credit_code) == (
        _check_entry_as_upload_md_4_2(again, who.org.credit_code)
    )
    assert again["tree_size"] > again["log_index"]
    root = await client.get("/api/v1/receipts/ca.pem")
    for name, content in (
        ("r.json", base64.b64decode(body["receipt"])),
        ("r.p7s", base64.b64decode(body["signature"])),
        ("root.pem", root.content),
    ):
        (tmp_path / name).write_bytes(content)
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "r.p7s"),
         "-content", str(tmp_path / "r.json"), "-CAfile", str(tmp_path / "root.pem"),
         "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdf = await client.get(f"{lot}/bid/receipts/1/pdf", headers=auth)
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "投标文件递交回执" in text
    assert digest[:32] in text.replace("\n", "")
    other = await client.get(f"{lot}/bid", headers=bearer(tokens["bidder2"]))
    assert other.json()["error"]["code"] == "bid_not_found"
    stolen = await client.get(upload, headers=bearer(tokens["bidder2"]))
    assert stolen.status_code == 404


async def test_a_put_while_another_writer_holds_the_lease_says_when_to_retry(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str],
) -> None:  # fmt: skip
    """409 bid_upload_busy_conflict carries Retry-After = details.retry_after_seconds, and
    nothing is written (docs/formats/upload.md §2.2)."""
    tender = await _tender(pool, web_world)
    data = await _sealed(pool, web_world, tender, bidder(web_world, 0))
    auth = bearer(tokens["bidder1"])
    body = {"part": "main", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    created = await client.post(f"/api/v1/tenders/{tender.id}/lots/1/uploads", json=body,
                                headers=auth)  # fmt: skip
    upload = created.json()["id"]
    async with pool.acquire() as conn:  # the writer of a server that was killed mid-chunk
        await conn.execute(
            "UPDATE bid_uploads SET writer_token = repeat('0', 32),"
            " lease_until = clock_timestamp() + interval '12 seconds' WHERE id = $1",
            upload,
        )
    busy = await client.put(f"/api/v1/uploads/{upload}?offset=0", content=data, headers=auth)
    assert busy.status_code == 409
    error = busy.json()["error"]
    assert error["code"] == "bid_upload_busy_conflict"
    assert error["details"]["retry_after_seconds"] in (11, 12)
    assert busy.headers["retry-after"] == str(error["details"]["retry_after_seconds"])
    state = await client.get(f"/api/v1/uploads/{upload}", headers=auth)
    assert (state.json()["offset"], state.json()["status"]) == (0, "open")


async def test_bad_input_gets_its_own_error_and_stores_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Malformed JSON, wrong types, unknown tender/lot, traversal, bad base64, non-bidder."""
    tender = await _tender(pool, web_world)
    auth = bearer(tokens["bidder1"])
    lot = f"/api/v1/tenders/{tender.id}/lots/1"
    good = {"part": "main", "size": 10, "sha256": "a" * 64}
    cases: list[tuple[str, str, Any, int, str]] = [
        ("POST", f"{lot}/uploads", b"{not json", 400, "malformed_json"),
        ("POST", f"{lot}/uploads", {**good, "size": "10"}, 422, "request_invalid"),
        ("POST", f"{lot}/uploads", {**good, "extra": 1}, 422, "request_invalid"),
        ("POST", f"{lot}/uploads", {**good, "part": "../../etc"}, 422, "bid_upload_input_invalid"),
        ("POST", f"{lot}/uploads", {**good, "sha256": "../x"}, 422, "bid_upload_input_invalid"),
        ("POST", f"{lot}/uploads", {**good, "size": 0}, 422, "bid_upload_input_invalid"),
        ("POST", f"{lot}/uploads", {**good, "size": 1 << 31}, 422, "bid_upload_too_large"),
        ("POST", f"/api/v1/tenders/{tender.id}/lots/7/uploads", good, 404, "tender_lot_not_found"),
        ("POST", f"/api/v1/tenders/{tender.id}/lots/..%2F..%2Fx/uploads", good, 404, ""),
        ("POST", "/api/v1/tenders/not-a-uuid/lots/1/uploads", good, 404, "tender_not_found"),
        ("GET", "/api/v1/uploads/..%2F..%2Fetc%2Fpasswd", None, 404, ""),
        ("PUT", "/api/v1/uploads/00000000-0000-0000-0000-000000000000?offset=0", b"x", 404,
         "bid_upload_not_found"),
        ("POST", f"{lot}/bid", b'{"statement": ', 400, "malformed_json"),
        ("POST", f"{lot}/bid", {"statement": 1, "signature": "x"}, 422, "request_invalid"),
        ("POST", f"{lot}/bid", {"statement": "!!", "signature": "AA=="}, 422, "request_invalid"),
        ("POST", f"{lot}/bid", {"statement": "AA==", "signature": "AA=="}, 422,
         "bid_statement_invalid"),
        ("POST", f"{lot}/bid/withdraw", b"nope", 400, "malformed_json"),
        ("POST", f"{lot}/bid/withdraw", {"statement": [], "signature": ""}, 422,
         "request_invalid"),
    ]  # fmt: skip
    for method, path, body, status, code in cases:
        kwargs: dict[str, Any] = {"headers": auth}
        if isinstance(body, bytes):
            kwargs["content"] = body
            if method == "POST":  # a JSON endpoint refuses a body of no JSON type (415)
                kwargs["headers"] = auth | {"Content-Type": "application/json"}
        elif body is not None:
            kwargs["json"] = body
        response = await client.request(method, path, **kwargs)
        assert response.status_code == status, (path, body, response.text)
        if code:
            assert response.json()["error"]["code"] == code, (path, body, response.text)
    agency = await client.post(f"{lot}/uploads", json=good, headers=bearer(tokens["agent"]))
    assert agency.json()["error"]["code"] == "permission_denied"
    anonymous = await client.post(f"{lot}/uploads", json=good)
    assert anonymous.status_code == 401
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM bid_uploads") == 0
        assert await conn.fetchval("SELECT count(*) FROM bids") == 0


@pytest.mark.slow
async def test_after_the_deadline_each_bidder_sees_its_own_freeze_line(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str],
    tmp_path: Path,
) -> None:  # fmt: skip
    """Before the freeze: bid_freeze_too_early; after: bidder1's line, bidder2's null."""
    async with pool.acquire() as conn:
        tender = await published_tender(
            conn, web_world, setup=web_world.setup(SOON),  # margins: issue 9, item 19
            deadline_in=dt.timedelta(seconds=20), cutoff_in=dt.timedelta(seconds=19),
        )  # fmt: skip
        sub = make_submission(web_world, tmp_path)
        who = bidder(web_world, 0)
        receipt = await submit_sealed(conn, pool, sub, web_world, tender, who)
        lot = f"/api/v1/tenders/{tender.id}/lots/1/freeze-entry"
        early = await client.get(lot, headers=bearer(tokens["bidder1"]))
        assert early.json()["error"]["code"] == "bid_freeze_too_early"
        assert tender.deadline is not None
        await wait_until(conn, tender.deadline)
        await freeze.freeze_tender(conn, tender.id)
    mine = (await client.get(lot, headers=bearer(tokens["bidder1"]))).json()
    assert mine["bids"] == 1
    assert mine["entry"]["bidder"] == who.org.credit_code
    # upload.md §5: the freeze line reveals the salt that opens the receipt's entry
    line = mine["entry"]
    entry = json.loads(receipt.entry)
    assert line["bidder_salt"] == receipt.version.bidder_salt.hex()
    assert line["version_salts"] == [
        {"version": 1, "bidder_salt": line["bidder_salt"],
         "bidder_commitment": line["bidder_commitment"],
         "statement_sha256": receipt.version.statement_sha256}
    ]  # fmt: skip
    assert (
        entry["data"]["bidder"]
        == line["bidder_commitment"]
        == _docs_commit(who.org.credit_code, line["bidder_salt"])
    )
    # ... and the statement commitment, to the hash the line reveals beside it
    assert entry["data"]["statement"] == _docs_commit(
        receipt.version.statement_sha256, line["bidder_salt"], b"etender-bid-statement-v1"
    )
    assert mine["entry"]["parts"][0]["sha256"] == receipt.version.parts[0].sha256
    other = (await client.get(lot, headers=bearer(tokens["bidder2"]))).json()
    assert other["entry"] is None


async def test_a_consortium_bid_over_http_carries_each_members_countersignature(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str],
) -> None:  # fmt: skip
    """The statement names the member; without its countersignature 422
    bid_countersignature_missing; a stray certificate of the bidder's own organisation
    422 bid_signer_not_registered; with the member's countersignature 201."""
    async with pool.acquire() as conn:
        draft = replace(await fast_draft(conn, web_world), consortia_allowed=True)
        created = await service.create_draft(conn, web_world.agency, draft)
        await appoint(conn, web_world, created)
        tender = await service.publish(conn, web_world.agency, created.id, web_world.setup())
    lead, member = bidder(web_world, 0), bidder(web_world, 1)
    members = (member.org.credit_code,)
    async with pool.acquire() as conn:
        committee = await sealed_committee(conn, tender)
    data = seal_for(web_world, committee, lead, consortium=members)
    digest = hashlib.sha256(data).hexdigest()
    auth = bearer(tokens["bidder1"])
    lot = f"/api/v1/tenders/{tender.id}/lots/1"
    created_upload = await client.post(
        f"{lot}/uploads", json={"part": "main", "size": len(data), "sha256": digest}, headers=auth
    )
    upload = f"/api/v1/uploads/{created_upload.json()['id']}"
    assert (await client.put(f"{upload}?offset=0", content=data, headers=auth)).status_code == 200
    signed = sign_submit(tender, lead, {"main": digest}, consortium=members)
    stray = bidder(web_world, 0, ca=web_world.ca).identity
    refusals = [
        (_statement_json(signed), "bid_countersignature_missing"),
        (_statement_json(sign_submit(tender, lead, {"main": digest}, consortium=members,
                                     signer=stray)), "bid_signer_not_registered"),
        (_statement_json(signed) | {"countersignatures": ["%%"]}, "request_invalid"),
    ]  # fmt: skip
    for body, code in refusals:
        refused = await client.post(f"{lot}/bid", json=body, headers=auth)
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, code), refused.text
    countersigned = base64.b64encode(countersign_as(member.identity, signed)).decode()
    body = _statement_json(signed) | {"countersignatures": [countersigned]}
    submitted = await client.post(f"{lot}/bid", json=body, headers=auth)
    assert submitted.status_code == 201, submitted.text
    mine = (await client.get(f"{lot}/bid", headers=auth)).json()
    assert mine["consortium"] == list(members)
