"""The opening over HTTP with the real client: `etender opening release` by two of three
officials, then the signed opening record as JSON, CMS signature (openssl) and PDF."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from signing.age import parse_header, unwrap_file_key
from signing.cms import sign_detached
from tender.submission import freeze
from tender.submission.context import Submission
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.tender.submission.kit import Bidder, make_submission, submit_sealed
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.world import SOON, World, published_tender, wait_until
from tests.web.tender.http_kit import bearer, fixture_http_ca, fixture_settings, fixture_web_world
from web.cli.main import main
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]

PRICES = (300_000_00, 280_000_00, 310_000_00)


async def _token(client: httpx.AsyncClient, username: str) -> str:
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


async def _next_event(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if message["type"] == "event":
            return message
        assert message["type"] != "error", message


async def _next(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while (event := await _next_event(ws))["kind"] != kind:
        pass
    data: dict[str, Any] = event["data"]
    return data


def _release(server: LiveServer, token: str, key: Path, tender: str) -> int:
    argv = ["opening", "release", "--server", server.url, f"--token={token}",
            "--identity", str(key), "--tender", tender]  # fmt: skip
    return main(argv)


@pytest.mark.slow
async def test_officials_release_with_the_client_and_the_record_verifies_with_openssl(
    pool: asyncpg.Pool,
    web_world: World,
    settings: Settings,
    live_server: LiveServer,
    client: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    """Two of three officials (one absent) open three bids; JSON, .p7s and PDF agree."""
    sub = make_submission(web_world, settings.data_dir)
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(
            conn,
            web_world,
            setup=web_world.setup(SOON),
            # Sealed parts bind the deadline, so real time must reach it: a margin many
            # times the sealing, and no cutoff for publication to race (issue 9, 19).
            deadline_in=dt.timedelta(seconds=20),
            cutoff_in=dt.timedelta(seconds=19),
        )
        bidders = [make_bidder(web_world, i) for i in range(3)]
        receipts = [
            await submit_sealed(conn, pool, sub, web_world, tender, who, price=price)
            for who, price in zip(bidders, PRICES, strict=True)
        ]
        early = await client.get(f"/api/v1/tenders/{tender.id}/opening-record")
        assert early.status_code == 404
        assert tender.deadline is not None
        await wait_until(conn, tender.deadline)
        await freeze.freeze_tender(conn, tender.id)
    session = (await client.get(f"/api/v1/tenders/{tender.id}/lots/1/opening/hall")).json()
    host = await websockets.connect(
        f"{live_server.ws_url}/api/v1/live/{session['session_id']}",
        additional_headers={"Authorization": f"Bearer {await _token(client, 'staff')}"},
    )
    assert json.loads(await host.recv())["type"] == "hello"
    await host.send(json.dumps({"id": "s1", "type": "status", "data": {}}))
    status = await _next(host, "hall.status")
    assert (status["frozen"], status["record"]) == (True, None)
    assert {s["outcome"] for s in status["statuses"]} == {"pending"}
    await _self_decrypt(client, sub, tender.id, bidders[0], receipts[0].version.parts[0].sha256)
    for x in (1, 3):
        official = web_world.officials[x - 1]
        key = tmp_path / f"official{x}.agekey"
        key.write_text(f"# official {x}\n{official.age.encode()}\n")
        token = await _token(client, official.user.username)
        assert await asyncio.to_thread(_release, live_server, token, key, str(tender.id)) == 0
    seen = []
    while (event := await _next_event(host))["kind"] != "record.announced":
        seen.append(event)
        assert "price" not in json.dumps(event["data"])  # no price before the record
    assert [e["kind"] for e in seen] == ["lot.status"] * 3  # self-key, two releases
    assert {s["outcome"] for s in seen[-1]["data"]["statuses"]} == {"opened"}
    announced = json.loads(event["data"]["record"])
    await host.send(json.dumps({"id": "b1", "type": "bond_check", "data": {}}))
    bonds = await _next(host, "bonds.checked")
    assert [b["reason"] for b in bonds["bonds"]] == ["missing"] * 3
    await host.close()
    record = await client.get(f"/api/v1/tenders/{tender.id}/opening-record")
    assert record.json() == announced
    assert record.status_code == 200
    body = record.json()
    codes = [o.credit_code for o in web_world.bidder_orgs]
    assert {e["bidder"]: e["fields"]["price"] for e in body["entries"]} == dict(
        zip(codes, PRICES, strict=True)
    )
    assert body["officials_released"] == [1, 3]
    signature = await client.get(f"/api/v1/tenders/{tender.id}/opening-record.p7s")
    (tmp_path / "record.json").write_bytes(record.content)
    (tmp_path / "record.p7s").write_bytes(signature.content)
    root = settings.data_dir / "keys" / "receipts" / "ca-root.pem"
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER",
         "-in", str(tmp_path / "record.p7s"), "-content", str(tmp_path / "record.json"),
         "-CAfile", str(root), "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    for n, receipt in enumerate(receipts):  # the receipts verify under the same root
        (tmp_path / f"r{n}.json").write_bytes(receipt.version.receipt)
        (tmp_path / f"r{n}.p7s").write_bytes(receipt.version.receipt_signature)
        checked = subprocess.run(
            ["openssl", "cms", "-verify", "-binary", "-inform", "DER",
             "-in", str(tmp_path / f"r{n}.p7s"), "-content", str(tmp_path / f"r{n}.json"),
             "-CAfile", str(root), "-out", "/dev/null"],
            capture_output=True, check=False,
        )  # fmt: skip
        assert checked.returncode == 0, checked.stderr
    pdf = await client.get(f"/api/v1/tenders/{tender.id}/opening-record.pdf")
    (tmp_path / "record.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "record.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "¥300,000.00" in text
    assert "投标报价" in "".join(text.split())  # the form's label heads the price column
    assert "（北京时间）" in text
    lot_state = await client.get(f"/api/v1/tenders/{tender.id}/lots/1/opening")
    assert {s["outcome"] for s in lot_state.json()["statuses"]} == {"opened"}
    await _confirm_and_object(client, web_world, tender.id, record.content)


async def _self_decrypt(
    client: httpx.AsyncClient, sub: Submission, tender: object, who: Bidder, sha256: str
) -> None:
    """The bidder sends its own key (checked on the MAC); strict: still pending."""
    headers = bearer(await _token(client, "bidder1"))
    url = f"/api/v1/tenders/{tender}/lots/1/opening/self-key"
    wrong = await client.post(
        url, headers=headers, json={"part": "main", "file_key": _b64(bytes(16))}
    )
    assert wrong.json()["error"]["code"] == "opening_file_key_invalid"
    key = unwrap_file_key(parse_header(sub.store.path_of(sha256).read_bytes()), [who.age])
    sent = await client.post(url, headers=headers, json={"part": "main", "file_key": _b64(key)})
    assert sent.status_code == 200, sent.text
    mine = [s for s in sent.json()["statuses"] if s["bidder"] == who.org.credit_code]
    assert [s["outcome"] for s in mine] == ["pending"]


async def _confirm_and_object(
    client: httpx.AsyncClient, world: World, tender: object, body: bytes
) -> None:
    """Bidder 1 confirms with its signature; bidder 2 objects; the host answers."""
    lot = f"/api/v1/tenders/{tender}/lots/1/opening"
    first, second = make_bidder(world, 0), make_bidder(world, 1)
    one = bearer(await _token(client, "bidder1"))
    two = bearer(await _token(client, "bidder2"))
    wrong = sign_detached(body, second.identity.certificate, second.identity.key)
    refused = await client.post(f"{lot}/confirm", headers=one, json={"signature": _b64(wrong)})
    assert refused.json()["error"]["code"] == "opening_confirmation_signer_mismatch"
    mine = sign_detached(body, first.identity.certificate, first.identity.key)
    confirmed = await client.post(f"{lot}/confirm", headers=one, json={"signature": _b64(mine)})
    assert confirmed.status_code == 201, confirmed.text
    again = await client.post(f"{lot}/confirm", headers=one, json={"signature": _b64(mine)})
    assert again.status_code == 409
    for text in ("  ", "异" * 4001):  # blank or too long: refused, nothing stored
        bad = await client.post(f"{lot}/objections", headers=two, json={"text": text})
        assert (bad.status_code, bad.json()["error"]["code"]) == (422, "opening_text_invalid")
    objection = await client.post(f"{lot}/objections", headers=two, json={"text": " 报价有误 "})
    assert objection.status_code == 201
    assert objection.json()["objection"] == "报价有误"
    path = f"{lot}/objections/{objection.json()['id']}/answer"
    assert (await client.post(path, headers=two, json={"answer": "x"})).status_code == 403
    staff = bearer(await _token(client, "staff"))
    blank = await client.post(path, headers=staff, json={"answer": "\n"})
    assert blank.json()["error"]["code"] == "opening_text_invalid"
    answered = await client.post(path, headers=staff, json={"answer": "已核对，无误"})
    assert answered.json()["answer"] == "已核对，无误"
    listed = (await client.get(f"{lot}/responses")).json()["items"]
    assert [(r["kind"], r["answer"]) for r in listed] == [
        ("confirm", None),
        ("object", "已核对，无误"),
    ]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
