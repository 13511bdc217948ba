"""What the bidder's pages show of a tender (web/bids/model.py): a tender takes bids while
published and before its deadline (tender/submission/context.py ``require_open``); a
two-envelope tender has two parts; the facts carry the bidder's credit code, the ceiling
and the opening form; the tender's sealing policy (tender.model.Sealing, ``any`` unless
the agency requires ``etender bid seal``) reaches the page's facts as it is."""

from __future__ import annotations

import datetime as dt

import pytest

from tender.model import Sealing, TenderStatus
from tests.tender.kit import a_draft, a_lot, a_tender, cst, replace
from web.bids.model import lot_facts, open_for_bids

DEADLINE = cst(2026, 3, 31, 9, 30)


def test_a_published_tender_takes_bids_on_every_lot_until_its_deadline() -> None:
    tender = a_tender(replace(a_draft(), lots=(a_lot("1"), a_lot("2"))),
                      status=TenderStatus.PUBLISHED, code="XC-2026-GC-000001")  # fmt: skip
    before = open_for_bids(tender, DEADLINE - dt.timedelta(seconds=1))
    assert [o.lot for o in before] == ["1", "2"]
    assert open_for_bids(tender, DEADLINE) == []  # the deadline itself is late (Law 34)


CLOSED = (
    TenderStatus.DRAFT,
    TenderStatus.SUSPENDED,
    TenderStatus.BIDDING_CLOSED,
    TenderStatus.CANCELLED,
)


@pytest.mark.parametrize("status", CLOSED)
def test_a_tender_in_any_other_status_takes_no_bids(status: TenderStatus) -> None:
    assert open_for_bids(a_tender(status=status), DEADLINE - dt.timedelta(days=1)) == []


def test_the_facts_of_a_two_envelope_lot_name_both_parts_and_the_bidder() -> None:
    tender = a_tender(replace(a_draft(), envelopes=2), status=TenderStatus.PUBLISHED,
                      code="XC-2026-GC-000002")  # fmt: skip
    facts = lot_facts(tender, "1", DEADLINE - dt.timedelta(hours=1)).to_json("91341800MA2N0X0X1Q")
    assert facts["parts"] == ["technical", "commercial"]
    assert facts["bidder"] == "91341800MA2N0X0X1Q"
    assert facts["ceiling_fen"] == 480_000_000
    assert facts["taking_bids"] is True
    assert facts["deadline"] == DEADLINE.isoformat()
    assert [f["name"] for f in facts["fields"]] == [
        "price",
        "duration",
        "quality",
        "project_manager",
    ]
    assert facts["fields"][0]["kind"] == "fen"


def test_an_unknown_lot_has_no_facts() -> None:
    with pytest.raises(ValueError, match="no lot"):
        lot_facts(a_tender(), "9", DEADLINE)


@pytest.mark.parametrize("sealing", list(Sealing))
def test_the_facts_carry_the_tenders_sealing_policy(sealing: Sealing) -> None:
    tender = a_tender(replace(a_draft(), sealing=sealing), status=TenderStatus.PUBLISHED)
    facts = lot_facts(tender, "1", DEADLINE - dt.timedelta(hours=1))
    assert facts.sealing is sealing
    assert facts.to_json("91341800MA2N0X0X1Q")["sealing"] == sealing.value


def test_a_tender_says_nothing_of_sealing_it_is_any() -> None:
    assert lot_facts(a_tender(), "1", DEADLINE).sealing is Sealing.ANY
