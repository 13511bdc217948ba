"""The later sections of a tender's OCDS release: bids (bids extension), awards,
contracts with their implementation, and the statuses they imply (ocds.py uses these).

Candidates are awards with status ``pending`` (OCDS guidance for publicised
candidates); an award decision makes its bid's award ``active`` and the lot's other
candidates ``unsuccessful``; a drop-out (Reg. 55) makes the award ``cancelled`` and the
others ``pending`` again until the next decision; a re-tender leaves the lot
``unsuccessful``. Award ids are ``<lot>-<bid id>``, so the releases of one award merge
into one object in the compiled release.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from signing.log.entry import format_time
from tender.disclosure.facts import AwardFact, Disclosure, OpenedBid, Organisation


def value(fen: int) -> dict[str, Any]:
    """An OCDS Value in yuan."""
    return {"amount": fen / 100, "currency": "CNY"}


def award_id(lot: str, bid_id: UUID) -> str:
    """The award of a bid in a lot (stable across releases)."""
    return f"{lot}-{bid_id}"


def _decisions(d: Disclosure, lot: str) -> list[AwardFact]:
    return sorted((a for a in d.awards if a.lot == lot), key=lambda a: a.step)


def lot_outcome(d: Disclosure, lot: str) -> tuple[UUID | None, bool]:
    """(the lot's current award's bid, whether the lot is re-tendered) after its decisions."""
    current: UUID | None = None
    for decision in _decisions(d, lot):
        if decision.kind == "award":
            current = decision.bid_id
        elif decision.kind == "drop_out":
            current = None
        elif decision.kind == "retender":
            return None, True
    return current, False


def lot_status(d: Disclosure, lot: str) -> str:
    """The lot's status (tenderStatus codelist) as the facts stand."""
    if d.closure is not None:
        return "cancelled" if d.closure.status == "cancelled" else "unsuccessful"
    current, retendered = lot_outcome(d, lot)
    if retendered or any(o.lot == lot and o.not_opened_reason for o in d.openings):
        return "unsuccessful"
    return "complete" if current is not None else "active"


def tender_status(d: Disclosure) -> str:
    """The tender's status: active until every lot is awarded or ends without a winner."""
    if d.closure is not None:
        return "cancelled" if d.closure.status == "cancelled" else "unsuccessful"
    statuses = {lot_status(d, lot.number) for lot in d.tender.content.lots}
    if statuses == {"unsuccessful"}:
        return "unsuccessful"
    return "complete" if statuses <= {"complete", "unsuccessful"} else "active"


def _names(d: Disclosure) -> dict[UUID, Organisation]:
    found: dict[UUID, Organisation] = {}
    for bid in d.bids().values():
        for member in (bid.bidder, *bid.members):
            found[member.id] = member
    return found


def _reference(d: Disclosure, organisation_id: UUID) -> dict[str, Any]:
    known = _names(d).get(organisation_id)
    name = known.name if known else d.parties.get(organisation_id, "")
    return {"id": str(organisation_id), "name": name}


def tenderers(d: Disclosure) -> dict[str, Any]:
    """``numberOfTenderers`` and ``tenderers`` once every lot's opening record is public."""
    lots = {lot.number for lot in d.tender.content.lots}
    if not d.openings or not lots <= d.lots_opened():
        return {}
    bidders = sorted({b.bidder.id for b in d.bids().values()}, key=str)
    return {
        "numberOfTenderers": len(bidders),
        "tenderers": [_reference(d, b) for b in bidders],
    }


def bidder_parties(d: Disclosure) -> list[dict[str, Any]]:
    """Every organisation a public opening record names, with its roles."""
    roles: dict[UUID, list[str]] = {o: ["tenderer"] for o in _names(d)}
    for lot in {a.lot for a in d.awards}:
        current, _ = lot_outcome(d, lot)
        bid = d.bids().get(current) if current else None
        if bid is not None and "supplier" not in roles[bid.bidder.id]:
            roles[bid.bidder.id].append("supplier")
    paid = {x.contract_id for x in d.contracts.transactions}
    for contract in d.contracts.contracts:
        held = roles.get(contract.supplier_id)
        if held is not None and contract.id in paid and "payee" not in held:
            held.append("payee")
    names = _names(d)
    return [
        {"id": str(o), "name": names[o].name, "roles": r}
        for o, r in sorted(roles.items(), key=lambda x: str(x[0]))
    ]


def _verdicts(d: Disclosure) -> dict[UUID, bool]:
    """Bid id → passed, for the lots whose qualification results are public."""
    found: dict[UUID, bool] = {}
    for fact in d.candidates:
        if fact.qualification is not None:
            found.update({b: True for b in fact.qualification.passed})
            found.update({b: False for b in fact.qualification.rejected})
    return found


def _bid_status(bid: OpenedBid, verdicts: dict[UUID, bool]) -> str:
    if bid.bid_id in verdicts:
        return "valid" if verdicts[bid.bid_id] else "disqualified"
    return "pending" if bid.opened else "disqualified"


def _lot_of(d: Disclosure) -> dict[UUID, str]:
    return {b.bid_id: o.lot for o in d.openings for b in o.bids}


def bids(d: Disclosure) -> dict[str, Any]:
    """The bids extension's section: counts per lot and each disclosed bid."""
    verdicts, lot_of, found = _verdicts(d), _lot_of(d), d.bids()
    statistics: list[dict[str, Any]] = []
    for lot in sorted(d.lots_opened(), key=int):
        of_lot = [b for b in found.values() if lot_of[b.bid_id] == lot]
        statistics.append({"id": f"{lot}-bids", "measure": "bids", "relatedLot": lot})
        statistics[-1]["value"] = len(of_lot)
        if any(b.bid_id in verdicts for b in of_lot):
            valid = sum(1 for b in of_lot if _bid_status(b, verdicts) == "valid")
            statistics.append(
                {
                    "id": f"{lot}-validBids",
                    "measure": "validBids",
                    "value": valid,
                    "relatedLot": lot,
                }
            )
    details = [
        {
            "id": str(b.bid_id),
            "date": format_time(b.received_at),
            "status": _bid_status(b, verdicts),
            "relatedLots": [lot_of[b.bid_id]],
            "tenderers": [_reference(d, m.id) for m in (b.bidder, *b.members)],
        }
        | ({"value": value(b.price_fen)} if b.price_fen is not None else {})
        for b in sorted(found.values(), key=lambda b: (int(lot_of[b.bid_id]), str(b.bid_id)))
    ]
    return {"statistics": statistics, "details": details}


def _award(d: Disclosure, lot: str, bid_id: UUID, rank: int | None) -> dict[str, Any]:
    bid = d.bids().get(bid_id)
    award: dict[str, Any] = {
        "id": award_id(lot, bid_id),
        "title": f"第{lot}标段 第{rank}中标候选人" if rank else f"第{lot}标段",
        "relatedLots": [lot],
        "relatedBid": str(bid_id),
    }
    if bid is not None:
        award["suppliers"] = [_reference(d, bid.bidder.id)]
        if bid.price_fen is not None:
            award["value"] = value(bid.price_fen)
    return award


def _lot_awards(
    d: Disclosure, lot: str, ranked: Iterable[UUID], since: str
) -> list[dict[str, Any]]:
    awards = {bid: _award(d, lot, bid, rank) for rank, bid in enumerate(ranked, 1)}
    for bid_award in awards.values():
        bid_award |= {"status": "pending", "date": since}
    for decision in _decisions(d, lot):
        at = format_time(decision.decided_at)
        if decision.kind == "retender":
            for award in awards.values():
                if award["status"] != "cancelled":
                    award |= {"status": "unsuccessful", "date": at}
            continue
        assert decision.bid_id is not None
        award = awards.setdefault(decision.bid_id, _award(d, lot, decision.bid_id, decision.rank))
        award |= {"date": at, "description": decision.reason}
        if decision.price_fen is not None:
            award["value"] = value(decision.price_fen)
        award["status"] = "active" if decision.kind == "award" else "cancelled"
        for other in awards.values():
            if other is not award and other["status"] in ("pending", "unsuccessful"):
                # After an award the others lose; after a drop-out they are candidates again.
                other["status"] = "unsuccessful" if decision.kind == "award" else "pending"
    return list(awards.values())


def awards(d: Disclosure) -> list[dict[str, Any]]:
    """Each lot's candidates (from their publicity) and award decisions, as awards."""
    found: list[dict[str, Any]] = []
    for lot in sorted({c.lot for c in d.candidates} | {a.lot for a in d.awards}, key=int):
        publicity = next((c for c in d.candidates if c.lot == lot), None)
        ranked = publicity.candidates if publicity else ()
        since = format_time(publicity.published_at) if publicity else ""
        found += _lot_awards(d, lot, ranked, since)
    return found


def contracts(d: Disclosure) -> list[dict[str, Any]]:
    """Each recorded contract with its changes, milestones and payments."""
    found = []
    for c in d.contracts.contracts:
        contract: dict[str, Any] = {
            "id": str(c.id),
            "awardID": award_id(c.lot, c.bid_id),
            "title": c.title,
            "status": "active",
            "value": value(c.value_fen),
            "dateSigned": format_time(c.signed_at),
        }
        if c.starts is not None and c.ends is not None:
            contract["period"] = {
                "startDate": format_time(c.starts),
                "endDate": format_time(c.ends),
            }
        if c.changes:
            contract["amendments"] = [
                {
                    "id": str(x.number),
                    "date": format_time(x.recorded_at),
                    "rationale": x.rationale,
                    "description": x.description,
                }
                for x in c.changes
            ]
        implementation = _implementation(d, c.id, c.supplier_id)
        if implementation:
            contract["implementation"] = implementation
        found.append(contract)
    return found


def _implementation(d: Disclosure, contract_id: UUID, payee: UUID) -> dict[str, Any]:
    # A milestone's facts are its versions: the latest recorded one stands.
    latest = {m.id: m for m in sorted(d.contracts.milestones, key=lambda m: m.recorded_at)}
    milestones = [
        {"id": str(m.id), "title": m.title, "type": "delivery", "status": m.status}
        | ({"dueDate": format_time(m.due)} if m.due else {})
        | ({"dateMet": format_time(m.met_at)} if m.met_at else {})
        | {"dateModified": format_time(m.recorded_at)}
        for m in latest.values()
        if m.contract_id == contract_id
    ]
    transactions = [
        {
            "id": str(x.id),
            "date": format_time(x.paid_at),
            "value": value(x.amount_fen),
            "payer": {
                "id": str(d.tender.content.tenderer_id),
                "name": d.parties.get(d.tender.content.tenderer_id, ""),
            },
            "payee": _reference(d, payee),
        }
        for x in d.contracts.transactions
        if x.contract_id == contract_id
    ]
    block: dict[str, Any] = {}
    if milestones:
        block["milestones"] = milestones
    if transactions:
        block["transactions"] = transactions
    return block
