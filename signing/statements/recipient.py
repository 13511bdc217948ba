"""The recipient statement (DESIGN.md, "Opening committee").

An opening official binds its age X25519 recipient to its signing certificate, and
only the official's own certificate may vouch for it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar, Self

from cryptography import x509

from signing.certs import cert_sha256, require_aware, subject_name
from signing.errors import RecipientStatementMismatch, StatementMalformed
from signing.statements.base import SignedStatement, Statement, verify_statement
from signing.statements.fields import (
    Reader,
    check_hex64,
    check_text,
    format_time,
    utc_seconds,
)
from signing.trust import TrustStore

RECIPIENT_ALGORITHM = "age-x25519"
# age v1 X25519 recipient: Bech32, HRP "age", 32-byte key = 52 data + 6 checksum chars.
_AGE_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}")


@dataclass(frozen=True, kw_only=True, slots=True)
class RecipientStatement(Statement):
    """An opening official binds its age X25519 recipient to its signing certificate."""

    TYPE: ClassVar[str] = "etender.recipient-statement"

    recipient: str
    cert_sha256: str
    subject_name: str
    issued_at: dt.datetime
    recipient_algorithm: str = RECIPIENT_ALGORITHM

    def __post_init__(self) -> None:
        if self.recipient_algorithm != RECIPIENT_ALGORITHM:
            raise StatementMalformed(f"recipient_algorithm must be {RECIPIENT_ALGORITHM!r}")
        if not _AGE_RECIPIENT.fullmatch(self.recipient):
            raise StatementMalformed("recipient must be an age X25519 recipient (age1...)")
        check_hex64("cert_sha256", self.cert_sha256)
        check_text("subject_name", self.subject_name)
        object.__setattr__(self, "issued_at", utc_seconds(self.issued_at, "issued_at"))

    @classmethod
    def for_certificate(cls, recipient: str, cert: x509.Certificate, now: dt.datetime) -> Self:
        """The statement binding ``recipient`` to ``cert``, issued at ``now``."""
        return cls(
            recipient=recipient,
            cert_sha256=cert_sha256(cert),
            subject_name=subject_name(cert),
            issued_at=require_aware(now),
        )

    def to_json(self) -> dict[str, object]:
        """The statement as a JSON-ready dict."""
        return self._header() | {
            "recipient_algorithm": self.recipient_algorithm,
            "recipient": self.recipient,
            "cert_sha256": self.cert_sha256,
            "subject_name": self.subject_name,
            "issued_at": format_time(self.issued_at),
        }

    @classmethod
    def _read(cls, reader: Reader) -> Self:
        return cls(
            recipient_algorithm=reader.text("recipient_algorithm"),
            recipient=reader.text("recipient"),
            cert_sha256=reader.text("cert_sha256"),
            subject_name=reader.text("subject_name"),
            issued_at=reader.time("issued_at"),
        )


def verify_recipient_statement(
    signed: SignedStatement, cert: x509.Certificate, trust: TrustStore, at: dt.datetime
) -> RecipientStatement:
    """Verify an official's recipient statement: signed by ``cert`` itself, about ``cert``."""
    verified = verify_statement(signed, trust, at, RecipientStatement)
    expected = cert_sha256(cert)
    # The platform must not be able to substitute its own key (DESIGN.md, trust model 1):
    # only the official's own certificate may vouch for its recipient.
    if cert_sha256(verified.signer.certificate) != expected:
        raise RecipientStatementMismatch(
            "the statement is not signed by the official's certificate"
        )
    statement = verified.statement
    if statement.cert_sha256 != expected or statement.subject_name != subject_name(cert):
        raise RecipientStatementMismatch("the statement names another certificate")
    return statement
