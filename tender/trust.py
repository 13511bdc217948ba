"""The platform's trust store: the CA roots it accepts signatures under, as files.

The server reads ``<data dir>/trust/``: every ``*.pem`` / ``*.crt`` file holds one or
more PEM certificates — self-signed ones are trusted roots (several CAs at once:
cross-CA recognition, DESIGN.md "Signatures"), the others known intermediates — and
every ``*.crl`` file a CRL (PEM or DER). An operator adds a CA by dropping its root
there and restarting; with no root at all, committee statements cannot be checked and
publication refuses (``committee_statement_invalid``).
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509

from signing.certs import TrustStore, load_crl, load_pem_certificates
from signing.errors import SigningError
from tender.errors import TrustStoreInvalid, TrustStoreMissing

TRUST_DIR = "trust"


def _is_root(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer


def load_trust_store(directory: Path) -> TrustStore:
    """The trust store in ``directory``; ``tender_trust_store_missing`` if it has no root."""
    certificates: list[x509.Certificate] = []
    crls: list[x509.CertificateRevocationList] = []
    paths = sorted(directory.glob("*")) if directory.is_dir() else []
    try:
        for path in paths:
            if path.suffix in (".pem", ".crt"):
                certificates.extend(load_pem_certificates(path.read_bytes()))
            elif path.suffix == ".crl":
                crls.append(load_crl(path.read_bytes()))
    except SigningError as exc:
        raise TrustStoreInvalid(f"{directory}: {exc}") from None
    roots = tuple(c for c in certificates if _is_root(c))
    if not roots:
        raise TrustStoreMissing(f"no trusted CA root in {directory} (*.pem)")
    return TrustStore(
        roots=roots,
        intermediates=tuple(c for c in certificates if not _is_root(c)),
        crls=tuple(crls),
    )


def optional_trust_store(data_dir: Path) -> TrustStore | None:
    """The data dir's trust store, or None when no root is configured yet.

    A malformed file is still an error: a trust store that silently lost a CA would
    refuse honest statements without saying why.
    """
    try:
        return load_trust_store(data_dir / TRUST_DIR)
    except TrustStoreMissing:
        return None
