"""The OCDS 1.1 releases of a tender: one per stage, each with what was public at its date."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from tender.disclosure.facts import AwardFact, ClosureFact
from tender.disclosure.ocds_packages import record_package, release_package
from tests.tender.disclosure import ocds_schema
from tests.tender.disclosure.story import (
    AMENDED,
    AWARD,
    AWARDED,
    BIDDERS,
    BIDS,
    CODE,
    CONTRACT,
    MOMENTS,
    NOW,
    OPENED,
    PUBLICISED,
    SITE,
    story,
)


def _package(at: dt.datetime, **changes: object) -> dict[str, Any]:
    return release_package(story(**changes).as_of(at), SITE)


def _ids(package: dict[str, Any]) -> list[str]:
    return [r["id"] for r in package["releases"]]


def test_the_notice_is_one_tender_release_with_lots_parties_and_documents() -> None:
    """ocid from the code; CNY amounts from fen; the documents' URLs; three party roles."""
    package = _package(NOW)
    assert package["version"] == "1.1"
    assert len(package["extensions"]) == 2
    (release,) = package["releases"]
    assert release["ocid"] == f"ocds-etendr-{CODE}"
    assert release["id"] == f"{CODE}-tender"
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


def test_each_amendment_is_a_release_with_its_moved_deadline() -> None:
    """The amendment release carries the new tender period and the amendment itself."""
    first, second = _package(AMENDED)["releases"]
    assert first["tender"]["tenderPeriod"]["endDate"] == "2026-03-31T01:30:00.000000Z"
    assert "amendments" not in first["tender"]
    assert second["tag"] == ["tenderAmendment"]
    assert second["id"] == f"{CODE}-amendment-1"
    assert second["tender"]["tenderPeriod"]["endDate"] == "2026-04-07T01:30:00.000000Z"
    assert second["tender"]["amendments"][0]["rationale"] == "第1号修改"


@pytest.mark.parametrize("at", [*MOMENTS[:2], OPENED - dt.timedelta(microseconds=1)])
def test_no_release_carries_bids_tenderers_or_their_parties_before_the_opening_record(
    at: dt.datetime,
) -> None:
    """Reg. 44: who bid is secret until the opening record is published."""
    package = _package(at)
    text = repr(package)
    for release in package["releases"]:
        assert "bids" not in release
        assert "numberOfTenderers" not in release["tender"]
        assert "tenderers" not in release["tender"]
        assert all(p["roles"] != ["tenderer"] for p in release["parties"])
    assert all(b.name not in text and str(b.id) not in text for b in BIDDERS)


def test_the_opening_record_discloses_bids_tenderers_and_prices() -> None:
    """A tenderUpdate release: bid statistics, details with prices, the tenderer parties."""
    package = _package(OPENED)
    release = package["releases"][-1]
    assert release["id"] == f"{CODE}-opening-1-main"
    assert release["tag"] == ["tenderUpdate"]
    assert release["tender"]["numberOfTenderers"] == 4
    assert release["bids"]["statistics"] == [
        {"id": "1-bids", "measure": "bids", "relatedLot": "1", "value": 4}
    ]
    first, *_, failed = release["bids"]["details"]
    assert first["value"] == {"amount": 4_500_000.0, "currency": "CNY"}
    assert first["status"] == "pending"
    assert failed["status"] == "disqualified"
    assert "value" not in failed
    assert sum(p["roles"] == ["tenderer"] for p in release["parties"]) == 4
    assert "awards" not in release


def test_the_candidates_are_pending_awards_with_the_qualification_results() -> None:
    """Reg. 54: the publicity's candidates are awards ``pending``; rejected bids disqualified."""
    package = _package(PUBLICISED)
    assert _ids(package)[-2:] == [f"{CODE}-candidates-1", f"{CODE}-qualification-1"]
    release = package["releases"][-2]
    assert release["tag"] == ["award"]
    assert [(a["id"], a["status"]) for a in release["awards"]] == [
        (f"1-{b}", "pending") for b in BIDS[:3]
    ]
    statuses = {d["id"]: d["status"] for d in release["bids"]["details"]}
    assert statuses[str(BIDS[3])] == "disqualified"
    assert statuses[str(BIDS[0])] == "valid"
    assert {"id": "1-validBids", "measure": "validBids", "value": 3, "relatedLot": "1"} in (
        release["bids"]["statistics"]
    )


def test_the_award_is_active_and_the_other_candidates_unsuccessful() -> None:
    """Reg. 55: the first-ranked wins; the lot and the tender are complete; a supplier."""
    release = _package(AWARDED)["releases"][-1]
    assert release["id"] == f"{CODE}-award-1-1"
    assert [a["status"] for a in release["awards"]] == ["active", "unsuccessful", "unsuccessful"]
    assert release["awards"][0]["description"] == AWARD.reason
    assert release["tender"]["lots"][0]["status"] == "complete"
    assert release["tender"]["status"] == "complete"
    supplier = next(p for p in release["parties"] if p["id"] == str(BIDDERS[0].id))
    assert supplier["roles"] == ["tenderer", "supplier"]


def test_a_drop_out_cancels_the_award_and_the_next_candidate_wins() -> None:
    """Reg. 55: each step is its own release, with its reason."""
    later = AWARDED + dt.timedelta(days=2)
    steps = [
        AWARD,
        dataclasses.replace(AWARD, step=2, kind="drop_out", reason="放弃中标", decided_at=later),
        dataclasses.replace(
            AWARD,
            step=3,
            bid_id=BIDS[1],
            bidder_id=BIDDERS[1].id,
            rank=2,
            price_fen=455_000_000,
            reason="依次确定排名第二的中标候选人",
            decided_at=later + dt.timedelta(hours=1),
        ),
    ]
    package = _package(later + dt.timedelta(days=1), awards=steps, contracts=story().contracts)
    dropped = next(r for r in package["releases"] if r["id"] == f"{CODE}-award-1-2")
    assert dropped["tag"] == ["awardCancellation"]
    assert [a["status"] for a in dropped["awards"]] == ["cancelled", "pending", "pending"]
    final = next(r for r in package["releases"] if r["id"] == f"{CODE}-award-1-3")
    assert [a["status"] for a in final["awards"]] == ["cancelled", "active", "unsuccessful"]


def test_a_retender_leaves_the_lot_and_the_tender_unsuccessful() -> None:
    """Reg. 55: no candidate left: the lot ends without a winner."""
    retender = AwardFact(
        lot="1",
        step=1,
        kind="retender",
        bid_id=None,
        bidder_id=None,
        rank=None,
        price_fen=None,
        reason="重新招标",
        decided_at=AWARDED,
    )
    release = _package(AWARDED, awards=[retender])["releases"][-1]
    assert release["tag"] == ["awardUpdate"]
    assert {a["status"] for a in release["awards"]} == {"unsuccessful"}
    assert release["tender"]["lots"][0]["status"] == "unsuccessful"
    assert release["tender"]["status"] == "unsuccessful"


def test_a_cancelled_tender_is_a_tender_cancellation_release() -> None:
    """A cancellation is public when the status changes, with the tender and lots cancelled."""
    closure = ClosureFact(status="cancelled", at=AMENDED + dt.timedelta(days=1), reason="项目取消")
    package = _package(OPENED, closure=closure, openings=[])
    release = package["releases"][-1]
    assert release["id"] == f"{CODE}-cancelled"
    assert release["tag"] == ["tenderCancellation"]
    assert release["tender"]["status"] == "cancelled"
    assert release["tender"]["lots"][0]["status"] == "cancelled"


def test_the_contract_and_its_performance_are_releases_after_the_award() -> None:
    """Law 46: the contract's key terms; then its change, milestone and payment."""
    package = _package(MOMENTS[-1])
    tags = [r["tag"] for r in package["releases"]][-4:]
    assert tags == [["contract"], ["contractAmendment"], ["implementation"], ["implementation"]]
    (contract,) = package["releases"][-1]["contracts"]
    assert contract["id"] == str(CONTRACT)
    assert contract["awardID"] == f"1-{BIDS[0]}"
    assert contract["value"] == {"amount": 4_500_000.0, "currency": "CNY"}
    assert contract["amendments"][0]["rationale"] == "雨季"
    assert contract["implementation"]["milestones"][0]["status"] == "met"
    assert contract["implementation"]["transactions"][0]["payee"]["id"] == str(BIDDERS[0].id)
    first = next(r for r in package["releases"] if r["tag"] == ["contract"])
    assert "implementation" not in first["contracts"][0]


def test_release_ids_are_unique_and_the_same_in_every_later_package() -> None:
    """A release, once out, keeps its id and content: later packages only add releases."""
    seen: dict[str, dict[str, Any]] = {}
    for at in MOMENTS:
        package = _package(at)
        assert len(set(_ids(package))) == len(_ids(package))
        for release in package["releases"]:
            assert seen.setdefault(release["id"], release) == release


@pytest.mark.parametrize("at", MOMENTS)
def test_every_package_of_every_stage_validates_against_the_ocds_schemas(at: dt.datetime) -> None:
    """OCDS 1.1.5 core with the lots and bids extensions, offline."""
    d = story().as_of(at)
    ocds_schema.assert_release_package(release_package(d, SITE))
    record = record_package(d, SITE)
    ocds_schema.assert_record_package(record)
    assert record["records"][0]["compiledRelease"]["tag"] == ["compiled"]
    assert len(record["records"][0]["releases"]) == len(release_package(d, SITE)["releases"])
