"""Signed statements: RFC 8785 JSON bodies with a CMS detached signature.

A statement is what a party commits to: an official binding its age recipient to its
certificate (DESIGN.md, "Opening committee"), a bidder submitting or withdrawing a
bid version ("Submission, receipt, freeze"), a user answering a login challenge
("Signatures"). Bodies are canonical, so a statement's SHA-256 is well defined; a
body that is not exactly the canonical encoding of a valid statement is refused.
Exact shapes: docs/formats/signatures.md, "Statements".
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, Self, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from signing.canonical import canonical_json, sha256_hex
from signing.certs import TrustStore, cert_sha256, require_aware, subject_name
from signing.cms import SignerInfo, sign_detached, verify_detached
from signing.errors import (
    LoginChallengeExpired,
    LoginSignerMismatch,
    RecipientStatementMismatch,
    StatementMalformed,
    StatementTypeMismatch,
)

HASH_ALGORITHM = "sha256"
RECIPIENT_ALGORITHM = "age-x25519"
LOGIN_MAX_AGE = dt.timedelta(minutes=5)

_HEX64 = re.compile(r"[0-9a-f]{64}")
_NONCE = re.compile(r"(?:[0-9a-f]{2}){16,64}")  # 128 to 512 bits, lowercase hex
# age v1 X25519 recipient: Bech32, HRP "age", 32-byte key = 52 data + 6 checksum chars.
_AGE_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@dataclass(frozen=True, kw_only=True, slots=True)
class SignedStatement:
    """A statement's canonical bytes and the DER CMS detached signature over them."""

    body: bytes
    signature: bytes


# --- field checks shared by constructors and parsers ---


def _check_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value or value != value.strip():
        raise StatementMalformed(f"{name} must be a non-empty string without edge spaces")


def _check_hex64(name: str, value: object) -> None:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise StatementMalformed(f"{name} must be 64 lowercase hex digits")


def _check_int(name: str, value: object, minimum: int) -> None:
    # bool is an int in Python but not in JSON: refuse it.
    if type(value) is not int or value < minimum:
        raise StatementMalformed(f"{name} must be an integer >= {minimum}")


def _utc_seconds(value: object, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise StatementMalformed(f"{name} must be a timezone-aware datetime")
    # Statements carry whole seconds so that parsing and re-encoding are exact.
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _format_time(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(name: str, value: str) -> dt.datetime:
    if not _TIME.fullmatch(value):
        raise StatementMalformed(f"{name} must be RFC 3339 UTC like 2025-01-01T08:00:00Z")
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise StatementMalformed(f"{name} is not a valid time: {exc}") from exc


# --- strict JSON reading ---


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise StatementMalformed("a JSON object has a duplicate key")
    return result


def _refuse_constant(name: str) -> object:
    raise StatementMalformed(f"{name} is not JSON")


class _Reader:
    """Typed access to a JSON object that remembers which keys were read."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise StatementMalformed(f"{where} must be a JSON object")
        self._object: dict[str, object] = value
        self._where = where
        self._seen: set[str] = set()

    @classmethod
    def parse(cls, body: bytes) -> _Reader:
        try:
            value = json.loads(
                body.decode("utf-8"),
                object_pairs_hook=_refuse_duplicates,
                parse_constant=_refuse_constant,
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise StatementMalformed(f"the statement is not UTF-8 JSON: {exc}") from exc
        return cls(value, "the statement")

    def take(self, key: str) -> object:
        if key not in self._object:
            raise StatementMalformed(f"{self._where} lacks the field {key!r}")
        self._seen.add(key)
        return self._object[key]

    def text(self, key: str) -> str:
        value = self.take(key)
        if not isinstance(value, str):
            raise StatementMalformed(f"field {key!r} must be a string")
        return value

    def integer(self, key: str) -> int:
        value = self.take(key)
        if type(value) is not int:
            raise StatementMalformed(f"field {key!r} must be an integer")
        return value

    def time(self, key: str) -> dt.datetime:
        return _parse_time(key, self.text(key))

    def finish(self) -> None:
        unknown = sorted(set(self._object) - self._seen)
        if unknown:
            raise StatementMalformed(f"{self._where} has unknown fields {unknown}")


# --- the statement base ---


class _Statement:
    """Shared behaviour: canonical bytes, hashing, strict parsing, signing."""

    __slots__ = ()
    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    def to_json(self) -> dict[str, object]:
        """The statement as a JSON-ready dict."""
        raise NotImplementedError

    @classmethod
    def _read(cls, reader: _Reader) -> Self:
        raise NotImplementedError

    def _header(self) -> dict[str, object]:
        return {"type": self.TYPE, "version": self.VERSION}

    def to_bytes(self) -> bytes:
        """RFC 8785 canonical JSON of the statement."""
        return canonical_json(self.to_json())

    @property
    def sha256(self) -> str:
        """Lowercase hex SHA-256 of the canonical bytes."""
        return sha256_hex(self.to_bytes())

    @classmethod
    def from_bytes(cls, body: bytes) -> Self:
        """Parse canonical bytes strictly (statement_malformed / statement_type_mismatch)."""
        reader = _Reader.parse(body)
        kind = reader.text("type")
        if kind != cls.TYPE:
            raise StatementTypeMismatch(f"expected a {cls.TYPE}, got {kind!r}")
        if reader.integer("version") != cls.VERSION:
            raise StatementMalformed(f"unsupported {cls.TYPE} version")
        statement = cls._read(reader)
        reader.finish()
        if statement.to_bytes() != body:
            raise StatementMalformed("the statement is not in RFC 8785 canonical form")
        return statement

    def sign(
        self,
        cert: x509.Certificate,
        key: PrivateKeyTypes,
        *,
        chain: Sequence[x509.Certificate] = (),
        rsa_pss: bool = False,
    ) -> SignedStatement:
        """Sign the canonical bytes with a CMS detached signature."""
        body = self.to_bytes()
        signature = sign_detached(body, cert, key, chain=chain, rsa_pss=rsa_pss)
        return SignedStatement(body=body, signature=signature)


S = TypeVar("S", bound=_Statement)


@dataclass(frozen=True, kw_only=True, slots=True)
class VerifiedStatement(Generic[S]):
    """A statement whose signature and signer chain verified, with its signer."""

    statement: S
    signer: SignerInfo


def verify_statement(
    signed: SignedStatement, trust: TrustStore, at: dt.datetime, expected_type: type[S]
) -> VerifiedStatement[S]:
    """Verify the signature as of ``at``, then parse the body as ``expected_type``."""
    signer = verify_detached(signed.body, signed.signature, trust, at)
    statement = expected_type.from_bytes(signed.body)
    return VerifiedStatement(statement=statement, signer=signer)


def countersign(
    body: bytes,
    cert: x509.Certificate,
    key: PrivateKeyTypes,
    *,
    chain: Sequence[x509.Certificate] = (),
) -> bytes:
    """A consortium member's CMS detached signature over a submit statement's exact bytes."""
    SubmitStatement.from_bytes(body)  # sign only what is a submit statement
    return sign_detached(body, cert, key, chain=chain)


def verify_countersignatures(
    body: bytes, signatures: Sequence[bytes], trust: TrustStore, at: dt.datetime
) -> list[SignerInfo]:
    """Verify each countersignature over ``body`` as of ``at``; their signers, in order."""
    return [verify_detached(body, signature, trust, at) for signature in signatures]


# --- recipient statement (DESIGN.md, "Opening committee") ---


@dataclass(frozen=True, kw_only=True, slots=True)
class RecipientStatement(_Statement):
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
        _check_hex64("cert_sha256", self.cert_sha256)
        _check_text("subject_name", self.subject_name)
        object.__setattr__(self, "issued_at", _utc_seconds(self.issued_at, "issued_at"))

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
            "issued_at": _format_time(self.issued_at),
        }

    @classmethod
    def _read(cls, reader: _Reader) -> Self:
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


# --- submit and withdraw statements (DESIGN.md, "Submission, receipt, freeze") ---


@dataclass(frozen=True, kw_only=True, slots=True)
class PartHash:
    """One sealed part of a bid: its label and the SHA-256 of its age ciphertext."""

    label: str
    sha256: str

    def __post_init__(self) -> None:
        _check_text("part label", self.label)
        _check_hex64("part sha256", self.sha256)


def _check_bid_fields(tender: str, lot: str, bidder: str, bid_version: int) -> None:
    _check_text("tender", tender)
    _check_text("lot", lot)
    _check_text("bidder", bidder)
    _check_int("bid_version", bid_version, 1)


@dataclass(frozen=True, kw_only=True, slots=True)
class SubmitStatement(_Statement):
    """A bidder completes a submission: the hashes of every part of one bid version.

    Version 2 carries the consortium (联合体): the other members' credit codes, sorted
    ascending, the lead (``bidder``) excluded. Each member countersigns the same bytes
    (docs/formats/upload.md §3.2), so no member can be named without its consent.
    """

    TYPE: ClassVar[str] = "etender.submit-statement"
    VERSION: ClassVar[int] = 2

    tender: str
    lot: str
    bidder: str
    bid_version: int
    parts: tuple[PartHash, ...]
    previous: str | None
    consortium: tuple[str, ...] = ()
    hash_algorithm: str = HASH_ALGORITHM

    def __post_init__(self) -> None:
        _check_bid_fields(self.tender, self.lot, self.bidder, self.bid_version)
        if self.hash_algorithm != HASH_ALGORITHM:
            raise StatementMalformed(f"hash_algorithm must be {HASH_ALGORITHM!r}")
        labels = [part.label for part in self.parts]
        if not labels or len(set(labels)) != len(labels):
            raise StatementMalformed("parts must be non-empty with distinct labels")
        # Version 1 has no predecessor; every later version chains to the one before.
        if (self.previous is None) != (self.bid_version == 1):
            raise StatementMalformed("previous must be null exactly for bid_version 1")
        if self.previous is not None:
            _check_hex64("previous", self.previous)
        for member in self.consortium:
            _check_text("consortium member", member)
        # One encoding per set of members: sorted, distinct, the lead not among them.
        members = list(self.consortium)
        if members != sorted(set(members)) or self.bidder in members:
            raise StatementMalformed(
                "consortium must be the other members' codes, sorted, distinct, without the lead"
            )

    def to_json(self) -> dict[str, object]:
        """The statement as a JSON-ready dict."""
        return self._header() | {
            "hash_algorithm": self.hash_algorithm,
            "tender": self.tender,
            "lot": self.lot,
            "bidder": self.bidder,
            "consortium": list(self.consortium),
            "bid_version": self.bid_version,
            "parts": [{"label": p.label, "sha256": p.sha256} for p in self.parts],
            "previous": self.previous,
        }

    @classmethod
    def _read(cls, reader: _Reader) -> Self:
        previous = reader.take("previous")
        if previous is not None and not isinstance(previous, str):
            raise StatementMalformed("field 'previous' must be a string or null")
        return cls(
            hash_algorithm=reader.text("hash_algorithm"),
            tender=reader.text("tender"),
            lot=reader.text("lot"),
            bidder=reader.text("bidder"),
            consortium=_read_members(reader.take("consortium")),
            bid_version=reader.integer("bid_version"),
            parts=_read_parts(reader.take("parts")),
            previous=previous,
        )


def _read_members(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
        raise StatementMalformed("field 'consortium' must be a list of strings")
    return tuple(value)


def _read_parts(value: object) -> tuple[PartHash, ...]:
    if not isinstance(value, list):
        raise StatementMalformed("field 'parts' must be a list")
    parts = []
    for item in value:
        reader = _Reader(item, "a part")
        parts.append(PartHash(label=reader.text("label"), sha256=reader.text("sha256")))
        reader.finish()
    return tuple(parts)


@dataclass(frozen=True, kw_only=True, slots=True)
class WithdrawStatement(_Statement):
    """A bidder withdraws one submitted bid version, named by its submit statement's hash."""

    TYPE: ClassVar[str] = "etender.withdraw-statement"

    tender: str
    lot: str
    bidder: str
    bid_version: int
    submit_sha256: str
    hash_algorithm: str = HASH_ALGORITHM

    def __post_init__(self) -> None:
        _check_bid_fields(self.tender, self.lot, self.bidder, self.bid_version)
        if self.hash_algorithm != HASH_ALGORITHM:
            raise StatementMalformed(f"hash_algorithm must be {HASH_ALGORITHM!r}")
        _check_hex64("submit_sha256", self.submit_sha256)

    def to_json(self) -> dict[str, object]:
        """The statement as a JSON-ready dict."""
        return self._header() | {
            "hash_algorithm": self.hash_algorithm,
            "tender": self.tender,
            "lot": self.lot,
            "bidder": self.bidder,
            "bid_version": self.bid_version,
            "submit_sha256": self.submit_sha256,
        }

    @classmethod
    def _read(cls, reader: _Reader) -> Self:
        return cls(
            hash_algorithm=reader.text("hash_algorithm"),
            tender=reader.text("tender"),
            lot=reader.text("lot"),
            bidder=reader.text("bidder"),
            bid_version=reader.integer("bid_version"),
            submit_sha256=reader.text("submit_sha256"),
        )


# --- login by signature (DESIGN.md, "Signatures") ---


@dataclass(frozen=True, kw_only=True, slots=True)
class LoginChallenge(_Statement):
    """A server-issued challenge; the user logs in by signing its canonical bytes."""

    TYPE: ClassVar[str] = "etender.login-challenge"

    nonce: str
    origin: str
    issued_at: dt.datetime

    def __post_init__(self) -> None:
        if not isinstance(self.nonce, str) or not _NONCE.fullmatch(self.nonce):
            raise StatementMalformed("nonce must be 32 to 128 lowercase hex digits")
        _check_text("origin", self.origin)
        object.__setattr__(self, "issued_at", _utc_seconds(self.issued_at, "issued_at"))

    @classmethod
    def new(cls, *, origin: str, now: dt.datetime) -> Self:
        """A fresh challenge with a random 128-bit nonce."""
        return cls(nonce=secrets.token_hex(16), origin=origin, issued_at=require_aware(now))

    def to_json(self) -> dict[str, object]:
        """The statement as a JSON-ready dict."""
        return self._header() | {
            "nonce": self.nonce,
            "origin": self.origin,
            "issued_at": _format_time(self.issued_at),
        }

    @classmethod
    def _read(cls, reader: _Reader) -> Self:
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
