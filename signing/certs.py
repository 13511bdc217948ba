"""X.509 signing certificates: the profile's keys, subjects and PEM files.

Every party signs with an X.509 signing certificate from a CA the platform trusts
(DESIGN.md, "Signatures"). The profile is described in docs/formats/signatures.md,
"Certificate profile". This module holds what every user of a certificate needs:
the key types, a party's identity, the subject's name and credit code, and PEM
loading and dumping. The demo CA is in signing/demo_ca.py; trust stores, chain
validation and revocation in signing/trust.py.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from signing.errors import CertificateMalformed, CreditCodeInvalid, TimeNotAware

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
SigningPublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


class KeyAlgorithm(enum.StrEnum):
    """Key algorithms of the certificate profile."""

    ECDSA_P256 = "ecdsa-p256"
    RSA_2048 = "rsa-2048"
    RSA_3072 = "rsa-3072"


def require_aware(at: dt.datetime) -> dt.datetime:
    """Return ``at`` in UTC; refuse a naive datetime (STYLE.md 3)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise TimeNotAware("time must be timezone-aware (UTC), got a naive datetime")
    return at.astimezone(dt.UTC)


def generate_key(algorithm: KeyAlgorithm) -> SigningKey:
    """A fresh private key of ``algorithm``."""
    if algorithm is KeyAlgorithm.ECDSA_P256:
        return ec.generate_private_key(ec.SECP256R1())
    size = 2048 if algorithm is KeyAlgorithm.RSA_2048 else 3072
    return rsa.generate_private_key(public_exponent=65537, key_size=size)


def cert_sha256(cert: x509.Certificate) -> str:
    """Lowercase hex SHA-256 of the certificate's DER encoding."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


# --- unified social credit code (统一社会信用代码, GB 32100-2015) ---

_CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def validate_credit_code(code: str) -> str:
    """Return ``code`` if it is a well-formed unified social credit code, else raise."""
    if len(code) != 18 or any(c not in _CREDIT_CHARSET for c in code):
        raise CreditCodeInvalid(f"not a unified social credit code: {code!r}")
    total = sum(_CREDIT_CHARSET.index(c) * w for c, w in zip(code, _CREDIT_WEIGHTS, strict=False))
    # GB 32100-2015 §4.3: check = 31 - (sum mod 31), with 31 written as 0.
    expected = _CREDIT_CHARSET[(31 - total % 31) % 31]
    if code[17] != expected:
        raise CreditCodeInvalid(f"credit code {code!r} has a wrong check character")
    return code


# --- subject ---


def subject_name(cert: x509.Certificate) -> str:
    """The subject's common name (a person's or organisation's name)."""
    return _single_attribute(cert.subject, NameOID.COMMON_NAME) or ""


def subject_credit_code(cert: x509.Certificate) -> str | None:
    """The organisation's unified social credit code (subject serialNumber), if any.

    The one place every trusted CA's profile puts it (docs/formats/signatures.md §2); a
    subject with two serialNumber attributes is ambiguous and speaks for no organisation.
    """
    if len(cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)) > 1:
        return None
    return _single_attribute(cert.subject, NameOID.SERIAL_NUMBER)


def _single_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


# --- identity and keys ---


@dataclass(frozen=True, kw_only=True, slots=True)
class Identity:
    """A signing certificate, its private key and the intermediates above it."""

    certificate: x509.Certificate
    key: SigningKey
    chain: tuple[x509.Certificate, ...] = ()


# The mark a CA puts on a certificate it issued for a key made in a browser (issue 12;
# docs/formats/signatures.md §2): a certificate policy under the UUID arc (2.25, ITU-T
# X.667), minted for etender. A registration of such a certificate must name its device.
BROWSER_KEY_POLICY = x509.ObjectIdentifier("2.25.180331464767678780793261036699394470107")


def has_browser_key_policy(cert: x509.Certificate) -> bool:
    """Whether ``cert`` carries :data:`BROWSER_KEY_POLICY` in its certificatePolicies."""
    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return False
    return any(p.policy_identifier == BROWSER_KEY_POLICY for p in policies)


def check_public_key(public_key: object) -> None:
    """Refuse a key outside the profile: ECDSA P-256, or RSA of at least 2048 bits."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        if not isinstance(public_key.curve, ec.SECP256R1):
            raise CertificateMalformed("EC keys must be on P-256")
    elif isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < 2048:
            raise CertificateMalformed("RSA keys must have at least 2048 bits")
    else:
        raise CertificateMalformed("keys must be ECDSA P-256 or RSA")


# --- PEM serialisation ---


def load_pem_certificates(data: bytes) -> tuple[x509.Certificate, ...]:
    """Every certificate in a PEM bundle (at least one)."""
    try:
        return tuple(x509.load_pem_x509_certificates(data))
    except ValueError as exc:
        raise CertificateMalformed(
            "not a PEM certificate: a CERTIFICATE block is damaged or holds no X.509 certificate"
        ) from exc


def load_pem_certificate(data: bytes) -> x509.Certificate:
    """Exactly one certificate from PEM bytes."""
    certs = load_pem_certificates(data)
    if len(certs) != 1:
        raise CertificateMalformed(f"expected one PEM certificate, found {len(certs)}")
    return certs[0]


def dump_pem_certificate(cert: x509.Certificate) -> bytes:
    """PEM encoding of ``cert``."""
    return cert.public_bytes(serialization.Encoding.PEM)


def load_pem_private_key(data: bytes, password: bytes | None = None) -> SigningKey:
    """An ECDSA P-256 or RSA private key from PEM (PKCS#8 or traditional)."""
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise CertificateMalformed(f"not a usable PEM private key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise CertificateMalformed("private keys must be ECDSA P-256 or RSA")
    check_public_key(key.public_key())
    return key


def dump_pem_private_key(key: SigningKey) -> bytes:
    """Unencrypted PKCS#8 PEM of ``key`` (the CLI writes it with mode 0600)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    """A CRL from PEM or DER bytes."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError as exc:
        raise CertificateMalformed(f"not a CRL: {exc}") from exc


def dump_pem_crl(crl: x509.CertificateRevocationList) -> bytes:
    """PEM encoding of ``crl``."""
    return crl.public_bytes(serialization.Encoding.PEM)
