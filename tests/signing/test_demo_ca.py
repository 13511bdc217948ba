"""The demo CA's request reader: the key of a verified PKCS#10 request, nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from signing.certs import has_browser_key_policy
from signing.demo_ca import create_demo_ca, csr_public_key, issue_certificate
from signing.errors import AlgorithmUnsupported, CsrInvalid
from signing.trust import verify_chain

NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "anyone")])


def _pem(key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    csr = x509.CertificateSigningRequestBuilder().subject_name(NAME).sign(key, algorithm)
    return csr.public_bytes(serialization.Encoding.PEM)


def test_a_verified_request_gives_its_public_key() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    assert csr_public_key(_pem(key)) == key.public_key()


def test_a_certificate_is_no_request() -> None:
    with pytest.raises(CsrInvalid):
        csr_public_key(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")


def test_an_ed25519_key_is_outside_the_profile() -> None:
    """Only ECDSA P-256 and RSA >= 2048 sign (docs/formats/signatures.md)."""
    with pytest.raises(AlgorithmUnsupported):
        csr_public_key(_pem(ed25519.Ed25519PrivateKey.generate()))


def test_a_certificate_for_a_browser_key_carries_the_browser_key_policy_and_verifies() -> None:
    """Issued from a browser's request: the policy marks it (docs/formats/signatures.md
    §2) and the chain still verifies; the default issue carries no policy."""
    now = dt.datetime.now(dt.UTC)
    ca = create_demo_ca(now=now - dt.timedelta(days=1))
    key = ec.generate_private_key(ec.SECP256R1())
    marked = issue_certificate(ca, name="甲", public_key=key.public_key(), now=now,
                               browser_key=True)  # fmt: skip
    plain = issue_certificate(ca, name="甲", public_key=key.public_key(), now=now)
    assert has_browser_key_policy(marked)
    assert not has_browser_key_policy(plain)
    verify_chain(marked, ca.trust_store(), now)
