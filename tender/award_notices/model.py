"""Award and result notices as the platform keeps them (pure: no I/O).

Law 45: once the winner is decided, the award notice (中标通知书) goes to the winner and
the result (中标结果) to every other bidder at the same time. "Every other bidder" is
every bidder of the lot whose bid was opened (a bid withdrawn, revoked or never
decrypted took no part in the evaluation, so it has no result to be told of). A later
award of the lot after a drop-out (Reg. 55) issues a new set; the old one is superseded.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from tender.model import OpeningField


class NoticeKind(enum.StrEnum):
    """Which notice: to the winner, or to another bidder."""

    AWARD = "award"  # 中标通知书
    RESULT = "result"  # 中标结果通知书


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CurrentAward:
    """The lot's current award decision (award_decisions, 0071), as the notices need it."""

    id: UUID
    step: int
    bid_id: UUID
    bidder_id: UUID
    rank: int
    reason: str
    decided_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OpenedBid:
    """A bid of the lot that was opened: its bidder and its opening-form fields."""

    bid_id: UUID
    organisation_id: UUID
    name: str
    credit_code: str
    fields: dict[str, int | str]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Notice:
    """One issued notice (the PDF and its signature are read separately)."""

    id: UUID
    tender_id: UUID
    lot: str
    award_id: UUID
    kind: NoticeKind
    bid_id: UUID
    organisation_id: UUID
    pdf_sha256: str
    issued_at: datetime
    log_index: int
    superseded_at: datetime | None = None

    @property
    def standing(self) -> bool:
        """Whether this is the notice of the lot's current award."""
        return self.superseded_at is None


def addressees(winner_bid: UUID, opened: Sequence[OpenedBid]) -> list[tuple[OpenedBid, NoticeKind]]:
    """Who is told what (Law 45): the winner the award, every other opened bid the result.

    Ordered by credit code, so a set is issued (and logged) in the same order every time.
    """
    ordered = sorted(opened, key=lambda b: (b.credit_code, str(b.bid_id)))
    return [(b, NoticeKind.AWARD if b.bid_id == winner_bid else NoticeKind.RESULT) for b in ordered]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Party:
    """An organisation as the notice names it."""

    name: str
    credit_code: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AwardNoticeData:
    """Everything one notice shows; all of it is stored or derived from stored rows."""

    notice_id: str
    kind: NoticeKind
    tender_code: str
    tender_title: str
    lot: str
    lot_title: str
    tenderer: str
    agency: str
    centre: str
    addressee: Party
    winner: Party
    award_step: int
    winner_rank: int
    opening_fields: Sequence[OpeningField]
    winning_fields: Mapping[str, int | str]  # the winning bid's opening-form values
    decided_at: datetime
    reason: str  # the award decision's recorded reason (Reg. 55)


class FailureKind(enum.StrEnum):
    """Why a tender (or some of its lots) ends without a winner (issue 13, item 6)."""

    FAILED = "failed"  # too few bids, every bid rejected, every lot re-tendered
    CANCELLED = "cancelled"  # the tenderer ended the procedure, with its reason


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class FailureNoticeData:
    """A failed or cancelled tender's notice to one bidder (or, addressee None, to all)."""

    notice_id: str
    kind: FailureKind
    tender_code: str
    tender_title: str
    lots: Sequence[str]  # the lots it concerns
    tenderer: str
    agency: str
    centre: str
    addressee: Party | None
    reason: str
    decided_at: datetime
