"""Trust: the trusted CAs, chain validation and revocation.

Several CAs may be trusted at once (cross-CA recognition; DESIGN.md, "Signatures").
Validation time is always an argument. Revocations count only if dated at or before
that time, so a bidder that revokes its certificate after the deadline cannot escape
its bid (DESIGN.md, trust model 2; "Opening": "as of the receipt time").
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    Policy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from signing.certs import require_aware, subject_name
from signing.errors import (
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    ChainUntrusted,
)


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


def _check_signing_leaf(cert: x509.Certificate) -> None:
    """The profile's end-entity rules, checked before the verifier so that a refusal
    says which one in plain words (the verifier's own validators remain the backstop)."""
    try:
        extensions = cert.extensions
    except ValueError:  # a duplicate or undecodable extension
        raise ChainUntrusted(
            f"the certificate {subject_name(cert)!r} has an extension that cannot be read"
        ) from None
    try:
        constraints = extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        constraints = None
    if constraints is not None and constraints.ca:
        raise ChainUntrusted(
            f"the certificate {subject_name(cert)!r} is a CA certificate: a CA certificate "
            "signs no documents"
        )
    try:
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise ChainUntrusted(
            f"the certificate {subject_name(cert)!r} has no keyUsage: it is not a signing "
            "certificate (digitalSignature or nonRepudiation)"
        ) from None
    if not (usage.digital_signature or usage.content_commitment):
        raise ChainUntrusted(
            f"the certificate {subject_name(cert)!r} is not for signing: its keyUsage "
            "allows neither digitalSignature nor nonRepudiation"
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
    _check_signing_leaf(cert)
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
        # The library's text names its internals (Rust validators, Python exceptions):
        # the message says what is wrong in words a person acts on, never that text.
        raise ChainUntrusted(
            f"no trusted chain for {subject_name(cert)!r} at {at.isoformat()}: it is not "
            "issued by a CA this platform trusts, or a CA certificate on its way is not "
            "valid then or not fit to issue it"
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
