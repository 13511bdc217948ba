"""The OCDS 1.1 release of a procurement project (no I/O; issue 18, item 5).

A project is a tender, so its release is the tender's (tender/disclosure): the
composition root hands the disclosure :func:`method_fact` (Services.method_facts), so
every release of the tender — its own, the feed's, the project's — states the method
as OCDS states it; the project's release adds the method's own award:

| method | ``procurementMethod`` | why (OCDS codelist "method") |
|---|---|---|
| negotiation, RFQ, consultation | ``selective`` | only invited suppliers respond |
| single source | ``direct`` | awarded to one supplier without competition |

``procurementMethodDetails`` names the method in Chinese and English; single source's
reason is ``procurementMethodRationale``. Every method's award is the tender's own
(tender/results; negotiation and single source through tender/results/direct.py), so
it is in the tender's release, its record and the platform's feed as any award is.
"""

from __future__ import annotations

from collections.abc import Mapping

from procurement.model import Method, Project
from tender.disclosure.facts import MethodFact

METHOD_CODES: Mapping[Method, str] = {
    Method.NEGOTIATION: "selective",
    Method.QUOTATION: "selective",
    Method.CONSULTATION: "selective",
    Method.SINGLE_SOURCE: "direct",
}
METHOD_DETAILS: Mapping[Method, str] = {
    Method.NEGOTIATION: "竞争性谈判 Competitive negotiation",
    Method.QUOTATION: "询价 Request for quotations",
    Method.CONSULTATION: "竞争性磋商 Competitive consultation",
    Method.SINGLE_SOURCE: "单一来源 Single source",
}


def method_fact(project: Project) -> MethodFact:
    """The method as the tender's releases state it (tender/disclosure/ocds.py)."""
    method = project.method
    rationale = project.plan.reason if method is Method.SINGLE_SOURCE else None
    return MethodFact(
        code=METHOD_CODES[method], details=METHOD_DETAILS[method], rationale=rationale
    )
