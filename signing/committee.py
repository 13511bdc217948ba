"""The opening committee a part is sealed to: n officials, threshold k, and its fingerprint.

DESIGN.md, "Opening committee": 2 <= k < n <= 32; each official's age X25519
recipient is bound to its X.509 certificate by a recipient statement it signs; the
bidder's client checks every statement against the CA before sealing, so the
platform cannot substitute its own keys. The fingerprint is

    SHA-256(RFC 8785 {"tender", "lot", "deadline", "k", "n",
                      "officials": [{"x", "recipient", "cert_sha256"}]})

with x = 1…n in committee order and the deadline as RFC 3339 UTC (whole seconds, "Z").
The committee file (docs/formats/sealed-bid.md, "Committee file") adds each
official's certificate and signed statement.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from cryptography import x509

from signing.age import X25519Recipient
from signing.canonical import canonical_json
from signing.certs import cert_sha256, dump_pem_certificate, load_pem_certificate, require_aware
from signing.errors import (
    AgeKeyInvalid,
    CommitteeInvalid,
    CommitteeStatementInvalid,
    ShamirParametersInvalid,
    SigningError,
)
from signing.shamir import check_parameters
from signing.statements.base import SignedStatement
from signing.statements.recipient import verify_recipient_statement
from signing.trust import TrustStore

COMMITTEE_FORMAT = "etender-committee-v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True, kw_only=True, slots=True)
class Official:
    """One key holder: x, age recipient, certificate hash, and the proof binding them."""

    x: int
    recipient: str
    cert_sha256: str
    certificate: x509.Certificate | None = None
    statement: SignedStatement | None = None

    def __post_init__(self) -> None:
        try:
            canonical = X25519Recipient.parse(self.recipient).encode()
        except AgeKeyInvalid as exc:
            raise CommitteeInvalid(f"official x={self.x}: {exc.message}") from exc
        if canonical != self.recipient:
            raise CommitteeInvalid(f"official x={self.x}: recipient must be lower-case age1…")
        if not _HEX64.fullmatch(self.cert_sha256):
            raise CommitteeInvalid(f"official x={self.x}: cert_sha256 is 64 lowercase hex")

    @property
    def age_recipient(self) -> X25519Recipient:
        """The parsed recipient."""
        return X25519Recipient.parse(self.recipient)


@dataclass(frozen=True, kw_only=True, slots=True)
class Committee:
    """The opening committee of one lot (DESIGN.md, "Opening committee")."""

    tender: str
    lot: str
    deadline: dt.datetime
    k: int
    n: int
    officials: tuple[Official, ...]

    def __post_init__(self) -> None:
        if not self.tender or not self.lot:
            raise CommitteeInvalid("tender and lot must be non-empty")
        deadline = require_aware(self.deadline)
        if deadline.microsecond:
            raise CommitteeInvalid("the deadline is in whole seconds")
        object.__setattr__(self, "deadline", deadline.astimezone(dt.UTC))
        try:
            check_parameters(self.k, self.n)
        except ShamirParametersInvalid as exc:
            raise CommitteeInvalid(exc.message) from exc
        self._check_officials()

    def _check_officials(self) -> None:
        if [o.x for o in self.officials] != list(range(1, self.n + 1)):
            raise CommitteeInvalid("officials must be listed with x = 1…n in order")
        # One official holding two shares could open alone with k = 2.
        if len({o.recipient for o in self.officials}) != self.n:
            raise CommitteeInvalid("two officials share one age recipient")
        if len({o.cert_sha256 for o in self.officials}) != self.n:
            raise CommitteeInvalid("two officials share one certificate")

    def fingerprint_json(self) -> dict[str, object]:
        """The JSON object the fingerprint hashes (DESIGN.md, "Opening committee")."""
        officials = [
            {"x": o.x, "recipient": o.recipient, "cert_sha256": o.cert_sha256}
            for o in self.officials
        ]
        return {
            "tender": self.tender,
            "lot": self.lot,
            "deadline": self.deadline.strftime(_TIME),
            "k": self.k,
            "n": self.n,
            "officials": officials,
        }

    @property
    def fingerprint(self) -> bytes:
        """SHA-256 of the RFC 8785 encoding of ``fingerprint_json()``."""
        return hashlib.sha256(canonical_json(self.fingerprint_json())).digest()

    @property
    def fingerprint_hex(self) -> str:
        """The fingerprint as lowercase hex, as logged at publication."""
        return self.fingerprint.hex()

    def recipients(self) -> tuple[X25519Recipient, ...]:
        """The officials' recipients, x = 1…n."""
        return tuple(o.age_recipient for o in self.officials)


def verify_committee(committee: Committee, trust: TrustStore, at: dt.datetime) -> None:
    """Check every official's recipient statement against the CA as of ``at``.

    Refuses (committee_statement_invalid) a committee in which any recipient is not
    vouched for by its official's own certificate: a substituted key never gets a share.
    """
    for official in committee.officials:
        try:
            _verify_official(official, trust, at)
        except SigningError as exc:
            raise CommitteeStatementInvalid(
                f"official x={official.x}: {exc.code}: {exc.message}"
            ) from exc


def _verify_official(official: Official, trust: TrustStore, at: dt.datetime) -> None:
    if official.certificate is None or official.statement is None:
        raise CommitteeStatementInvalid("no certificate or recipient statement")
    if cert_sha256(official.certificate) != official.cert_sha256:
        raise CommitteeStatementInvalid("the certificate does not match cert_sha256")
    statement = verify_recipient_statement(official.statement, official.certificate, trust, at)
    if statement.recipient != official.recipient:
        raise CommitteeStatementInvalid("the statement vouches for another recipient")


# --- the committee file ---


def _b64(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise CommitteeInvalid(f"{name} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise CommitteeInvalid(f"{name} is not base64") from exc


def _text(obj: dict[str, object], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise CommitteeInvalid(f"{where}: field {key!r} must be a string")
    return value


def _integer(obj: dict[str, object], key: str, where: str) -> int:
    value = obj.get(key)
    if type(value) is not int:  # bool is an int in Python but not in JSON
        raise CommitteeInvalid(f"{where}: field {key!r} must be an integer")
    return value


def _official_from_json(item: object) -> Official:
    if not isinstance(item, dict):
        raise CommitteeInvalid("each official is a JSON object")
    where = f"official {item.get('x')!r}"
    statement = item.get("statement")
    if not isinstance(statement, dict):
        raise CommitteeInvalid(f"{where}: statement must be an object")
    return Official(
        x=_integer(item, "x", where),
        recipient=_text(item, "recipient", where),
        cert_sha256=_text(item, "cert_sha256", where),
        certificate=_load_certificate(_text(item, "certificate", where).encode(), where),
        statement=SignedStatement(
            body=_b64(statement.get("body"), f"{where} statement body"),
            signature=_b64(statement.get("signature"), f"{where} statement signature"),
        ),
    )


def _load_certificate(pem: bytes, where: str) -> x509.Certificate:
    try:
        return load_pem_certificate(pem)
    except SigningError as exc:
        raise CommitteeInvalid(f"{where}: {exc.message}") from exc


def _parse_deadline(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise CommitteeInvalid("deadline must be RFC 3339 UTC like 2025-07-01T02:00:00Z")
    try:
        return dt.datetime.strptime(value, _TIME).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise CommitteeInvalid(f"deadline {value!r} is not RFC 3339 UTC (…Z)") from exc


def load_committee(data: bytes) -> Committee:
    """Parse a committee file (format ``etender-committee-v1``)."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CommitteeInvalid(f"the committee file is not UTF-8 JSON: {exc}") from exc
    if not isinstance(obj, dict) or obj.get("format") != COMMITTEE_FORMAT:
        raise CommitteeInvalid(f"not an {COMMITTEE_FORMAT} file")
    officials = obj.get("officials")
    if not isinstance(officials, list):
        raise CommitteeInvalid("officials must be a list")
    return Committee(
        tender=_text(obj, "tender", "committee"),
        lot=_text(obj, "lot", "committee"),
        deadline=_parse_deadline(obj.get("deadline")),
        k=_integer(obj, "k", "committee"),
        n=_integer(obj, "n", "committee"),
        officials=tuple(_official_from_json(item) for item in officials),
    )


def dump_committee(committee: Committee) -> bytes:
    """The committee file: the fingerprint fields plus certificates and statements."""
    value = committee.fingerprint_json() | {"format": COMMITTEE_FORMAT}
    officials = []
    for official in committee.officials:
        if official.certificate is None or official.statement is None:
            raise CommitteeInvalid(f"official x={official.x} lacks certificate or statement")
        officials.append(
            {
                "x": official.x,
                "recipient": official.recipient,
                "cert_sha256": official.cert_sha256,
                "certificate": dump_pem_certificate(official.certificate).decode("ascii"),
                "statement": {
                    "body": base64.b64encode(official.statement.body).decode("ascii"),
                    "signature": base64.b64encode(official.statement.signature).decode("ascii"),
                },
            }
        )
    value["officials"] = officials
    return canonical_json(value)
