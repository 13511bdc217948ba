"""What happens to a published tender: documents and downloads, clarifications,
objections, bonds and alerts (no I/O).

Every version of every document is kept (DOMAIN.md, "Records"); a download records
who, when, which version and its hash (EBM); bonds are either a bank transfer or an
electronic guarantee letter (电子保函).
"""

from __future__ import annotations

import dataclasses
import enum
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from tender.errors import DocumentNameInvalid, TenderInputInvalid

_ACCOUNT = re.compile(r"[0-9]{8,34}")


class ClarificationKind(enum.StrEnum):
    """A clarification (澄清) explains; an amendment (修改) changes the documents."""

    CLARIFICATION = "clarification"
    AMENDMENT = "amendment"


class BondKind(enum.StrEnum):
    """How a bid bond (保证金) is given."""

    TRANSFER = "transfer"  # a bank transfer from the bidder's account
    GUARANTEE = "guarantee"  # an electronic guarantee letter (电子保函)


class BondStatus(enum.StrEnum):
    """Where a bond stands."""

    HELD = "held"
    REFUNDED = "refunded"


def check_document_name(name: str) -> str:
    """A file name: NFC, 1–200 characters, no path separators, controls or dot names."""
    if (
        not name
        or len(name) > 200
        or name != unicodedata.normalize("NFC", name)
        or name != name.strip()
        or name in (".", "..")
        or any(ch in '/\\:*?"<>|' or unicodedata.category(ch)[0] == "C" for ch in name)
    ):
        raise DocumentNameInvalid(
            'a document name is 1–200 characters (NFC) without / \\ : * ? " < > | or controls'
        )
    return name


def normalise_account(account: str) -> str:
    """A bank account number with spaces and dashes removed: 8–34 digits."""
    digits = account.replace(" ", "").replace("-", "")
    if not _ACCOUNT.fullmatch(digits):
        raise TenderInputInvalid("a paying account number is 8–34 digits")
    return digits


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DocumentVersion:
    """One uploaded version of a tender document (content in the blob store)."""

    id: UUID
    document_id: UUID
    name: str
    version: int
    sha256: str
    size: int
    media_type: str
    uploaded_at: datetime
    published_at: datetime | None
    clarification_id: UUID | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Download:
    """One download: who, when, which version and hash."""

    id: UUID
    version_id: UUID
    name: str
    version: int
    sha256: str
    user_id: UUID
    username: str
    organisation_id: UUID
    organisation_name: str
    downloaded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Clarification:
    """A clarification or amendment, and the deadline move it caused (Reg. 21)."""

    id: UUID
    tender_id: UUID
    number: int
    kind: ClarificationKind
    title: str
    body: str
    issued_at: datetime
    issued_by: UUID
    deadline_before: datetime
    deadline_after: datetime
    version_ids: tuple[UUID, ...] = ()
    notified: int = 0

    @property
    def moved_deadline(self) -> bool:
        """Whether this clarification moved the deadline and the opening."""
        return self.deadline_after != self.deadline_before


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Notification:
    """A clarification delivered to one downloader."""

    id: UUID
    clarification_id: UUID
    tender_id: UUID
    title: str
    user_id: UUID
    created_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Objection:
    """An objection to the documents and its answer (Reg. 22)."""

    id: UUID
    tender_id: UUID
    organisation_id: UUID
    filed_by: UUID
    text: str
    filed_at: datetime
    answer_due: datetime
    answer: str | None = None
    answered_at: datetime | None = None
    answered_by: UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Bond:
    """A bidder's bond for one lot: a transfer or a guarantee letter."""

    id: UUID
    tender_id: UUID
    lot: str
    bidder_id: UUID
    kind: BondKind
    amount_fen: int
    paid_at: datetime
    paying_account: str | None
    guarantee_no: str | None
    issuer: str | None
    status: BondStatus
    recorded_at: datetime
    refund_due: datetime | None = None
    refunded_at: datetime | None = None
    refund_reference: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BondCheck:
    """The opening's verdict on one bidder's bond for one lot."""

    ok: bool
    reason: str  # "ok", "not_required", "missing", "insufficient", "late", "refunded"
    bond: Bond | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Alert:
    """A monitoring alert (DOMAIN.md, "Monitoring and supervision")."""

    id: UUID
    tender_id: UUID
    kind: str
    data: Mapping[str, Any]
    raised_at: datetime
