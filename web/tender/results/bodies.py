"""Bodies of the results API (docs/api-results.md; msgspec, unknown fields refused)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from tender.results.model import AwardDecision, CandidateObjection, Publicity
from tender.results.outcome_queries import Announcement, Closure, ProcedureReport
from web.errors import RequestInvalid
from web.http import struct_from
from web.tender.bodies import Model

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Base64 = Annotated[str, msgspec.Meta(max_length=200_000)]


def b64(value: str, name: str) -> bytes:
    """A base64 field (RFC 4648 §4, padded), or ``request_invalid`` naming it."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RequestInvalid(f"'{name}' must be base64", details={"field": name}) from None


def b64_or_none(value: bytes | None) -> str | None:
    return None if value is None else base64.b64encode(bytes(value)).decode()


# --- requests ------------------------------------------------------------------------------


class PublishCandidates(Model, frozen=True, kw_only=True):
    late_reason: Reason | None = None


class SignedStatementBody(Model, frozen=True, kw_only=True):
    """Canonical statement bytes and the DER CMS detached signature, both base64."""

    statement: Base64
    signature: Base64


class FundingBody(Model, frozen=True, kw_only=True):
    state_funded: bool
    reason: Reason


class AwardBody(Model, frozen=True, kw_only=True):
    bid: UUID
    reason: Reason


class ReasonBody(Model, frozen=True, kw_only=True):
    reason: Reason


# --- responses -----------------------------------------------------------------------------


class PublicityBody(Model, frozen=True, kw_only=True):
    lot: str
    sha256: str
    published_at: datetime
    ends_at: datetime
    body: dict[str, Any]


class PublicityList(Model, frozen=True, kw_only=True):
    items: list[PublicityBody]


def publicity_body(p: Publicity) -> PublicityBody:
    return struct_from(PublicityBody, p, body=dict(p.body))


class CandidateObjectionBody(Model, frozen=True, kw_only=True):
    id: UUID
    lot: str
    organisation_id: UUID
    text: str
    filed_at: datetime
    answer_due: datetime
    answer: str | None
    answered_at: datetime | None
    upheld: bool | None


class CandidateObjectionList(Model, frozen=True, kw_only=True):
    items: list[CandidateObjectionBody]


class CandidateObjectionSigned(Model, frozen=True, kw_only=True):
    objection: CandidateObjectionBody
    statement: str
    signature: str
    answer_statement: str | None
    answer_signature: str | None


def objection_body(o: CandidateObjection) -> CandidateObjectionBody:
    return struct_from(CandidateObjectionBody, o)


class FundingResult(Model, frozen=True, kw_only=True):
    state_funded: bool


class AwardDecisionBody(Model, frozen=True, kw_only=True):
    id: UUID
    lot: str
    step: int
    kind: str
    bid_id: UUID | None
    bidder_id: UUID | None
    rank: int | None
    price_fen: int | None
    reason: str
    decided_at: datetime
    current: bool


class AwardDecisionList(Model, frozen=True, kw_only=True):
    items: list[AwardDecisionBody]


def decision_body(d: AwardDecision) -> AwardDecisionBody:
    return struct_from(AwardDecisionBody, d, kind=str(d.kind))


class AnnouncementBody(Model, frozen=True, kw_only=True):
    lot: str
    sha256: str
    published_at: datetime
    body: dict[str, Any]


class ClosureBody(Model, frozen=True, kw_only=True):
    kind: str
    cause: str
    reason: str
    sha256: str
    published_at: datetime
    body: dict[str, Any]


def closure_body(c: Closure) -> ClosureBody:
    return struct_from(ClosureBody, c)


class ResultBody(Model, frozen=True, kw_only=True):
    announcements: list[AnnouncementBody]
    closure: ClosureBody | None


def result_body(found: list[Announcement], closure: Closure | None) -> ResultBody:
    return ResultBody(
        announcements=[struct_from(AnnouncementBody, a) for a in found],
        closure=None if closure is None else closure_body(closure),
    )


class ProcedureReportBody(Model, frozen=True, kw_only=True):
    awarded_at: datetime
    due_at: datetime
    submitted_at: datetime | None
    text: str | None
    cert_sha256: str | None
    statement: str | None
    signature: str | None


def report_body(r: ProcedureReport, signed: Any) -> ProcedureReportBody:
    return struct_from(
        ProcedureReportBody, r,
        statement=b64_or_none(None if signed is None else signed["statement"]),
        signature=b64_or_none(None if signed is None else signed["signature"]),
    )  # fmt: skip
