"""The results of a tender as data, and the rules that decide them (no I/O).

DOMAIN.md, "Results and disclosure" (Reg. 54–55):

- the candidates of each lot are publicised (:class:`Publicity`, its body built by
  :func:`publicity_body`) within 3 days of the evaluation report, for at least 3 days;
- objections to them (:class:`CandidateObjection`) only during that period, each
  answered within 3 days; no award while one is unanswered;
- the award (:class:`AwardDecision`): for a state-funded project only the first-ranked
  *current* candidate (a candidate that has not dropped out, :func:`current_candidates`)
  may be awarded (:func:`check_award`); a winner's drop-out clears its award, after
  which the next current candidate or a re-tender follows, each step recorded.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from signing.log.entry import format_time
from tender.results.errors import (
    AwardExists,
    AwardLotDecided,
    AwardNotACandidate,
    AwardNotCurrent,
    AwardOutOfOrder,
)

PUBLICITY_FORMAT = "etender-candidates-v1"
RESULT_FORMAT = "etender-result-v1"
CLOSURE_FORMAT = "etender-tender-closure-v1"


class AwardKind(enum.StrEnum):
    """What an award decision does (0071 ``award_decisions.kind``)."""

    AWARD = "award"  # names the winner of the lot
    DROP_OUT = "drop_out"  # a candidate gave up or was disqualified (Reg. 55)
    RETENDER = "retender"  # the lot ends without a winner: it is tendered again


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Publicity:
    """The candidates of one lot as publicised (Reg. 54)."""

    tender_id: UUID
    lot: str
    body: Mapping[str, Any]  # the public text (format etender-candidates-v1)
    sha256: str  # of the canonical JSON of ``body``, logged
    published_at: datetime
    ends_at: datetime  # objections until then; no award before


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CandidateObjection:
    """An objection to a lot's candidates and, once given, the agency's answer."""

    id: UUID
    tender_id: UUID
    lot: str
    organisation_id: UUID
    text: str
    filed_at: datetime
    answer_due: datetime
    answer: str | None
    answered_at: datetime | None
    upheld: bool | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AwardDecision:
    """One step of a lot's award (Reg. 55), in step order."""

    id: UUID
    tender_id: UUID
    lot: str
    step: int
    kind: AwardKind
    bid_id: UUID | None  # None for a re-tender
    bidder_id: UUID | None
    rank: int | None
    price_fen: int | None
    reason: str
    decided_at: datetime
    current: bool  # the lot's winner now (an award not followed by its drop-out)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Candidate:
    """A ranked candidate of a lot with what its publicity shows."""

    rank: int
    bid_id: UUID
    bidder_id: UUID
    credit_code: str
    name: str
    fields: Mapping[str, Any]  # the opening record's fields of the bid
    total: int | None  # hundredths of a point (comprehensive scoring), else None
    evaluated_price_fen: int | None  # lowest evaluated price, else None

    @property
    def price_fen(self) -> int:
        price = self.fields.get("price")
        return price if isinstance(price, int) else 0


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class EvaluationSummary:
    """What the signed evaluation report says about the lot, in short."""

    report_sha256: str
    report_version: int
    method: str
    bids_evaluated: int
    bids_rejected: int
    closed_at: datetime


# --- bodies ----------------------------------------------------------------------------


def _candidate_json(c: Candidate) -> dict[str, Any]:
    duration = c.fields.get("duration")
    return {
        "rank": c.rank,
        "bid": str(c.bid_id),
        "bidder": c.credit_code,
        "name": c.name,
        "price_fen": c.fields.get("price"),
        "quality": c.fields.get("quality"),
        "duration_days": duration if isinstance(duration, int) else None,
        "project_manager": c.fields.get("project_manager"),
        "total_hundredths": c.total,
        "evaluated_price_fen": c.evaluated_price_fen,
    }


def publicity_body(
    *,
    tender: Mapping[str, str],
    lot: str,
    lot_title: str,
    candidates: Sequence[Candidate],
    summary: EvaluationSummary,
    published_at: datetime,
    ends_at: datetime,
    late_reason: str | None,
) -> dict[str, Any]:
    """The public text of a lot's candidates (docs/api-results.md, "Candidates")."""
    base = f"/api/v1/tenders/{tender['id']}/lots/{lot}"
    return {
        "format": PUBLICITY_FORMAT,
        "tender": dict(tender),
        "lot": lot,
        "lot_title": lot_title,
        "published_at": format_time(published_at),
        "ends_at": format_time(ends_at),
        "late_reason": late_reason,
        "evaluation": {
            "report_sha256": summary.report_sha256,
            "report_version": summary.report_version,
            "method": summary.method,
            "bids_evaluated": summary.bids_evaluated,
            "bids_rejected": summary.bids_rejected,
            "closed_at": format_time(summary.closed_at),
        },
        "candidates": [_candidate_json(c) for c in sorted(candidates, key=lambda c: c.rank)],
        "objections": {
            "until": format_time(ends_at),
            "who": "a bidder of the lot whose bid was opened",
            "how": f"POST {base}/objections with the statement "
            "etender-candidate-objection-v1 signed by the bidder's registered certificate",
            "statement_format": "etender-candidate-objection-v1",
        },
    }


def result_body(
    *,
    tender: Mapping[str, str],
    lot: str,
    decision: AwardDecision,
    candidate_name: str | None,
    candidate_code: str | None,
    state_funded: bool,
) -> dict[str, Any]:
    """The result announcement of one award decision of a lot (中标结果公告): the
    winner and its price for an award, the candidate for a drop-out, none for a
    re-tender (docs/api-results.md, "Result")."""
    candidate = None
    if decision.bid_id is not None:
        candidate = {
            "bid": str(decision.bid_id),
            "bidder": candidate_code,
            "name": candidate_name,
            "rank": decision.rank,
            "price_fen": decision.price_fen,
        }
    return {
        "format": RESULT_FORMAT,
        "tender": dict(tender),
        "lot": lot,
        "step": decision.step,
        "kind": str(decision.kind),
        "candidate": candidate,
        "reason": decision.reason,
        "state_funded": state_funded,
        "decided_at": format_time(decision.decided_at),
    }


def closure_body(
    *, tender: Mapping[str, str], kind: str, cause: str, reason: str, at: datetime
) -> dict[str, Any]:
    """The public notice of a failed or cancelled tender (docs/api-results.md)."""
    return {
        "format": CLOSURE_FORMAT,
        "tender": dict(tender),
        "kind": kind,
        "cause": cause,
        "reason": reason,
        "published_at": format_time(at),
    }


# --- the award's order (Reg. 55) -------------------------------------------------------


def dropped_bids(decisions: Sequence[AwardDecision]) -> frozenset[UUID]:
    """The bids that dropped out of the lot."""
    return frozenset(
        d.bid_id for d in decisions if d.kind is AwardKind.DROP_OUT and d.bid_id is not None
    )


def current_candidates(
    candidates: Sequence[Candidate], decisions: Sequence[AwardDecision]
) -> list[Candidate]:
    """The candidates that have not dropped out, best first."""
    gone = dropped_bids(decisions)
    return sorted((c for c in candidates if c.bid_id not in gone), key=lambda c: c.rank)


def current_award(decisions: Sequence[AwardDecision]) -> AwardDecision | None:
    """The lot's current award, if any."""
    return next((d for d in decisions if d.current), None)


def is_retendered(decisions: Sequence[AwardDecision]) -> bool:
    return any(d.kind is AwardKind.RETENDER for d in decisions)


def check_open(decisions: Sequence[AwardDecision]) -> None:
    """A re-tendered lot takes no more decisions."""
    if is_retendered(decisions):
        raise AwardLotDecided("the lot was re-tendered: it takes no more decisions")


def check_award(
    candidates: Sequence[Candidate],
    decisions: Sequence[AwardDecision],
    bid_id: UUID,
    *,
    state_funded: bool,
) -> Candidate:
    """The candidate ``bid_id`` may be awarded the lot now, or the rule it breaks."""
    check_open(decisions)
    held = current_award(decisions)
    if held is not None:
        raise AwardExists(
            "the lot is awarded already: record the winner's drop-out first",
            details={"bid": str(held.bid_id)},
        )
    left = current_candidates(candidates, decisions)
    chosen = next((c for c in left if c.bid_id == bid_id), None)
    if chosen is None:
        raise AwardNotACandidate(
            "the bid is not a current candidate of the lot (not publicised, or dropped out)",
            details={"candidates": [str(c.bid_id) for c in left]},
        )
    # Reg. 55: a state-funded project's winner is the first-ranked candidate; after a
    # drop-out, the next in rank.
    if state_funded and chosen.bid_id != left[0].bid_id:
        raise AwardOutOfOrder(
            f"a state-funded project awards the first-ranked current candidate "
            f"(rank {left[0].rank})",
            details={"expected_bid": str(left[0].bid_id), "expected_rank": left[0].rank},
        )
    return chosen


def check_drop_out(
    candidates: Sequence[Candidate], decisions: Sequence[AwardDecision], bid_id: UUID
) -> Candidate:
    """The candidate ``bid_id`` may drop out: it has not already and the lot is open."""
    check_open(decisions)
    chosen = next(
        (c for c in current_candidates(candidates, decisions) if c.bid_id == bid_id), None
    )
    if chosen is None:
        raise AwardNotCurrent("the bid is no current candidate of the lot")
    return chosen


def check_retender(decisions: Sequence[AwardDecision]) -> None:
    """A lot is re-tendered only while it has no current award (Reg. 55)."""
    check_open(decisions)
    if current_award(decisions) is not None:
        raise AwardExists("the lot has a winner: record its drop-out before a re-tender")


def lot_done(decisions: Sequence[AwardDecision]) -> bool:
    """A lot is decided when it has a current award or was re-tendered."""
    return current_award(decisions) is not None or is_retendered(decisions)
