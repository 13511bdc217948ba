"""Use cases of bid bonds (保证金) and the monitoring alerts around them.

Centre staff record each bidder's bond for a lot — a bank transfer (paying account,
amount, time of arrival) or an electronic guarantee letter (电子保函: number, issuer).
The opening calls :func:`check_bond` for every bid. Reg. 57: bonds are refunded within
5 days of the contract, with the bank's interest: a lot's contract starts its bonds'
clock (:func:`contract_signed`); a lot without a winner (a failed or cancelled tender, a
re-tendered lot) starts it at the result (:func:`record_result`). The clock skips the
tender's suspended time (tender/suspensions). Overdue refunds and overdue objection
answers become alerts (:func:`raise_overdue_alerts`, run by a background job). Two
bidders paying from one account raise an alert at once (Reg. 40).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import OrganisationNotFound, PermissionDenied
from accounts.model import Actor, OrgKind, Role
from accounts.organisations import service as organisations
from signing.canonical import sha256_hex
from signing.log.entry import Actor as LogActor
from signing.log.entry import commit, format_time, new_salt
from supervision.alerts import service as supervision_alerts
from tender import access, queries
from tender.alerting import raise_tender_alert
from tender.bonds import queries as bond_queries
from tender.bonds.model import (
    Alert,
    Bond,
    BondCheck,
    BondKind,
    BondStatus,
    days_held,
    normalise_account,
    refund_interest,
)
from tender.calendar import require_utc
from tender.errors import (
    BondAlreadyRefunded,
    BondNotFound,
    LotNotFound,
    OrganisationKindMismatch,
    TenderInputInvalid,
    TenderNotOpenForBids,
    TenderStateConflict,
)
from tender.events import AlertKind, TenderEvent
from tender.lifecycle import PLATFORM, append, load, lock_tender
from tender.model import BIDDING_STATUSES, Tender, TenderStatus, check_amount, check_text
from tender.notices import queries as notice_queries
from tender.policy import Policies
from tender.queries import database_now
from tender.setup import Setup
from tender.suspensions import service as suspensions
from tender.suspensions.model import calendar_end

log = logging.getLogger(__name__)

# Bonds arrive before the deadline; a late bank notice is still recorded (and fails
# the check) while the bids are being opened.
RECORDING_STATUSES = BIDDING_STATUSES | {TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BondInput:
    """A bond as the centre's finance staff enter it (or the bank's notice carries it)."""

    lot: str
    bidder_id: UUID
    kind: BondKind
    amount_fen: int
    paid_at: datetime
    paying_account: str | None = None
    guarantee_no: str | None = None
    issuer: str | None = None

    def checked(self) -> BondInput:
        """Field rules: a transfer has an account only; a letter a number and issuer only."""
        check_amount(self.amount_fen, name="amount_fen")
        if self.amount_fen == 0:
            raise TenderInputInvalid("a bond amount is at least 1 fen")
        require_utc(self.paid_at)
        if self.kind is BondKind.TRANSFER:
            if self.paying_account is None or self.guarantee_no or self.issuer:
                raise TenderInputInvalid("a transfer has a paying account and nothing else")
            return dataclasses.replace(self, paying_account=normalise_account(self.paying_account))
        if self.paying_account is not None or not self.guarantee_no or not self.issuer:
            raise TenderInputInvalid("a guarantee letter has a number and an issuer, no account")
        check_text(self.guarantee_no, name="the letter number", limit=64)
        check_text(self.issuer, name="the issuer", limit=200)
        return self


async def _require_bidder(conn: asyncpg.Connection, bidder_id: UUID) -> None:
    try:
        org = await organisations.get_organisation(conn, bidder_id)
    except OrganisationNotFound:
        raise OrganisationKindMismatch("no bidder has this id") from None
    if org.kind is not OrgKind.BIDDER:
        raise OrganisationKindMismatch(f"{org.name} is not a bidder")


def _lot_id(tender: Tender, lot: str) -> UUID:
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    return lot_id


async def record_bond(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, bond: BondInput
) -> tuple[Bond, list[Alert]]:
    """Record a bond; returns it and any alert it raised (bonds paid from one account)."""
    bond = bond.checked()
    await _require_bidder(conn, bond.bidder_id)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, access.MANAGE_BONDS, locked.tender)
        if locked.tender.status not in RECORDING_STATUSES:
            raise TenderNotOpenForBids(f"a {locked.tender.status} tender takes no bonds")
        salt = new_salt()
        bond_id = await bond_queries.insert_bond(
            conn,
            tender_id=tender_id,
            lot_id=_lot_id(locked.tender, bond.lot),
            bidder_id=bond.bidder_id,
            kind=bond.kind,
            amount_fen=bond.amount_fen,
            paid_at=bond.paid_at,
            paying_account=bond.paying_account,
            guarantee_no=bond.guarantee_no,
            issuer=bond.issuer,
            recorded_by=actor.user_id,
            salt=salt,
        )
        data = {
            "bond_id": str(bond_id),
            "lot": bond.lot,
            "kind": str(bond.kind),
            "amount_fen": bond.amount_fen,
            "bidder": commit(str(bond.bidder_id), salt),
        }
        await append(
            conn,
            TenderEvent.BOND_RECORDED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
            commitments=("bidder",),
        )
        stored = (await bond_queries.bonds(conn, tender_id, bond_id=bond_id))[0]
        raised = await _same_account_alert(conn, stored)
    return stored, raised


async def _same_account_alert(conn: asyncpg.Connection, bond: Bond) -> list[Alert]:
    # Reg. 40 (DOMAIN.md "Monitoring"): bonds of different bidders paid from one account.
    if bond.paying_account is None:
        return []
    others = await bond_queries.same_account(
        conn, bond.tender_id, bond.paying_account, bond.bidder_id
    )
    if not others:
        return []
    involved = sorted({str(b.bidder_id) for b in others} | {str(bond.bidder_id)})
    bond_ids = sorted({str(b.id) for b in others} | {str(bond.id)})
    subject = sha256_hex(f"{bond.paying_account}|{'|'.join(involved)}".encode())
    data = {"paying_account": bond.paying_account, "bidder_ids": involved, "bond_ids": bond_ids}
    # The log names bonds, not bidders: who bids stays secret until the deadline.
    alert = await raise_tender_alert(
        conn,
        bond.tender_id,
        AlertKind.BOND_SAME_ACCOUNT,
        subject,
        data,
        logged={"bond_ids": bond_ids},
        parties=[UUID(b) for b in involved],
    )
    if alert is None:
        return []
    return [alert]


async def check_bond(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, bidder_id: UUID
) -> BondCheck:
    """The opening's bond check: a held bond of at least the lot's amount, paid in time."""
    tender = await load(conn, tender_id)
    lot_id = _lot_id(tender, lot)
    required = next(item.bond_fen for item in tender.content.lots if item.number == lot)
    found = await bond_queries.bonds(conn, tender_id, bidder_id=bidder_id, lot_id=lot_id)
    if required == 0:
        return BondCheck(ok=True, reason="not_required", bond=found[0] if found else None)
    if not found:
        return BondCheck(ok=False, reason="missing")
    bond = found[0]
    if bond.status is BondStatus.REFUNDED:
        return BondCheck(ok=False, reason="refunded", bond=bond)
    if bond.amount_fen < required:
        return BondCheck(ok=False, reason="insufficient", bond=bond)
    if tender.deadline is not None and bond.paid_at > tender.deadline:
        return BondCheck(ok=False, reason="late", bond=bond)
    return BondCheck(ok=True, reason="ok", bond=bond)


async def list_bonds(conn: asyncpg.Connection, actor: Actor, tender_id: UUID) -> list[Bond]:
    """All bonds for the centre and the department; a bidder sees its own only."""
    tender = await load(conn, tender_id)
    if access.is_overseer(actor, tender):
        return await bond_queries.bonds(conn, tender_id)
    if actor.has_role(Role.BIDDER) and tender.is_public:
        return await bond_queries.bonds(conn, tender_id, bidder_id=actor.organisation_id)
    access.require_bond_reader(actor, tender)
    return []


async def refund_bond(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, bond_id: UUID, *, reference: str
) -> Bond:
    """Centre staff mark a bond refunded, with the bank's reference."""
    check_text(reference, name="the refund reference", limit=200)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, access.MANAGE_BONDS, locked.tender)
        found = await bond_queries.bonds(conn, tender_id, bond_id=bond_id)
        if not found:
            raise BondNotFound("no such bond of this tender")
        # Reg. 57: the bank interest of the period the money was held (the tender's
        # policy snapshot holds the rate).
        rate = Policies.from_json(locked.tender.policies or {}).bond_interest_basis_points
        bond = found[0]
        interest = refund_interest(bond.kind, bond.amount_fen, rate, bond.paid_at, locked.now)
        done = await bond_queries.refund(
            conn,
            tender_id=tender_id,
            bond_id=bond_id,
            at=locked.now,
            by=actor.user_id,
            reference=reference,
            interest_fen=interest,
        )
        if not done:
            raise BondAlreadyRefunded("this bond was refunded already")
        late = await _overdue(conn, found[0], locked.now)
        data = {
            "bond_id": str(bond_id),
            "late": late,
            "interest_fen": interest,
            "days_held": days_held(found[0].paid_at, locked.now),
        }
        await append(
            conn,
            TenderEvent.BOND_REFUNDED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
        )
    return (await bond_queries.bonds(conn, tender_id, bond_id=bond_id))[0]


async def record_result(
    conn: asyncpg.Connection, tender_id: UUID, *, setup: Setup, actor: LogActor = PLATFORM
) -> datetime:
    """The result is published: bonds of lots without a winner fall due within 5 days.

    Reg. 57: a lot with a current award refunds within 5 days of its contract instead
    (:func:`contract_signed`). Called by the award work (in its transaction or this
    one) for failed and cancelled tenders; returns the due time.
    """
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        if locked.tender.published_at is None:
            raise TenderStateConflict("an unpublished tender has no result")
        policies = setup.policies_of(locked.tender)
        due, _ = calendar_end(
            locked.now, policies.bond_refund, setup.calendar, extend=policies.extend_over_rest_days
        )
        if not await queries.set_result_published(conn, tender_id, locked.now):
            raise TenderStateConflict("the result was recorded already")
        count = await bond_queries.set_refund_due(conn, tender_id, due, locked.now)
        await append(
            conn,
            TenderEvent.RESULT_PUBLISHED,
            tender_id,
            actor=actor,
            data={"refund_due": format_time(due), "bonds_held": count},
        )
    return due


async def contract_signed(
    conn: asyncpg.Connection, tender: Tender, lot: str, *, at: datetime, setup: Setup
) -> datetime:
    """Reg. 57: the lot's contract is recorded at ``at``; its bonds fall due 5 days later.

    Runs in the contract's transaction; returns the due time (before suspensions). If
    the calendar does not cover the due day's year yet, the due time is the earliest it
    can be (no rest-day extension): the refund is asked for no later than the rule says.
    """
    policies = setup.policies_of(tender)
    due, _ = calendar_end(
        at, policies.bond_refund, setup.calendar, extend=policies.extend_over_rest_days
    )
    count = await bond_queries.set_lot_refund_due(conn, tender.id, _lot_id(tender, lot), due, at)
    await append(
        conn,
        TenderEvent.BONDS_DUE,
        tender.id,
        actor=PLATFORM,
        data={"lot": lot, "refund_due": format_time(due), "bonds_held": count},
    )
    return due


async def _overdue(conn: asyncpg.Connection, bond: Bond, now: datetime) -> bool:
    """Whether the refund clock ran out before ``now``, skipping suspended time."""
    if bond.refund_due is None:
        return False
    start = bond.refund_clock_from or bond.refund_due
    end = await suspensions.clock_end(conn, bond.tender_id, start, bond.refund_due)
    return end is not None and now > end


async def raise_overdue_alerts(conn: asyncpg.Connection) -> int:
    """Alert once for each overdue refund and each overdue objection answer; how many."""
    raised = 0
    async with conn.transaction():
        now = await database_now(conn)
        for bond in await bond_queries.overdue_refunds(conn):
            assert bond.refund_due is not None
            if not await _overdue(conn, bond, now):
                continue  # a suspension stopped the clock (Reg. 57, CONTRACTS.md)
            data = {"bond_id": str(bond.id), "refund_due": format_time(bond.refund_due)}
            raised += await alert_once(
                conn, bond.tender_id, AlertKind.BOND_REFUND_OVERDUE, str(bond.id), data
            )
        for objection in await notice_queries.overdue_objections(conn):
            data = {
                "objection_id": str(objection.id),
                "answer_due": format_time(objection.answer_due),
            }
            raised += await alert_once(
                conn,
                objection.tender_id,
                AlertKind.OBJECTION_ANSWER_OVERDUE,
                str(objection.id),
                data,
            )
    return raised


async def alert_once(
    conn: asyncpg.Connection, tender_id: UUID, kind: AlertKind, subject: str, data: dict[str, str]
) -> int:
    """Raise an alert once per (tender, kind, subject), logged; 1 if raised now, else 0."""
    alert = await raise_tender_alert(conn, tender_id, kind, subject, data, logged=data)
    return 0 if alert is None else 1


async def list_alerts(conn: asyncpg.Connection, actor: Actor, tender_id: UUID) -> list[Alert]:
    """A tender's alerts: the centre and the supervising department only."""
    tender = await load(conn, tender_id)
    access.hide_draft(actor, tender)
    if not access.is_overseer(actor, tender):
        raise PermissionDenied(
            "alerts are read by the centre and the supervising department",
            details={"action": "view_alerts", "resource": "tender"},
        )
    return [
        Alert(id=a.id, tender_id=tender_id, kind=a.rule, data=a.evidence, raised_at=a.raised_at)
        for a in await supervision_alerts.tender_alerts(conn, tender_id)
    ]
