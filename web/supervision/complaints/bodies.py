"""Bodies of the complaints API (docs/api-complaints.md; msgspec, unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from supervision.complaints.model import Complaint, StepRecord
from web.http import struct_from
from web.tender.bodies import Model
from web.tender.results.bodies import Base64, Reason


class StepRequest(Model, frozen=True, kw_only=True):
    """A signed step; ``late_reason`` when the step is past its deadline (Reg. 61)."""

    statement: Base64
    signature: Base64
    late_reason: Reason | None = None


class ComplaintBody(Model, frozen=True, kw_only=True):
    id: UUID
    tender_id: UUID
    department_id: UUID
    complainant_id: UUID
    respondent_id: UUID | None
    matter: str
    objection_id: UUID | None
    known_on: date
    text: str
    cert_sha256: str
    filed_at: datetime
    filing_due: datetime
    late: bool
    status: str
    decision: str | None
    accepted_at: datetime | None
    decided_at: datetime | None


class ComplaintList(Model, frozen=True, kw_only=True):
    items: list[ComplaintBody]


class StepBody(Model, frozen=True, kw_only=True):
    seq: int
    step: str
    text: str
    cert_sha256: str
    at: datetime
    due: datetime | None
    late: bool
    late_reason: str | None
    suspension_id: UUID | None


class DeadlineBody(Model, frozen=True, kw_only=True):
    at: Annotated[str, msgspec.Meta(description="RFC 3339 UTC")] | None
    exact: bool


class ComplaintDetail(Model, frozen=True, kw_only=True):
    complaint: ComplaintBody
    steps: list[StepBody]
    deadlines: dict[str, DeadlineBody]
    statement_salt: (
        Annotated[str, msgspec.Meta(description="hex: opens the entries' statement commitments")]
        | None
    )


class StepResult(Model, frozen=True, kw_only=True):
    complaint: ComplaintBody
    step: StepBody


class SignedBytes(Model, frozen=True, kw_only=True):
    statement: str
    signature: str


def complaint_body(c: Complaint) -> ComplaintBody:
    return struct_from(ComplaintBody, c, matter=str(c.matter), status=str(c.status))


def step_body(s: StepRecord) -> StepBody:
    return struct_from(StepBody, s, step=str(s.step))


def detail(
    c: Complaint, steps: list[StepRecord], deadlines: dict[str, Any], salt: bytes | None
) -> ComplaintDetail:
    return ComplaintDetail(
        complaint=complaint_body(c),
        steps=[step_body(s) for s in steps],
        deadlines={k: DeadlineBody(**v) for k, v in deadlines.items()},
        statement_salt=None if salt is None else salt.hex(),
    )
