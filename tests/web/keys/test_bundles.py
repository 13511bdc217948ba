"""Registering a certificate from a PEM bundle (the leaf, then its chain), as CAs and
``etender demo`` hand certificate files out: only the leaf is registered; a private key
or anything off the leaf's chain is refused, and nothing is stored or logged."""

from __future__ import annotations

import datetime as dt
import logging

import asyncpg
import httpx
import pytest

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
        {"value": cert_sha256(alice.certificate), "current": True, "device": None}
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
