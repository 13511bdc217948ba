"""DEMO ONLY: the demo CA issues from a browser's PKCS#10 request (issue 12), when enabled."""

from __future__ import annotations

import base64
import json
import logging
import shutil
from pathlib import Path

import asyncpg
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from accounts.model import OrgKind, Role
from accounts.sessions import service as sessions
from accounts.sessions.model import LoginPolicy, SessionKind
from signing.certs import BROWSER_KEY_POLICY, SigningKey, cert_sha256, load_pem_certificates
from signing.cms import sign_detached
from tests.accounts import factory
from tests.conftest import CloneDatabase
from web.auth import SESSION_COOKIE, csrf_token_for
from web.cli.ca import init_ca
from web.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase) -> Settings:
    """The app trusts a demo CA whose folder ETENDER_DEMO_CA_DIR names."""
    data = tmp_path / "data"
    folder = tmp_path / "client" / "ca"
    init_ca(folder)
    (data / "trust").mkdir(parents=True)
    for name in ("root.crt", "issuing.crt"):
        shutil.copyfile(folder / name, data / "trust" / f"demo-{name}")
    return Settings(database_url=database.app_dsn, data_dir=data, demo_ca_dir=folder)


def _csr(key: SigningKey, common_name: str = "Mallory the CEO") -> str:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    request = (
        x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode()


async def _signed_in(pool: asyncpg.Pool, client: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, OrgKind.BIDDER)
        user = await factory.make_user(conn, org, Role.BIDDER)
        await conn.execute("UPDATE users SET display_name = '投标人甲' WHERE id = $1", user.id)
    login = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    return {"Authorization": f"Bearer {login.json()['token']}"}, org.credit_code


async def test_the_demo_ca_issues_the_accounts_subject_and_the_key_then_registers(
    client: httpx.AsyncClient, pool: asyncpg.Pool, settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """The certificate names the account (display name, credit code), never the request's
    subject; it is recorded in issued.json and the log, not registered, and registers by
    proof."""
    caplog.set_level(logging.INFO, logger="web.keys.demo_ca")
    headers, code = await _signed_in(pool, client)
    key = ec.generate_private_key(ec.SECP256R1())
    answer = await client.post(
        "/api/v1/demo/ca/certificates", json={"csr": _csr(key)}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    leaf, issuing = load_pem_certificates(answer.json()["certificate"].encode())
    assert answer.json()["cert_sha256"] == cert_sha256(leaf)
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "投标人甲"
    assert leaf.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == code
    assert leaf.public_key() == key.public_key()
    assert leaf.issuer == issuing.subject
    assert settings.demo_ca_dir is not None
    issued = json.loads((settings.demo_ca_dir / "issued.json").read_text())
    assert issued[f"{leaf.serial_number:x}"]["cert_sha256"] == cert_sha256(leaf)
    assert (await client.get("/api/v1/me/keys", headers=headers)).json()["certificates"] == []
    (line,) = [r for r in caplog.records if r.getMessage() == "keys.demo_certificate_issued"]
    assert line.__dict__["cert_sha256"] == cert_sha256(leaf)

    registered = await _register(client, headers, answer.json()["certificate"], key, BROWSER)
    assert registered.json() == {"value": cert_sha256(leaf)}


BROWSER = {"kind": "browser", "label": "评标室 3 号机"}


async def _register(
    client: httpx.AsyncClient, headers: dict[str, str], bundle: str, key: SigningKey,
    device: object,
) -> httpx.Response:  # fmt: skip
    leaf, *chain = load_pem_certificates(bundle.encode())
    challenge = (await client.post("/api/v1/auth/challenge")).json()
    signature = sign_detached(base64.b64decode(challenge["challenge"]), leaf, key, chain=chain)
    body = {"certificate": bundle, "nonce": challenge["nonce"],
            "signature": base64.b64encode(signature).decode()}  # fmt: skip
    if device is not None:
        body["device"] = device
    return await client.post("/api/v1/me/certificates", headers=headers, json=body)


async def test_a_certificate_issued_from_a_request_registers_only_with_its_device(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """The demo CA marks what it issues from a browser's request with the browser-key
    policy; registered without ``device`` it is certificate_device_required, nothing
    stored — a tender's signing_keys "ca" does not rest on the client's word."""
    headers, _ = await _signed_in(pool, client)
    key = ec.generate_private_key(ec.SECP256R1())
    answer = await client.post(
        "/api/v1/demo/ca/certificates", json={"csr": _csr(key)}, headers=headers
    )
    bundle = answer.json()["certificate"]
    leaf, _ = load_pem_certificates(bundle.encode())
    policies = leaf.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier for p in policies] == [BROWSER_KEY_POLICY]
    assert BROWSER_KEY_POLICY.dotted_string == "2.25.180331464767678780793261036699394470107"
    refused = await _register(client, headers, bundle, key, None)
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        422,
        "certificate_device_required",
    )
    assert (await client.get("/api/v1/me/keys", headers=headers)).json()["certificates"] == []
    assert (await _register(client, headers, bundle, key, BROWSER)).status_code == 200


async def test_a_request_that_does_not_parse_or_verify_is_csr_invalid(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Garbage, or a request whose self-signature is broken: csr_invalid, nothing issued."""
    headers, _ = await _signed_in(pool, client)
    garbage = await client.post(
        "/api/v1/demo/ca/certificates", json={"csr": "hello"}, headers=headers
    )
    pem = _csr(ec.generate_private_key(ec.SECP256R1()))
    der = bytearray(x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x01  # inside the signature value
    body = base64.encodebytes(bytes(der)).decode()
    tampered = f"-----BEGIN CERTIFICATE REQUEST-----\n{body}-----END CERTIFICATE REQUEST-----\n"
    broken = await client.post(
        "/api/v1/demo/ca/certificates", json={"csr": tampered}, headers=headers
    )
    for answer in (garbage, broken):
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "csr_invalid")


async def test_a_key_outside_the_profile_is_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """RSA below 2048 bits or another curve: algorithm_unsupported, as CMS refuses them."""
    headers, _ = await _signed_in(pool, client)
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    other_curve = ec.generate_private_key(ec.SECP384R1())
    for key in (weak, other_curve):
        answer = await client.post(
            "/api/v1/demo/ca/certificates", json={"csr": _csr(key)}, headers=headers
        )
        assert answer.json()["error"]["code"] == "algorithm_unsupported", answer.text


async def test_only_a_signed_in_user_gets_a_certificate(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Anonymous: 401; a cookie session without its CSRF token: 403 (as every POST)."""
    csr = {"csr": _csr(ec.generate_private_key(ec.SECP256R1()))}
    answer = await client.post("/api/v1/demo/ca/certificates", json=csr)
    assert answer.status_code == 401
    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, OrgKind.BIDDER)
        user = await factory.make_user(conn, org, Role.BIDDER)
        issued = await sessions.login(
            conn, username=user.username, password=factory.PASSWORD, address="192.0.2.10",
            kind=SessionKind.COOKIE, policy=LoginPolicy(),
        )  # fmt: skip
    client.cookies.set(SESSION_COOKIE, issued.token)
    forged = await client.post("/api/v1/demo/ca/certificates", json=csr)
    assert (forged.status_code, forged.json()["error"]["code"]) == (403, "csrf_token_invalid")
    token = {"X-CSRF-Token": csrf_token_for(issued.token)}
    done = await client.post("/api/v1/demo/ca/certificates", json=csr, headers=token)
    assert done.status_code == 201, done.text
