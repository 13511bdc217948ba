"""Use cases of the contract (Law 46, Reg. 57; issue 13, item 4).

The agency records the contract of a lot on the tenderer's behalf once the lot has a
current award (0071): within 30 days of the award notice (the award's ``decided_at``),
the clock skipping the tender's suspended time (tender/suspensions); later only with a
recorded reason for the delay (the contract is then flagged late). The contract's main
terms must be those of the winning bid and the tender documents (Reg. 57,
:func:`tender.contracts.model.term_differences`). The contract starts the lot's bond
refund clock (Reg. 57: 5 days, tender/bonds); when every awarded lot has its contract
the tender moves AWARDED → CONTRACT. A background job alerts on lots without a contract
30 days after their award (:func:`raise_contract_alerts`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action
from signing.log.entry import format_time
from tender import access
from tender.bonds import service as bonds
from tender.contracts import queries as contract_queries
from tender.contracts.errors import (
    ContractBeforeAward,
    ContractDeadlinePassed,
    ContractStateConflict,
    ContractTermsDiffer,
)
from tender.contracts.model import (
    Contract,
    ContractInput,
    ExpectedTerms,
    bid_fields,
    expected_terms,
    term_differences,
)
from tender.contracts.queries import CurrentAward
from tender.errors import CalendarNotCovered, LotNotFound
from tender.events import AlertKind, TenderEvent
from tender.lifecycle import append, change_status, load, lock_tender
from tender.model import Tender, TenderStatus
from tender.queries import database_now
from tender.setup import Setup
from tender.suspensions import service as suspensions
from tender.suspensions.model import calendar_end

log = logging.getLogger(__name__)

# A contract is never recorded for a tender that ended without one.
CLOSED = frozenset({TenderStatus.FAILED, TenderStatus.CANCELLED, TenderStatus.ARCHIVED})


async def contract_deadline(
    conn: asyncpg.Connection, tender: Tender, award: CurrentAward, setup: Setup, now: datetime
) -> datetime | None:
    """Law 46: 30 days (policy ``contract_period``) from the award notice, by the
    calendar, pushed later by the suspended time within; None while a suspension runs.

    If the calendar does not cover the deadline's year yet, the earliest possible
    deadline stands in while ``now`` is before it (certainly in time); past it the
    question needs the calendar (``calendar_not_covered``).
    """
    policies = setup.policies_of(tender)
    base, exact = calendar_end(
        award.decided_at, policies.contract_period, setup.calendar,
        extend=policies.extend_over_rest_days,
    )  # fmt: skip
    deadline = await suspensions.clock_end(conn, tender.id, award.decided_at, base)
    if not exact and deadline is not None and now > deadline:
        raise CalendarNotCovered(
            "the holiday calendar does not cover the contract deadline's year yet",
            details={"earliest_deadline": format_time(deadline)},
        )
    return deadline


async def record_contract(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, terms: ContractInput, *, setup: Setup
) -> Contract:
    """Record a lot's signed contract (the agency, for the tenderer); see the module doc."""
    terms = terms.checked()
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        tender, now = locked.tender, locked.now
        log_actor = access.authorise(actor, Action.PUBLISH_TENDER, tender)
        lot = tender.content.lot(terms.lot)
        if lot is None:
            raise LotNotFound(f"the tender has no lot {terms.lot!r}")
        if tender.status in CLOSED:
            raise ContractStateConflict(f"a {tender.status} tender takes no contract")
        award = await contract_queries.current_award(conn, tender_id, terms.lot)
        if award is None:
            raise ContractBeforeAward(
                f"lot {terms.lot} has no award yet: a contract follows the award (Law 46)"
            )
        deadline, late = await _deadline(conn, tender, award, terms, setup, now)
        fields = bid_fields(await contract_queries.opened_fields(conn, award.bid_id))
        expected = expected_terms(
            supplier_id=award.bidder_id, award_price_fen=award.price_fen, fields=fields,
            scope=lot.title,
        )  # fmt: skip
        _require_same_terms(terms, expected)
        data = _log_data(terms, award, deadline, late)
        index = await append(
            conn, TenderEvent.CONTRACT_RECORDED, tender_id, actor=log_actor,
            address=actor.address, data=data,
        )  # fmt: skip
        contract = await contract_queries.insert_contract(
            conn, award=award, terms=terms, deadline=deadline, late=late,
            by=actor.user_id, at=now, log_index=index,
        )  # fmt: skip
        if late:
            await _overdue_alert(conn, award, deadline)
        await bonds.contract_signed(conn, tender, terms.lot, at=now, setup=setup)
        await move_if_contracted(conn, tender)
    log.info("tender.contract_recorded", extra={"tender_id": str(tender_id), "lot": terms.lot})
    return contract


async def _deadline(
    conn: asyncpg.Connection,
    tender: Tender,
    award: CurrentAward,
    terms: ContractInput,
    setup: Setup,
    now: datetime,
) -> tuple[datetime, bool]:
    """The contract's deadline and whether ``now`` is past it (then a reason is needed)."""
    deadline = await contract_deadline(conn, tender, award, setup, now)
    if deadline is None:
        raise ContractStateConflict("the procedure is suspended: no contract meanwhile")
    late = now > deadline
    if late and terms.late_reason is None:
        raise ContractDeadlinePassed(
            "30 days from the award notice have passed: record the reason for the delay",
            details={
                "deadline": format_time(deadline),
                "awarded_at": format_time(award.decided_at),
            },
        )
    return deadline, late


def _log_data(
    terms: ContractInput, award: CurrentAward, deadline: datetime, late: bool
) -> dict[str, object]:
    """The log entry of a contract: every key term, the document's hash, the deadline."""
    return {
        "lot": terms.lot,
        "award_id": str(award.id),
        "supplier_id": str(award.bidder_id),
        "price_fen": terms.price_fen,
        "duration_days": terms.duration_days,
        "quality": terms.quality,
        "project_manager": terms.project_manager,
        "scope": terms.scope,
        "document_sha256": terms.document_sha256,
        "signed_on": terms.signed_on.isoformat(),
        "deadline": format_time(deadline),
        "late": late,
        "late_reason": terms.late_reason if late else None,
    }


def _require_same_terms(terms: ContractInput, expected: ExpectedTerms) -> None:
    differences = term_differences(terms, expected)
    if differences:
        first = differences[0]
        raise ContractTermsDiffer(
            f"the contract's {first.term} differs from the {first.source.replace('_', ' ')} "
            "(Reg. 57: the main terms are those of the tender documents and the winning bid)",
            details={**first.to_json(), "differences": [d.to_json() for d in differences]},
        )


async def move_if_contracted(conn: asyncpg.Connection, tender: Tender) -> None:
    """AWARDED → CONTRACT once every lot with a winner has its contract.

    Called by each contract; the award work may call it too when the tender becomes
    AWARDED after some lots were contracted already (their contracts came first).
    """
    if tender.status is not TenderStatus.AWARDED:
        return
    if not await contract_queries.uncontracted_awards(conn, tender.id, limit=1):
        await change_status(
            conn, tender.id, TenderStatus.CONTRACT, reason="every awarded lot is contracted"
        )


async def _overdue_alert(conn: asyncpg.Connection, award: CurrentAward, deadline: datetime) -> int:
    data = {
        "lot": award.lot,
        "award_id": str(award.id),
        "awarded_at": format_time(award.decided_at),
        "deadline": format_time(deadline),
    }
    return await bonds.alert_once(
        conn, award.tender_id, AlertKind.CONTRACT_OVERDUE, str(award.id), data
    )


async def raise_contract_alerts(conn: asyncpg.Connection, setup: Setup) -> int:
    """Law 46: alert once for every award still without a contract past its deadline."""
    raised = 0
    async with conn.transaction():
        now = await database_now(conn)
        for award in await contract_queries.uncontracted_awards(conn):
            tender = await load(conn, award.tender_id)
            if tender.status in CLOSED:
                continue
            try:
                deadline = await contract_deadline(conn, tender, award, setup, now)
            except CalendarNotCovered:
                log.warning("tender.calendar_not_covered", extra={"tender_id": str(tender.id)})
                continue
            if deadline is not None and now > deadline:
                raised += await _overdue_alert(conn, award, deadline)
    return raised
