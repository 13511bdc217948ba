"""The opening record (开标记录) of one lot: canonical JSON, signed by the platform.

Reg. 44 and DOMAIN.md ("Submission and opening"): after decryption the platform
publishes the bidders, their prices and the other opening-form items, and every
failure with its cause and the party at fault (DESIGN.md, "Opening"). The record is
RFC 8785 JSON (docs/formats/opening.md, "Opening record") with a CMS detached
signature by the platform's signing identity, the same one that signs receipts, so
``openssl cms -verify -binary -inform DER`` checks it. Bidders then confirm it with
their own signature over the same bytes, or object.

A record is built only when every bid of the lot has opened or failed: building one
with a pending bid is refused, so no price can leak early (DESIGN.md, "Opening").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from signing.canonical import canonical_json, sha256_hex
from signing.certs import Identity
from signing.cms import SignerInfo, sign_detached, verify_detached
from signing.log.entry import format_time
from signing.trust import TrustStore
from tender.opening.model import Cause, OpeningError, Outcome, Party, fault_of, require_aware

RECORD_TYPE = "etender.opening-record"
RECORD_FORMAT = 1

FieldValue = int | str


class OpeningRecordIncomplete(OpeningError):
    """A record may not be built while a bid of the lot is still pending (no early prices)."""

    code = "opening_record_incomplete"


class OpeningRecordMalformed(OpeningError):
    """Bytes that are not a canonical opening record of this format."""

    code = "opening_record_malformed"


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordEntry:
    """One bid in the record: who, what it became, and its opening-form fields."""

    bidder: str  # credit code of the lead member
    bidder_name: str
    consortium: tuple[str, ...] = ()
    version: int
    received_at: dt.datetime
    parts: Mapping[str, str]  # part label → SHA-256 of the sealed part
    outcome: Outcome
    cause: Cause | None = None
    opened_by: str = ""  # "officials" or "bidder" (self-decryption, lenient policy)
    fields: Mapping[str, FieldValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_aware(self.received_at)
        if self.outcome is Outcome.PENDING:
            raise OpeningRecordIncomplete(f"the bid of {self.bidder} is still pending")
        if (self.outcome is Outcome.OPENED) == (self.cause is not None):
            raise OpeningRecordMalformed("an opened bid has no cause; a failed one has one")
        if self.outcome is not Outcome.OPENED and self.fields:
            raise OpeningRecordMalformed("a failed bid shows no opening-form fields")
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))
        object.__setattr__(self, "parts", MappingProxyType(dict(self.parts)))

    def to_json(self) -> dict[str, Any]:
        """The entry's JSON object (docs/formats/opening.md)."""
        return {
            "bidder": self.bidder,
            "bidder_name": self.bidder_name,
            "consortium": list(self.consortium),
            "version": self.version,
            "received_at": format_time(self.received_at),
            "parts": [{"label": k, "sha256": v} for k, v in sorted(self.parts.items())],
            "outcome": str(self.outcome),
            "cause": None if self.cause is None else str(self.cause),
            "party_at_fault": None if self.cause is None else str(fault_of(self.cause)),
            "opened_by": self.opened_by,
            "fields": dict(self.fields),
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class OpeningRecord:
    """The 开标记录 of one lot (or the notice that the lot did not open)."""

    tender_id: str
    tender_code: str
    title: str
    lot: str
    part: str  # "main", or "technical"/"commercial" for two-envelope tenders
    deadline: dt.datetime
    settled_at: dt.datetime
    policy: str
    committee_fingerprint: str
    freeze_list_sha256: str
    officials_released: tuple[int, ...]
    entries: tuple[RecordEntry, ...]
    not_opened_reason: str | None = None  # e.g. "opening_too_few_bids" (Reg. 44)

    def __post_init__(self) -> None:
        require_aware(self.deadline)
        require_aware(self.settled_at)
        bidders = [e.bidder for e in self.entries]
        if len(set(bidders)) != len(bidders):
            raise OpeningRecordMalformed("one entry per bidder")

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (docs/formats/opening.md, "Opening record")."""
        return {
            "type": RECORD_TYPE,
            "format": RECORD_FORMAT,
            "tender_id": self.tender_id,
            "tender": self.tender_code,
            "title": self.title,
            "lot": self.lot,
            "part": self.part,
            "deadline": format_time(self.deadline),
            "settled_at": format_time(self.settled_at),
            "policy": self.policy,
            "committee_fingerprint": self.committee_fingerprint,
            "freeze_list_sha256": self.freeze_list_sha256,
            "officials_released": sorted(self.officials_released),
            "not_opened_reason": self.not_opened_reason,
            "entries": [e.to_json() for e in sorted(self.entries, key=lambda e: e.bidder)],
        }

    def to_bytes(self) -> bytes:
        """The bytes that are signed, published and confirmed: RFC 8785 JSON."""
        return canonical_json(self.to_json())


@dataclass(frozen=True, kw_only=True, slots=True)
class SignedRecord:
    """A record's bytes with the platform's detached CMS signature (DER)."""

    body: bytes
    signature: bytes

    @property
    def sha256(self) -> str:
        """SHA-256 of the record bytes, as logged."""
        return sha256_hex(self.body)


def sign_record(record: OpeningRecord, signer: Identity) -> SignedRecord:
    """Sign the record with the platform identity, intermediates embedded for openssl."""
    body = record.to_bytes()
    signature = sign_detached(body, signer.certificate, signer.key, chain=signer.chain)
    return SignedRecord(body=body, signature=signature)


def verify_record(signed: SignedRecord, trust: TrustStore, at: dt.datetime) -> dict[str, Any]:
    """Check the signature and that the body is a canonical record; return its JSON."""
    verify_detached(signed.body, signed.signature, trust, require_aware(at))
    return parse_record(signed.body)


def parse_record(body: bytes) -> dict[str, Any]:
    """Strictly parse record bytes: canonical JSON with this type and format."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OpeningRecordMalformed("the record is not JSON") from exc
    if not isinstance(value, dict) or canonical_json(value) != body:
        raise OpeningRecordMalformed("the record is not an RFC 8785 canonical JSON object")
    if (value.get("type"), value.get("format")) != (RECORD_TYPE, RECORD_FORMAT):
        raise OpeningRecordMalformed("not an opening record of format 1")
    return value


def confirm_record(signed: SignedRecord, bidder: Identity) -> bytes:
    """A bidder's confirmation: its own detached CMS signature over the record bytes."""
    return sign_detached(signed.body, bidder.certificate, bidder.key, chain=bidder.chain)


def verify_confirmation(
    signed: SignedRecord, confirmation: bytes, trust: TrustStore, at: dt.datetime
) -> SignerInfo:
    """Check a bidder's confirmation of exactly these record bytes."""
    return verify_detached(signed.body, confirmation, trust, require_aware(at))


def price_table(record: Mapping[str, Any]) -> Sequence[tuple[str, FieldValue | None]]:
    """(bidder, price in fen or None) for the announcement (唱标), in record order."""
    return [(e["bidder"], e["fields"].get("price")) for e in record["entries"]]


def count_failures_by_party(record: OpeningRecord) -> Mapping[Party, int]:
    """How many failures each party caused (the supervisor's summary)."""
    counts: dict[Party, int] = {}
    for entry in record.entries:
        if entry.cause is not None:
            party = fault_of(entry.cause)
            counts[party] = counts.get(party, 0) + 1
    return counts
