"""Competitive consultation's rules at publication (no I/O; 财库〔2014〕214号 Art. 23-24).

Consultation scores comprehensively (综合评分法), so every lot's method is comprehensive
scoring with a price score; the price's weight — its points over the total — lies in
the policy's range for the project's category: 214号 Art. 24, goods 30–60 %, services
10–30 %; works, of which Art. 24 says nothing, the overlap of both (30 %) by default
(procurement/policy.py says why).
"""

from __future__ import annotations

from procurement.errors import (
    ConsultationMethodInvalid,
    PriceWeightOutOfRange,
    ProcurementRuleBroken,
)
from procurement.policy import ProcurementPolicies
from tender.model import EvaluationMethod, Lot, TenderDraft


def price_weight_in_range(lot: Lot, low: int, high: int) -> bool:
    """Whether the lot's price points are ``low``–``high`` % of its total (exactly, in
    integers: hundredths × 100 against percent × total)."""
    method = lot.evaluation
    if method.price is None or method.total_hundredths <= 0:
        return False
    share = method.price.points * 100 * 100
    return low * method.total_hundredths <= share <= high * method.total_hundredths


def check_consultation(
    draft: TenderDraft, policies: ProcurementPolicies
) -> list[ProcurementRuleBroken]:
    """What keeps a tender draft from serving as a competitive consultation."""
    broken: list[ProcurementRuleBroken] = []
    bounds = policies.price_weight_range(str(draft.category))
    for lot in draft.lots:
        method = lot.evaluation
        if method.method is not EvaluationMethod.COMPREHENSIVE or method.price is None:
            broken.append(
                ConsultationMethodInvalid(
                    f"lot {lot.number}: consultation scores comprehensively, with a price score"
                )
            )
        elif bounds is not None and not price_weight_in_range(lot, *bounds):
            broken.append(
                PriceWeightOutOfRange(
                    f"lot {lot.number}: the price weighs {bounds[0]}–{bounds[1]} % "
                    f"for {draft.category}"
                )
            )
    return broken
