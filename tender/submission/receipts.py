"""Bid receipts: canonical JSON signed by the platform (CMS detached), and its identity.

DESIGN.md, "Submission, receipt, freeze": once the ciphertext is durable the platform
returns a receipt — RFC 8785 JSON of tender, lot, bidder, version, part hashes,
received-at (database clock) and log index — with a CMS detached signature that
``openssl cms -verify -binary -inform DER`` accepts (docs/formats/upload.md).

The platform's receipt-signing identity lives in ``<data dir>/keys/receipts/``:

- ``receipt.pem`` (certificate, then its chain) and ``receipt.key`` configured by the
  operator (issued by a CA the public trusts) are used as they are;
- otherwise, at first start, a demo CA of its own and a receipt certificate are created
  there (``ca-root.pem`` is what verifiers pass as ``-CAfile``). That CA is never added
  to the platform's trust store: it must not be able to sign as a bidder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography import x509

from signing.canonical import canonical_json
from signing.certs import (
    Identity,
    dump_pem_certificate,
    dump_pem_private_key,
    load_pem_certificates,
    load_pem_private_key,
)
from signing.cms import sign_detached
from signing.demo_ca import create_demo_ca, issue_identity
from signing.log.entry import format_time
from tender.keyfiles import creating, write_new
from tender.submission.model import BidPart, VersionKind

RECEIPT_TYPE = "etender.bid-receipt"
RECEIPT_FORMAT = 1
RECEIPT_DIR = Path("keys") / "receipts"
PLATFORM_NAME = "etender 投标回执签名"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ReceiptSigner:
    """The platform's receipt identity and the root verifiers pass to ``openssl``."""

    identity: Identity
    root: x509.Certificate

    def sign(self, body: bytes) -> bytes:
        """DER CMS detached SignedData over ``body``, with the intermediates embedded."""
        ident = self.identity
        return sign_detached(body, ident.certificate, ident.key, chain=ident.chain)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _create(directory: Path, now: dt.datetime) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca = create_demo_ca(now=now)
    ident = issue_identity(ca, name=PLATFORM_NAME, now=now)
    chain = b"".join(dump_pem_certificate(c) for c in (ident.certificate, *ident.chain))
    _write_private(directory / "receipt.key", dump_pem_private_key(ident.key))
    (directory / "ca-root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    write_new(directory / "receipt.pem", chain)  # last, whole: its presence means done


def load_or_create(data_dir: Path, *, now: dt.datetime | None = None) -> ReceiptSigner:
    """The configured receipt identity, or a demo one created at first start."""
    directory = data_dir / RECEIPT_DIR
    if not (directory / "receipt.pem").exists():  # locked only to create (tender/keyfiles.py)
        with creating(directory):
            if not (directory / "receipt.pem").exists():
                _create(directory, now or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    certificates = load_pem_certificates((directory / "receipt.pem").read_bytes())
    key = load_pem_private_key((directory / "receipt.key").read_bytes())
    root_path = directory / "ca-root.pem"
    root = load_pem_certificates(root_path.read_bytes())[0] if root_path.exists() else None
    identity = Identity(certificate=certificates[0], key=key, chain=tuple(certificates[1:]))
    return ReceiptSigner(identity=identity, root=root or certificates[-1])


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PendingVersion:
    """A version as recorded, before its receipt: its log entry queued (migration 0093)."""

    bid_id: UUID
    version: int
    kind: VersionKind
    statement: bytes
    signature: bytes
    statement_sha256: str
    received_at: dt.datetime
    log_queued: int
    parts: tuple[BidPart, ...]
    bidder_salt: bytes  # this version's commitment's own salt (migration 0120)


def receipt_json(
    *,
    tender_code: str,
    tender_id: str,
    lot: str,
    bidder: str,
    version: int,
    kind: VersionKind,
    parts: Sequence[BidPart],
    statement_sha256: str,
    received_at: dt.datetime,
    log_index: int,
) -> dict[str, Any]:
    """The receipt's fields (docs/formats/upload.md, "Receipt")."""
    return {
        "type": RECEIPT_TYPE,
        "format": RECEIPT_FORMAT,
        "tender": tender_code,
        "tender_id": tender_id,
        "lot": lot,
        "bidder": bidder,
        "version": version,
        "kind": str(kind),
        "parts": [{"label": p.label, "sha256": p.sha256, "size": p.size} for p in parts],
        "statement_sha256": statement_sha256,
        "received_at": format_time(received_at),
        "log_index": log_index,
    }


def receipt_bytes(fields: dict[str, Any]) -> bytes:
    """The receipt as signed: RFC 8785 canonical JSON."""
    return canonical_json(fields)
