"""The methods' rules without a database (DOMAIN.md "Other transaction types")."""

from __future__ import annotations

import datetime as dt
from uuid import UUID, uuid4

import pytest

from procurement.errors import ProcurementInputInvalid, ProcurementPolicyInvalid
from procurement.model import Group, Method, Plan, check_price, fen_from_yuan
from procurement.negotiation.errors import NoCompliantQuotation, TooFewCompliant
from procurement.negotiation.model import (
    Quotation,
    Round,
    check_group,
    lowest_compliant,
    require_enough,
    visible,
    within_budget,
)
from procurement.policy import ProcurementPolicies, platform_policies
from procurement.rules import check_project
from procurement.single_source.errors import ObjectionsPending, ObjectionUpheld, PublicityRunning
from procurement.single_source.model import Objection, Outcome, require_agreeable
from tender.model import Category
from tests.tender.kit import NOW, a_draft, a_lot, lowest_price, replace, scoring

POLICIES = ProcurementPolicies()
SUPPLIERS = (uuid4(), uuid4(), uuid4())


def codes(plan: Plan, ends: dt.datetime = NOW + dt.timedelta(days=7), **draft: object) -> list[str]:
    found = check_project(plan, replace(a_draft(), **draft), POLICIES, publicity_ends_at=ends)
    return [v.code for v in found]


def test_policies_are_data_and_bad_values_are_refused() -> None:
    """ETENDER_POLICY_PROCUREMENT_*: parsed by type; a looser group than Decree 74's floor,
    an unknown key or a price range out of order is refused."""
    got = platform_policies({"procurement_min_suppliers": "5", "tender_bid_period": "1s"})
    assert got.min_suppliers == 5
    assert ProcurementPolicies.from_json(got.to_json()) == got
    for bad in (
        {"group_min_members": "1"},
        {"group_expert_numerator": "1"},
        {"consultation_goods_price_min": "61"},
        {"consultation_services_price_max": "101"},
        {"min_suppliers": "-1"},
        {"single_source_publicity": "5 days"},
        {"unknown": "1"},
    ):
        with pytest.raises(ProcurementPolicyInvalid):
            ProcurementPolicies().with_values(bad)


def test_negotiation_rfq_and_consultation_invite_at_least_three_suppliers() -> None:
    """Decree 74 Art. 12, 214号 Art. 6."""
    group = Group(members=3, experts=2)
    assert codes(Plan(method=Method.NEGOTIATION, suppliers=SUPPLIERS[:2], group=group)) == [
        "procurement_too_few_suppliers"
    ]
    assert codes(Plan(method=Method.NEGOTIATION, suppliers=SUPPLIERS, group=group)) == []


@pytest.mark.parametrize(
    ("members", "experts", "ok"),
    [(3, 2, True), (5, 4, True), (5, 3, False), (4, 3, False), (1, 1, False), (7, 5, True)],
)
def test_the_negotiating_group_is_odd_three_or_more_two_thirds_experts(
    members: int, experts: int, ok: bool
) -> None:
    """Decree 74 Art. 7."""
    assert (check_group(Group(members=members, experts=experts), POLICIES) is None) is ok


def test_a_group_out_of_range_is_malformed() -> None:
    for members, experts in ((100, 1), (3, 4), (3, -1), (True, 1)):
        with pytest.raises(ProcurementInputInvalid):
            Group(members=members, experts=experts)


def test_rfq_is_one_envelope_lowest_price_without_adjustments() -> None:
    """Decree 74 Art. 48: one quotation, not changed, lowest compliant price."""
    plan = Plan(method=Method.QUOTATION, suppliers=SUPPLIERS)
    assert codes(plan) == ["quotation_method_invalid"]  # the default lot is scored
    assert codes(plan, lots=(a_lot(evaluation=lowest_price()),)) == []
    assert codes(plan, lots=(a_lot(evaluation=lowest_price()),), envelopes=2) == [
        "quotation_method_invalid"
    ]


@pytest.mark.parametrize(
    ("category", "price", "ok"),
    [("goods", 29, False), ("goods", 30, True), ("goods", 60, True), ("goods", 61, False),
     ("services", 9, False), ("services", 10, True), ("services", 30, True),
     ("services", 31, False),
     ("works", 29, False), ("works", 30, True), ("works", 31, False)],
)  # fmt: skip
def test_consultation_price_weight_follows_214_art_24_per_category(
    category: str, price: int, ok: bool
) -> None:
    """财库〔2014〕214号 Art. 24: goods 30–60 %, services 10–30 %, each bound inclusive;
    works (Art. 24 silent): the overlap of both, 30 %, the safer check."""
    lot = a_lot(evaluation=scoring(price, ("技术", 100 - price)))
    plan = Plan(method=Method.CONSULTATION, suppliers=SUPPLIERS)
    found = codes(plan, category=Category(category), lots=(lot,))
    assert found == ([] if ok else ["consultation_price_weight_out_of_range"])
    assert codes(plan, lots=(a_lot(evaluation=lowest_price()),)) == ["consultation_method_invalid"]


def test_a_province_may_set_its_own_works_range() -> None:
    """Policies as data: a works range overrides the overlap; a reversed one is refused."""
    looser = POLICIES.with_values(
        {"consultation_works_price_min": "10", "consultation_works_price_max": "60"}
    )
    assert looser.price_weight_range("works") == (10, 60)
    with pytest.raises(ProcurementPolicyInvalid):
        POLICIES.with_values({"consultation_works_price_min": "31"})


def test_single_source_names_one_supplier_a_reason_and_outlasts_the_publicity() -> None:
    """Decree 74 Art. 38: the deadline is after 5 working days of publicity."""
    plan = Plan(method=Method.SINGLE_SOURCE, suppliers=SUPPLIERS[:2])
    late = a_draft().schedule.deadline + dt.timedelta(seconds=1)  # type: ignore[operator]
    assert codes(plan, late) == [
        "single_source_one_supplier",
        "single_source_reason_required",
        "single_source_publicity_too_short",
    ]
    fine = Plan(method=Method.SINGLE_SOURCE, suppliers=SUPPLIERS[:1], reason="专利")
    assert codes(fine, late) == ["single_source_publicity_too_short"]
    assert codes(fine, late - dt.timedelta(seconds=1)) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"method": Method.PUBLIC_TENDERING},
        {"group": Group(members=3, experts=2)},
        {"suppliers": (SUPPLIERS[0], SUPPLIERS[0])},
        {"reason": " padded "},
        {"reason": "nul\x00"},
        {"reason": "x" * 2001},
    ],
    ids=["tendering", "group", "twice", "padded", "nul", "long"],
)
def test_a_plan_out_of_format_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ProcurementInputInvalid):
        Plan(**({"method": Method.QUOTATION} | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize("price", [0, -5, 2**53, 1.5, True, "100"])
def test_a_price_is_whole_fen_from_one(price: object) -> None:
    with pytest.raises(ProcurementInputInvalid):
        check_price(price)


def quote(supplier: UUID, price: int, second: int, round: int = 2) -> Quotation:
    at = NOW + dt.timedelta(seconds=second)
    return Quotation(round=round, supplier_id=supplier, price_fen=price, salt=b"s" * 32,
                     submitted_at=at)  # fmt: skip


def test_the_lowest_compliant_final_quotation_wins_and_a_tie_goes_to_the_first() -> None:
    """Decree 74 Art. 35; equal prices: the quotation committed first."""
    a, b, c = SUPPLIERS
    finals = [quote(a, 700, 2), quote(b, 600, 3), quote(c, 600, 1)]
    assert lowest_compliant(finals, set()).supplier_id == c
    assert lowest_compliant(finals, {c}).supplier_id == b
    with pytest.raises(NoCompliantQuotation):
        lowest_compliant(finals, {a, b, c})


def test_an_open_rounds_quotations_are_sealed_to_all_but_their_supplier() -> None:
    a, b, _ = SUPPLIERS
    rounds = [Round(number=1, final=False, opened_at=NOW, closed_at=NOW),
              Round(number=2, final=True, opened_at=NOW, closed_at=None)]  # fmt: skip
    given = [quote(a, 1, 1, round=1), quote(b, 2, 2, round=1), quote(a, 3, 3), quote(b, 4, 4)]
    agency = visible(given, rounds, everything_closed=True, own=set())
    assert [q.price_fen for q in agency] == [1, 2]
    supplier = visible(given, rounds, everything_closed=False, own={a})
    assert [q.price_fen for q in supplier] == [1, 3]


def test_the_price_is_agreed_after_the_publicity_with_every_objection_dismissed() -> None:
    """Decree 74 Art. 38-39."""
    ends = NOW + dt.timedelta(days=7)
    pending = Objection(id=uuid4(), tender_id=uuid4(), objector_id=uuid4(), text="x", filed_at=NOW)
    with pytest.raises(PublicityRunning):
        require_agreeable(ends, [], NOW)
    with pytest.raises(ObjectionsPending):
        require_agreeable(ends, [pending], ends)
    upheld = replace_outcome(pending, Outcome.UPHELD)
    with pytest.raises(ObjectionUpheld):
        require_agreeable(ends, [upheld], ends)
    require_agreeable(ends, [replace_outcome(pending, Outcome.DISMISSED)], ends)


def replace_outcome(objection: Objection, outcome: Outcome) -> Objection:
    import dataclasses

    return dataclasses.replace(objection, outcome=outcome, answer="答复", answered_at=NOW)


def test_fewer_than_three_compliant_within_budget_is_no_award() -> None:
    """Decree 74 Art. 37 (3): compliant and at or under the budget, at least 3."""
    a, b, c = SUPPLIERS
    at = NOW
    finals = [
        Quotation(round=2, supplier_id=s, price_fen=p, salt=b"\0" * 32, submitted_at=at)
        for s, p in ((a, 100), (b, 200), (c, 301))
    ]
    assert [q.price_fen for q in within_budget(finals, set(), 300)] == [100, 200]
    assert len(within_budget(finals, set(), 301)) == 3
    assert [q.price_fen for q in within_budget(finals, {a}, 301)] == [200, 301]
    require_enough(3, 3, what="x")
    with pytest.raises(TooFewCompliant):
        require_enough(2, 3, what="x")


# Breaker F3/F4/F5: every spelling a yuan field must refuse (docs/api-procurement.md).
BAD_YUAN = (
    "inf", "Infinity", "-inf", "nan", "NaN", "sNaN", "1e999999999", "1e3", "1E3", "1_000",
    "5,000", "1 000", "-1", "+1", "1.005", "0.001", "1.", ".5", "0x10", "１２３", "١٢٣",
    "", "0", "0.00", "100000000000000", "9" * 5000,
)  # fmt: skip


@pytest.mark.parametrize("raw", BAD_YUAN)
def test_a_yuan_amount_is_plain_digits_with_at_most_two_decimals(raw: str) -> None:
    """Breaker F3/F4: Decimal's spellings, signs, grouping, other digits, zero and an
    amount past 2^53 − 1 fen are refused with procurement_input_invalid."""
    with pytest.raises(ProcurementInputInvalid):
        fen_from_yuan(raw)


def test_a_yuan_amount_becomes_whole_fen() -> None:
    """Digits, and up to two decimals after a '.'."""
    found = [fen_from_yuan(r) for r in ("1180000", "1180000.5", "0.01", "90071992547409.91")]
    assert found == [118_000_000, 118_000_050, 1, 2**53 - 1]
