"""Request for quotations' rules at publication (no I/O; Decree 74 Art. 45-48).

One quotation each, not changed (Art. 48): one envelope — the sealed bid is the
quotation, its ``price`` field the price read at the opening — and every lot evaluated
by the lowest price with no adjustment, so the committee finds each quotation compliant
or not and the lowest compliant price ranks first (the evaluation session, unchanged).
"""

from __future__ import annotations

from procurement.errors import ProcurementRuleBroken, QuotationMethodInvalid
from tender.model import EvaluationMethod, TenderDraft


def check_quotation(draft: TenderDraft) -> list[ProcurementRuleBroken]:
    """What keeps a tender draft from serving as a request for quotations."""
    broken: list[ProcurementRuleBroken] = []
    if draft.envelopes != 1:
        broken.append(QuotationMethodInvalid("a request for quotations has one envelope"))
    for lot in draft.lots:
        method = lot.evaluation
        if method.method is not EvaluationMethod.LOWEST_PRICE or method.adjustments:
            broken.append(
                QuotationMethodInvalid(
                    f"lot {lot.number}: the lowest compliant price wins, not changed: "
                    "lowest_evaluated_price without adjustments"
                )
            )
    return broken
