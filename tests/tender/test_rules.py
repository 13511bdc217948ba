"""Each rule of DOMAIN.md checked before publication, one test per rule, all reported at once."""

from __future__ import annotations

from collections.abc import Mapping

from signing.certs import Identity
from signing.trust import TrustStore
from tender.committee.model import Roster
from tender.model import FieldKind, OpeningField, Procedure, Tender
from tender.policy import Policies
from tender.rules import answer_due, check_tender, moved_deadline, objection_allowed, refund_due
from tests.tender.kit import (
    NOW,
    a_draft,
    a_lot,
    a_roster,
    a_schedule,
    a_tender,
    context,
    cst,
    lowest_price,
    replace,
    scoring,
)


def codes(
    tender: Tender,
    rosters: Mapping[str, Roster],
    trust: TrustStore | None,
    policies: Policies | None = None,
) -> list[str]:
    """The codes of the rules ``tender`` breaks."""
    return [v.code for v in check_tender(tender, rosters, context(policies, trust=trust))]


def test_a_valid_tender_breaks_no_rule(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Every default period kept, bond exactly 2 %, an approved committee of 3."""
    rosters = {"1": a_roster(rule_officials, at=NOW)}
    assert codes(a_tender(), rosters, rule_trust) == []


def _committee(rule_officials: tuple[Identity, ...]) -> dict[str, Roster]:
    return {"1": a_roster(rule_officials, at=NOW)}


def test_schedule_incomplete_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """A missing date is one error per date."""
    draft = a_draft(schedule=a_schedule(deadline=None, documents_until=None))
    found = check_tender(a_tender(draft), _committee(rule_officials), context(trust=rule_trust))
    assert sorted(v.field or "" for v in found if v.code == "schedule_incomplete") == [
        "deadline",
        "documents_until",
    ]


def test_lots_missing_is_reported(rule_trust: TrustStore) -> None:
    """A tender has at least one lot."""
    assert "lots_missing" in codes(a_tender(a_draft(lots=())), {}, rule_trust)


def test_schedule_out_of_order_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Documents close after the deadline: out of order."""
    draft = a_draft(schedule=a_schedule(documents_until=cst(2026, 4, 1, 9)))
    assert "schedule_out_of_order" in codes(a_tender(draft), _committee(rule_officials), rule_trust)


def test_documents_window_too_short_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Reg. 16: 5 days from 3 March end on Sunday the 8th, so on Monday the 9th at 24:00."""
    rosters = _committee(rule_officials)
    short = a_draft(schedule=a_schedule(documents_until=cst(2026, 3, 9, 17)))
    assert codes(a_tender(short), rosters, rule_trust) == ["documents_window_too_short"]
    enough = a_draft(schedule=a_schedule(documents_until=cst(2026, 3, 10, 0)))
    assert codes(a_tender(enough), rosters, rule_trust) == []


def test_bid_period_too_short_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Law 24: 20 days from documents issued on 3 March: a deadline on 23 March is too early."""
    rosters = _committee(rule_officials)
    draft = a_draft(
        schedule=a_schedule(clarification_cutoff=cst(2026, 3, 5, 17), deadline=cst(2026, 3, 23, 9))
    )
    assert codes(a_tender(draft), rosters, rule_trust) == ["bid_period_too_short"]
    draft = a_draft(
        schedule=a_schedule(clarification_cutoff=cst(2026, 3, 5, 17), deadline=cst(2026, 3, 24, 9))
    )
    assert codes(a_tender(draft), rosters, rule_trust) == []


def test_clarification_cutoff_too_late_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Reg. 21: clarifications until 20 March leave fewer than 15 days before 31 March."""
    draft = a_draft(schedule=a_schedule(clarification_cutoff=cst(2026, 3, 20, 17)))
    assert codes(a_tender(draft), _committee(rule_officials), rule_trust) == [
        "clarification_cutoff_too_late"
    ]


def test_objection_window_empty_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Reg. 22: with a 30-day objection period, a 28-day tender leaves no time to object."""
    policies = Policies().with_values({"objection_notice": "30d"})
    found = codes(a_tender(), _committee(rule_officials), rule_trust, policies)
    assert found == ["objection_window_empty"]


def test_bond_above_limit_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Reg. 26: exactly 2 % passes; one fen more breaks the rule for that lot."""
    rosters = _committee(rule_officials)
    over = a_draft(lots=(a_lot(bond_fen=10_000_001),))
    found = check_tender(a_tender(over), rosters, context(trust=rule_trust))
    assert [(v.code, v.lot) for v in found] == [("bond_above_limit", "1")]


def test_lot_price_missing_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """A lot without a price ceiling cannot be tendered (Reg. 27)."""
    draft = a_draft(lots=(a_lot(price_ceiling_fen=0),))
    assert codes(a_tender(draft), _committee(rule_officials), rule_trust) == ["lot_price_missing"]


def test_invited_tender_needs_approval_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """5,000,000 CNY of works is mandatory: invited tendering needs an approval reference."""
    rosters = _committee(rule_officials)
    invited = a_draft(procedure=Procedure.INVITED)
    assert codes(a_tender(invited), rosters, rule_trust) == ["invited_tender_needs_approval"]
    approved = replace(invited, invitation_approval="宣发改审批〔2026〕12号")
    assert codes(a_tender(approved), rosters, rule_trust) == []
    small = a_draft(
        procedure=Procedure.INVITED,
        lots=(a_lot(estimated_price_fen=300_000_000, bond_fen=1_000_000),),
    )
    assert codes(a_tender(small), rosters, rule_trust) == []


def test_decryption_window_out_of_range_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """The decryption window lies within 30–60 minutes by default."""
    draft = a_draft(schedule=a_schedule(decryption_minutes=90))
    found = codes(a_tender(draft), _committee(rule_officials), rule_trust)
    assert found == ["decryption_window_out_of_range"]


def test_opening_on_rest_day_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Not on Labour Day 2026; the make-up Saturday 9 May 2026 is a working day."""
    rosters = _committee(rule_officials)
    holiday = a_draft(schedule=a_schedule(deadline=cst(2026, 5, 4, 9, 30)))
    assert codes(a_tender(holiday), rosters, rule_trust) == ["opening_on_rest_day"]
    make_up = a_draft(schedule=a_schedule(deadline=cst(2026, 5, 9, 9, 30)))
    assert codes(a_tender(make_up), rosters, rule_trust) == []
    off = Policies().with_values({"opening_on_working_day": "false"})
    assert codes(a_tender(holiday), rosters, rule_trust, off) == []


def test_calendar_not_covered_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """A deadline in a year without holiday data is refused, not guessed."""
    draft = a_draft(schedule=a_schedule(deadline=cst(2031, 3, 31, 9, 30)))
    found = codes(a_tender(draft), _committee(rule_officials), rule_trust)
    assert "calendar_not_covered" in found


def test_evaluation_points_invalid_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Reg. 49: comprehensive scoring totals 100 with a price score; lowest price scores nothing."""
    rosters = _committee(rule_officials)
    wrong = a_draft(lots=(a_lot(evaluation=scoring(50)),))
    assert codes(a_tender(wrong), rosters, rule_trust) == ["evaluation_points_invalid"]
    lowest = a_draft(lots=(a_lot(evaluation=lowest_price()),))
    assert codes(a_tender(lowest), rosters, rule_trust) == []


def test_opening_field_price_missing_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """The opening record reads each bid's price: the form must ask for it."""
    draft = a_draft(
        opening_fields=(OpeningField(name="duration", label="工期", kind=FieldKind.DAYS),)
    )
    found = codes(a_tender(draft), _committee(rule_officials), rule_trust)
    assert found == ["opening_field_price_missing"]


def test_every_broken_rule_is_reported_at_once(rule_trust: TrustStore) -> None:
    """Several broken rules come back together, each with its own code."""
    draft = a_draft(
        schedule=a_schedule(documents_until=cst(2026, 3, 4, 9), decryption_minutes=5),
        lots=(a_lot(bond_fen=99_000_000), a_lot("2", evaluation=scoring(10))),
    )
    found = set(codes(a_tender(draft), {}, rule_trust))
    assert found == {
        "documents_window_too_short",
        "decryption_window_out_of_range",
        "bond_above_limit",
        "evaluation_points_invalid",
        "committee_missing",
    }


# --- runtime rules -------------------------------------------------------------------


def test_a_clarification_15_days_ahead_keeps_the_deadline() -> None:
    """Reg. 21: issued on 10 March, 24:00 on 25 March ≤ a 31 March deadline: unchanged."""
    deadline = cst(2026, 3, 31, 9, 30)
    assert moved_deadline(deadline, cst(2026, 3, 10, 15), context()) == deadline


def test_a_late_clarification_moves_the_deadline_to_a_working_day_at_the_same_time() -> None:
    """Reg. 21: issued 20 September 2026, 15 days end in the holiday: opening 9 October 09:30."""
    deadline = cst(2026, 9, 29, 9, 30)
    moved = moved_deadline(deadline, cst(2026, 9, 20, 10), context())
    # 20 Sep + 15 days = 5 Oct (a holiday) → extended to Thursday 8 Oct, ends 24:00;
    # the first 09:30 after that on a working day is Friday 9 Oct.
    assert moved == cst(2026, 10, 9, 9, 30)


def test_objections_close_10_days_before_the_deadline() -> None:
    """Reg. 22: on 20 March an objection is allowed to a 31 March deadline; on 22 March not."""
    deadline = cst(2026, 3, 31, 9, 30)
    assert objection_allowed(deadline, cst(2026, 3, 20, 9), context())
    assert not objection_allowed(deadline, cst(2026, 3, 22, 9), context())


def test_an_objection_answer_falls_due_after_3_days_and_the_weekend() -> None:
    """Reg. 22, Art. 203: filed Wednesday 4 March, due 24:00 Monday 9 March (7th: Saturday)."""
    assert answer_due(cst(2026, 3, 4, 11), context()) == cst(2026, 3, 10)


def test_bonds_fall_due_5_days_after_the_result() -> None:
    """Reg. 57: a result on 2 March 2026 → refunds due by 24:00 on 9 March (7th is a Saturday)."""
    assert refund_due(NOW, context()) == cst(2026, 3, 10)
