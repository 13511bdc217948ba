"""The demo CA: a root and an issuing CA that issue signing certificates and CRLs.

A demo CA ships for trying the platform out (DESIGN.md, "Signatures"); real
deployments trust the CAs they name instead. DEMO ONLY: its keys live in plain files.
Its certificates follow docs/formats/signatures.md, "Certificate profile".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from signing.certs import (
    BROWSER_KEY_POLICY,
    Identity,
    KeyAlgorithm,
    SigningKey,
    SigningPublicKey,
    check_public_key,
    generate_key,
    require_aware,
    validate_credit_code,
)
from signing.errors import AlgorithmUnsupported, CertificateMalformed, CsrInvalid
from signing.trust import TrustStore

DEMO_LABEL = "DEMO ONLY - NOT FOR PRODUCTION"
ROOT_VALIDITY = dt.timedelta(days=20 * 365)
ISSUING_VALIDITY = dt.timedelta(days=10 * 365)
USER_VALIDITY = dt.timedelta(days=2 * 365)
CRL_VALIDITY = dt.timedelta(days=7)


# --- subjects ---


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
    browser_key: bool = False,
) -> x509.Certificate:
    """Issue a signing certificate (digitalSignature + nonRepudiation) for ``public_key``.

    ``browser_key``: the key was made in a browser (issued from its request): the
    certificate carries the browser-key policy, so its registration must name the device
    (docs/formats/signatures.md §2) — the platform need not take the client's word.
    """
    now = require_aware(now)
    check_public_key(public_key)
    subject = _user_subject(name, org_credit_code)
    builder = (
        _builder(subject, ca.issuing_cert.subject, public_key, now)
        .not_valid_after(now + valid_for)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(_authority_key_id(ca.issuing_cert), critical=False)
    )
    if browser_key:
        policy = x509.PolicyInformation(BROWSER_KEY_POLICY, None)
        builder = builder.add_extension(x509.CertificatePolicies([policy]), critical=False)
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


# Exactly one PEM request and nothing else but white space (RFC 7468 §2): a second
# block or trailing text would be ignored by the parser, and what is ignored is not
# what the user meant to send.
_CSR_PEM = re.compile(
    rb"\s*(-----BEGIN CERTIFICATE REQUEST-----[A-Za-z0-9+/=\s]+"
    rb"-----END CERTIFICATE REQUEST-----)\s*"
)
# The digests the profile signs with (docs/formats/signatures.md §3): SHA-1 is broken.
_CSR_HASHES = (hashes.SHA256, hashes.SHA384, hashes.SHA512)


def csr_public_key(pem: bytes) -> SigningPublicKey:
    """The public key of a PEM PKCS#10 request whose self-signature verifies.

    Only the key is taken: the subject is the platform's to write from the account
    (docs/api-auth.md, "The demo CA"), never the request's. The self-signature proves the
    requester holds the key the certificate will name.
    """
    block = _CSR_PEM.fullmatch(pem)
    if block is None:
        raise CsrInvalid(
            "send exactly one PEM certificate request (PKCS#10, a CERTIFICATE REQUEST "
            "block) and nothing else"
        )
    try:
        csr = x509.load_pem_x509_csr(block.group(1))
    except ValueError:
        raise CsrInvalid(
            "the CERTIFICATE REQUEST block is damaged: not a PKCS#10 request"
        ) from None
    try:
        digest = csr.signature_hash_algorithm
    except UnsupportedAlgorithm:
        digest = None
    if not isinstance(digest, _CSR_HASHES):
        raise AlgorithmUnsupported(
            "the request must be signed with SHA-256, SHA-384 or SHA-512 "
            "(ECDSA P-256 or RSA of at least 2048 bits)"
        )
    try:
        public_key = csr.public_key()
        valid = csr.is_signature_valid
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise CsrInvalid("the request's key or signature cannot be read") from None
    if not valid:
        raise CsrInvalid("the request's self-signature does not verify")
    if not isinstance(public_key, (ec.EllipticCurvePublicKey, rsa.RSAPublicKey)):
        raise AlgorithmUnsupported("signer keys must be RSA (>= 2048 bits) or ECDSA P-256")
    try:
        check_public_key(public_key)
    except CertificateMalformed as exc:
        raise AlgorithmUnsupported(exc.message) from None
    return public_key


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
