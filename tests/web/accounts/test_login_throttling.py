"""Login throttling over HTTP (issue 9, item 8): no lockout, no username oracle.

Failures slow down their own (username, address) pair and address with
``429 login_throttled`` / ``login_rate_limited`` and ``Retry-After``; the right password
from another address and a certificate login still get in. Time is moved by writing
the remembered attempts, never by sleeping.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from accounts.model import OrgKind, Role, User
from accounts.sessions import service as sessions
from signing.certs import Identity, dump_pem_certificate
from signing.cms import sign_detached
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from tests.accounts.factory import ADDRESS, PASSWORD, make_organisation, make_user
from tests.web.accounts.test_pages import sign_in
from web.settings import Settings

WRONG = "Wrong-password-1"
ELSEWHERE = "198.51.100.23"


@pytest.fixture
async def bidder(pool: asyncpg.Pool) -> User:
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER)
        return await make_user(conn, org, Role.BIDDER, username="bidder1")


@pytest.fixture
async def elsewhere(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client at another network address."""
    transport = httpx.ASGITransport(app=app, client=(ELSEWHERE, 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _post_login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )


async def _remember_failures(pool: asyncpg.Pool, username: str, count: int) -> None:
    """``count`` more failures of the pair, just now (instead of as many slow requests)."""
    async with pool.acquire() as conn:
        await conn.executemany(
            "INSERT INTO login_attempts (name_sha256, address, failed) VALUES ($1, $2, true)",
            [(sessions.login_name_key(username), ADDRESS)] * count,
        )


async def test_failures_throttle_the_pair_with_retry_after_and_not_another_address(
    client: httpx.AsyncClient, elsewhere: httpx.AsyncClient, bidder: User, pool: asyncpg.Pool
) -> None:
    """Three 401s, then 429 login_throttled (even for the right password) from here only."""
    answers = [await _post_login(client, "bidder1", WRONG) for _ in range(3)]
    assert [a.status_code for a in answers] == [401] * 3
    await _remember_failures(pool, "bidder1", 5)  # eight failures: the next waits 32 s
    throttled = await _post_login(client, "bidder1", PASSWORD)
    assert throttled.status_code == 429
    error = throttled.json()["error"]
    assert error["code"] == "login_throttled"
    wait = error["details"]["retry_after_seconds"]
    assert 16 < wait <= 32
    assert throttled.headers["retry-after"] == str(wait)
    signed_in = await _post_login(elsewhere, "bidder1", PASSWORD)
    assert signed_in.status_code == 200, signed_in.text


async def test_an_unknown_username_is_answered_exactly_like_a_known_one(
    client: httpx.AsyncClient, bidder: User, pool: asyncpg.Pool
) -> None:
    """Same statuses, codes and messages, and the same throttle, for a name nobody has."""
    seen = {}
    for name in ("bidder1", "nobody1"):
        answers = [await _post_login(client, name, WRONG) for _ in range(3)]
        await _remember_failures(pool, name, 5)
        answers.append(await _post_login(client, name, WRONG))
        seen[name] = [
            (a.status_code, a.json()["error"]["code"], a.json()["error"]["message"][:40])
            for a in answers
        ]
    assert seen["bidder1"] == seen["nobody1"]
    assert [code for _, code, _ in seen["bidder1"]] == ["credentials_invalid"] * 3 + [
        "login_throttled"
    ]


async def test_a_flooded_address_is_refused_for_every_username(
    client: httpx.AsyncClient, elsewhere: httpx.AsyncClient, bidder: User
) -> None:
    """20 failures from one address over many names: 429 login_rate_limited with Retry-After."""
    for i in range(20):
        assert (await _post_login(client, f"guess{i}", WRONG)).status_code == 401
    refused = await _post_login(client, "bidder1", PASSWORD)
    assert (refused.status_code, refused.json()["error"]["code"]) == (429, "login_rate_limited")
    assert 0 < int(refused.headers["retry-after"]) <= 120
    assert (await _post_login(elsewhere, "bidder1", PASSWORD)).status_code == 200


def _trusted_ca(settings: Settings) -> DemoCA:
    ca = create_demo_ca(now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    trust = settings.data_dir / "trust"
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    (trust / "issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
    return ca


async def _signed_challenge(client: httpx.AsyncClient, who: Identity) -> dict[str, str]:
    issued = (await client.post("/api/v1/auth/challenge")).json()
    body = base64.b64decode(issued["challenge"])
    signature = sign_detached(body, who.certificate, who.key, chain=who.chain)
    return {"nonce": issued["nonce"], "signature": base64.b64encode(signature).decode()}


async def test_a_certificate_login_works_while_password_logins_are_throttled(
    client: httpx.AsyncClient, settings: Settings, pool: asyncpg.Pool
) -> None:
    """Wrong passwords for a bidder's name never keep its certificate out."""
    ca = _trusted_ca(settings)
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER)
        await make_user(conn, org, Role.BIDDER, username="bidder1")
    token = (await _post_login(client, "bidder1", PASSWORD)).json()["token"]
    alice = issue_identity(
        ca,
        name="投标人甲",
        org_credit_code=org.credit_code,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    proof = await _signed_challenge(client, alice)
    registered = await client.post(
        "/api/v1/me/certificates",
        json={"certificate": dump_pem_certificate(alice.certificate).decode(), **proof},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert registered.status_code == 200, registered.text
    await _remember_failures(pool, "bidder1", 30)
    assert (await _post_login(client, "bidder1", PASSWORD)).status_code == 429
    login = await client.post(
        "/api/v1/auth/certificate-login", json=await _signed_challenge(client, alice)
    )
    assert login.status_code == 200, login.text


async def test_the_sign_in_page_says_the_pair_is_throttled(
    client: httpx.AsyncClient, bidder: User, pool: asyncpg.Pool
) -> None:
    """The login form answers 429 with the throttling message; the username stays filled in."""
    await _remember_failures(pool, "bidder1", 8)
    response = await sign_in(client, "bidder1", PASSWORD)
    assert response.status_code == 429
    assert 'data-code="login_throttled"' in response.text
    assert "请稍候再试" in response.text
    assert 'value="bidder1"' in response.text
