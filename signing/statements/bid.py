"""The submit and withdraw statements (DESIGN.md, "Submission, receipt, freeze").

A bidder submits a bid version by signing the hashes of its sealed parts, chained to
the version before; consortium members countersign the same bytes. A withdrawal names
the submit statement it withdraws by its hash (docs/formats/upload.md §3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from signing.cms import SignerInfo, sign_detached, verify_detached
from signing.errors import StatementMalformed
from signing.log.entry import commit
from signing.statements.base import Statement
from signing.statements.fields import Reader, check_hex64, check_int, check_text
from signing.trust import TrustStore

HASH_ALGORITHM = "sha256"
# The label of a bid version's commitment to its statement's hash (docs/audit-log.md
# §1.2, docs/formats/upload.md §5): the version's salt also opens its bidder commitment,
# under commit()'s own label, so the two never coincide.
STATEMENT_COMMIT_LABEL = b"etender-bid-statement-v1"


def statement_commitment(statement_sha256: str, salt: bytes) -> str:
    """``data.statement`` of a bid version's log entry (format 2): hex SHA-256(
    lp("etender-bid-statement-v1") || lp(salt) || lp(statement_sha256 as ASCII hex)).

    The statement's plain hash is never logged before the freeze: every field of the
    statement but the bidder is public, so a reader could hash each credit code and
    name the bidder (the outside tester's finding 1, session 15).
    """
    return commit(statement_sha256, salt, label=STATEMENT_COMMIT_LABEL)


@dataclass(frozen=True, kw_only=True, slots=True)
class PartHash:
    """One sealed part of a bid: its label and the SHA-256 of its age ciphertext."""

    label: str
    sha256: str

    def __post_init__(self) -> None:
        check_text("part label", self.label)
        check_hex64("part sha256", self.sha256)


def _check_bid_fields(tender: str, lot: str, bidder: str, bid_version: int) -> None:
    check_text("tender", tender)
    check_text("lot", lot)
    check_text("bidder", bidder)
    check_int("bid_version", bid_version, 1)


@dataclass(frozen=True, kw_only=True, slots=True)
class SubmitStatement(Statement):
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
            check_hex64("previous", self.previous)
        for member in self.consortium:
            check_text("consortium member", member)
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
    def _read(cls, reader: Reader) -> Self:
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
        reader = Reader(item, "a part")
        parts.append(PartHash(label=reader.text("label"), sha256=reader.text("sha256")))
        reader.finish()
    return tuple(parts)


@dataclass(frozen=True, kw_only=True, slots=True)
class WithdrawStatement(Statement):
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
        check_hex64("submit_sha256", self.submit_sha256)

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
    def _read(cls, reader: Reader) -> Self:
        return cls(
            hash_algorithm=reader.text("hash_algorithm"),
            tender=reader.text("tender"),
            lot=reader.text("lot"),
            bidder=reader.text("bidder"),
            bid_version=reader.integer("bid_version"),
            submit_sha256=reader.text("submit_sha256"),
        )


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
