"""Signing keys over HTTP: register by proof of possession, rotate, log in by a signed challenge."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from pathlib import Path

import asyncpg
import httpx
import pytest

from accounts.model import OrgKind, Role
from audit import service as audit
from signing.age import X25519Identity
from signing.certs import Identity, dump_pem_certificate
from signing.cms import sign_detached
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from signing.log.entry import LogEntry
from signing.statements.recipient import RecipientStatement
from tests.accounts import factory
from web.settings import Settings

NOW = dt.datetime.now(dt.UTC)


def _trust_ca(settings: Settings) -> DemoCA:
    ca = create_demo_ca(now=NOW - dt.timedelta(days=1))
    trust = settings.data_dir / "trust"
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    (trust / "issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
    return ca


@pytest.fixture
def ca(settings: Settings) -> DemoCA:
    return _trust_ca(settings)


@dataclasses.dataclass(frozen=True)
class Member:
    """A signed-in user: its bearer header and its organisation's credit code."""

    headers: dict[str, str]
    code: str


async def _member(
    pool: asyncpg.Pool, client: httpx.AsyncClient, kind: OrgKind, role: Role
) -> Member:
    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, kind)
        user = await factory.make_user(conn, org, role)
    login = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    return Member({"Authorization": f"Bearer {login.json()['token']}"}, org.credit_code)


@pytest.fixture
async def bidder(pool: asyncpg.Pool, client: httpx.AsyncClient) -> Member:
    return await _member(pool, client, OrgKind.BIDDER, Role.BIDDER)


async def _signed_challenge(client: httpx.AsyncClient, who: Identity) -> dict[str, str]:
    issued = (await client.post("/api/v1/auth/challenge")).json()
    body = base64.b64decode(issued["challenge"])
    signature = sign_detached(body, who.certificate, who.key, chain=who.chain)
    return {"nonce": issued["nonce"], "signature": base64.b64encode(signature).decode()}


async def _register(client: httpx.AsyncClient, headers: dict[str, str], who: Identity,
                    signer: Identity | None = None) -> httpx.Response:  # fmt: skip
    proof = await _signed_challenge(client, signer or who)
    pem = dump_pem_certificate(who.certificate).decode()
    return await client.post(
        "/api/v1/me/certificates", json={"certificate": pem, **proof}, headers=headers
    )


async def _log_size(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        size: int = await conn.fetchval("SELECT size FROM log_head")
        return size


async def test_a_certificate_registered_by_proof_of_possession_logs_in(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member
) -> None:
    """Sign a challenge to register; sign another to log in; the token works."""
    alice = issue_identity(
        ca, name="投标人甲", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=1)
    )
    registered = await _register(client, bidder.headers, alice)
    assert registered.status_code == 200, registered.text

    login = await client.post("/api/v1/auth/certificate-login", json=await _signed_challenge(
        client, alice))  # fmt: skip
    assert login.status_code == 200, login.text
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {login.json()['token']}"}
    )
    assert me.status_code == 200


async def test_a_challenge_is_good_once(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member
) -> None:
    """Replaying a signed challenge is refused."""
    alice = issue_identity(
        ca, name="投标人甲", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=1)
    )
    await _register(client, bidder.headers, alice)
    proof = await _signed_challenge(client, alice)
    first = await client.post("/api/v1/auth/certificate-login", json=proof)
    again = await client.post("/api/v1/auth/certificate-login", json=proof)
    assert first.status_code == 200
    assert (again.status_code, again.json()["error"]["code"]) == (422, "login_challenge_invalid")


async def test_registration_without_possession_or_trust_stores_nothing(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member, pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:  # fmt: skip
    """Signed by another key, or issued by an untrusted CA: refused, nothing stored."""
    alice = issue_identity(
        ca, name="甲", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=1)
    )
    mallory = issue_identity(
        ca, name="乙", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=1)
    )
    stranger_ca = create_demo_ca(now=NOW - dt.timedelta(days=1))
    stranger = issue_identity(
        stranger_ca, name="丙", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=1)
    )
    before = await _log_size(pool)
    wrong_signer = await _register(client, bidder.headers, alice, signer=mallory)
    untrusted = await _register(client, bidder.headers, stranger)
    assert wrong_signer.json()["error"]["code"] == "key_proof_invalid"
    assert untrusted.json()["error"]["code"] == "certificate_invalid"
    keys = (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()
    assert keys == {"certificates": [], "recipients": []}
    assert await _log_size(pool) == before


async def test_a_certificate_registered_again_changes_nothing_and_anothers_is_a_conflict(
    client: httpx.AsyncClient, ca: DemoCA, pool: asyncpg.Pool
) -> None:
    """The same certificate again by its user: 200, nothing logged; by a colleague of the
    same organisation, or back after a rotation retired it: 409, nothing stored."""
    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, OrgKind.BIDDER)
        users = [await factory.make_user(conn, org, Role.BIDDER) for _ in range(2)]
    headers = []
    for user in users:
        login = await client.post(
            "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
        )
        headers.append({"Authorization": f"Bearer {login.json()['token']}"})
    alice, newer = (
        issue_identity(
            ca, name="甲", org_credit_code=org.credit_code, now=NOW - dt.timedelta(hours=1)
        )
        for _ in range(2)
    )
    assert (await _register(client, headers[0], alice)).status_code == 200
    before = await _log_size(pool)
    again = await _register(client, headers[0], alice)
    assert again.status_code == 200, again.text
    assert await _log_size(pool) == before
    taken = await _register(client, headers[1], alice)
    assert (taken.status_code, taken.json()["error"]["code"]) == (
        409, "certificate_registered_conflict",
    )  # fmt: skip
    assert (await _register(client, headers[0], newer)).status_code == 200
    back = await _register(client, headers[0], alice)
    assert (back.status_code, back.json()["error"]["code"]) == (
        409, "certificate_registered_conflict",
    )  # fmt: skip
    keys = (await client.get("/api/v1/me/keys", headers=headers[0])).json()
    assert len(keys["certificates"]) == 2
    assert (await client.get("/api/v1/me/keys", headers=headers[1])).json()["certificates"] == []


async def test_an_unregistered_certificate_cannot_log_in(
    client: httpx.AsyncClient, ca: DemoCA
) -> None:
    """A valid signature by a certificate no account registered is refused."""
    nobody = issue_identity(ca, name="无名", now=NOW - dt.timedelta(hours=1))
    response = await client.post(
        "/api/v1/auth/certificate-login", json=await _signed_challenge(client, nobody)
    )
    assert (response.status_code, response.json()["error"]["code"]) == (401, "credentials_invalid")


async def test_rotation_keeps_old_keys_listed_but_only_the_new_ones_current(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member
) -> None:
    """A renewed certificate and recipient: the old are kept (for old bids), not current."""
    old = issue_identity(
        ca, name="甲", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=2)
    )
    new = issue_identity(
        ca, name="甲", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=1)
    )
    await _register(client, bidder.headers, old)
    recipients = [X25519Identity.generate().recipient().encode() for _ in range(2)]
    for recipient in recipients[:1]:
        signed = RecipientStatement.for_certificate(recipient, old.certificate, NOW).sign(
            old.certificate, old.key, chain=old.chain
        )
        body = {"statement": base64.b64encode(signed.body).decode(),
                "signature": base64.b64encode(signed.signature).decode()}  # fmt: skip
        assert (
            await client.post("/api/v1/me/recipients", json=body, headers=bidder.headers)
        ).is_success
    await _register(client, bidder.headers, new)
    signed = RecipientStatement.for_certificate(recipients[1], new.certificate, NOW).sign(
        new.certificate, new.key, chain=new.chain
    )
    body = {"statement": base64.b64encode(signed.body).decode(),
            "signature": base64.b64encode(signed.signature).decode()}  # fmt: skip
    assert (
        await client.post("/api/v1/me/recipients", json=body, headers=bidder.headers)
    ).is_success

    keys = (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()
    assert [k["current"] for k in keys["certificates"]] == [False, True]
    assert keys["recipients"] == [
        {"value": recipients[0], "current": False},
        {"value": recipients[1], "current": True},
    ]
    stale = await client.post(
        "/api/v1/auth/certificate-login", json=await _signed_challenge(client, old)
    )
    assert stale.json()["error"]["code"] == "credentials_invalid"


async def test_a_recipient_statement_by_another_certificate_is_refused(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member
) -> None:
    """The recipient must be bound by the user's own registered certificate."""
    alice = issue_identity(
        ca, name="甲", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=1)
    )
    mallory = issue_identity(
        ca, name="乙", org_credit_code=bidder.code, now=NOW - dt.timedelta(hours=1)
    )
    await _register(client, bidder.headers, alice)
    recipient = X25519Identity.generate().recipient().encode()
    signed = RecipientStatement.for_certificate(recipient, mallory.certificate, NOW).sign(
        mallory.certificate, mallory.key, chain=mallory.chain
    )
    body = {"statement": base64.b64encode(signed.body).decode(),
            "signature": base64.b64encode(signed.signature).decode()}  # fmt: skip
    refused = await client.post("/api/v1/me/recipients", json=body, headers=bidder.headers)
    assert refused.json()["error"]["code"] == "key_proof_invalid"
    assert (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()["recipients"] == []


async def test_a_certificate_of_another_organisation_is_refused_and_nothing_stored(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member, pool: asyncpg.Pool
) -> None:
    """A certificate naming another organisation's credit code speaks for that one: refused."""
    async with pool.acquire() as conn:
        other = await factory.make_organisation(conn, OrgKind.BIDDER)
    theirs = issue_identity(ca, name="乙", org_credit_code=other.credit_code,
                            now=NOW - dt.timedelta(hours=1))  # fmt: skip
    before = await _log_size(pool)
    refused = await _register(client, bidder.headers, theirs)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "certificate_organisation_mismatch"
    assert error["details"] == {"certificate": other.credit_code, "organisation": bidder.code}
    keys = (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()
    assert keys["certificates"] == []
    assert await _log_size(pool) == before


async def test_a_bidder_certificate_must_carry_the_credit_code_but_an_agencys_need_not(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member, pool: asyncpg.Pool
) -> None:
    """A bid is attributed by its signer's credit code: a bidder without one is refused."""
    personal = issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1))
    refused = await _register(client, bidder.headers, personal)
    assert refused.json()["error"]["code"] == "certificate_organisation_mismatch"
    assert (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()[
        "certificates"
    ] == []

    agent = await _member(pool, client, OrgKind.AGENCY, Role.AGENCY)
    accepted = await _register(client, agent.headers, personal)
    assert accepted.status_code == 200, accepted.text


async def test_an_experts_registrations_are_logged_without_naming_the_expert(
    client: httpx.AsyncClient, pool: asyncpg.Pool, ca: DemoCA
) -> None:
    """A drawn expert registers the certificate it signs its sheets with: the entry names
    nobody — actor ``{"user_id": null, "role": "expert"}``, no address, no subject —
    as an expert's login (docs/audit-log.md §1.3); a bidder's names the bidder."""
    expert = await _member(pool, client, OrgKind.CITY_CENTRE, Role.EXPERT)
    async with pool.acquire() as conn:
        user_id = await conn.fetchval(
            "SELECT user_id FROM sessions ORDER BY created_at DESC LIMIT 1"
        )
    who = issue_identity(ca, name="评标专家甲", now=NOW - dt.timedelta(hours=1))
    registered = await _register(client, expert.headers, who)
    assert registered.status_code == 200, registered.text
    async with pool.acquire() as conn:
        await audit.integrate(conn)  # the registration is queued (docs/audit-log.md §2.2)
        raw = await conn.fetchval(
            "SELECT entry FROM log_entries WHERE kind = 'account.certificate_registered'"
            " ORDER BY idx DESC LIMIT 1"
        )
    entry = LogEntry.from_bytes(raw)
    assert (entry.actor.user_id, entry.actor.role) == (None, "expert")
    assert (entry.address, entry.subject) == (None, None)
    assert entry.data == {"cert_sha256": registered.json()["value"], "device_kind": None}
    assert str(user_id) not in raw.decode()


async def test_the_demo_ca_is_disabled_unless_its_folder_is_set(
    client: httpx.AsyncClient, bidder: Member
) -> None:
    """Without ETENDER_DEMO_CA_DIR the platform issues no certificates: 404
    demo_ca_disabled, whatever the request (issue 12: outside the demo, ask your CA)."""
    answer = await client.post(
        "/api/v1/demo/ca/certificates", json={"csr": "anything"}, headers=bidder.headers
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "demo_ca_disabled")
    assert "ask your CA" in answer.json()["error"]["message"]
