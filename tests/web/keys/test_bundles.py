"""Registering a certificate from a PEM bundle (the leaf, then its chain), as CAs and
``etender demo`` hand certificate files out: only the leaf is registered; a private key
or anything off the leaf's chain is refused, and nothing is stored or logged."""

from __future__ import annotations

import datetime as dt
import logging

import asyncpg
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from signing.certs import Identity, cert_sha256, dump_pem_certificate, dump_pem_private_key
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from tests.web.keys.test_routes import NOW, Member, _log_size, _signed_challenge, bidder, ca

__all__ = ["bidder", "ca"]


def _bundle(*parts: bytes) -> str:
    return b"".join(parts).decode()


async def _post(
    client: httpx.AsyncClient, member: Member, signer: Identity, pem: str
) -> httpx.Response:
    proof = await _signed_challenge(client, signer)
    return await client.post(
        "/api/v1/me/certificates", json={"certificate": pem, **proof}, headers=member.headers
    )


def _alice(ca: DemoCA, member: Member) -> Identity:
    return issue_identity(
        ca, name="投标人甲", org_credit_code=member.code, now=NOW - dt.timedelta(hours=1)
    )


async def test_a_bundle_of_the_leaf_and_its_chain_registers_the_leaf_only(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member
) -> None:
    """The demo's certificate file (leaf + issuing CA) registers; the value and the one
    listed certificate are the leaf's."""
    alice = _alice(ca, bidder)
    assert alice.chain  # the issuing CA above the leaf
    pem = _bundle(*(dump_pem_certificate(c) for c in (alice.certificate, *alice.chain)))
    registered = await _post(client, bidder, alice, pem)
    assert registered.status_code == 200, registered.text
    assert registered.json()["value"] == cert_sha256(alice.certificate)
    keys = (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()
    assert keys["certificates"] == [
        {
            "value": cert_sha256(alice.certificate),
            "current": True,
            "device": None,
            "subject": "投标人甲",
        }
    ]


async def test_a_private_key_in_the_bundle_is_refused_and_never_stored_or_logged(
    client: httpx.AsyncClient,
    ca: DemoCA,
    bidder: Member,
    pool: asyncpg.Pool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """certificate_private_key_refused; the key's text is in no response, row or log."""
    alice = _alice(ca, bidder)
    key = dump_pem_private_key(alice.key)
    secret = key.decode().splitlines()[1]
    before = await _log_size(pool)
    with caplog.at_level(logging.DEBUG):
        for pem in (
            _bundle(dump_pem_certificate(alice.certificate), key),
            _bundle(key, dump_pem_certificate(alice.certificate)),
            _bundle(dump_pem_certificate(alice.certificate), key.lower()),  # mangled
        ):
            refused = await _post(client, bidder, alice, pem)
            assert refused.status_code == 422
            assert refused.json()["error"]["code"] == "certificate_private_key_refused"
            assert secret not in refused.text
    assert secret not in caplog.text
    keys = (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()
    assert keys["certificates"] == []
    assert await _log_size(pool) == before


async def test_anything_off_the_leafs_chain_is_refused(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member
) -> None:
    """Another block type, or a certificate not on the leaf's chain: refused with
    certificate_bundle_invalid, naming what was found; a bundle whose chain does not
    reach a trusted CA stays certificate_invalid."""
    alice = _alice(ca, bidder)
    leaf = dump_pem_certificate(alice.certificate)
    stranger_ca = create_demo_ca(now=NOW - dt.timedelta(days=1))
    stranger = issue_identity(stranger_ca, name="丙", now=NOW - dt.timedelta(hours=1))
    csr_like = b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"
    other = await _post(client, bidder, alice, _bundle(leaf, csr_like))
    assert other.json()["error"]["code"] == "certificate_bundle_invalid"
    assert other.json()["error"]["details"] == {"found": ["CERTIFICATE REQUEST"]}
    stray = await _post(
        client, bidder, alice, _bundle(leaf, dump_pem_certificate(stranger_ca.issuing_cert))
    )
    assert stray.json()["error"]["code"] == "certificate_bundle_invalid"
    assert stray.json()["error"]["details"] == {"positions": [2]}
    untrusted_pem = (stranger.certificate, *stranger.chain)
    untrusted = await _post(
        client, bidder, stranger, _bundle(*(dump_pem_certificate(c) for c in untrusted_pem))
    )
    assert untrusted.json()["error"]["code"] == "certificate_invalid"
    keys = (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()
    assert keys["certificates"] == []


async def test_a_certificate_twice_in_the_bundle_is_refused_by_position(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member
) -> None:
    """The leaf repeated (cert+cert), or a chain certificate given twice, is no part of
    the leaf's chain: certificate_bundle_invalid with the repeats' positions, nothing
    stored."""
    alice = _alice(ca, bidder)
    leaf = dump_pem_certificate(alice.certificate)
    issuing = dump_pem_certificate(ca.issuing_cert)
    twice = await _post(client, bidder, alice, _bundle(leaf, leaf))
    assert twice.json()["error"]["code"] == "certificate_bundle_invalid", twice.text
    assert twice.json()["error"]["details"] == {"positions": [2]}
    again = await _post(client, bidder, alice, _bundle(leaf, issuing, leaf, issuing))
    assert again.json()["error"]["details"] == {"positions": [3, 4]}
    keys = (await client.get("/api/v1/me/keys", headers=bidder.headers)).json()
    assert keys["certificates"] == []


async def test_a_refused_certificate_is_explained_in_words_not_an_exception(
    client: httpx.AsyncClient, ca: DemoCA, bidder: Member
) -> None:
    """A certificate whose keyUsage does not sign: certificate_invalid saying so, never
    the library's exception text ("Python extension validator failed: ValueError…")."""
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(
        digital_signature=False, content_commitment=False, key_encipherment=True,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "投标人甲"),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, bidder.code)])  # fmt: skip
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca.issuing_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(hours=1))
        .not_valid_after(NOW + dt.timedelta(days=30))
        .add_extension(usage, critical=True).sign(ca.issuing_key, hashes.SHA256())
    )  # fmt: skip
    who = Identity(certificate=cert, key=key, chain=(ca.issuing_cert,))
    answer = await _post(client, bidder, who, dump_pem_certificate(cert).decode())
    error = answer.json()["error"]
    assert error["code"] == "certificate_invalid", answer.text
    assert "not for signing" in error["message"]
    for leak in ("Python", "ValueError", "validator", "Other("):
        assert leak not in error["message"]
    broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    damaged = (await _post(client, bidder, who, broken)).json()["error"]
    assert damaged["code"] == "certificate_invalid"
    assert "See https" not in damaged["message"]
    assert "Unable to load" not in damaged["message"]
