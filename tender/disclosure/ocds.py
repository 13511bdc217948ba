"""Open data: an OCDS 1.1 release package for one tender, with the lots and bids
extensions (DESIGN.md, "Interfaces"; standard.open-contracting.org/1.1).

One release for the notice (tag ``tender``, the state at publication) and one per
clarification or amendment (tag ``tenderAmendment``: the tender as it stood after it,
with its ``amendments``). Amounts are CNY (fen / 100). The opening work adds bids
through :class:`BidSummary` once they may be disclosed; until then ``bids`` is empty —
who bid is secret before the deadline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from signing.log.entry import format_time
from tender.documents.model import DocumentVersion
from tender.model import EvaluationMethod, Procedure, Tender, TenderStatus
from tender.notices.model import Clarification

OCDS_VERSION = "1.1"
EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
)
DEFAULT_OCID_PREFIX = "ocds-etendr"  # replace with the prefix registered with OCP

_TENDER_STATUS = {
    TenderStatus.CANCELLED: "cancelled",
    TenderStatus.FAILED: "unsuccessful",
    TenderStatus.AWARDED: "complete",
    TenderStatus.CONTRACT: "complete",
    TenderStatus.PERFORMANCE: "complete",
    TenderStatus.ARCHIVED: "complete",
}
_METHOD_DETAILS = {Procedure.OPEN: "公开招标 Open tendering", Procedure.INVITED: "邀请招标 Invited"}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidSummary:
    """One bid as disclosed after the opening (bids extension ``Bid``)."""

    id: str
    lot: str
    date: datetime
    status: str  # bidStatus codelist: pending, valid, disqualified, withdrawn
    tenderers: Sequence[tuple[str, str]]  # (organisation id, name)
    value_fen: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Publication:
    """What a release package is built from."""

    tender: Tender
    parties: Mapping[UUID, str]  # organisation id → name (agency, tenderer, department)
    documents: Sequence[DocumentVersion]
    clarifications: Sequence[Clarification]
    base_url: str
    publisher: str
    bids: Sequence[BidSummary] = ()
    ocid_prefix: str = DEFAULT_OCID_PREFIX


def _value(fen: int) -> dict[str, Any]:
    return {"amount": fen / 100, "currency": "CNY"}


def _party(pub: Publication, organisation_id: UUID, role: str) -> dict[str, Any]:
    return {
        "id": str(organisation_id),
        "name": pub.parties.get(organisation_id, ""),
        "roles": [role],
    }


def _documents(pub: Publication, until: datetime) -> list[dict[str, Any]]:
    tender_id = pub.tender.id
    return [
        {
            "id": str(v.id),
            "documentType": "clarifications" if v.clarification_id else "biddingDocuments",
            "title": f"{v.name} (v{v.version})",
            "url": f"{pub.base_url}/api/v1/tenders/{tender_id}/documents/{v.id}",
            "datePublished": format_time(v.published_at),
            "format": v.media_type,
        }
        for v in pub.documents
        if v.published_at is not None and v.published_at <= until
    ]


def _award_criteria(tender: Tender) -> str:
    methods = {lot.evaluation.method for lot in tender.content.lots}
    return "priceOnly" if methods == {EvaluationMethod.LOWEST_PRICE} else "ratedCriteria"


def _tender_block(
    pub: Publication, deadline: datetime, until: datetime, amendments: Sequence[Clarification]
) -> dict[str, Any]:
    t, s = pub.tender, pub.tender.content.schedule
    assert s.documents_from is not None
    assert s.clarification_cutoff is not None
    block: dict[str, Any] = {
        "id": t.code,
        "title": t.content.title,
        "description": t.content.description,
        "status": _TENDER_STATUS.get(t.status, "active"),
        "procuringEntity": {"id": str(t.agency_id), "name": pub.parties.get(t.agency_id, "")},
        "value": _value(t.content.estimated_total_fen),
        "procurementMethod": "open" if t.content.procedure is Procedure.OPEN else "selective",
        "procurementMethodDetails": _METHOD_DETAILS[t.content.procedure],
        "mainProcurementCategory": str(t.content.category),
        "awardCriteria": _award_criteria(t),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": format_time(s.documents_from),
            "endDate": format_time(deadline),
        },
        "enquiryPeriod": {
            "startDate": format_time(s.documents_from),
            "endDate": format_time(s.clarification_cutoff),
        },
        "lots": [
            {
                "id": lot.number,
                "title": lot.title,
                "status": "active",
                "value": _value(lot.estimated_price_fen),
            }
            for lot in t.content.lots
        ],
        "documents": _documents(pub, until),
    }
    if amendments:
        block["amendments"] = [
            {
                "id": str(c.number),
                "date": format_time(c.issued_at),
                "rationale": c.title,
                "description": c.body,
            }
            for c in amendments
        ]
    return block


def _release(
    pub: Publication,
    *,
    tag: str,
    suffix: str,
    date: datetime,
    deadline: datetime,
    amendments: Sequence[Clarification],
) -> dict[str, Any]:
    t = pub.tender
    release: dict[str, Any] = {
        "ocid": f"{pub.ocid_prefix}-{t.code}",
        "id": f"{t.code}-{suffix}",
        "date": format_time(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": "zh",
        "parties": [
            _party(pub, t.content.tenderer_id, "buyer"),
            _party(pub, t.agency_id, "procuringEntity"),
            _party(pub, t.content.department_id, "reviewBody"),
        ],
        "buyer": {
            "id": str(t.content.tenderer_id),
            "name": pub.parties.get(t.content.tenderer_id, ""),
        },
        "tender": _tender_block(pub, deadline, date, amendments),
    }
    return release


def _bids(pub: Publication) -> dict[str, Any]:
    lots = sorted({bid.lot for bid in pub.bids}, key=int)
    return {
        "statistics": [
            {
                "id": f"bids-{lot}",
                "measure": "bids",
                "relatedLot": lot,
                "value": sum(1 for bid in pub.bids if bid.lot == lot),
            }
            for lot in lots
        ],
        "details": [
            {
                "id": bid.id,
                "date": format_time(bid.date),
                "status": bid.status,
                "relatedLots": [bid.lot],
                "tenderers": [{"id": oid, "name": name} for oid, name in bid.tenderers],
            }
            | ({"value": _value(bid.value_fen)} if bid.value_fen is not None else {})
            for bid in pub.bids
        ],
    }


def release_package(pub: Publication) -> dict[str, Any]:
    """The OCDS 1.1 release package of a published tender."""
    t = pub.tender
    assert t.code is not None
    assert t.published_at is not None
    assert t.deadline is not None
    first_deadline = pub.clarifications[0].deadline_before if pub.clarifications else t.deadline
    releases = [
        _release(
            pub,
            tag="tender",
            suffix="tender",
            date=t.published_at,
            deadline=first_deadline,
            amendments=(),
        )
    ]
    for index, clarification in enumerate(pub.clarifications):
        releases.append(
            _release(
                pub,
                tag="tenderAmendment",
                suffix=f"amendment-{clarification.number}",
                date=clarification.issued_at,
                deadline=clarification.deadline_after,
                amendments=pub.clarifications[: index + 1],
            )
        )
    if pub.bids:
        releases[-1]["bids"] = _bids(pub)
    return {
        "uri": f"{pub.base_url}/api/v1/tenders/{t.id}/ocds",
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": releases[-1]["date"],
        "publisher": {"name": pub.publisher},
        "releases": releases,
    }
