"""Request and response bodies of the tender API (msgspec), and their conversions.

Every request body refuses unknown fields; amounts are integers in fen, times RFC 3339
with a zone. Names start with ``Tender`` so the OpenAPI components never collide with
another package's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from procurement.model import Method
from tender.codec import evaluation_from_json, evaluation_to_json
from tender.model import (
    DEFAULT_OPENING_FIELDS,
    Category,
    Evaluation,
    EvaluationMethod,
    FieldKind,
    Lot,
    OpeningField,
    OpeningPolicy,
    PriceFormula,
    Procedure,
    Schedule,
    Sealing,
    SigningKeys,
    Tender,
    TenderDraft,
    TenderStatus,
    TieRule,
)

AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]
Text200 = Annotated[str, msgspec.Meta(max_length=200)]
Hex64 = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]


class Model(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of the tender API's bodies: unknown fields are refused."""


# --- drafts ---------------------------------------------------------------------------


class TenderScheduleBody(Model, frozen=True, kw_only=True):
    documents_from: AwareTime | None = None
    documents_until: AwareTime | None = None
    clarification_cutoff: AwareTime | None = None
    deadline: AwareTime | None = None
    decryption_minutes: int = 30


# The lot's evaluation method: the JSON of docs/formats/evaluation-method.md §1, typed
# here for the OpenAPI document and parsed by tender.codec (one parser, one set of rules).
Id32 = Annotated[str, msgspec.Meta(max_length=32)]
Name100 = Annotated[str, msgspec.Meta(max_length=100)]
Guidance = Annotated[str, msgspec.Meta(max_length=2000)]


class TenderQualificationItemBody(Model, frozen=True, kw_only=True):
    id: Id32
    name: Name100
    guidance: Guidance = ""


class TenderSubItemBody(Model, frozen=True, kw_only=True):
    """A range (min_hundredths and max_hundredths) or discrete steps, in hundredths."""

    id: Id32
    name: Name100
    guidance: Guidance = ""
    min_hundredths: int | msgspec.UnsetType = msgspec.UNSET
    max_hundredths: int | msgspec.UnsetType = msgspec.UNSET
    steps: list[int] | msgspec.UnsetType = msgspec.UNSET


class TenderCriterionBody(Model, frozen=True, kw_only=True):
    """Sub-items, or (the form before issue 11) whole max_points; no id: c<n>."""

    id: Id32 | msgspec.UnsetType = msgspec.UNSET
    name: Name100
    items: list[TenderSubItemBody] | msgspec.UnsetType = msgspec.UNSET
    max_points: int | msgspec.UnsetType = msgspec.UNSET


class TenderPriceScoreBody(Model, frozen=True, kw_only=True):
    points: int
    formula: PriceFormula
    above_per_percent: int = 0
    below_per_percent: int = 0


class TenderAdjustmentBody(Model, frozen=True, kw_only=True):
    id: Id32
    name: Name100
    guidance: Guidance = ""
    min_fen: int
    max_fen: int


class TenderEvaluationBody(Model, frozen=True, kw_only=True):
    method: EvaluationMethod
    qualification: list[TenderQualificationItemBody] = []
    criteria: list[TenderCriterionBody] = []
    price: TenderPriceScoreBody | None = None
    adjustments: list[TenderAdjustmentBody] = []
    tie_rule: TieRule = TieRule.LOWER_PRICE
    drop_extremes: bool = False


class TenderLotBody(Model, frozen=True, kw_only=True):
    number: Annotated[str, msgspec.Meta(max_length=2)]
    title: Text200
    estimated_price_fen: int
    price_ceiling_fen: int
    bond_fen: int
    evaluation: TenderEvaluationBody


class TenderOpeningFieldBody(Model, frozen=True, kw_only=True):
    name: Annotated[str, msgspec.Meta(max_length=64)]
    label: Annotated[str, msgspec.Meta(max_length=100)]
    kind: FieldKind
    required: bool = True


class TenderDraftBody(Model, frozen=True, kw_only=True):
    """A whole draft, as created or replaced."""

    title: Text200
    description: Annotated[str, msgspec.Meta(max_length=20000)] = ""
    category: Category
    procedure: Procedure
    envelopes: int = 1
    consortia_allowed: bool = False
    opening_policy: OpeningPolicy = OpeningPolicy.STRICT
    tenderer_id: UUID
    department_id: UUID
    invitation_approval: Text200 = ""
    schedule: TenderScheduleBody = TenderScheduleBody()
    lots: list[TenderLotBody] = []
    opening_fields: list[TenderOpeningFieldBody] | None = None
    # Issue 12: "ca" refuses members' signatures made with a browser device key.
    signing_keys: SigningKeys = SigningKeys.ANY
    # Issue 16: "client" requires `etender bid seal` (the bidder's page will not seal).
    sealing: Sealing = Sealing.ANY


def _evaluation(body: TenderEvaluationBody) -> Evaluation:
    return evaluation_from_json(msgspec.to_builtins(body))


def draft_from_body(body: TenderDraftBody) -> TenderDraft:
    """The model's draft (its format rules raise ``tender_input_invalid``)."""
    s = body.schedule
    fields = body.opening_fields
    return TenderDraft(
        title=body.title,
        description=body.description,
        category=body.category,
        procedure=body.procedure,
        envelopes=body.envelopes,
        consortia_allowed=body.consortia_allowed,
        opening_policy=body.opening_policy,
        tenderer_id=body.tenderer_id,
        department_id=body.department_id,
        invitation_approval=body.invitation_approval,
        signing_keys=body.signing_keys,
        sealing=body.sealing,
        schedule=Schedule(
            documents_from=s.documents_from,
            documents_until=s.documents_until,
            clarification_cutoff=s.clarification_cutoff,
            deadline=s.deadline,
            decryption_minutes=s.decryption_minutes,
        ),
        lots=tuple(
            Lot(
                number=lot.number,
                title=lot.title,
                estimated_price_fen=lot.estimated_price_fen,
                price_ceiling_fen=lot.price_ceiling_fen,
                bond_fen=lot.bond_fen,
                evaluation=_evaluation(lot.evaluation),
            )
            for lot in body.lots
        ),
        opening_fields=DEFAULT_OPENING_FIELDS
        if fields is None
        else tuple(
            OpeningField(name=f.name, label=f.label, kind=f.kind, required=f.required)
            for f in fields
        ),
    )


class TenderBody(Model, frozen=True, kw_only=True):
    """A tender as the API shows it (the draft fields plus publication facts)."""

    id: UUID
    code: str | None
    status: TenderStatus
    agency_id: UUID
    tenderer_id: UUID
    department_id: UUID
    title: str
    description: str
    category: Category
    procedure: Procedure
    envelopes: int
    parts: list[str]
    consortia_allowed: bool
    opening_policy: OpeningPolicy
    invitation_approval: str
    schedule: TenderScheduleBody
    lots: list[TenderLotBody]
    opening_fields: list[TenderOpeningFieldBody]
    signing_keys: SigningKeys
    sealing: Sealing
    estimated_total_fen: int
    policies: dict[str, Any] | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TenderDetailBody(TenderBody, frozen=True, kw_only=True):
    """``GET /tenders/{id}``: the tender and how it procures (issue 18, item 4):
    ``public_tendering`` unless a procurement project names another method."""

    procurement_method: Method


def tender_detail_body(tender: Tender, method: Method) -> TenderDetailBody:
    """The API's view of one tender with its procurement method."""
    return TenderDetailBody(
        **msgspec.structs.asdict(tender_body(tender)), procurement_method=method
    )


def _lot_body(lot: Lot) -> TenderLotBody:
    return TenderLotBody(
        number=lot.number,
        title=lot.title,
        estimated_price_fen=lot.estimated_price_fen,
        price_ceiling_fen=lot.price_ceiling_fen,
        bond_fen=lot.bond_fen,
        evaluation=msgspec.convert(evaluation_to_json(lot.evaluation), TenderEvaluationBody),
    )


def tender_body(tender: Tender) -> TenderBody:
    """The API's view of a tender."""
    c, s = tender.content, tender.content.schedule
    return TenderBody(
        id=tender.id,
        code=tender.code,
        status=tender.status,
        agency_id=tender.agency_id,
        tenderer_id=c.tenderer_id,
        department_id=c.department_id,
        title=c.title,
        description=c.description,
        category=c.category,
        procedure=c.procedure,
        envelopes=c.envelopes,
        parts=list(c.parts),
        consortia_allowed=c.consortia_allowed,
        opening_policy=c.opening_policy,
        invitation_approval=c.invitation_approval,
        signing_keys=c.signing_keys,
        sealing=c.sealing,
        schedule=TenderScheduleBody(
            documents_from=s.documents_from,
            documents_until=s.documents_until,
            clarification_cutoff=s.clarification_cutoff,
            deadline=s.deadline,
            decryption_minutes=s.decryption_minutes,
        ),
        lots=[_lot_body(lot) for lot in c.lots],
        opening_fields=[
            TenderOpeningFieldBody(name=f.name, label=f.label, kind=f.kind, required=f.required)
            for f in c.opening_fields
        ],
        estimated_total_fen=c.estimated_total_fen,
        policies=dict(tender.policies) if tender.policies is not None else None,
        published_at=tender.published_at,
        created_at=tender.created_at,
        updated_at=tender.updated_at,
    )


class TenderList(Model, frozen=True, kw_only=True):
    items: list[TenderBody]
    next_cursor: str | None = None


class TenderViolation(Model, frozen=True, kw_only=True):
    code: str
    message: str
    rule: str
    lot: str | None
    field: str | None


class TenderCheckBody(Model, frozen=True, kw_only=True):
    """The rules a draft breaks now (empty: it may be published)."""

    violations: list[TenderViolation]
