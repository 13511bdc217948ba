"""A certificate upload read as a PEM bundle: the user's leaf, then its chain (no I/O).

Certificate files as CAs and ``etender demo`` hand them out hold the leaf followed by
the intermediates above it. The registration takes such a file as it is
(docs/api-auth.md, "Signing keys"): the first certificate is the user's, the others may
only be certificates of its chain to a trusted root, and only the leaf is registered.
Anything else is refused before it is parsed — a private key above all: the platform
holds no one's private key (DESIGN.md, "Signatures"), so one sent by mistake is neither
stored, echoed nor logged, and the message tells the user to keep it.
"""

from __future__ import annotations

import re
from datetime import datetime

from cryptography import x509

from accounts.errors import (
    CertificateBundleInvalid,
    CertificateBundlePrivateKey,
    CertificateUnacceptable,
)
from signing.certs import cert_sha256, load_pem_certificates
from signing.errors import SigningError
from signing.trust import TrustStore, verify_chain

# RFC 7468 §2: the encapsulation boundaries; the label says what a block holds.
_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 ]{1,64})-----")
CERTIFICATE = b"CERTIFICATE"


def _labels(pem: bytes) -> list[bytes]:
    return [m.group(1) for m in _BEGIN.finditer(pem)]


def check_blocks(pem: bytes) -> None:
    """Refuse a bundle with a block that is not a certificate (a private key first)."""
    labels = _labels(pem)
    # Any spelling of a key block (encrypted, PKCS#1, SEC 1, a mangled boundary) counts.
    if b"PRIVATE KEY" in pem.upper():
        raise CertificateBundlePrivateKey(
            "the upload contains a private key: it was not stored — send only the "
            "certificate and its chain, and keep the key on your own machine"
        )
    others = sorted({label.decode("ascii") for label in labels if label != CERTIFICATE})
    if others:
        raise CertificateBundleInvalid(
            "the upload may hold only certificates (your own first, then its chain)",
            details={"found": others},
        )
    if not labels:
        raise CertificateUnacceptable("no PEM certificate in the upload")


def trusted_leaf(pem: bytes, trust: TrustStore, now: datetime) -> x509.Certificate:
    """The bundle's first certificate, verified to the trust store at ``now`` through
    the bundle's other certificates, each of which must be on that chain."""
    check_blocks(pem)
    try:
        leaf, *rest = load_pem_certificates(pem)
        chain = verify_chain(leaf, trust, now, untrusted_intermediates=rest)
    except SigningError as exc:
        raise CertificateUnacceptable(f"certificate refused ({exc.code}): {exc.message}") from None
    # After the leaf: each certificate of its chain above it, once. The leaf again (or
    # any certificate twice) is no part of a chain: refused as a stray, by position.
    above = {cert_sha256(c) for c in chain[1:]}
    seen = {cert_sha256(leaf)}
    stray = []
    for n, cert in enumerate(rest, start=2):
        digest = cert_sha256(cert)
        if digest not in above or digest in seen:
            stray.append(n)
        seen.add(digest)
    if stray:
        raise CertificateBundleInvalid(
            "certificates after the first must be its chain to a trusted CA, each once; "
            "these are not",
            details={"positions": stray},
        )
    return leaf
