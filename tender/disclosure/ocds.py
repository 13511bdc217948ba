"""Open data: the OCDS 1.1 release of a tender as it stood at one moment, with the lots
and bids extensions (DESIGN.md, "Interfaces"; standard.open-contracting.org/1.1).

A release is built from :class:`~tender.disclosure.facts.Disclosure` filtered to its
date (``Disclosure.as_of``), so it carries exactly what was public then: no bids,
``numberOfTenderers`` or tenderer parties before a lot's opening record is published
(Reg. 44; who bid is secret before the deadline), no awards before the candidates'
publicity (Reg. 54). ocds_sections.py builds the bids, awards and contracts;
ocds_packages.py the release ids, packages and records. Amounts are CNY (fen / 100).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from uuid import UUID

from signing.log.entry import format_time
from tender.disclosure import ocds_sections as sections
from tender.disclosure.facts import Disclosure
from tender.model import EvaluationMethod, Procedure, Tender

OCDS_VERSION = "1.1"
# The order matters to whoever merges the patches: lots, then bids (docs/open-data.md).
EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
)
DEFAULT_OCID_PREFIX = "ocds-etendr"  # replace with the prefix registered with OCP

_METHOD_DETAILS = {Procedure.OPEN: "公开招标 Open tendering", Procedure.INVITED: "邀请招标 Invited"}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Site:
    """Who publishes the data and where (the package's publisher, URLs, ocid prefix)."""

    base_url: str
    publisher: str
    ocid_prefix: str = DEFAULT_OCID_PREFIX


def ocid(site: Site, tender: Tender) -> str:
    """The tender's Open Contracting ID: the prefix and the tender's code."""
    return f"{site.ocid_prefix}-{tender.code}"


def _documents(d: Disclosure, site: Site) -> list[dict[str, Any]]:
    return [
        {
            "id": str(v.id),
            "documentType": "clarifications" if v.clarification_id else "biddingDocuments",
            "title": f"{v.name} (v{v.version})",
            "url": f"{site.base_url}/api/v1/tenders/{d.tender.id}/documents/{v.id}",
            "datePublished": format_time(v.published_at),
            "format": v.media_type,
        }
        for v in d.documents
        if v.published_at is not None
    ]


def _award_criteria(tender: Tender) -> str:
    methods = {lot.evaluation.method for lot in tender.content.lots}
    return "priceOnly" if methods == {EvaluationMethod.LOWEST_PRICE} else "ratedCriteria"


def _deadline(d: Disclosure) -> datetime:
    """The deadline as it stood: moved by the last public clarification (Reg. 21)."""
    if d.clarifications:
        return d.clarifications[-1].deadline_after
    assert d.tender.deadline is not None
    return d.tender.deadline


def _amendments(d: Disclosure) -> list[dict[str, Any]]:
    return [
        {
            "id": str(c.number),
            "date": format_time(c.issued_at),
            "rationale": c.title,
            "description": c.body,
        }
        for c in d.clarifications
    ]


def _method(d: Disclosure) -> dict[str, str]:
    """How the buyer procures: a procurement project's method (issue 18), else the
    tendering procedure (open, or invited: selective)."""
    if d.method is not None:
        stated = {"procurementMethod": d.method.code, "procurementMethodDetails": d.method.details}
        if d.method.rationale is not None:
            stated["procurementMethodRationale"] = d.method.rationale
        return stated
    procedure = d.tender.content.procedure
    return {
        "procurementMethod": "open" if procedure is Procedure.OPEN else "selective",
        "procurementMethodDetails": _METHOD_DETAILS[procedure],
    }


def _tender_block(d: Disclosure, site: Site) -> dict[str, Any]:
    t, s = d.tender, d.tender.content.schedule
    assert s.documents_from is not None
    assert s.clarification_cutoff is not None
    block: dict[str, Any] = {
        "id": t.code,
        "title": t.content.title,
        "description": t.content.description,
        "status": sections.tender_status(d),
        "procuringEntity": {"id": str(t.agency_id), "name": d.parties.get(t.agency_id, "")},
        "value": sections.value(t.content.estimated_total_fen),
        **_method(d),
        "mainProcurementCategory": str(t.content.category),
        "awardCriteria": _award_criteria(t),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": format_time(s.documents_from),
            "endDate": format_time(_deadline(d)),
        },
        "enquiryPeriod": {
            "startDate": format_time(s.documents_from),
            "endDate": format_time(s.clarification_cutoff),
        },
        "lots": [
            {
                "id": lot.number,
                "title": lot.title,
                "status": sections.lot_status(d, lot.number),
                "value": sections.value(lot.estimated_price_fen),
            }
            for lot in t.content.lots
        ],
        "documents": _documents(d, site),
    }
    if d.clarifications:
        block["amendments"] = _amendments(d)
    return block | sections.tenderers(d)


def _party(d: Disclosure, organisation_id: UUID, roles: list[str]) -> dict[str, Any]:
    return {"id": str(organisation_id), "name": d.parties.get(organisation_id, ""), "roles": roles}


def _parties(d: Disclosure) -> list[dict[str, Any]]:
    t = d.tender
    fixed = [
        _party(d, t.content.tenderer_id, ["buyer"]),
        _party(d, t.agency_id, ["procuringEntity"]),
        _party(d, t.content.department_id, ["reviewBody"]),
    ]
    seen = {UUID(p["id"]) for p in fixed}
    # Reg. 44: tenderers are parties only once an opening record names them.
    return fixed + [p for p in sections.bidder_parties(d) if UUID(p["id"]) not in seen]


def release_body(d: Disclosure, site: Site) -> dict[str, Any]:
    """Every section of the release of ``d`` (already filtered to the release's date)."""
    t = d.tender
    body: dict[str, Any] = {
        "ocid": ocid(site, t),
        "initiationType": "tender",
        "language": "zh",
        "parties": _parties(d),
        "buyer": {
            "id": str(t.content.tenderer_id),
            "name": d.parties.get(t.content.tenderer_id, ""),
        },
        "tender": _tender_block(d, site),
    }
    if d.openings:
        body["bids"] = sections.bids(d)
    awards = sections.awards(d)
    if awards:
        body["awards"] = awards
    contracts = sections.contracts(d)
    if contracts:
        body["contracts"] = contracts
    return body
