"""X.509 signing certificates: the demo CA, the certificate profile, trust and revocation.

Every party signs with an X.509 signing certificate from a CA the platform trusts;
several CAs may be trusted at once (cross-CA recognition), and a demo CA ships for
trying the platform out (DESIGN.md, "Signatures"). The profile is described in
docs/formats/signatures.md, "Certificate profile".

Validation time is always an argument. Revocations count only if dated at or before
that time, so a bidder that revokes its certificate after the deadline cannot escape
its bid (DESIGN.md, trust model 2; "Opening": "as of the receipt time").
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    Policy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from signing.errors import (
    CertificateExpired,
    CertificateMalformed,
    CertificateNotYetValid,
    CertificateRevoked,
    ChainUntrusted,
    CreditCodeInvalid,
    TimeNotAware,
)

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
SigningPublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

DEMO_LABEL = "DEMO ONLY - NOT FOR PRODUCTION"
ROOT_VALIDITY = dt.timedelta(days=20 * 365)
ISSUING_VALIDITY = dt.timedelta(days=10 * 365)
USER_VALIDITY = dt.timedelta(days=2 * 365)
CRL_VALIDITY = dt.timedelta(days=7)


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


def _user_subject(name: str, credit_code: str | None) -> x509.Name:
    if not name.strip():
        raise CertificateMalformed("a certificate subject needs a non-empty name")
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.COMMON_NAME, name),
    ]
    if credit_code is not None:
        # Profile: the organisation's credit code is the subject serialNumber (2.5.4.5).
        code = validate_credit_code(credit_code)
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, code))
    return x509.Name(attributes)


def _ca_subject(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "etender demo CA"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_LABEL),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


# --- the demo CA ---


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoCA:
    """A demo root and issuing CA with their keys. DEMO ONLY: keys live in plain files."""

    root_cert: x509.Certificate
    root_key: SigningKey
    issuing_cert: x509.Certificate
    issuing_key: SigningKey

    def trust_store(self, crls: Sequence[x509.CertificateRevocationList] = ()) -> TrustStore:
        """A trust store that trusts this CA's root and knows its issuing CA."""
        return TrustStore(
            roots=(self.root_cert,), intermediates=(self.issuing_cert,), crls=tuple(crls)
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Identity:
    """A signing certificate, its private key and the intermediates above it."""

    certificate: x509.Certificate
    key: SigningKey
    chain: tuple[x509.Certificate, ...] = ()


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: SigningPublicKey, now: dt.datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _sign(builder: x509.CertificateBuilder, key: SigningKey) -> x509.Certificate:
    return builder.sign(key, hashes.SHA256())


def create_demo_ca(
    *, now: dt.datetime, algorithm: KeyAlgorithm = KeyAlgorithm.ECDSA_P256
) -> DemoCA:
    """Create a demo root CA and an issuing CA below it, valid from ``now``."""
    now = require_aware(now)
    root_key, issuing_key = generate_key(algorithm), generate_key(algorithm)
    root_name = _ca_subject("etender DEMO Root CA")
    root = _sign(
        _builder(root_name, root_name, root_key.public_key(), now)
        .not_valid_after(now + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_key_usage(signing=False), critical=True),
        root_key,
    )
    issuing = _sign(
        _builder(_ca_subject("etender DEMO Issuing CA"), root_name, issuing_key.public_key(), now)
        .not_valid_after(now + ISSUING_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(_authority_key_id(root), critical=False),
        root_key,
    )
    return DemoCA(root_cert=root, root_key=root_key, issuing_cert=issuing, issuing_key=issuing_key)


def _authority_key_id(issuer: x509.Certificate) -> x509.AuthorityKeyIdentifier:
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def issue_certificate(
    ca: DemoCA,
    *,
    name: str,
    public_key: SigningPublicKey,
    now: dt.datetime,
    org_credit_code: str | None = None,
    valid_for: dt.timedelta = USER_VALIDITY,
) -> x509.Certificate:
    """Issue a signing certificate (digitalSignature + nonRepudiation) for ``public_key``."""
    now = require_aware(now)
    _check_public_key(public_key)
    subject = _user_subject(name, org_credit_code)
    builder = (
        _builder(subject, ca.issuing_cert.subject, public_key, now)
        .not_valid_after(now + valid_for)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(_authority_key_id(ca.issuing_cert), critical=False)
    )
    return _sign(builder, ca.issuing_key)


def issue_identity(
    ca: DemoCA,
    *,
    name: str,
    now: dt.datetime,
    org_credit_code: str | None = None,
    algorithm: KeyAlgorithm = KeyAlgorithm.ECDSA_P256,
    valid_for: dt.timedelta = USER_VALIDITY,
) -> Identity:
    """Generate a key of ``algorithm`` and issue its signing certificate."""
    key = generate_key(algorithm)
    cert = issue_certificate(
        ca,
        name=name,
        public_key=key.public_key(),
        now=now,
        org_credit_code=org_credit_code,
        valid_for=valid_for,
    )
    return Identity(certificate=cert, key=key, chain=(ca.issuing_cert,))


def _check_public_key(public_key: object) -> None:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        if not isinstance(public_key.curve, ec.SECP256R1):
            raise CertificateMalformed("EC keys must be on P-256")
    elif isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < 2048:
            raise CertificateMalformed("RSA keys must have at least 2048 bits")
    else:
        raise CertificateMalformed("keys must be ECDSA P-256 or RSA")


# --- revocation ---


@dataclass(frozen=True, kw_only=True, slots=True)
class Revocation:
    """One revoked certificate: its serial number and when it was revoked."""

    serial: int
    revoked_at: dt.datetime


def issue_crl(
    ca: DemoCA,
    *,
    revocations: Sequence[Revocation],
    now: dt.datetime,
    valid_for: dt.timedelta = CRL_VALIDITY,
) -> x509.CertificateRevocationList:
    """A CRL signed by the issuing CA listing ``revocations``."""
    now = require_aware(now)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.issuing_cert.subject)
        .last_update(now)
        .next_update(now + valid_for)
        .add_extension(_authority_key_id(ca.issuing_cert), critical=False)
    )
    for entry in revocations:
        revoked = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(require_aware(entry.revoked_at))
            .build()
        )
        builder = builder.add_revoked_certificate(revoked)
    return builder.sign(ca.issuing_key, hashes.SHA256())


# --- trust and chain validation ---


@dataclass(frozen=True, kw_only=True, slots=True)
class TrustStore:
    """Trusted roots (several CAs at once), known intermediates and CRLs."""

    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()

    def __post_init__(self) -> None:
        if not self.roots:
            raise ChainUntrusted("a trust store needs at least one trusted root")

    def with_crls(self, *crls: x509.CertificateRevocationList) -> TrustStore:
        """This store with ``crls`` added."""
        return TrustStore(roots=self.roots, intermediates=self.intermediates, crls=self.crls + crls)

    def merged(self, other: TrustStore) -> TrustStore:
        """A store trusting the roots of both stores (cross-CA recognition)."""
        return TrustStore(
            roots=self.roots + other.roots,
            intermediates=self.intermediates + other.intermediates,
            crls=self.crls + other.crls,
        )


def _require_key_usage(policy: Policy, cert: x509.Certificate, usage: x509.KeyUsage) -> None:
    # Profile: an end-entity signing certificate asserts digitalSignature or
    # nonRepudiation (contentCommitment); a TLS or encryption-only cert does not sign here.
    if not (usage.digital_signature or usage.content_commitment):
        raise ValueError("key usage allows neither digitalSignature nor nonRepudiation")


def _refuse_ca(
    policy: Policy, cert: x509.Certificate, constraints: x509.BasicConstraints | None
) -> None:
    if constraints is not None and constraints.ca:
        raise ValueError("a CA certificate cannot sign documents")


def _signing_ee_policy() -> ExtensionPolicy:
    # These are document-signing certificates, not TLS ones: no SAN or EKU is required
    # (the Web PKI end-entity defaults would demand them), any other extension is allowed.
    return (
        ExtensionPolicy.permit_all()
        .require_present(x509.KeyUsage, Criticality.AGNOSTIC, _require_key_usage)
        .may_be_present(x509.BasicConstraints, Criticality.AGNOSTIC, _refuse_ca)
    )


def check_validity_period(cert: x509.Certificate, at: dt.datetime) -> None:
    """Raise if ``cert`` is not yet valid or has expired at ``at``."""
    at = require_aware(at)
    if at < cert.not_valid_before_utc:
        raise CertificateNotYetValid(
            f"certificate {subject_name(cert)!r} is valid only from "
            f"{cert.not_valid_before_utc.isoformat()}"
        )
    if at > cert.not_valid_after_utc:
        raise CertificateExpired(
            f"certificate {subject_name(cert)!r} expired at {cert.not_valid_after_utc.isoformat()}"
        )


def verify_chain(
    cert: x509.Certificate,
    trust: TrustStore,
    at: dt.datetime,
    untrusted_intermediates: Sequence[x509.Certificate] = (),
) -> tuple[x509.Certificate, ...]:
    """Validate ``cert`` up to a trusted root at ``at``; return the chain, leaf first."""
    at = require_aware(at)
    check_validity_period(cert, at)
    verifier = (
        PolicyBuilder()
        .store(Store(list(trust.roots)))
        .time(at)
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=_signing_ee_policy()
        )
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(cert, [*untrusted_intermediates, *trust.intermediates])
    except (VerificationError, UnsupportedAlgorithm) as exc:
        raise ChainUntrusted(
            f"no trusted chain for {subject_name(cert)!r} at {at.isoformat()}: {exc}"
        ) from exc
    chain = tuple(verified.chain)
    check_revocation(chain, trust, at)
    return chain


def check_revocation(chain: Sequence[x509.Certificate], trust: TrustStore, at: dt.datetime) -> None:
    """Raise if a trusted CRL revokes any certificate of ``chain`` at or before ``at``."""
    at = require_aware(at)
    for cert, issuer in itertools.pairwise(chain):
        revoked_at = _revocation_time(cert, issuer, trust.crls)
        if revoked_at is not None and revoked_at <= at:
            raise CertificateRevoked(
                f"certificate {subject_name(cert)!r} (serial {cert.serial_number:x}) "
                f"was revoked at {revoked_at.isoformat()}"
            )


def _revocation_time(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    crls: Sequence[x509.CertificateRevocationList],
) -> dt.datetime | None:
    # Earliest revocation among the CRLs this issuer really signed; a CRL with the
    # issuer's name but another key is ignored, never trusted.
    times = []
    for crl in crls:
        if crl.issuer != issuer.subject or not _crl_signed_by(crl, issuer):
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None:
            times.append(entry.revocation_date_utc)
    return min(times, default=None)


def _crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    public_key = issuer.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        return False
    return crl.is_signature_valid(public_key)


# --- PEM serialisation ---


def load_pem_certificates(data: bytes) -> tuple[x509.Certificate, ...]:
    """Every certificate in a PEM bundle (at least one)."""
    try:
        return tuple(x509.load_pem_x509_certificates(data))
    except ValueError as exc:
        raise CertificateMalformed(f"not a PEM certificate: {exc}") from exc


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
    _check_public_key(key.public_key())
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
