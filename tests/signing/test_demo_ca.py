"""The demo CA's request reader: the key of a verified PKCS#10 request, nothing else."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from signing.demo_ca import csr_public_key
from signing.errors import AlgorithmUnsupported, CsrInvalid

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
