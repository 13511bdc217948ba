"""The public facts of a tender by stage, as the disclosure API and page show them.

Built from the same :class:`Disclosure` as the OCDS data (DOMAIN.md, "Results and
disclosure": the same text everywhere), already filtered to what is public now; a stage
with nothing public yet is an empty list (or null). docs/open-data.md, "The disclosure
API", gives the layout. Times are RFC 3339 UTC with microseconds; amounts in fen.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from signing.log.entry import format_time
from tender.disclosure.facts import Disclosure, OpenedBid

STAGES = (
    "notice",
    "clarifications",
    "opening",
    "qualification",
    "candidates",
    "result",
    "contracts",
    "performance",
)


def _name(bids: dict[UUID, OpenedBid], bid_id: UUID | None) -> str:
    bid = bids.get(bid_id) if bid_id else None
    return bid.bidder.name if bid else ""


def _price(bids: dict[UUID, OpenedBid], bid_id: UUID) -> int | None:
    bid = bids.get(bid_id)
    return bid.price_fen if bid else None


def _opening(d: Disclosure) -> list[dict[str, Any]]:
    return [
        {
            "lot": o.lot,
            "part": o.part,
            "published_at": format_time(o.published_at),
            "not_opened_reason": o.not_opened_reason,
            "bids": [
                {
                    "bid": str(b.bid_id),
                    "bidder": b.bidder.credit_code,
                    "bidder_name": b.bidder.name,
                    "opened": b.opened,
                    "price_fen": b.price_fen,
                }
                for b in o.bids
            ],
        }
        for o in d.openings
    ]


def _qualification(d: Disclosure, bids: dict[UUID, OpenedBid]) -> list[dict[str, Any]]:
    return [
        {
            "lot": c.lot,
            "published_at": format_time(c.published_at),
            "passed": sorted(str(b) for b in c.qualification.passed),
            "rejected": [
                {"bid": str(b), "bidder_name": _name(bids, b), "reasons": list(reasons)}
                for b, reasons in sorted(c.qualification.rejected.items(), key=lambda x: str(x[0]))
            ],
        }
        for c in d.candidates
        if c.qualification is not None
    ]


def _candidates(d: Disclosure, bids: dict[UUID, OpenedBid]) -> list[dict[str, Any]]:
    return [
        {
            "lot": c.lot,
            "published_at": format_time(c.published_at),
            "ends_at": format_time(c.ends_at),
            "candidates": [
                {
                    "rank": rank,
                    "bid": str(b),
                    "bidder_name": _name(bids, b),
                    "price_fen": _price(bids, b),
                }
                for rank, b in enumerate(c.candidates, 1)
            ],
        }
        for c in d.candidates
    ]


def _result(d: Disclosure, bids: dict[UUID, OpenedBid]) -> list[dict[str, Any]]:
    return [
        {
            "lot": a.lot,
            "step": a.step,
            "kind": a.kind,
            "bid": None if a.bid_id is None else str(a.bid_id),
            "bidder_name": _name(bids, a.bid_id),
            "rank": a.rank,
            "price_fen": a.price_fen,
            "reason": a.reason,
            "decided_at": format_time(a.decided_at),
        }
        for a in d.awards
    ]


def _contracts(d: Disclosure, bids: dict[UUID, OpenedBid]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(c.id),
            "lot": c.lot,
            "title": c.title,
            "supplier_name": _name(bids, c.bid_id),
            "value_fen": c.value_fen,
            "signed_at": format_time(c.signed_at),
            "recorded_at": format_time(c.recorded_at),
            "changes": [
                {
                    "number": x.number,
                    "description": x.description,
                    "rationale": x.rationale,
                    "recorded_at": format_time(x.recorded_at),
                }
                for x in c.changes
            ],
        }
        for c in d.contracts.contracts
    ]


def _performance(d: Disclosure) -> dict[str, Any]:
    return {
        "milestones": [
            {
                "id": str(m.id),
                "contract": str(m.contract_id),
                "title": m.title,
                "status": m.status,
                "due": None if m.due is None else format_time(m.due),
                "met_at": None if m.met_at is None else format_time(m.met_at),
                "recorded_at": format_time(m.recorded_at),
            }
            for m in d.contracts.milestones
        ],
        "payments": [
            {
                "id": str(x.id),
                "contract": str(x.contract_id),
                "amount_fen": x.amount_fen,
                "paid_at": format_time(x.paid_at),
                "recorded_at": format_time(x.recorded_at),
            }
            for x in d.contracts.transactions
        ],
    }


def public_facts(d: Disclosure) -> dict[str, Any]:
    """Every stage's public facts (``d`` already as of now)."""
    t, bids = d.tender, d.bids()
    assert t.published_at is not None
    closure = d.closure
    return {
        "tender": {"id": str(t.id), "code": t.code, "title": t.content.title},
        "notice": {"published_at": format_time(t.published_at)},
        "clarifications": [
            {
                "number": c.number,
                "kind": str(c.kind),
                "title": c.title,
                "body": c.body,
                "issued_at": format_time(c.issued_at),
            }
            for c in d.clarifications
        ],
        "opening": _opening(d),
        "qualification": _qualification(d, bids),
        "candidates": _candidates(d, bids),
        "result": _result(d, bids),
        "closure": None
        if closure is None
        else {"status": closure.status, "at": format_time(closure.at), "reason": closure.reason},
        "contracts": _contracts(d, bids),
        "performance": _performance(d),
    }
