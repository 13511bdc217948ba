"""The OCDS 1.1 release package of a tender: a release for the notice and one per amendment."""

from __future__ import annotations

import datetime as dt
from uuid import UUID, uuid4

from tender.disclosure.ocds import BidSummary, Publication, release_package
from tender.documents.model import DocumentVersion
from tender.model import TenderStatus
from tender.notices.model import Clarification, ClarificationKind
from tests.tender.kit import AGENCY_ID, DEPARTMENT_ID, NOW, TENDERER_ID, a_tender, cst

CODE = "XC-2026-GC-000007"


def _publication(**changes: object) -> Publication:
    tender = a_tender(code=CODE, status=TenderStatus.PUBLISHED, published_at=NOW)
    version = DocumentVersion(
        id=uuid4(),
        document_id=uuid4(),
        name="招标文件.pdf",
        version=1,
        sha256="a" * 64,
        size=10,
        media_type="application/pdf",
        uploaded_at=NOW,
        published_at=NOW,
        clarification_id=None,
    )
    values: dict[str, object] = {
        "tender": tender,
        "parties": {AGENCY_ID: "代理", TENDERER_ID: "招标人", DEPARTMENT_ID: "住建局"},
        "documents": [version],
        "clarifications": [],
        "base_url": "https://ggzy.example",
        "publisher": "宣城市公共资源交易中心",
    }
    return Publication(**(values | changes))  # type: ignore[arg-type]


def test_the_notice_is_one_tender_release_with_lots_parties_and_documents() -> None:
    """ocid from the code; CNY amounts from fen; the documents' URLs; three party roles."""
    package = release_package(_publication())
    assert package["version"] == "1.1"
    assert len(package["extensions"]) == 2
    (release,) = package["releases"]
    assert release["ocid"] == f"ocds-etendr-{CODE}"
    assert release["tag"] == ["tender"]
    tender = release["tender"]
    assert tender["value"] == {"amount": 5_000_000.0, "currency": "CNY"}
    assert tender["lots"] == [
        {
            "id": "1",
            "title": "第1标段",
            "status": "active",
            "value": {"amount": 5_000_000.0, "currency": "CNY"},
        }
    ]
    assert tender["tenderPeriod"]["endDate"] == "2026-03-31T01:30:00.000000Z"
    assert tender["awardCriteria"] == "ratedCriteria"
    assert tender["documents"][0]["url"].startswith("https://ggzy.example/api/v1/tenders/")
    assert [p["roles"] for p in release["parties"]] == [
        ["buyer"],
        ["procuringEntity"],
        ["reviewBody"],
    ]
    assert "bids" not in release


def test_each_amendment_is_a_release_with_its_moved_deadline() -> None:
    """The amendment release carries the new tender period and the amendment itself."""
    moved = Clarification(
        id=uuid4(),
        tender_id=UUID(int=1),
        number=1,
        kind=ClarificationKind.AMENDMENT,
        title="第1号修改",
        body="截止时间顺延",
        issued_at=cst(2026, 3, 20, 10),
        issued_by=uuid4(),
        deadline_before=cst(2026, 3, 31, 9, 30),
        deadline_after=cst(2026, 4, 7, 9, 30),
    )
    package = release_package(_publication(clarifications=[moved]))
    first, second = package["releases"]
    assert first["tender"]["tenderPeriod"]["endDate"] == "2026-03-31T01:30:00.000000Z"
    assert second["tag"] == ["tenderAmendment"]
    assert second["id"] == f"{CODE}-amendment-1"
    assert second["tender"]["tenderPeriod"]["endDate"] == "2026-04-07T01:30:00.000000Z"
    assert second["tender"]["amendments"][0]["rationale"] == "第1号修改"
    assert package["publishedDate"] == second["date"]


def test_bids_once_disclosed_fill_the_bids_extension() -> None:
    """The opening work passes bid summaries: statistics per lot and the details."""
    bids = [
        BidSummary(
            id="b1",
            lot="1",
            date=NOW + dt.timedelta(days=1),
            status="valid",
            tenderers=[("o1", "甲公司")],
            value_fen=123_456_789,
        ),
        BidSummary(
            id="b2",
            lot="1",
            date=NOW + dt.timedelta(days=1),
            status="withdrawn",
            tenderers=[("o2", "乙公司")],
        ),
    ]
    release = release_package(_publication(bids=bids))["releases"][-1]
    assert release["bids"]["statistics"] == [
        {"id": "bids-1", "measure": "bids", "relatedLot": "1", "value": 2}
    ]
    first, second = release["bids"]["details"]
    assert first["value"] == {"amount": 1234567.89, "currency": "CNY"}
    assert "value" not in second
