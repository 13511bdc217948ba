"""The contract's main terms against the winning bid and the documents (Reg. 57)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from uuid import uuid4

import pytest

from tender.contracts.errors import ContractInputInvalid
from tender.contracts.model import (
    ContractInput,
    PerformanceInput,
    PerformanceKind,
    bid_fields,
    expected_terms,
    term_differences,
)

WINNER = uuid4()
FIELDS = {"price": 90_000_00, "duration": 90, "quality": "合格", "project_manager": "张三"}
EXPECTED = expected_terms(
    supplier_id=WINNER, award_price_fen=90_000_00, fields=FIELDS, scope="一标段"
)
SIGNED = ContractInput(
    lot="1",
    supplier_id=WINNER,
    price_fen=90_000_00,
    duration_days=90,
    quality="合格",
    project_manager="张三",
    scope="一标段",
    document_sha256="ab" * 32,
    signed_on=dt.date(2026, 3, 2),
)


def test_a_contract_on_the_bids_terms_differs_in_nothing() -> None:
    assert term_differences(SIGNED.checked(), EXPECTED) == []


@pytest.mark.parametrize(
    ("change", "term", "expected"),
    [
        ({"price_fen": 95_000_00}, "price", 90_000_00),
        ({"duration_days": 120}, "duration", 90),
        ({"quality": "优良"}, "quality", "合格"),
        ({"project_manager": "李四"}, "project_manager", "张三"),
        ({"scope": "二标段"}, "scope", "一标段"),
        ({"supplier_id": uuid4()}, "supplier", WINNER),
    ],
)
def test_each_main_term_that_differs_is_named_with_both_values(
    change: dict[str, object], term: str, expected: object
) -> None:
    """Reg. 57: price, duration, quality, project manager, scope and supplier."""
    contract = dataclasses.replace(SIGNED, **change)  # type: ignore[arg-type]
    (difference,) = term_differences(contract, EXPECTED)
    assert difference.term == term
    assert difference.expected == expected
    assert difference.contract == next(iter(change.values()))


def test_a_term_the_bid_did_not_state_is_not_compared() -> None:
    """A form without quality or project manager fixes neither."""
    expected = expected_terms(
        supplier_id=WINNER, award_price_fen=None, fields={"price": 5, "duration": 9}, scope="s"
    )
    contract = dataclasses.replace(SIGNED, price_fen=5, duration_days=9, scope="s", quality="x")
    assert term_differences(contract, expected) == []


def test_the_price_is_the_commercial_parts_over_the_technical_parts() -> None:
    """Two envelopes: the price counts from the commercial part."""
    parts = {"technical": {"price": 1, "duration": 90}, "commercial": {"price": 2}}
    assert bid_fields(parts) == {"price": 2, "duration": 90}


def test_the_awards_price_stands_in_when_the_form_held_none() -> None:
    expected = expected_terms(supplier_id=WINNER, award_price_fen=7, fields={}, scope="s")
    assert expected.price_fen == 7


@pytest.mark.parametrize(
    "change",
    [
        {"price_fen": -1},
        {"duration_days": -1},
        {"quality": " 合格"},
        {"scope": ""},
        {"document_sha256": "AB" * 32},
        {"late_reason": ""},
    ],
)
def test_malformed_contract_fields_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ContractInputInvalid):
        dataclasses.replace(SIGNED, **change).checked()  # type: ignore[arg-type]


def test_only_a_payment_carries_an_amount() -> None:
    base = PerformanceInput(
        kind=PerformanceKind.PAYMENT, title="预付款", description="", amount_fen=100,
        occurred_on=dt.date(2026, 3, 2),
    )  # fmt: skip
    assert base.checked() == base
    for bad in (
        dataclasses.replace(base, amount_fen=None),
        dataclasses.replace(base, amount_fen=0),
        dataclasses.replace(base, kind=PerformanceKind.MILESTONE),
    ):
        with pytest.raises(ContractInputInvalid):
            bad.checked()
