"""Login by signature (DESIGN.md, "Signatures").

The server issues a challenge; the user logs in by signing its canonical bytes with
the certificate registered for the account, within a few minutes.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import ClassVar, Self

from signing.certs import cert_sha256, require_aware
from signing.cms import SignerInfo, verify_detached
from signing.errors import LoginChallengeExpired, LoginSignerMismatch, StatementMalformed
from signing.statements.base import Statement
from signing.statements.fields import Reader, check_text, format_time, utc_seconds
from signing.trust import TrustStore

LOGIN_MAX_AGE = dt.timedelta(minutes=5)
_NONCE = re.compile(r"(?:[0-9a-f]{2}){16,64}")  # 128 to 512 bits, lowercase hex


@dataclass(frozen=True, kw_only=True, slots=True)
class LoginChallenge(Statement):
    """A server-issued challenge; the user logs in by signing its canonical bytes."""

    TYPE: ClassVar[str] = "etender.login-challenge"

    nonce: str
    origin: str
    issued_at: dt.datetime

    def __post_init__(self) -> None:
        if not isinstance(self.nonce, str) or not _NONCE.fullmatch(self.nonce):
            raise StatementMalformed("nonce must be 32 to 128 lowercase hex digits")
        check_text("origin", self.origin)
        object.__setattr__(self, "issued_at", utc_seconds(self.issued_at, "issued_at"))

    @classmethod
    def new(cls, *, origin: str, now: dt.datetime) -> Self:
        """A fresh challenge with a random 128-bit nonce."""
        return cls(nonce=secrets.token_hex(16), origin=origin, issued_at=require_aware(now))

    def to_json(self) -> dict[str, object]:
        """The statement as a JSON-ready dict."""
        return self._header() | {
            "nonce": self.nonce,
            "origin": self.origin,
            "issued_at": format_time(self.issued_at),
        }

    @classmethod
    def _read(cls, reader: Reader) -> Self:
        return cls(
            nonce=reader.text("nonce"),
            origin=reader.text("origin"),
            issued_at=reader.time("issued_at"),
        )


def verify_login_response(
    challenge: LoginChallenge,
    signature: bytes,
    registered_cert_sha256: str,
    trust: TrustStore,
    at: dt.datetime,
    *,
    max_age: dt.timedelta = LOGIN_MAX_AGE,
) -> SignerInfo:
    """Verify a signed login challenge: fresh at ``at``, by the account's registered cert."""
    at = require_aware(at)
    if not challenge.issued_at <= at <= challenge.issued_at + max_age:
        raise LoginChallengeExpired("the login challenge is expired or not yet issued")
    signer = verify_detached(challenge.to_bytes(), signature, trust, at)
    if cert_sha256(signer.certificate) != registered_cert_sha256:
        raise LoginSignerMismatch("the challenge is not signed by the registered certificate")
    return signer
