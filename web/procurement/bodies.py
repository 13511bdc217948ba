"""Bodies of the procurement API (docs/api-procurement.md; msgspec, unknown fields refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from procurement.model import Award, Group, Method, Plan, Project
from procurement.negotiation.model import Quotation, Round
from procurement.negotiation.service import NegotiationView
from procurement.single_source.model import Objection, Outcome
from tender.model import Tender
from web.tender.bodies import Model, TenderDraftBody

Reason = Annotated[str, msgspec.Meta(max_length=5000)]


class GroupBody(Model, frozen=True, kw_only=True):
    members: int
    experts: int


class PlanBody(Model, frozen=True, kw_only=True):
    """The method and what it needs: suppliers, the negotiating group, the reason."""

    method: Method
    suppliers: Annotated[list[UUID], msgspec.Meta(max_length=99)] = []  # noqa: RUF012
    group: GroupBody | None = None
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ProjectRequest(Model, frozen=True, kw_only=True):
    """A new project: its tender draft (docs/api-tenders.md) and its plan."""

    tender: TenderDraftBody
    plan: PlanBody


def plan_from_body(body: PlanBody) -> Plan:
    """The model's plan (its format rules raise ``procurement_input_invalid``)."""
    group = body.group
    return Plan(
        method=body.method,
        suppliers=tuple(body.suppliers),
        group=None if group is None else Group(members=group.members, experts=group.experts),
        reason=body.reason,
    )


class AwardBody(Model, frozen=True, kw_only=True):
    supplier_id: UUID
    price_fen: int
    awarded_at: datetime


def award_body(award: Award) -> AwardBody:
    return AwardBody(
        supplier_id=award.supplier_id, price_fen=award.price_fen, awarded_at=award.awarded_at
    )


class ProjectBody(Model, frozen=True, kw_only=True):
    tender_id: UUID
    code: str | None
    status: str
    title: str
    category: str
    deadline: datetime | None
    plan: PlanBody
    published_at: datetime | None
    publicity_ends_at: datetime | None
    award: AwardBody | None


def project_body(tender: Tender, project: Project, award: Award | None) -> ProjectBody:
    plan, group = project.plan, project.plan.group
    return ProjectBody(
        tender_id=tender.id,
        code=tender.code,
        status=str(tender.status),
        title=tender.content.title,
        category=str(tender.content.category),
        deadline=tender.deadline,
        plan=PlanBody(
            method=plan.method,
            suppliers=list(plan.suppliers),
            group=None
            if group is None
            else GroupBody(members=group.members, experts=group.experts),
            reason=plan.reason,
        ),
        published_at=tender.published_at,
        publicity_ends_at=project.publicity_ends_at,
        award=None if award is None else award_body(award),
    )


class Violation(Model, frozen=True, kw_only=True):
    code: str
    message: str
    rule: str


class CheckBody(Model, frozen=True, kw_only=True):
    violations: list[Violation]


class RoundRequest(Model, frozen=True, kw_only=True):
    final: bool = False


class RoundBody(Model, frozen=True, kw_only=True):
    number: int
    final: bool
    opened_at: datetime
    closed_at: datetime | None


def round_body(r: Round) -> RoundBody:
    return RoundBody(number=r.number, final=r.final, opened_at=r.opened_at, closed_at=r.closed_at)


class QuotationRequest(Model, frozen=True, kw_only=True):
    price_fen: int
    supplier_id: UUID | None = None


class QuotationBody(Model, frozen=True, kw_only=True):
    round: int
    supplier_id: UUID
    price_fen: int
    salt: str  # hex: with the price, it opens the log's commitment
    submitted_at: datetime


def quotation_body(q: Quotation) -> QuotationBody:
    return QuotationBody(
        round=q.round, supplier_id=q.supplier_id, price_fen=q.price_fen, salt=q.salt.hex(),
        submitted_at=q.submitted_at,
    )  # fmt: skip


class NegotiationBody(Model, frozen=True, kw_only=True):
    rounds: list[RoundBody]
    quotations: list[QuotationBody]
    excluded: list[UUID]
    award: AwardBody | None


def negotiation_body(view: NegotiationView) -> NegotiationBody:
    return NegotiationBody(
        rounds=[round_body(r) for r in view.rounds],
        quotations=[quotation_body(q) for q in view.quotations],
        excluded=sorted(view.excluded),
        award=None if view.award is None else award_body(view.award),
    )


class ExclusionRequest(Model, frozen=True, kw_only=True):
    supplier_id: UUID
    reason: Reason


class ExclusionBody(Model, frozen=True, kw_only=True):
    supplier_id: UUID
    reason: str


class ObjectionRequest(Model, frozen=True, kw_only=True):
    text: Reason


class AnswerRequest(Model, frozen=True, kw_only=True):
    outcome: Outcome
    text: Reason


class ObjectionBody(Model, frozen=True, kw_only=True):
    id: UUID
    objector_id: UUID
    text: str
    filed_at: datetime
    outcome: Outcome | None
    answer: str | None
    answered_at: datetime | None


def objection_body(o: Objection) -> ObjectionBody:
    return ObjectionBody(
        id=o.id, objector_id=o.objector_id, text=o.text, filed_at=o.filed_at,
        outcome=o.outcome, answer=o.answer, answered_at=o.answered_at,
    )  # fmt: skip


class ObjectionList(Model, frozen=True, kw_only=True):
    items: list[ObjectionBody]


class AgreementRequest(Model, frozen=True, kw_only=True):
    price_fen: int
