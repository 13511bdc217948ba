"""The platform's trust store: the CA roots it accepts signatures under, as files.

The server reads ``<data dir>/trust/``: every ``*.pem`` / ``*.crt`` file holds one or
more PEM certificates — self-signed ones are trusted roots (several CAs at once:
cross-CA recognition, DESIGN.md "Signatures"), the others known intermediates — and
every ``*.crl`` file a CRL (PEM or DER). With no root at all, committee statements
cannot be checked and publication refuses (``committee_statement_invalid``).

:class:`PlatformTrust` is the one store every verifier of a process uses (logins, key
registration, submit and withdraw statements, draws, the opening; issue 9, item 5),
built once by the application factory. Its refresh rule (docs/formats/signatures.md,
"Trust store refresh"): every use compares the directory's listing — each file's name,
size, modification and change times and inode — with the one it loaded, and re-reads
the directory on any difference, so a CRL dropped in (or a root added) applies to the
next verification in every worker process without a restart; a rewrite the listing
cannot show (same size, within the file system's timestamp resolution) applies at the
latest ``refresh_seconds`` later (``ETENDER_TRUST_REFRESH_SECONDS``).
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509

from signing.certs import load_crl, load_pem_certificates
from signing.errors import SigningError
from signing.trust import TrustStore
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


# One file's identity as the listing sees it: name, size, mtime, ctime (ns), inode.
Listing = tuple[tuple[str, int, int, int, int], ...]


def _listing(directory: Path) -> Listing:
    """The directory's files as ``stat`` sees them; () when there is no directory."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except FileNotFoundError:
        return ()
    found = []
    for entry in entries:
        try:
            st = entry.stat()
        except FileNotFoundError:  # removed between the listing and the stat
            continue
        found.append((entry.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return tuple(found)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class _Loaded:
    listing: Listing
    store: TrustStore | None
    loaded_at: float  # the monotonic clock's reading


class PlatformTrust:
    """The platform's one trust store, ``<data dir>/trust``, re-read when it changes."""

    def __init__(
        self,
        data_dir: Path,
        *,
        refresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = data_dir / TRUST_DIR
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded = self._load()  # a malformed file stops the start, not a request

    def _load(self) -> _Loaded:
        listing = _listing(self.directory)
        return _Loaded(
            listing=listing,
            store=optional_trust_store(self.directory.parent),
            loaded_at=self._clock(),
        )

    def current(self) -> TrustStore | None:
        """The store as the directory holds it now; None while it has no root.

        A malformed file raises ``tender_trust_store_invalid`` on every use until it is
        fixed: verifying against the previous store could miss a new revocation.
        """
        loaded = self._loaded
        stale = self._clock() - loaded.loaded_at >= self.refresh_seconds
        if stale or _listing(self.directory) != loaded.listing:
            with self._lock:
                loaded = self._loaded = self._load()
        return loaded.store

    def require(self) -> TrustStore:
        """:meth:`current`, or ``tender_trust_store_missing`` when no root is configured."""
        store = self.current()
        if store is None:
            raise TrustStoreMissing(f"no trusted CA root in {self.directory} (*.pem)")
        return store
