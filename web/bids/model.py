"""What the bidder's pages show of a tender, as plain data (no I/O, time passed in).

The lot page's script gets these facts as one JSON attribute: which parts a bid has
(DESIGN.md, "Sealed bid": one, or technical and commercial), the opening-form fields it
must fill (sealed-bid.md §7), the lot's price ceiling (a price above it is flagged
before sealing, as the opening record flags it), the deadline, and how the tender lets
bidders seal (the ``sealing`` policy of issue 16 item 3: ``client`` means the agency
requires ``etender bid seal``, so the page refuses to seal in the browser and says why).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from uuid import UUID

from tender.model import OpeningField, Sealing, Tender, TenderStatus


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OpenLot:
    """One lot of a published tender still taking bids, for the "start a bid" list."""

    tender_id: UUID
    code: str | None
    title: str
    lot: str
    lot_title: str
    deadline: datetime


def open_for_bids(tender: Tender, now: datetime) -> list[OpenLot]:
    """The tender's lots if it takes bids at ``now`` (published, before its deadline)."""
    deadline = tender.deadline
    if tender.status is not TenderStatus.PUBLISHED or deadline is None or now >= deadline:
        return []
    return [
        OpenLot(tender_id=tender.id, code=tender.code, title=tender.content.title,
                lot=lot.number, lot_title=lot.title, deadline=deadline)
        for lot in tender.content.lots
    ]  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LotFacts:
    """What the lot page and its script need of the tender."""

    tender_id: UUID
    code: str | None
    title: str
    lot: str
    lot_title: str
    deadline: datetime | None
    decryption_minutes: int
    ceiling_fen: int
    bond_fen: int
    parts: tuple[str, ...]
    fields: tuple[OpeningField, ...]
    consortia_allowed: bool
    policy: str
    sealing: Sealing  # CLIENT: the page refuses to seal (tender.model.Sealing)
    taking_bids: bool
    status: str

    def to_json(self, credit_code: str) -> dict[str, Any]:
        """The script's facts (``bidder``: the credit code statements name)."""
        return {
            "tender_id": str(self.tender_id),
            "tender": self.code,
            "title": self.title,
            "lot": self.lot,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "ceiling_fen": self.ceiling_fen,
            "bond_fen": self.bond_fen,
            "parts": list(self.parts),
            "fields": [
                {"name": f.name, "label": f.label, "kind": str(f.kind), "required": f.required}
                for f in self.fields
            ],
            "consortia_allowed": self.consortia_allowed,
            "policy": self.policy,
            "sealing": str(self.sealing),
            "taking_bids": self.taking_bids,
            "status": self.status,
            "bidder": credit_code,
        }


def lot_facts(tender: Tender, number: str, now: datetime) -> LotFacts:
    """The facts of lot ``number`` (which the caller checked exists) at ``now``."""
    content = tender.content
    lot = content.lot(number)
    if lot is None:
        raise ValueError(f"the tender has no lot {number!r}")
    deadline = tender.deadline
    return LotFacts(
        tender_id=tender.id,
        code=tender.code,
        title=content.title,
        lot=lot.number,
        lot_title=lot.title,
        deadline=deadline,
        decryption_minutes=content.schedule.decryption_minutes,
        ceiling_fen=lot.price_ceiling_fen,
        bond_fen=lot.bond_fen,
        parts=content.parts,
        fields=content.opening_fields,
        consortia_allowed=content.consortia_allowed,
        policy=str(content.opening_policy),
        sealing=content.sealing,
        taking_bids=bool(open_for_bids(tender, now)),
        status=str(tender.status),
    )
