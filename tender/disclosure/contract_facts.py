"""The contract work's records as the disclosure's facts (CONTRACTS.md, "contract").

The contract work (tender/contracts/) keeps contracts, their changes and performance
records; its read functions ``contracts``, ``changes`` and ``performance`` return frozen
dataclasses of the shapes below. :func:`facts_from_contract_work` turns them into
:class:`ContractFacts`, so wiring them is three calls in service.load_contracts. Pure:
the shapes are protocols, so this module imports nothing of that work.

Dates the contract work records as calendar days (a signing day, the day a payment was
made) become the start of that day in Beijing time (DOMAIN.md: Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from tender.calendar import SHANGHAI
from tender.disclosure.facts import (
    ContractChangeFact,
    ContractFact,
    ContractFacts,
    MilestoneFact,
    TransactionFact,
)


class ContractRecord(Protocol):
    """A recorded contract's key terms (tender.contracts.model.Contract)."""

    @property
    def id(self) -> UUID: ...
    @property
    def lot(self) -> str: ...
    @property
    def bid_id(self) -> UUID: ...
    @property
    def supplier_id(self) -> UUID: ...
    @property
    def price_fen(self) -> int: ...
    @property
    def duration_days(self) -> int | None: ...
    @property
    def scope(self) -> str: ...
    @property
    def signed_on(self) -> dt.date: ...
    @property
    def recorded_at(self) -> dt.datetime: ...


class ChangeRecord(Protocol):
    """A recorded change of a contract (tender.contracts.model.ContractChange)."""

    @property
    def contract_id(self) -> UUID: ...
    @property
    def what(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def recorded_at(self) -> dt.datetime: ...


class PerformanceEntry(Protocol):
    """A performance record (tender.contracts.model.PerformanceRecord)."""

    @property
    def id(self) -> UUID: ...
    @property
    def contract_id(self) -> UUID: ...
    @property
    def kind(self) -> str: ...  # milestone, acceptance, payment, change
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def amount_fen(self) -> int | None: ...
    @property
    def occurred_on(self) -> dt.date: ...
    @property
    def recorded_at(self) -> dt.datetime: ...


def day_start(day: dt.date) -> dt.datetime:
    """The start of a calendar day in Beijing time, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI)


def _contract(c: ContractRecord, changes: Sequence[ContractChangeFact]) -> ContractFact:
    starts = day_start(c.signed_on)
    return ContractFact(
        id=c.id,
        lot=c.lot,
        bid_id=c.bid_id,
        supplier_id=c.supplier_id,
        title=f"第{c.lot}标段合同：{c.scope}"[:200],
        value_fen=c.price_fen,
        signed_at=starts,
        starts=starts if c.duration_days else None,
        ends=starts + dt.timedelta(days=c.duration_days) if c.duration_days else None,
        recorded_at=c.recorded_at,
        changes=tuple(changes),
    )


def _changes(
    changes: Sequence[ChangeRecord], records: Sequence[PerformanceEntry]
) -> list[ContractChangeFact]:
    """A contract's changes and its performance records of kind ``change``, numbered in
    the order they were recorded."""
    found = [(x.recorded_at, f"{x.what}：{x.description}", x.reason) for x in changes]
    found += [(x.recorded_at, x.title, x.description) for x in records if x.kind == "change"]
    return [
        ContractChangeFact(number=n, description=text, rationale=why, recorded_at=at)
        for n, (at, text, why) in enumerate(sorted(found, key=lambda y: y[0]), 1)
    ]


def facts_from_contract_work(
    contracts: Sequence[ContractRecord],
    changes: Sequence[ChangeRecord],
    performance: Sequence[PerformanceEntry],
) -> ContractFacts:
    """The contract work's records of one tender as the disclosure's facts: milestones
    and acceptances are met milestones, payments are transactions."""
    return ContractFacts(
        contracts=tuple(
            _contract(
                c,
                _changes(
                    [x for x in changes if x.contract_id == c.id],
                    [x for x in performance if x.contract_id == c.id],
                ),
            )
            for c in contracts
        ),
        milestones=tuple(
            MilestoneFact(
                id=x.id,
                contract_id=x.contract_id,
                title=x.title,
                due=None,
                status="met",
                met_at=day_start(x.occurred_on),
                recorded_at=x.recorded_at,
            )
            for x in performance
            if x.kind in ("milestone", "acceptance")
        ),
        transactions=tuple(
            TransactionFact(
                id=x.id,
                contract_id=x.contract_id,
                amount_fen=x.amount_fen,
                paid_at=day_start(x.occurred_on),
                recorded_at=x.recorded_at,
            )
            for x in performance
            if x.kind == "payment" and x.amount_fen is not None
        ),
    )
