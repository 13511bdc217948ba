"""The rules a project's method sets at publication, checked together (no I/O), so the
agency sees every broken rule at once (``procurement_rules_broken``), as the tender's
own rules (tender/rules.py) are; the tender's rules are checked after these by the
tender's publication, unchanged.
"""

from __future__ import annotations

from datetime import datetime

from procurement.consultation.model import check_consultation
from procurement.errors import (
    ProcurementRuleBroken,
    PublicityTooShort,
    SingleSourceReasonRequired,
    SingleSupplierRequired,
    TooFewSuppliers,
)
from procurement.model import Method, Plan
from procurement.negotiation.model import check_group
from procurement.policy import ProcurementPolicies
from procurement.quotation.model import check_quotation
from tender.model import TenderDraft


def check_project(
    plan: Plan,
    draft: TenderDraft,
    policies: ProcurementPolicies,
    *,
    publicity_ends_at: datetime | None,
) -> list[ProcurementRuleBroken]:
    """Every rule of the method the plan and its tender draft break.

    ``publicity_ends_at``: for single source, when the publicity would end if the
    project were published now (the caller counts it with the holiday calendar).
    """
    broken: list[ProcurementRuleBroken] = []
    method = plan.method
    if method is Method.SINGLE_SOURCE:
        broken += _single_source(plan, draft, publicity_ends_at)
    elif len(plan.suppliers) < policies.min_suppliers:
        broken.append(
            TooFewSuppliers(
                f"{method} invites at least {policies.min_suppliers} suppliers: "
                f"{len(plan.suppliers)} invited"
            )
        )
    if method is Method.NEGOTIATION and (group := check_group(plan.group, policies)):
        broken.append(group)
    if method is Method.QUOTATION:
        broken += check_quotation(draft)
    if method is Method.CONSULTATION:
        broken += check_consultation(draft, policies)
    return broken


def _single_source(
    plan: Plan, draft: TenderDraft, publicity_ends_at: datetime | None
) -> list[ProcurementRuleBroken]:
    broken: list[ProcurementRuleBroken] = []
    if len(plan.suppliers) != 1:
        broken.append(SingleSupplierRequired("single source names exactly one supplier"))
    if not plan.reason:
        broken.append(SingleSourceReasonRequired("single source states why only it can supply"))
    deadline = draft.schedule.deadline
    if publicity_ends_at is not None and (deadline is None or deadline < publicity_ends_at):
        broken.append(
            PublicityTooShort(
                f"the deadline comes before the publicity for objections ends ({publicity_ends_at})"
            )
        )
    return broken
