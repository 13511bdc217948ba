"""GET /api/v1/me/signatures over HTTP (issue 12): recipient statements listed to their
member with the device of the certificate that signed them, newest first, a page at a
time; another user sees none of them; a forged cursor or a bad limit is refused."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid

import asyncpg
import httpx

from accounts.model import OrgKind, Role
from signing.age import X25519Identity
from signing.certs import Identity
from signing.demo_ca import DemoCA, issue_identity
from signing.statements.recipient import RecipientStatement
from tests.accounts import factory
from tests.web.keys.test_devices import BROWSER, NOW, register
from tests.web.keys.test_devices import ca as ca
from tests.web.keys.test_devices import headers as headers


async def _recipient(client: httpx.AsyncClient, headers: dict[str, str], who: Identity) -> bytes:
    recipient = X25519Identity.generate().recipient().encode()
    signed = RecipientStatement.for_certificate(recipient, who.certificate, NOW).sign(
        who.certificate, who.key, chain=who.chain
    )
    body = {"statement": base64.b64encode(signed.body).decode(),
            "signature": base64.b64encode(signed.signature).decode()}  # fmt: skip
    answer = await client.post("/api/v1/me/recipients", json=body, headers=headers)
    assert answer.is_success, answer.text
    return signed.body


async def test_recipient_statements_are_listed_newest_first_a_page_at_a_time(
    client: httpx.AsyncClient, headers: dict[str, str], ca: DemoCA, pool: asyncpg.Pool
) -> None:
    """Two statements by a browser key: limit=1 gives the newer and a cursor to the older;
    each names the purpose, certificate, device, statement hash and the user."""
    who = issue_identity(ca, name="甲", now=NOW)
    digest = (await register(client, headers, who, BROWSER)).json()["value"]
    first = await _recipient(client, headers, who)
    second = await _recipient(client, headers, who)
    page = await client.get("/api/v1/me/signatures?limit=1", headers=headers)
    assert page.status_code == 200, page.text
    (newer,) = page.json()["items"]
    me = (await client.get("/api/v1/me", headers=headers)).json()
    assert newer == {
        "at": newer["at"], "purpose": "account.recipient_statement", "cert_sha256": digest,
        "device": BROWSER, "content_sha256": hashlib.sha256(second).hexdigest(),
        "subject": {"type": "user", "id": me["user_id"]},
    }  # fmt: skip
    assert newer["at"].endswith("+00:00")  # as every time of the API, never "Z"
    assert dt.datetime.fromisoformat(newer["at"]).isoformat() == newer["at"]
    cursor = page.json()["next_cursor"]
    rest = await client.get("/api/v1/me/signatures", params={"cursor": cursor}, headers=headers)
    assert [i["content_sha256"] for i in rest.json()["items"]] == [
        hashlib.sha256(first).hexdigest()
    ]
    assert rest.json()["next_cursor"] is None
    # A repeated parameter counts as its last value, as on every route.
    twice = await client.get("/api/v1/me/signatures?limit=2&limit=1", headers=headers)
    assert len(twice.json()["items"]) == 1

    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, OrgKind.CITY_CENTRE)
        other = await factory.make_user(conn, org, Role.CENTRE_STAFF)
    login = await client.post(
        "/api/v1/auth/login", json={"username": other.username, "password": factory.PASSWORD}
    )
    theirs = await client.get(
        "/api/v1/me/signatures", headers={"Authorization": f"Bearer {login.json()['token']}"}
    )
    assert theirs.json() == {"items": [], "next_cursor": None}


async def test_a_forged_cursor_or_a_bad_limit_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    forged = await client.get("/api/v1/me/signatures?cursor=bm90LWEtY3Vyc29y", headers=headers)
    assert (forged.status_code, forged.json()["error"]["code"]) == (422, "cursor_invalid")
    for limit in ("0", "201", "x", "²", "１"):
        bad = await client.get(f"/api/v1/me/signatures?limit={limit}", headers=headers)
        assert bad.json()["error"]["code"] == "request_invalid"
    assert (await client.get("/api/v1/me/signatures")).status_code == 401


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def test_a_cursor_the_server_did_not_write_exactly_is_cursor_invalid(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    """Only the server's own spelling parses: a NUL (once a 500 from PostgreSQL), a
    control character, another time format or offset, a key of no known form, bad
    UTF-8, padding or non-alphabet characters are all 422 cursor_invalid."""
    stamp = "2026-12-06T17:19:56.758123+00:00"
    key = f"recipient/{uuid.uuid4()}"
    good = _b64url(f"{stamp}|{key}".encode())
    assert (await client.get(f"/api/v1/me/signatures?cursor={good}", headers=headers)).json() == {
        "items": [], "next_cursor": None}  # fmt: skip
    forged = [
        _b64url(f"{stamp}|\x00".encode()),
        _b64url(f"{stamp}|{key}\x00".encode()),
        _b64url(f"{stamp}|{key}\n".encode()),
        _b64url(f"{stamp}|{key}\x85".encode()),
        _b64url(f"{stamp}|sheet/{uuid.uuid4()}/scoring/1/1/1\x1b".encode()),
        _b64url(f"{stamp}|anything".encode()),
        _b64url(f"{stamp}|".encode()),
        _b64url(f"2026-12-06T17:19:56.758123Z|{key}".encode()),
        _b64url(f"2026-12-06T17:19:56.758123+08:00|{key}".encode()),
        _b64url(f"2026-12-06 17:19:56.758123+00:00|{key}".encode()),
        _b64url(f"2026-13-06T17:19:56.758123+00:00|{key}".encode()),
        _b64url(f"{stamp}|{key}".encode() + b"\xff"),
        _b64url(f"\u202e{stamp}|{key}".encode()),
        good + "==",
        good[:-1] + "!",
        good + "A",
        "%00",
    ]
    for cursor in forged:
        answer = await client.get(
            "/api/v1/me/signatures", params={"cursor": cursor}, headers=headers
        )
        assert (answer.status_code, answer.json()["error"]["code"]) in {
            (422, "cursor_invalid"),
            (400, "text_contains_nul"),  # a raw NUL in the query: refused before any route
        }, (cursor, answer.text)
