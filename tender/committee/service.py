"""Use cases of opening committees: appoint, approve, read, and freeze at the first bid.

DESIGN.md, "Opening committee": appointed by the centre and the supervising
department — never by the agency. Centre staff appoint a roster (officials with
accounts holding the ``opening_official`` role, their age recipients, certificates and
signed recipient statements, checked against the platform's trust store); a
supervisor of the tender's department approves exactly that roster by its SHA-256.
Publication logs every lot's fingerprint; the first bid freezes the committee
(:func:`freeze_committee`, called by the submission work under the tender's lock).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied, UserNotFound
from accounts.model import Actor, Role
from accounts.users import service as users
from signing.certs import cert_sha256, load_pem_certificate
from signing.committee import Committee, dump_committee
from signing.errors import SigningError
from signing.statements.base import SignedStatement
from tender import access, queries
from tender.committee import queries as committee_queries
from tender.committee import served_queries
from tender.committee.model import Roster, Seat, check_shape
from tender.committee.rules import CommitteeSingleOrganisation, check_seats
from tender.committee.served import ServedLot
from tender.errors import (
    CommitteeNotApproved,
    CommitteeRefused,
    CommitteeRosterChanged,
    DeadlinePassed,
    LotNotFound,
    TenderInputInvalid,
    TenderNotFound,
    TenderNotOpenForBids,
    TenderRuleBroken,
)
from tender.events import TenderEvent
from tender.lifecycle import PLATFORM, LockedTender, append, load, lock_tender
from tender.model import BIDDING_STATUSES, Tender, TenderStatus
from tender.setup import Setup

log = logging.getLogger(__name__)

MAX_SERVED = 200  # seats listed on the official's page


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OfficialInput:
    """One official as the centre proposes it (x is the position in the list)."""

    user_id: UUID
    recipient: str
    certificate_pem: bytes
    statement: SignedStatement


def _lot_id(tender: Tender, lot: str) -> UUID:
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    return lot_id


def _require_changeable(locked: LockedTender) -> None:
    tender = locked.tender
    if tender.status is not TenderStatus.DRAFT and tender.status not in BIDDING_STATUSES:
        raise TenderNotOpenForBids(f"a {tender.status} tender's committee is settled")
    if tender.deadline is not None and tender.is_public and locked.now >= tender.deadline:
        raise DeadlinePassed("the deadline has passed")


async def _seat(conn: asyncpg.Connection, x: int, official: OfficialInput) -> Seat:
    try:
        user = await users.get_user(conn, official.user_id)
    except UserNotFound:
        raise TenderInputInvalid(f"official x={x}: no such user") from None
    roles = {grant.role for grant in await users.user_roles(conn, user.id)}
    if Role.OPENING_OFFICIAL not in roles:
        raise TenderInputInvalid(f"official x={x}: the user is not an opening official")
    try:
        certificate = load_pem_certificate(official.certificate_pem)
    except SigningError as exc:
        raise TenderInputInvalid(f"official x={x}: {exc}") from None
    return Seat(
        x=x,
        user_id=user.id,
        organisation_id=user.organisation_id,
        recipient=official.recipient,
        certificate=certificate,
        cert_sha256=cert_sha256(certificate),
        statement=official.statement,
    )


def _refusals(locked: LockedTender, roster: Roster, setup: Setup) -> list[TenderRuleBroken]:
    ctx = setup.context(locked.tender, locked.now)
    found: list[TenderRuleBroken] = list(check_seats(locked.tender, roster, ctx))
    if len(roster.organisations) < ctx.policies.committee_min_organisations:
        found.append(
            CommitteeSingleOrganisation(
                f"officials from at least {ctx.policies.committee_min_organisations} organisations",
                lot=roster.lot,
            )
        )
    return found


async def appoint_committee(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    k: int,
    officials: Sequence[OfficialInput],
    setup: Setup,
) -> Roster:
    """Centre staff appoint (or re-appoint, until frozen) a lot's committee."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, access.APPOINT_COMMITTEE, locked.tender)
        _require_changeable(locked)
        lot_id = _lot_id(locked.tender, lot)
        seats = tuple([await _seat(conn, x, o) for x, o in enumerate(officials, start=1)])
        check_shape(k, seats)
        roster = Roster(
            tender_id=tender_id,
            lot=lot,
            k=k,
            seats=seats,
            appointed_by=actor.user_id,
            appointed_at=locked.now,
        )
        refused = _refusals(locked, roster, setup)
        if refused:
            raise CommitteeRefused(
                "the committee breaks a rule",
                details={"violations": [v.as_detail() for v in refused]},
            )
        await committee_queries.replace_roster(
            conn,
            lot_id=lot_id,
            tender_id=tender_id,
            k=k,
            seats=seats,
            roster_sha256=roster.sha256,
            appointed_by=actor.user_id,
        )
        await append(
            conn,
            TenderEvent.COMMITTEE_APPOINTED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=_roster_data(roster),
        )
    log.info("tender.committee_appointed", extra={"tender_id": str(tender_id), "lot": lot})
    return roster


def _roster_data(roster: Roster) -> dict[str, object]:
    return {
        "lot": roster.lot,
        "k": roster.k,
        "n": roster.n,
        "roster_sha256": roster.sha256,
        "officials": [
            {
                "x": seat.x,
                "user_id": str(seat.user_id),
                "organisation_id": str(seat.organisation_id),
                "recipient": seat.recipient,
                "cert_sha256": seat.cert_sha256,
            }
            for seat in roster.seats
        ],
    }


async def _roster(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> Roster:
    roster = (await committee_queries.rosters(conn, tender_id)).get(lot)
    if roster is None:
        raise CommitteeNotApproved(f"lot {lot} has no opening committee")
    return roster


async def approve_committee(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, *, roster_sha256: str
) -> Roster:
    """A supervisor of the tender's department approves exactly the roster it has read."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, access.APPROVE_COMMITTEE, locked.tender)
        _require_changeable(locked)
        lot_id = _lot_id(locked.tender, lot)
        roster = await _roster(conn, tender_id, lot)
        if roster.appointed_by == actor.user_id:
            raise CommitteeRosterChanged("the person who appointed a committee cannot approve it")
        approved = await committee_queries.approve_roster(
            conn, lot_id, roster_sha256, actor.user_id, locked.now
        )
        if not approved:
            raise CommitteeRosterChanged("this roster is not the one awaiting approval now")
        roster = await _roster(conn, tender_id, lot)
        data: dict[str, object] = {"lot": lot, "roster_sha256": roster_sha256}
        fingerprint = _fingerprint(locked.tender, roster)
        if fingerprint is not None:  # a published tender: bidders seal to this one now
            data["committee_fingerprint"] = fingerprint
        await append(
            conn,
            TenderEvent.COMMITTEE_APPROVED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
        )
    return roster


def _fingerprint(tender: Tender, roster: Roster) -> str | None:
    if tender.code is None or tender.deadline is None:
        return None
    return roster.committee(tender_code=tender.code, deadline=tender.deadline).fingerprint_hex


async def authorise_appointment(conn: asyncpg.Connection, actor: Actor, tender_id: UUID) -> None:
    """Whether the actor may appoint this tender's committees, checked before the body's
    statements are decoded: who may not appoint learns nothing from their parsing."""
    access.authorise(actor, access.APPOINT_COMMITTEE, await load(conn, tender_id))


async def read_rosters(
    conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID
) -> dict[str, Roster]:
    """Every lot's roster: public once the tender is; before, the centre and department."""
    tender = await load(conn, tender_id)
    if not tender.is_public and (actor is None or not access.may_read_draft(actor, tender)):
        raise TenderNotFound("no tender has this id")
    return await committee_queries.rosters(conn, tender_id)


async def lot_committee(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> Committee:
    """The committee bidders of a published tender seal to (code, current deadline).

    Refused unless the tender is published and the lot's roster approved; the
    fingerprint changes if the deadline moves (a later change means re-sealing).
    """
    tender = await load(conn, tender_id)
    _lot_id(tender, lot)
    if tender.code is None or tender.deadline is None:
        raise TenderNotOpenForBids("the tender is not published")
    roster = await _roster(conn, tender_id, lot)
    if not roster.approved:
        raise CommitteeNotApproved(f"lot {lot}'s committee awaits the department's approval")
    return roster.committee(tender_code=tender.code, deadline=tender.deadline)


async def committee_file(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> bytes:
    """The ``etender-committee-v1`` file bidders' clients verify and seal to (a public
    read: a draft's is not found, like the draft)."""
    if not (await load(conn, tender_id)).is_public:
        raise TenderNotFound("no tender has this id")
    return dump_committee(await lot_committee(conn, tender_id, lot))


async def freeze_committee(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> Committee:
    """Freeze a lot's committee at its first bid; returns the committee sealed to.

    The submission work calls this in its own transaction, after :func:`lock_tender`:
    the first call freezes and logs ``tender.committee_frozen`` with the fingerprint,
    later calls only return the committee. A frozen roster is never replaced (0020).
    """
    if not conn.is_in_transaction():
        raise RuntimeError("freeze_committee runs inside the submission's transaction")
    committee = await lot_committee(conn, tender_id, lot)
    tender = await load(conn, tender_id)
    lot_id = _lot_id(tender, lot)
    if await committee_queries.freeze_roster(conn, lot_id, await queries.database_now(conn)):
        data = {"lot": lot, "committee_fingerprint": committee.fingerprint_hex}
        await append(conn, TenderEvent.COMMITTEE_FROZEN, tender_id, actor=PLATFORM, data=data)
    return committee


async def served_lots(conn: asyncpg.Connection, actor: Actor) -> list[ServedLot]:
    """The actor's seats on opening committees, latest deadline first (issue 15, item 2)."""
    if not actor.has_role(Role.OPENING_OFFICIAL):
        raise PermissionDenied(
            "only an opening official has seats on opening committees",
            details={"role": str(Role.OPENING_OFFICIAL)},
        )
    return await served_queries.served_lots(conn, actor.user_id, MAX_SERVED)
