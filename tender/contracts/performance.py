"""Use cases after the contract: its changes and its performance (issue 13, items 4-5),
and the public reads of all three (DOMAIN.md "Results and disclosure": contract and
performance are published; OCDS ``contract`` and ``implementation``; the archive).

The agency records, for a lot whose contract exists: a change (what changed, why, from
when) and performance records — milestones, acceptance (验收), payments (in fen) and
changes. The first performance record moves the tender CONTRACT → PERFORMANCE (a tender
still AWARDED, some lot not contracted yet, keeps its status until then).
Nothing exists to read before a contract does: the reads are public from that moment.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action
from tender import access
from tender.contracts import queries as contract_queries
from tender.contracts.errors import ContractNotFound, ContractStateConflict
from tender.contracts.model import (
    ChangeInput,
    Contract,
    ContractChange,
    PerformanceInput,
    PerformanceRecord,
)
from tender.errors import LotNotFound, TenderNotFound
from tender.events import TenderEvent
from tender.lifecycle import append, change_status, load, lock_tender
from tender.model import Tender, TenderStatus

# After the archive nothing is added (performance joins it as a signed supplement).
# An archived tender keeps its contract's changes and performance (they go into the
# archive's signed supplements: docs/formats/archive.md); an ended one without a
# contract takes none.
_CLOSED = frozenset({TenderStatus.FAILED, TenderStatus.CANCELLED})


async def _lot_contract(conn: asyncpg.Connection, tender: Tender, lot: str) -> Contract:
    if tender.content.lot(lot) is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    if tender.status in _CLOSED:
        raise ContractStateConflict(f"a {tender.status} tender takes no records")
    found = await contract_queries.contracts(conn, tender.id, lot)
    if not found:
        raise ContractNotFound(f"lot {lot} has no contract yet")
    return found[0]


async def record_change(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, change: ChangeInput
) -> ContractChange:
    """Record a change to a lot's contract (the agency), logged and published."""
    change = change.checked()
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, Action.PUBLISH_TENDER, locked.tender)
        contract = await _lot_contract(conn, locked.tender, lot)
        data = {
            "lot": lot,
            "contract_id": str(contract.id),
            "what": change.what,
            "description": change.description,
            "reason": change.reason,
            "effective_on": change.effective_on.isoformat(),
        }
        index = await append(
            conn, TenderEvent.CONTRACT_CHANGED, tender_id, actor=log_actor,
            address=actor.address, data=data,
        )  # fmt: skip
        change_id = await contract_queries.insert_change(
            conn, contract, change, by=actor.user_id, at=locked.now, log_index=index
        )
    return next(c for c in await contract_queries.changes(conn, tender_id) if c.id == change_id)


async def record_performance(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, record: PerformanceInput
) -> PerformanceRecord:
    """Record a milestone, acceptance, payment or change of a lot's performance."""
    record = record.checked()
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, Action.PUBLISH_TENDER, locked.tender)
        contract = await _lot_contract(conn, locked.tender, lot)
        data = {
            "lot": lot,
            "contract_id": str(contract.id),
            "kind": str(record.kind),
            "title": record.title,
            "amount_fen": record.amount_fen,
            "occurred_on": record.occurred_on.isoformat(),
        }
        index = await append(
            conn, TenderEvent.PERFORMANCE_RECORDED, tender_id, actor=log_actor,
            address=actor.address, data=data,
        )  # fmt: skip
        record_id = await contract_queries.insert_performance(
            conn, contract, record, by=actor.user_id, at=locked.now, log_index=index
        )
        if locked.tender.status is TenderStatus.CONTRACT:
            await change_status(
                conn, tender_id, TenderStatus.PERFORMANCE, reason="the first performance record"
            )
    return next(p for p in await contract_queries.performance(conn, tender_id) if p.id == record_id)


# --- reads: public once they exist (OCDS and the archive read these too) ---------------


async def _public(conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID) -> None:
    tender = await load(conn, tender_id)
    if actor is not None:
        access.hide_draft(actor, tender)
    elif not tender.is_public:
        raise TenderNotFound("no tender has this id")


async def contracts(conn: asyncpg.Connection, tender_id: UUID) -> list[Contract]:
    """A tender's contracts by lot (CONTRACTS.md: read by OCDS and the archive)."""
    return await contract_queries.contracts(conn, tender_id)


async def changes(conn: asyncpg.Connection, tender_id: UUID) -> list[ContractChange]:
    """A tender's contract changes, oldest first."""
    return await contract_queries.changes(conn, tender_id)


async def performance(conn: asyncpg.Connection, tender_id: UUID) -> list[PerformanceRecord]:
    """A tender's performance records by date (CONTRACTS.md: OCDS and the archive)."""
    return await contract_queries.performance(conn, tender_id)


async def published(
    conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID
) -> tuple[list[Contract], list[ContractChange], list[PerformanceRecord]]:
    """What the public page and API show: contracts, changes and performance (any reader
    of the public tender; empty lists before the first contract)."""
    await _public(conn, actor, tender_id)
    return (
        await contracts(conn, tender_id),
        await changes(conn, tender_id),
        await performance(conn, tender_id),
    )
