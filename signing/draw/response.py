"""An expert's signed answer to a draw: the draw-response statement (CMS-signed).

DESIGN.md: "Declines are signed by the expert". Confirmations are signed too, so the
record shows who accepted as well as who refused. The statement is RFC 8785 JSON
(docs/api-expert-pool.md, "Draw-response statement")::

    {"type": "etender.draw-response", "version": 1, "draw_id": "D-…",
     "expert_id": "E1001", "decision": "confirm" | "decline",
     "reason": "…", "issued_at": "2025-03-01T08:00:00Z"}

It names the draw, never the project (notifications and answers must not reveal it).
The signature is a CMS detached SignedData over the exact bytes, by the certificate
registered for the expert in the pool (`signing.cms`); any other signer is refused.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from signing.canonical import canonical_json, sha256_hex
from signing.certs import cert_sha256
from signing.cms import sign_detached, verify_detached
from signing.draw.errors import (
    DrawResponseInvalid,
    DrawResponseSignatureInvalid,
    DrawResponseSignerMismatch,
)
from signing.draw.transcript import ID_PATTERN
from signing.errors import SigningError, TimeNotAware
from signing.trust import TrustStore

TYPE = "etender.draw-response"
VERSION = 1
REASON_MAX = 500
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_KEYS = frozenset({"type", "version", "draw_id", "expert_id", "decision", "reason", "issued_at"})


class Decision(enum.StrEnum):
    """What the expert answers."""

    CONFIRM = "confirm"
    DECLINE = "decline"


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawResponse:
    """An expert's answer to being drawn; its canonical bytes are what is signed."""

    draw_id: str
    expert_id: str
    decision: Decision
    issued_at: dt.datetime
    reason: str = ""

    def __post_init__(self) -> None:
        for name in ("draw_id", "expert_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or ID_PATTERN.fullmatch(value) is None:
                raise DrawResponseInvalid(f"{name} does not match [A-Za-z0-9_-]{{1,64}}")
        if not isinstance(self.reason, str) or len(self.reason) > REASON_MAX:
            raise DrawResponseInvalid(f"reason is a string of at most {REASON_MAX} characters")
        issued = self.issued_at
        if issued.tzinfo is None or issued.utcoffset() is None:
            raise TimeNotAware(
                f"issued_at must be timezone-aware UTC, got naive {issued.isoformat()}"
            )
        moment = issued.astimezone(dt.UTC).replace(microsecond=0)
        object.__setattr__(self, "issued_at", moment)
        object.__setattr__(self, "decision", Decision(self.decision))

    def to_json(self) -> dict[str, Any]:
        """The statement as JSON-ready data."""
        return {
            "type": TYPE,
            "version": VERSION,
            "draw_id": self.draw_id,
            "expert_id": self.expert_id,
            "decision": str(self.decision),
            "reason": self.reason,
            "issued_at": self.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def to_bytes(self) -> bytes:
        """RFC 8785 canonical JSON: the bytes the expert signs."""
        return canonical_json(self.to_json())

    @property
    def sha256(self) -> str:
        """Lowercase hex SHA-256 of the canonical bytes."""
        return sha256_hex(self.to_bytes())

    def sign(
        self,
        cert: x509.Certificate,
        key: PrivateKeyTypes,
        chain: Sequence[x509.Certificate] = (),
    ) -> bytes:
        """A CMS detached signature over the canonical bytes (the expert's own client)."""
        return sign_detached(self.to_bytes(), cert, key, chain=chain)

    @classmethod
    def from_bytes(cls, body: bytes) -> DrawResponse:
        """Parse canonical bytes strictly; DrawResponseInvalid on any deviation."""
        doc = _load(body)
        if doc.get("type") != TYPE or doc.get("version") != VERSION:
            raise DrawResponseInvalid(f"not a {TYPE} version {VERSION}")
        decision = doc["decision"]
        if decision not in {d.value for d in Decision}:
            raise DrawResponseInvalid("decision must be 'confirm' or 'decline'")
        statement = cls(
            draw_id=doc["draw_id"],
            expert_id=doc["expert_id"],
            decision=Decision(decision),
            reason=doc["reason"],
            issued_at=_parse_time(doc["issued_at"]),
        )
        if statement.to_bytes() != body:
            raise DrawResponseInvalid("the statement is not in RFC 8785 canonical form")
        return statement


def _load(body: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DrawResponseInvalid(f"the statement is not UTF-8 JSON: {exc}") from None
    if not isinstance(doc, dict) or set(doc) != _KEYS:
        raise DrawResponseInvalid(f"the statement has exactly the members {sorted(_KEYS)}")
    return doc


def _parse_time(value: Any) -> dt.datetime:
    if not isinstance(value, str) or _TIME.fullmatch(value) is None:
        raise DrawResponseInvalid("issued_at is RFC 3339 UTC like 2025-03-01T08:00:00Z")
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise DrawResponseInvalid("issued_at is not a valid time") from None


def verify_response(
    body: bytes,
    signature: bytes,
    *,
    trust: TrustStore,
    at: dt.datetime,
    registered_cert_sha256: str,
) -> DrawResponse:
    """Verify the signature (chain as of `at`) and signer, then parse the statement."""
    if not signature:
        raise DrawResponseSignatureInvalid("the answer is not signed")
    try:
        signer = verify_detached(body, signature, trust, at)
    except SigningError as exc:
        code = getattr(exc, "code", "signature_invalid")
        raise DrawResponseSignatureInvalid(f"the signature does not verify ({code})") from None
    # Only the expert's own registered certificate may answer for the expert.
    if cert_sha256(signer.certificate) != registered_cert_sha256:
        raise DrawResponseSignerMismatch("signed by a certificate other than the expert's")
    return DrawResponse.from_bytes(body)
