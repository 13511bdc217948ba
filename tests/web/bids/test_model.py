"""What the bidder's pages show of a tender (web/bids/model.py): a tender takes bids while
published and before its deadline (tender/submission/context.py ``require_open``); a
two-envelope tender has two parts; the facts carry the bidder's credit code, the ceiling
and the opening form; a tender without the sealing policy is ``any``."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tender.model import TenderStatus
from tests.tender.kit import a_draft, a_lot, a_tender, cst, replace
from web.bids.model import SEALING_ANY, SEALING_CLIENT, lot_facts, open_for_bids, sealing_policy

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


def test_the_sealing_policy_is_any_unless_the_tender_requires_the_command_line() -> None:
    assert sealing_policy(a_tender()) == SEALING_ANY

    @dataclasses.dataclass(frozen=True)
    class WithPolicy:
        content: object

    # Lane `cli` adds ``sealing`` to the draft (tender.model.Sealing, a StrEnum).
    draft = dataclasses.make_dataclass("Draft", [("sealing", str)])(sealing="client")
    assert sealing_policy(WithPolicy(content=draft)) == SEALING_CLIENT  # type: ignore[arg-type]
    other = dataclasses.make_dataclass("Draft", [("sealing", str)])(sealing="anything")
    assert sealing_policy(WithPolicy(content=other)) == SEALING_ANY  # type: ignore[arg-type]
