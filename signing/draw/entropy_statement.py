"""A contributor's signed entropy statement (issue 9, item 2).

The contributor's client, after checking the commit's inclusion in a signed checkpoint
(signing.draw.commit_check), may sign its value as a statement naming the draw, the
round, the ``commit_hash`` and that checkpoint — RFC 8785 JSON, CMS detached
signature by a certificate registered for the contributor (docs/api-expert-pool.md,
"Entropy")::

    {"checkpoint_size": 42, "commit_hash": "<64 hex>", "draw_id": "D-…",
     "entropy": "<hex>", "round": 0, "type": "etender.draw-entropy", "version": 1}

The platform checks the signature and that every member equals the contribution, and
keeps the signature; the log entry records the statement's SHA-256 and the signer
certificate's. Nobody — an operator included — can then claim a value was built on
another commit.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from signing.canonical import canonical_json, sha256_hex
from signing.certs import cert_sha256
from signing.cms import sign_detached, verify_detached
from signing.draw.errors import DrawEntropyStatementInvalid
from signing.errors import SigningError
from signing.trust import TrustStore

TYPE = "etender.draw-entropy"
VERSION = 1
_KEYS = frozenset(
    {"type", "version", "draw_id", "round", "entropy", "commit_hash", "checkpoint_size"}
)


@dataclass(frozen=True, kw_only=True, slots=True)
class EntropyStatement:
    """What a contribution claims; its canonical bytes are what the contributor signs."""

    draw_id: str
    round: int
    entropy: str
    commit_hash: str
    checkpoint_size: int

    def to_json(self) -> dict[str, Any]:
        """The statement as JSON-ready data."""
        return {
            "type": TYPE,
            "version": VERSION,
            "draw_id": self.draw_id,
            "round": self.round,
            "entropy": self.entropy,
            "commit_hash": self.commit_hash,
            "checkpoint_size": self.checkpoint_size,
        }

    def to_bytes(self) -> bytes:
        """RFC 8785 canonical JSON: the bytes signed."""
        return canonical_json(self.to_json())

    def sign(
        self, cert: x509.Certificate, key: PrivateKeyTypes, chain: Sequence[x509.Certificate] = ()
    ) -> bytes:
        """A CMS detached signature over the canonical bytes (the contributor's own client)."""
        return sign_detached(self.to_bytes(), cert, key, chain=chain)

    @classmethod
    def from_bytes(cls, body: bytes) -> EntropyStatement:
        """Parse canonical bytes strictly; DrawEntropyStatementInvalid on any deviation."""
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise DrawEntropyStatementInvalid("the statement is not UTF-8 JSON") from None
        if not isinstance(doc, dict) or set(doc) != _KEYS:
            raise DrawEntropyStatementInvalid(f"the statement has exactly {sorted(_KEYS)}")
        if doc["type"] != TYPE or doc["version"] != VERSION:
            raise DrawEntropyStatementInvalid(f"not a {TYPE} version {VERSION}")
        ints = (doc["round"], doc["checkpoint_size"])
        texts = (doc["draw_id"], doc["entropy"], doc["commit_hash"])
        if any(type(x) is not int for x in ints) or any(not isinstance(x, str) for x in texts):
            raise DrawEntropyStatementInvalid("round and checkpoint_size are integers")
        statement = cls(
            draw_id=doc["draw_id"],
            round=doc["round"],
            entropy=doc["entropy"],
            commit_hash=doc["commit_hash"],
            checkpoint_size=doc["checkpoint_size"],
        )
        if statement.to_bytes() != body:
            raise DrawEntropyStatementInvalid("the statement is not in RFC 8785 canonical form")
        return statement


@dataclass(frozen=True, kw_only=True, slots=True)
class VerifiedStatement:
    """A statement whose signature held, by a certificate registered for its author."""

    statement: EntropyStatement
    sha256: str  # of the statement's bytes
    signer_cert_sha256: str
    signature: bytes


def verify_statement(
    body: bytes,
    signature: bytes,
    *,
    trust: TrustStore,
    at: datetime,
    registered: Collection[str],
) -> VerifiedStatement:
    """Verify the signature (chain as of ``at``), that the signer is registered, parse."""
    try:
        signer = verify_detached(body, signature, trust, at)
    except SigningError as exc:
        code = getattr(exc, "code", "signature_invalid")
        raise DrawEntropyStatementInvalid(f"the signature does not verify ({code})") from None
    digest = cert_sha256(signer.certificate)
    if digest not in registered:
        raise DrawEntropyStatementInvalid("signed by a certificate not registered for you")
    return VerifiedStatement(
        statement=EntropyStatement.from_bytes(body),
        sha256=sha256_hex(body),
        signer_cert_sha256=digest,
        signature=signature,
    )
