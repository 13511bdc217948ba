"""Request and response bodies of the opening committees' routes (msgspec): appoint,
approve, and the rosters as the API shows them (docs/api-tenders.md, "Opening
committees"). Split from web/tender/bodies.py, whose Model they share."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from signing.statements.base import SignedStatement
from tender.committee.model import Roster
from tender.committee.service import OfficialInput
from web.errors import RequestInvalid
from web.tender.bodies import Hex64, Model


class TenderStatementBody(Model, frozen=True, kw_only=True):
    body: str  # base64 of the canonical statement bytes
    signature: str  # base64 of the DER CMS detached signature


class TenderOfficialBody(Model, frozen=True, kw_only=True):
    user_id: UUID
    recipient: Annotated[str, msgspec.Meta(max_length=100)]
    certificate: Annotated[str, msgspec.Meta(max_length=20000)]  # PEM
    statement: TenderStatementBody


class TenderCommitteeAppoint(Model, frozen=True, kw_only=True):
    """A lot's committee as the centre appoints it (x = position in the list)."""

    k: int
    officials: Annotated[list[TenderOfficialBody], msgspec.Meta(max_length=32)]


class TenderCommitteeApprove(Model, frozen=True, kw_only=True):
    """The roster hash the supervisor read and approves."""

    roster_sha256: Hex64


def _b64(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:  # binascii.Error, and non-ASCII text (was a 500)
        raise RequestInvalid(f"{name} is not base64", details={"field": name}) from None


def officials_from_body(body: TenderCommitteeAppoint) -> list[OfficialInput]:
    """The service's inputs; base64 and PEM text decoded."""
    return [
        OfficialInput(
            user_id=o.user_id,
            recipient=o.recipient,
            certificate_pem=o.certificate.encode(),
            statement=SignedStatement(
                body=_b64(o.statement.body, "statement.body"),
                signature=_b64(o.statement.signature, "statement.signature"),
            ),
        )
        for o in body.officials
    ]


class TenderSeatBody(Model, frozen=True, kw_only=True):
    x: int
    user_id: UUID
    organisation_id: UUID
    recipient: str
    cert_sha256: str


class TenderCommitteeBody(Model, frozen=True, kw_only=True):
    lot: str
    k: int
    n: int
    roster_sha256: str
    officials: list[TenderSeatBody]
    appointed_at: datetime
    approved: bool
    approved_at: datetime | None
    frozen: bool
    fingerprint: str | None


class TenderCommitteeList(Model, frozen=True, kw_only=True):
    items: list[TenderCommitteeBody]


def committee_body(roster: Roster, fingerprint: str | None) -> TenderCommitteeBody:
    """A roster as the API shows it (no certificates: the committee file has them)."""
    return TenderCommitteeBody(
        lot=roster.lot,
        k=roster.k,
        n=roster.n,
        roster_sha256=roster.sha256,
        officials=[
            TenderSeatBody(
                x=s.x,
                user_id=s.user_id,
                organisation_id=s.organisation_id,
                recipient=s.recipient,
                cert_sha256=s.cert_sha256,
            )
            for s in roster.seats
        ],
        appointed_at=roster.appointed_at,
        approved=roster.approved,
        approved_at=roster.approved_at,
        frozen=roster.frozen_at is not None,
        fingerprint=fingerprint,
    )
