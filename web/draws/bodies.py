"""Request and response bodies of the draw endpoints (web/draws/routes.py).

Unknown fields are refused everywhere; the transcript and pools shapes are those of
docs/formats/draw.md, which outside verifiers rely on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from expert_pool.draws.model import MemberStatus, Purpose
from expert_pool.policy import Offence
from expert_pool.records.service import AttendanceEvent
from signing.draw.rules import ContributorRole

Id = Annotated[str, msgspec.Meta(max_length=64)]
Text = Annotated[str, msgspec.Meta(max_length=500)]
Code = Annotated[str, msgspec.Meta(max_length=18)]
Codes = Annotated[list[Code], msgspec.Meta(max_length=200)]
Names = Annotated[list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(max_length=200)]
Label = Annotated[str, msgspec.Meta(max_length=200)]
Categories = Annotated[list[tuple[Label, int]], msgspec.Meta(min_length=1, max_length=50)]


class Model(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of request and response bodies: unknown fields are refused."""


# --- bodies -------------------------------------------------------------------------------


class DrawCreate(Model, frozen=True, kw_only=True):
    tender_id: Id
    lot: Id = "1"
    purpose: Purpose = Purpose.EVALUATION
    project_id: Id
    agency_id: UUID
    department_id: UUID
    tenderer: Code
    bidders: Codes = []
    bidder_principals: Names = []
    session_start: datetime
    session_end: datetime
    categories: Categories
    representatives: int = 0
    entropy_roles: list[ContributorRole] = msgspec.field(
        default_factory=lambda: [ContributorRole.SUPERVISOR]
    )


class SeatBody(Model, frozen=True, kw_only=True):
    label: str
    places: int
    confirmed: int
    waiting: int
    declined: int
    missing: int


class DrawBody(Model, frozen=True, kw_only=True):
    id: str
    tender_id: str
    lot: str
    purpose: str
    status: str
    attempt: int
    session_start: datetime
    session_end: datetime
    categories: list[tuple[str, int]]
    representatives: int
    entropy_roles: list[str]
    entropy_in: list[str]
    rounds: int
    seats: list[SeatBody]
    commit_hash: str | None
    commit_log_index: int | None
    seed_revealed: bool
    awarded: bool
    cancel_reason: str | None


class DrawList(Model, frozen=True, kw_only=True):
    items: list[DrawBody]


class PoolSummaryBody(Model, frozen=True, kw_only=True):
    draw_id: str
    pool_sizes: dict[str, int]
    excluded: int
    below_ratio: list[str]


class ExcludedBody(Model, frozen=True, kw_only=True):
    expert_id: str
    name: str
    reasons: list[str]


class ExclusionsBody(Model, frozen=True, kw_only=True):
    pool_sizes: dict[str, int]
    excluded: list[ExcludedBody]


class ReasonBody(Model, frozen=True, kw_only=True):
    reason: Text


class ReplacementRoundIn(Model, frozen=True, kw_only=True):
    """The session seats whose approved replacement the round serves (draw.md §4.1)."""

    session_id: UUID
    seats: Annotated[list[int], msgspec.Meta(min_length=1, max_length=99)]


class NewCommitteeIn(Model, frozen=True, kw_only=True):
    """A sealed session's lot: the next draw's session times and why (renew)."""

    reason: Text
    session_start: datetime
    session_end: datetime


class ReplacementRoundOut(Model, frozen=True, kw_only=True):
    draw_id: str
    round: int  # the round a supervisor's entropy draws next
    places: int


class CommitBody(Model, frozen=True, kw_only=True):
    draw_id: str
    commit_hash: str
    log_index: int
    seed_commitment: str
    pool_sizes: dict[str, int]


class CommitProofBody(Model, frozen=True, kw_only=True):
    draw_id: str
    log_index: int
    commit_hash: str
    entry: str  # base64 of the exact leaf bytes
    checkpoint: str  # the signed note covering the entry, with its cosignatures
    checkpoint_size: int
    inclusion: list[str]  # base64 hashes, as /api/v1/log/proof/inclusion
    cosigners: list[str]


class EntropyBody(Model, frozen=True, kw_only=True):
    round: Annotated[int, msgspec.Meta(ge=0, le=100)]
    entropy: Annotated[str, msgspec.Meta(max_length=1024)]
    # The commit the contributor's client checked, and the checkpoint that fixed it
    # (GET /draws/{id}/commit) — issue 9, item 2.
    commit_hash: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
    checkpoint_size: Annotated[int, msgspec.Meta(ge=1, le=2**53 - 1)]
    # Optional: the contributor's signed statement of all the above (base64 of the
    # RFC 8785 bytes and of the CMS detached signature), signing/draw/entropy_statement.py.
    statement: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    signature: Annotated[str, msgspec.Meta(max_length=65536)] | None = None


class PickDoc(Model, frozen=True, kw_only=True):
    i: int
    label: str
    expert_id: str


class RoundDoc(Model, frozen=True, kw_only=True):
    r: int
    entropy: list[str]
    entropy_log_indexes: list[int]
    picks: list[PickDoc]
    declined: list[str]
    # Only in a release round (docs/formats/draw.md §4.2); absent from every other round.
    seed_commitment: str | None = None
    seed_log_index: int | None = None
    round_seed: str | None = None


class ShortfallDoc(Model, frozen=True, kw_only=True):
    r: int
    label: str
    missing: int


class TranscriptDoc(Model, frozen=True, kw_only=True):
    """The transcript document (docs/formats/draw.md §7), members in this order."""

    algorithm: str
    draw_id: str
    categories: list[tuple[str, int]]
    pool_digests: dict[str, str]
    pool_sizes: dict[str, int]
    seed_commitment: str
    commit_hash: str
    commit_log_index: int | None
    rounds: list[RoundDoc]
    shortfalls: list[ShortfallDoc]
    platform_seed: str | None


class PoolsDoc(Model, frozen=True, kw_only=True):
    pools: dict[str, list[str]]


class MemberOut(Model, frozen=True, kw_only=True):
    expert_id: str
    name: str
    label: str
    r: int
    status: str
    seated: bool


class VenueOut(Model, frozen=True, kw_only=True):
    id: str
    name: str
    region: str
    label: str


class MembersBody(Model, frozen=True, kw_only=True):
    draw_id: str
    members: list[MemberOut]
    venues: list[VenueOut]


class AnswerBody(Model, frozen=True, kw_only=True):
    statement: Annotated[str, msgspec.Meta(max_length=4096)]  # base64 of the exact bytes
    signature: Annotated[str, msgspec.Meta(max_length=65536)]  # base64 DER CMS


class AnswerResult(Model, frozen=True, kw_only=True):
    draw_id: str
    expert_id: str
    status: MemberStatus
    responded_at: datetime | None


class InvitationOut(Model, frozen=True, kw_only=True):
    draw_id: str
    body: str
    sent_at: datetime
    status: MemberStatus
    deadline: datetime
    confirm_statement: str | None  # base64 statement to sign, while an answer is due
    decline_statement: str | None


class InvitationList(Model, frozen=True, kw_only=True):
    items: list[InvitationOut]


class AttendanceIn(Model, frozen=True, kw_only=True):
    expert_id: Id
    event: AttendanceEvent
    occurred_at: datetime | None = None


class AttendanceOut(Model, frozen=True, kw_only=True):
    draw_id: str
    expert_id: str
    event: str
    occurred_at: datetime
    offences: list[str] = []
    sanctions: list[str] = []


class AttendanceList(Model, frozen=True, kw_only=True):
    items: list[AttendanceOut]


class AssessmentIn(Model, frozen=True, kw_only=True):
    expert_id: Id
    score: int
    comment: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    offences: Annotated[list[Offence], msgspec.Meta(max_length=5)] = []


class AssessmentOut(Model, frozen=True, kw_only=True):
    expert_id: str
    assessor: UUID
    assessor_role: str
    score: int
    comment: str
    offences: list[str]
    created_at: datetime | None


class AssessmentList(Model, frozen=True, kw_only=True):
    items: list[AssessmentOut]


class SanctionsBody(Model, frozen=True, kw_only=True):
    sanctions: list[str]


class StatusBody(Model, frozen=True, kw_only=True):
    status: str
