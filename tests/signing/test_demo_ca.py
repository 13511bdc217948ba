"""The demo CA's request reader: the key of a verified PKCS#10 request, nothing else."""

from __future__ import annotations

import base64
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


@pytest.mark.parametrize(
    "pem",
    [
        _pem(ec.generate_private_key(ec.SECP256R1())) + b"junk",
        b"junk\n" + _pem(ec.generate_private_key(ec.SECP256R1())),
        _pem(ec.generate_private_key(ec.SECP256R1())) * 2,
        _pem(ec.generate_private_key(ec.SECP256R1()))
        + _pem(ec.generate_private_key(ec.SECP256R1())),
        b"",
    ],
)
def test_exactly_one_request_block_and_only_white_space_around_it(pem: bytes) -> None:
    """Trailing or leading text, a second request: csr_invalid (the parser would ignore
    them; what is ignored is not what the user sent)."""
    with pytest.raises(CsrInvalid):
        csr_public_key(pem)


def test_white_space_around_the_one_request_is_fine() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    assert csr_public_key(b"\n  " + _pem(key) + b"\r\n\n") == key.public_key()


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 128:
        length = bytes([size])
    elif size < 256:
        length = bytes([0x81, size])
    else:
        length = bytes([0x82, size >> 8, size & 0xFF])
    return bytes([tag]) + length + body


def _ecdsa_sha1_request(key: ec.EllipticCurvePrivateKey) -> bytes:
    """A valid request self-signed with ecdsa-with-SHA1 (1.2.840.10045.4.1), built by
    hand: the library no longer signs requests with SHA-1, old tools still do."""
    tbs = x509.CertificateSigningRequestBuilder().subject_name(NAME).sign(
        key, hashes.SHA256()).tbs_certrequest_bytes  # fmt: skip
    algorithm = _der(0x30, bytes.fromhex("06072a8648ce3d0401"))
    signature = _der(0x03, b"\x00" + key.sign(tbs, ec.ECDSA(hashes.SHA1())))
    der = _der(0x30, tbs + algorithm + signature)
    body = base64.encodebytes(der).decode()
    return (
        f"-----BEGIN CERTIFICATE REQUEST-----\n{body}-----END CERTIFICATE REQUEST-----\n".encode()
    )


def test_a_request_signed_with_another_hash_is_algorithm_unsupported() -> None:
    """Only SHA-256, SHA-384 and SHA-512: SHA-1 and SHA-224 are algorithm_unsupported
    (the library would call a SHA-1 self-signature invalid: csr_invalid, misleading)."""
    key = ec.generate_private_key(ec.SECP256R1())
    sha1 = _ecdsa_sha1_request(key)
    assert isinstance(x509.load_pem_x509_csr(sha1).signature_hash_algorithm, hashes.SHA1)
    sha224 = x509.CertificateSigningRequestBuilder().subject_name(NAME).sign(key, hashes.SHA224())
    for pem in (sha1, sha224.public_bytes(serialization.Encoding.PEM)):
        with pytest.raises(AlgorithmUnsupported):
            csr_public_key(pem)


def test_a_request_message_never_quotes_the_parser() -> None:
    with pytest.raises(CsrInvalid) as caught:
        csr_public_key(
            b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"
        )
    assert "See https" not in caught.value.message
    assert "Unable to load" not in caught.value.message
