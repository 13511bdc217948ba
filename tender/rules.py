"""The rules a tender must keep before it is published, one error class per rule.

:func:`check_tender` returns every broken rule at once (each an instance of the rule's
class, with a stable ``code`` and the source it cites), so the agency fixes them in one
go; publication refuses the tender with all of them (``tender_rules_broken``). Periods
are counted in Asia/Shanghai with the holiday calendar (calendar.py), using the
policies in force (policy.py); the opening committee's rules are committee/rules.py.
The runtime rules — the 15-day move of the deadline, the 10-day objection limit — are
here too, for the services to call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta

from tender.calendar import local_clock, local_date, opening_slot, require_utc
from tender.committee.model import Roster
from tender.committee.rules import check_committees
from tender.errors import CalendarNotCovered, TenderRuleBroken
from tender.model import (
    FULL_MARKS,
    Evaluation,
    EvaluationMethod,
    FieldKind,
    PriceFormula,
    Procedure,
    Tender,
    TieRule,
)
from tender.setup import Context

# --- one class per rule -----------------------------------------------------------


class ScheduleIncomplete(TenderRuleBroken):
    """A date of the schedule is missing."""

    code = "schedule_incomplete"


class LotsMissing(TenderRuleBroken):
    """A tender has at least one lot."""

    code = "lots_missing"


class ScheduleOutOfOrder(TenderRuleBroken):
    """Documents open, then close, questions end, and the deadline comes last."""

    code = "schedule_out_of_order"


class DocumentsWindowTooShort(TenderRuleBroken):
    """Documents are obtainable for at least 5 days."""

    code = "documents_window_too_short"
    rule = "Reg. 16"


class BidPeriodTooShort(TenderRuleBroken):
    """At least 20 days from documents issued to the bid deadline."""

    code = "bid_period_too_short"
    rule = "Law 24"


class ClarificationCutoffTooLate(TenderRuleBroken):
    """Clarifications end at least 15 days before the deadline, else it would move."""

    code = "clarification_cutoff_too_late"
    rule = "Reg. 21"


class ObjectionWindowEmpty(TenderRuleBroken):
    """Bidders can object to the documents until 10 days before the deadline."""

    code = "objection_window_empty"
    rule = "Reg. 22"


class BondAboveLimit(TenderRuleBroken):
    """A bid bond is at most 2 % of the estimated price."""

    code = "bond_above_limit"
    rule = "Reg. 26"


class LotPriceMissing(TenderRuleBroken):
    """A lot states its estimated price and its price ceiling (最高投标限价)."""

    code = "lot_price_missing"
    rule = "Reg. 27"


class InvitedTenderNeedsApproval(TenderRuleBroken):
    """A mandatory tender (above the threshold) is open unless invitation was approved."""

    code = "invited_tender_needs_approval"
    rule = "Law 11; Reg. 8"


class DecryptionWindowOutOfRange(TenderRuleBroken):
    """The decryption window lies within the policy's range (commonly 30–60 min)."""

    code = "decryption_window_out_of_range"
    rule = "EBM 31"


class OpeningOnRestDay(TenderRuleBroken):
    """The deadline (= the opening) falls on a working day."""

    code = "opening_on_rest_day"
    rule = "local practice"


class CalendarYearMissing(TenderRuleBroken):
    """A date falls in a year the holiday calendar has no data for."""

    code = "calendar_not_covered"


class EvaluationPointsInvalid(TenderRuleBroken):
    """Comprehensive scoring totals 100 points with a price score; lowest price has none."""

    code = "evaluation_points_invalid"
    rule = "Reg. 49"


class EvaluationMethodInconsistent(TenderRuleBroken):
    """The method's parts fit its kind: adjustments and no technical tie rule for lowest
    price, a benchmark formula that loses points off the benchmark."""

    code = "evaluation_method_inconsistent"
    rule = "Reg. 49"


class PriceFieldMissing(TenderRuleBroken):
    """The opening form has a price field in fen: the opening record reads it."""

    code = "opening_field_price_missing"
    rule = "Reg. 44"


# --- the checks -------------------------------------------------------------------


Check = Callable[[Tender, Mapping[str, Roster], Context], Iterator[TenderRuleBroken]]


def check_tender(
    tender: Tender, rosters: Mapping[str, Roster], context: Context
) -> list[TenderRuleBroken]:
    """Every rule ``tender`` breaks now (empty: it may be published)."""
    require_utc(context.now)
    found: list[TenderRuleBroken] = []
    for check in CHECKS:
        try:
            found.extend(check(tender, rosters, context))
        except CalendarNotCovered as gap:
            found.append(CalendarYearMissing(gap.message))
    unique = {(v.code, v.lot, v.field, v.message): v for v in found}
    return list(unique.values())


def documents_start(start: datetime, now: datetime) -> datetime:
    """Documents are issued when the notice is public: never before publication (Reg. 16).

    A draft's start in the past counts from publication instead (and is stored so).
    """
    return max(start, now.replace(microsecond=0))


def _dates(tender: Tender, now: datetime) -> tuple[datetime, datetime, datetime, datetime] | None:
    s = tender.content.schedule
    if s.documents_from and s.documents_until and s.clarification_cutoff and s.deadline:
        start = documents_start(s.documents_from, now)
        return start, s.documents_until, s.clarification_cutoff, s.deadline
    return None


def _schedule(tender: Tender, _: Mapping[str, Roster], ctx: Context) -> Iterator[TenderRuleBroken]:
    for name in ("documents_from", "documents_until", "clarification_cutoff", "deadline"):
        if getattr(tender.content.schedule, name) is None:
            yield ScheduleIncomplete(f"{name} is not set", field=name)
    dates = _dates(tender, ctx.now)
    if dates is None:
        return
    start, until, cutoff, deadline = dates
    if not start < until <= deadline:
        yield ScheduleOutOfOrder(
            "documents open (at publication at the earliest), then close, "
            "no later than the deadline"
        )
    if not start <= cutoff < deadline:
        yield ScheduleOutOfOrder("clarifications end after documents open, before the deadline")


def _periods(tender: Tender, _: Mapping[str, Roster], ctx: Context) -> Iterator[TenderRuleBroken]:
    dates, p = _dates(tender, ctx.now), ctx.policies
    if dates is None:
        return
    start, until, cutoff, deadline = dates
    if until < ctx.end(start, p.documents_window):
        yield DocumentsWindowTooShort(f"documents must be obtainable for {p.documents_window}")
    if deadline < ctx.end(start, p.bid_period):
        yield BidPeriodTooShort(f"the deadline comes {p.bid_period} after documents are issued")
    if deadline < ctx.end(cutoff, p.clarification_notice):
        yield ClarificationCutoffTooLate(
            f"clarifications must end {p.clarification_notice} before the deadline"
        )
    if deadline < ctx.end(start, p.objection_notice):
        yield ObjectionWindowEmpty(
            f"objections are possible until {p.objection_notice} before the deadline"
        )
    if p.opening_on_working_day and not ctx.calendar.is_working_day(local_date(deadline)):
        yield OpeningOnRestDay("the deadline and opening fall on a rest day")
    minutes = tender.content.schedule.decryption_minutes
    if not p.decryption_minutes_min <= minutes <= p.decryption_minutes_max:
        yield DecryptionWindowOutOfRange(
            f"the decryption window is {p.decryption_minutes_min}–"
            f"{p.decryption_minutes_max} minutes"
        )


def _lots(tender: Tender, _: Mapping[str, Roster], ctx: Context) -> Iterator[TenderRuleBroken]:
    content, p = tender.content, ctx.policies
    if not content.lots:
        yield LotsMissing("add at least one lot")
    for lot in content.lots:
        if lot.estimated_price_fen <= 0 or lot.price_ceiling_fen <= 0:
            yield LotPriceMissing("state the estimated price and the ceiling", lot=lot.number)
        # Integer arithmetic: bond ≤ estimate × basis points / 10000, no rounding.
        if lot.bond_fen * 10_000 > lot.estimated_price_fen * p.bond_max_basis_points:
            yield BondAboveLimit(
                f"the bond exceeds {p.bond_max_basis_points / 100:g} % of the estimated price",
                lot=lot.number,
            )
        yield from _evaluation(lot.number, lot.evaluation)
    mandatory = content.estimated_total_fen >= p.threshold_fen(content.category)
    if mandatory and content.procedure is Procedure.INVITED and not content.invitation_approval:
        yield InvitedTenderNeedsApproval(
            "a mandatory tender is open unless invitation was approved"
        )
    if not any(f.name == "price" and f.kind is FieldKind.FEN for f in content.opening_fields):
        yield PriceFieldMissing("the opening form needs the price field (fen)")


def _evaluation(lot: str, evaluation: Evaluation) -> Iterator[TenderRuleBroken]:
    # No qualification items is allowed: the Reg. 51 reasons apply to every bid anyway.
    if evaluation.method is EvaluationMethod.COMPREHENSIVE:
        yield from _comprehensive(lot, evaluation)
    else:
        yield from _lowest_price(lot, evaluation)


def _comprehensive(lot: str, evaluation: Evaluation) -> Iterator[TenderRuleBroken]:
    total, price = evaluation.total_hundredths, evaluation.price
    if total != FULL_MARKS or price is None:
        yield EvaluationPointsInvalid(
            f"comprehensive scoring totals 100 points with a price score (now {total / 100:g})",
            lot=lot,
        )
    if evaluation.adjustments:
        yield EvaluationMethodInconsistent(
            "evaluated-price adjustments belong to lowest evaluated price", lot=lot
        )
    if (
        price is not None
        and price.formula is PriceFormula.BENCHMARK_DEVIATION
        and price.above_per_percent == price.below_per_percent == 0
    ):
        yield EvaluationMethodInconsistent(
            "the benchmark formula loses points per percent above or below the benchmark",
            lot=lot,
        )


def _lowest_price(lot: str, evaluation: Evaluation) -> Iterator[TenderRuleBroken]:
    if evaluation.criteria or evaluation.price is not None:
        yield EvaluationPointsInvalid("lowest evaluated price has no scored criteria", lot=lot)
    if evaluation.tie_rule is TieRule.HIGHER_TECHNICAL:
        yield EvaluationMethodInconsistent(
            "lowest evaluated price scores nothing technical: choose another tie rule", lot=lot
        )


CHECKS: tuple[Check, ...] = (_schedule, _periods, _lots, check_committees)


# --- runtime rules ------------------------------------------------------------------


def moved_deadline(deadline: datetime, issued_at: datetime, ctx: Context) -> datetime:
    """Reg. 21: the deadline after a clarification issued at ``issued_at``.

    Unchanged if the full clarification period remains; else the first slot at the old
    deadline's time of day (on a working day if the policy says so) after the period.
    """
    earliest = ctx.end(issued_at, ctx.policies.clarification_notice)
    if deadline >= earliest:
        return deadline
    if ctx.policies.clarification_notice.exact is not None:
        # Drills and tests count exact durations: the next whole second will do.
        return earliest.replace(microsecond=0) + timedelta(seconds=1)
    working = ctx.policies.opening_on_working_day
    return opening_slot(earliest, local_clock(deadline), ctx.calendar, working_day=working)


def objection_allowed(deadline: datetime, filed_at: datetime, ctx: Context) -> bool:
    """Reg. 22: an objection to the documents at least 10 days before the deadline."""
    return ctx.end(filed_at, ctx.policies.objection_notice) <= deadline


def answer_due(filed_at: datetime, ctx: Context) -> datetime:
    """Reg. 22: the answer to an objection is due within 3 days of it."""
    return ctx.end(filed_at, ctx.policies.objection_answer)


def refund_due(result_at: datetime, ctx: Context) -> datetime:
    """Reg. 57: bonds are refunded within 5 days of the result."""
    return ctx.end(result_at, ctx.policies.bond_refund)
