"""Sealed bids as stored: uploads, bids, versions, parts, freeze entries, and their errors.

DESIGN.md, "Submission, receipt, freeze": a part is uploaded (resumably) into the blob
store and checked; a bid version is recorded only when the bidder's signed submit
statement names parts that are durable; every version is kept; at the deadline each
lot's freeze list fixes each bidder's final part hashes. No I/O here.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID

from tender.errors import TenderError

DEFAULT_MAX_PART_BYTES = 1 << 30  # issue 4, item 5: 1 GiB unless configured
PART_LABELS = frozenset({"main", "technical", "commercial"})
_SHA256 = re.compile(r"[0-9a-f]{64}")


class UploadStatus(enum.StrEnum):
    """An upload is open until its last byte, then complete (checked, durable) or failed.

    An open upload that can never become a bid (its deadline passed) or that lay idle
    too long is ``abandoned`` by the cleanup job and its staged bytes deleted.
    """

    OPEN = "open"
    COMPLETE = "complete"
    FAILED = "failed"
    ABANDONED = "abandoned"


class AbandonReason(enum.StrEnum):
    """Why an upload was abandoned (its ``failure``; docs/formats/upload.md §2.4)."""

    DEADLINE_PASSED = "bid_deadline_passed"
    IDLE = "bid_upload_idle"


class BidStatus(enum.StrEnum):
    """A bid's state: its latest version is a submission or a withdrawal."""

    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class VersionKind(enum.StrEnum):
    """What a bid version records."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"


class BidEvent(enum.StrEnum):
    """Log entry kinds of submissions and freezes (DESIGN.md, "Transparency log")."""

    SUBMITTED = "tender.bid_submitted"
    WITHDRAWN = "tender.bid_withdrawn"
    FROZEN = "tender.bids_frozen"


# --- errors (codes are public: docs/formats/upload.md) ------------------------------


class SubmissionError(TenderError):
    """Root of the submission errors."""

    code = "bid_error"


class UploadNotFound(SubmissionError):
    """No upload with this id belongs to the actor's organisation."""

    code = "bid_upload_not_found"
    status = 404


class UploadInputInvalid(SubmissionError):
    """An upload's part label, size or hash is malformed."""

    code = "bid_upload_input_invalid"


class UploadTooLarge(SubmissionError):
    """The declared size exceeds the limit, or more bytes came than declared."""

    code = "bid_upload_too_large"


class UploadOffsetWrong(SubmissionError):
    """A chunk must start exactly at the committed offset (GET the upload to resume)."""

    code = "bid_upload_offset_conflict"
    status = 409


class UploadClosed(SubmissionError):
    """The upload is complete or failed; no more chunks are accepted."""

    code = "bid_upload_closed_conflict"
    status = 409


class UploadBusy(SubmissionError):
    """Another request (in any process) holds this upload's writer lease right now."""

    code = "bid_upload_busy_conflict"
    status = 409


class UploadStorageFull(SubmissionError):
    """The blob store's disk is full: nothing unacknowledged was kept (docs/faults.md)."""

    code = "bid_upload_storage_full"
    status = 507  # Insufficient Storage (RFC 4918 §11.5): the server's, not the bidder's


class UploadAbandoned(SubmissionError):
    """The upload was abandoned (deadline passed or idle too long): start a new one."""

    code = "bid_upload_abandoned_conflict"
    status = 409


class UploadsOpenTooMany(SubmissionError):
    """The organisation has as many open uploads in this lot as allowed: resume one.

    ``details``: ``limit`` and the ``open`` upload ids (docs/formats/upload.md §2.5).
    """

    code = "bid_upload_open_limit_conflict"
    status = 409


class UploadsStagedTooLarge(SubmissionError):
    """The organisation's uploads not in any bid would exceed the staged-bytes cap.

    ``details``: ``limit_bytes``, ``staged_bytes`` and ``declared_size`` (§2.5).
    """

    code = "bid_upload_staged_limit_conflict"
    status = 409


class UploadHashMismatch(SubmissionError):
    """The bytes received do not hash to the declared SHA-256 (a tampered chunk)."""

    code = "bid_upload_hash_mismatch"


class PartNotAge(SubmissionError):
    """The part is not an age v1 file (its header does not parse)."""

    code = "bid_part_not_age"


class PartStanzasInvalid(SubmissionError):
    """The header lacks the bidder's X25519 stanza or carries foreign stanzas."""

    code = "bid_part_stanzas_invalid"


class PartCommitteeMismatch(SubmissionError):
    """The share stanzas do not fit the lot's committee (one per official, its k and n)."""

    code = "bid_part_committee_mismatch"


class PartNotUploaded(SubmissionError):
    """A submit statement names a part hash with no complete upload of this bidder."""

    code = "bid_part_not_uploaded"


class StatementInvalid(SubmissionError):
    """The signed statement is missing, malformed, or its signature does not verify."""

    code = "bid_statement_invalid"


class SignerMismatch(SubmissionError):
    """The statement is signed by a certificate of another organisation."""

    code = "bid_signer_mismatch"


class SignerNotRegistered(SubmissionError):
    """The signing certificate is not registered on the platform by an active user of the
    organisation it speaks for, or was rotated out (docs/formats/signatures.md §6)."""

    code = "bid_signer_not_registered"


class CountersignatureMissing(SubmissionError):
    """A consortium member named in the submit statement has not countersigned it."""

    code = "bid_countersignature_missing"


class CountersignatureInvalid(SubmissionError):
    """A countersignature does not verify, is by no member, or repeats a member."""

    code = "bid_countersignature_invalid"


class StatementMismatch(SubmissionError):
    """The statement names another tender, lot, bidder or set of parts."""

    code = "bid_statement_mismatch"


class BidDuplicate(SubmissionError):
    """One bid per bidder per lot: replace it with the next version instead."""

    code = "bid_duplicate"
    status = 409


class BidVersionConflict(SubmissionError):
    """The statement's version or previous hash does not follow the stored chain."""

    code = "bid_version_conflict"
    status = 409


class BidNotFound(SubmissionError):
    """The bidder has no bid (or no such version) in this lot."""

    code = "bid_not_found"
    status = 404


class BidNotSubmitted(SubmissionError):
    """Only a submitted bid can be withdrawn."""

    code = "bid_not_submitted_conflict"
    status = 409


class BidDeadlinePassed(SubmissionError):
    """DESIGN.md "Time": the database clock at commit is at or after the deadline."""

    code = "bid_deadline_passed"


class BidsFrozen(SubmissionError):
    """The lot's freeze list is written; its bids no longer change."""

    code = "bids_frozen_conflict"
    status = 409


class FreezeTooEarly(SubmissionError):
    """A lot freezes at its deadline, not before."""

    code = "bid_freeze_too_early"


# --- values ---------------------------------------------------------------------------


def check_part_label(label: str, allowed: tuple[str, ...]) -> str:
    """A part label the tender uses (``main``; or ``technical`` / ``commercial``)."""
    if label not in allowed:
        raise UploadInputInvalid(f"the part label must be one of {', '.join(allowed)}")
    return label


def check_hex64(value: str, *, name: str) -> str:
    """64 lowercase hex digits."""
    if not _SHA256.fullmatch(value):
        raise UploadInputInvalid(f"{name} must be 64 lowercase hex digits")
    return value


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Upload:
    """One resumable upload of one sealed part."""

    id: UUID
    tender_id: UUID
    lot_id: UUID
    bidder_id: UUID
    part: str
    declared_size: int
    declared_sha256: str
    staging_id: str
    committed_offset: int
    status: UploadStatus
    failure: str | None
    created_at: datetime
    completed_at: datetime | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidPart:
    """A sealed part of one version: its label and its blob (SHA-256 of the age file)."""

    label: str
    sha256: str
    size: int


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidVersion:
    """One version of a bid with its statement and the platform's receipt."""

    bid_id: UUID
    version: int
    kind: VersionKind
    statement: bytes
    signature: bytes
    statement_sha256: str
    received_at: datetime
    log_index: int
    receipt: bytes
    receipt_signature: bytes
    parts: tuple[BidPart, ...]
    # The salt of this version's commitment data.bidder (the bid's own for versions
    # from before migration 0120): its bidder checks the entry with it (upload.md §4.2).
    bidder_salt: bytes


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Bid:
    """One bidder's bid for one lot: its current state and version."""

    id: UUID
    tender_id: UUID
    lot_id: UUID
    bidder_id: UUID
    consortium: tuple[str, ...]
    status: BidStatus
    version: int
    bidder_salt: bytes


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class FreezeEntry:
    """One bidder's line of a lot's freeze list: its final version and part hashes."""

    bid_id: UUID
    bidder_id: UUID
    bidder_credit_code: str
    version: int
    parts: tuple[BidPart, ...]
    consortium: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class FreezeList:
    """A lot's freeze list as written and logged at the deadline."""

    tender_id: UUID
    lot_id: UUID
    lot: str
    frozen_at: datetime
    log_index: int
    list_sha256: str
    entries: tuple[FreezeEntry, ...]


# --- rules over a lot's bids (pure) ----------------------------------------------------------


def organisations_in_two_bids(entries: Sequence[FreezeEntry]) -> dict[UUID, tuple[str, ...]]:
    """Reg. 37: an organisation in two bids of one lot — as bidder (lead) or consortium
    member — invalidates both. Returns each such bid with the credit codes it shares."""
    bids_of: defaultdict[str, set[UUID]] = defaultdict(set)
    for entry in entries:
        for code in (entry.bidder_credit_code, *entry.consortium):
            bids_of[code].add(entry.bid_id)
    shared: defaultdict[UUID, set[str]] = defaultdict(set)
    for code, bids in bids_of.items():
        if len(bids) > 1:
            for bid_id in bids:
                shared[bid_id].add(code)
    return {bid_id: tuple(sorted(codes)) for bid_id, codes in shared.items()}


def identical_hashes(named: Iterable[tuple[str, UUID]]) -> dict[str, tuple[UUID, ...]]:
    """Reg. 40: part hashes that more than one bidder uploaded or submitted in one lot.

    ``named`` is every (sha256, bidder id) the lot has seen — any upload, any version,
    replaced ones included. Two bidders never seal the same bytes by chance (each seal
    draws a fresh file key): identical ciphertext means one copied the other's file.
    """
    bidders: defaultdict[str, set[UUID]] = defaultdict(set)
    for sha256, bidder_id in named:
        bidders[sha256].add(bidder_id)
    return {h: tuple(sorted(b)) for h, b in sorted(bidders.items()) if len(b) > 1}
