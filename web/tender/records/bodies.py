"""Bodies of the tender API after publication: documents, downloads, clarifications,
notifications, objections, bonds and alerts (msgspec; unknown fields refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from tender.bonds.model import Alert, Bond, BondKind, BondStatus
from tender.documents.model import DocumentVersion, Download
from tender.notices.model import Clarification, ClarificationKind, Notification, Objection
from web.http import struct_from
from web.tender.bodies import AwareTime, Model, Text200

# --- documents, clarifications, objections ------------------------------------------


class TenderDocumentBody(Model, frozen=True, kw_only=True):
    id: UUID
    name: str
    version: int
    sha256: str
    size: int
    media_type: str
    uploaded_at: datetime
    published_at: datetime | None
    clarification_id: UUID | None


class TenderDocumentList(Model, frozen=True, kw_only=True):
    items: list[TenderDocumentBody]


def document_body(v: DocumentVersion) -> TenderDocumentBody:
    """One version of one document."""
    return struct_from(TenderDocumentBody, v)


class TenderDownloadBody(Model, frozen=True, kw_only=True):
    id: UUID
    document: str
    version: int
    sha256: str
    user_id: UUID
    username: str
    organisation_id: UUID
    organisation_name: str
    downloaded_at: datetime


class TenderDownloadList(Model, frozen=True, kw_only=True):
    items: list[TenderDownloadBody]


def download_body(d: Download) -> TenderDownloadBody:
    """One recorded download."""
    return struct_from(TenderDownloadBody, d, document=d.name)


class TenderClarificationCreate(Model, frozen=True, kw_only=True):
    kind: ClarificationKind
    title: Text200
    body: Annotated[str, msgspec.Meta(max_length=50000)]
    documents: Annotated[list[UUID], msgspec.Meta(max_length=100)] = []  # noqa: RUF012
    new_deadline: AwareTime | None = None


class TenderClarificationBody(Model, frozen=True, kw_only=True):
    id: UUID
    number: int
    kind: ClarificationKind
    title: str
    body: str
    issued_at: datetime
    deadline_before: datetime
    deadline_after: datetime
    moved_deadline: bool
    documents: list[UUID]
    notified: int


class TenderClarificationList(Model, frozen=True, kw_only=True):
    items: list[TenderClarificationBody]


def clarification_body(c: Clarification, *, insider: bool = True) -> TenderClarificationBody:
    """A clarification; how many were notified is hidden from the public (EBM)."""
    return struct_from(
        TenderClarificationBody, c,
        documents=list(c.version_ids), notified=c.notified if insider else 0,
    )  # fmt: skip


class TenderNotificationBody(Model, frozen=True, kw_only=True):
    id: UUID
    tender_id: UUID
    clarification_id: UUID
    title: str
    created_at: datetime


class TenderNotificationList(Model, frozen=True, kw_only=True):
    items: list[TenderNotificationBody]


def notification_body(n: Notification) -> TenderNotificationBody:
    """One clarification delivered to the caller."""
    return struct_from(TenderNotificationBody, n)


class TenderObjectionCreate(Model, frozen=True, kw_only=True):
    text: Annotated[str, msgspec.Meta(max_length=20000)]


class TenderObjectionAnswer(Model, frozen=True, kw_only=True):
    answer: Annotated[str, msgspec.Meta(max_length=20000)]


class TenderObjectionBody(Model, frozen=True, kw_only=True):
    id: UUID
    organisation_id: UUID
    text: str
    filed_at: datetime
    answer_due: datetime
    answer: str | None
    answered_at: datetime | None


class TenderObjectionList(Model, frozen=True, kw_only=True):
    items: list[TenderObjectionBody]


def objection_body(o: Objection) -> TenderObjectionBody:
    """An objection and its answer."""
    return struct_from(TenderObjectionBody, o)


# --- bonds and alerts ---------------------------------------------------------------


class TenderBondCreate(Model, frozen=True, kw_only=True):
    lot: Annotated[str, msgspec.Meta(max_length=2)]
    bidder_id: UUID
    kind: BondKind
    amount_fen: int
    paid_at: AwareTime
    paying_account: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    guarantee_no: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    issuer: Text200 | None = None


class TenderBondRefund(Model, frozen=True, kw_only=True):
    reference: Text200


class TenderBondBody(Model, frozen=True, kw_only=True):
    id: UUID
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
    refund_due: datetime | None
    refunded_at: datetime | None
    refund_reference: str | None
    refund_interest_fen: int | None  # Reg. 57: the bank interest paid with the refund


class TenderBondList(Model, frozen=True, kw_only=True):
    items: list[TenderBondBody]


class TenderAlertBody(Model, frozen=True, kw_only=True):
    id: UUID
    kind: str
    data: dict[str, Any]
    raised_at: datetime


class TenderBondRecorded(Model, frozen=True, kw_only=True):
    bond: TenderBondBody
    alerts: list[TenderAlertBody]


class TenderAlertList(Model, frozen=True, kw_only=True):
    items: list[TenderAlertBody]


def bond_body(b: Bond) -> TenderBondBody:
    """A bond as the centre and its bidder see it."""
    return struct_from(TenderBondBody, b)


def alert_body(a: Alert) -> TenderAlertBody:
    """A monitoring alert."""
    return struct_from(TenderAlertBody, a, data=dict(a.data))
