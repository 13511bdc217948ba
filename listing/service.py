"""Use cases of listings up to the end of the listing period (issue 18, items 1 and 3).

Each owns its transaction and logs its change in it (DESIGN.md, "Architecture"); ``now``
is passed in (STYLE.md) and every period is counted on the holiday calendar from the
listing's policy snapshot (listing/policy.py). The end and the deal: conclusion.py.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import OrganisationNotFound
from accounts.model import Actor, OrgKind, Role
from accounts.organisations import service as organisations
from listing import access, queries, reserve
from listing.bidding import AuctionBidder, AuctionSpec, Bidding
from listing.errors import (
    ListingBidderExists,
    ListingBidderNotFound,
    ListingBidderRelated,
    ListingDepositMissing,
    ListingDepositStale,
    ListingDepositUnchanged,
    ListingInputInvalid,
    ListingNotFound,
    ListingReserveLocked,
    ListingStateConflict,
)
from listing.journal import ListingEvent, append
from listing.model import (
    REASON_MAX,
    DepositInput,
    DepositStatus,
    Listing,
    ListingInput,
    Phase,
    Qualification,
    Registration,
    Status,
    check_input,
    check_text,
)
from listing.policy import ListingPolicies
from signing.canonical import sha256_hex
from signing.log.entry import format_time
from signing.trust import TrustStore
from supervision.parties import relations
from tender.calendar import HolidayCalendar, require_utc

CODE_KIND = "GP"  # 挂牌: the code's middle part (<centre>-GP-<year>-<serial>)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ListingSetup:
    """What the composition root hands every listing use case."""

    policies: ListingPolicies
    calendar: HolidayCalendar
    trust: TrustStore | None
    bidding: Bidding
    centre_code: str = "XC"


async def require(conn: asyncpg.Connection, listing_id: UUID, *, lock: bool = False) -> Listing:
    """The listing, or ``listing_not_found``."""
    found = await queries.listing(conn, listing_id, lock=lock)
    if found is None:
        raise ListingNotFound("no listing has this id", details={"listing_id": str(listing_id)})
    return found


def require_phase(listing: Listing, now: datetime, *phases: Phase) -> None:
    """The step fits the clock's phase and the listing is still open."""
    phase = listing.phase(now)
    if listing.status is not Status.OPEN or phase not in phases:
        raise ListingStateConflict(
            f"this step is taken while the listing is {' or '.join(phases)}",
            details={"status": str(listing.status), "phase": str(phase)},
        )


async def _org_kind(conn: asyncpg.Connection, org_id: UUID, field: str) -> OrgKind:
    try:
        return (await organisations.get_organisation(conn, org_id)).kind
    except OrganisationNotFound:
        raise ListingInputInvalid("no organisation has this id", details={"field": field}) from None


async def publish(
    conn: asyncpg.Connection, actor: Actor, data: ListingInput, setup: ListingSetup,
    *, now: datetime,
) -> Listing:  # fmt: skip
    """Publish a listing with its notice; the periods are checked before anything is stored."""
    role = access.operator(actor, None, "publish_listing")
    policies = setup.policies
    data = check_input(data, now=now, policies=policies, calendar=setup.calendar)
    if await _org_kind(conn, data.seller_id, "seller_id") is not OrgKind.TENDERER:
        raise ListingInputInvalid(
            "the seller is a tenderer organisation", details={"field": "seller_id"}
        )
    agency_id = actor.organisation_id
    if role is access.Acting.AGENCY:
        agency_id = min(actor.acting_for(Role.AGENCY))
    async with conn.transaction():
        serial = await queries.next_serial(conn)
        code = f"{setup.centre_code}-{CODE_KIND}-{require_utc(now).year}-{serial:04d}"
        committee = await reserve.build_committee(
            conn, code=code, starts_at=data.starts_at, k=data.committee_k,
            user_ids=data.officials, policies=policies, trust=setup.trust, now=now,
        )  # fmt: skip
        listing = await queries.insert_listing(
            conn, serial=serial, code=code, data=data, agency_id=agency_id,
            created_by=actor.user_id, published_at=require_utc(now), committee=committee,
            policies=policies.to_json(),
        )  # fmt: skip
        if role is access.Acting.CENTRE:  # staff of the centre the listing is run by (F6)
            access.centre(actor, listing, "publish_listing")
        spec = AuctionSpec(
            subject_kind="listing", subject_id=listing.serial, start_price_fen=data.start_price_fen,
            increment_fen=data.increment_fen, listing_starts_at=data.starts_at,
            listing_ends_at=data.ends_at,
            countdown_seconds=data.countdown_seconds, bidders=(),
        )  # fmt: skip
        auction_id = await setup.bidding.create(conn, spec, now=now)
        await queries.set_auction(conn, listing.id, auction_id)
        await append(
            conn, ListingEvent.PUBLISHED, actor=actor, role=role, listing_id=listing.id,
            data={"code": code, "kind": str(data.kind), "seller_id": str(data.seller_id),
                  "starts_at": data.starts_at.isoformat(), "ends_at": data.ends_at.isoformat(),
                  "start_price_fen": data.start_price_fen, "increment_fen": data.increment_fen,
                  "deposit_fen": data.deposit_fen, "has_reserve": data.has_reserve,
                  "committee_sha256": sha256_hex(committee), "auction_id": auction_id,
                  "policies": policies.to_json()},
        )  # fmt: skip
    return dataclasses.replace(listing, auction_id=auction_id)


async def register(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, *, now: datetime
) -> Registration:
    """A bidder registers for a listing (竞买申请) until the listing period ends.

    A party related to the seller (supervision/parties: Reg. 34's relations) is refused."""
    role = access.bidder(actor, "register_for_listing")
    org = actor.organisation_id
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        require_phase(listing, now, Phase.NOTICE, Phase.LISTING)
        await _refuse_related(conn, org, listing.seller_id)
        found = await queries.insert_bidder(conn, listing.id, org, actor.user_id, require_utc(now))
        if found is None:
            raise ListingBidderExists("this organisation has registered already")
        await append(
            conn, ListingEvent.REGISTERED, actor=actor, role=role, listing_id=listing.id,
            data={"registration_id": str(found.id)}, bidder_hidden=True,
        )  # fmt: skip
    return found


async def _refuse_related(conn: asyncpg.Connection, org: UUID, seller_id: UUID) -> None:
    """``listing_bidder_related`` if the bidder is the seller or related to it (Reg. 34)."""
    if org == seller_id or await relations.related(conn, [org, seller_id]):
        raise ListingBidderRelated("a bidder related to the seller is refused")


async def _registration(
    conn: asyncpg.Connection, listing: Listing, bidder_id: UUID
) -> Registration:
    found = await queries.bidder(conn, listing.id, bidder_id)
    if found is None:
        raise ListingBidderNotFound("no such registration on this listing")
    return found


async def record_deposit(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, bidder_id: UUID,
    deposit: DepositInput, *, now: datetime,
) -> Registration:  # fmt: skip
    """The centre's finance staff record a bidder's paid deposit (tender/bonds' two kinds)."""
    access.staff(actor, "record_listing_deposit")
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        role = access.centre(actor, listing, "record_listing_deposit")
        require_phase(listing, now, Phase.NOTICE, Phase.LISTING)
        deposit = deposit.checked(listing.deposit_fen, published_at=listing.published_at, now=now)
        found = await _registration(conn, listing, bidder_id)
        if found.deposit is not DepositStatus.NONE:
            raise ListingStateConflict(
                "the deposit is recorded already", details={"deposit": str(found.deposit)}
            )
        await queries.set_deposit(conn, found.id, deposit)
        await append(
            conn, ListingEvent.DEPOSIT_RECORDED, actor=actor, role=role, listing_id=listing.id,
            data={"registration_id": str(found.id), "kind": str(deposit.kind),
                  "amount_fen": deposit.amount_fen,
                  # UTC as the log spells every time, whatever offset the client sent (F9).
                  "paid_at": format_time(deposit.paid_at)},
        )  # fmt: skip
        return await _registration(conn, listing, bidder_id)


async def correct_deposit(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, bidder_id: UUID,
    deposit: DepositInput, *, version: int, reason: str, now: datetime,
) -> Registration:  # fmt: skip
    """The centre corrects a recorded deposit (a clerk's typo), with a reason; the replaced
    record is kept (listing_deposit_corrections) and the correction logged.

    Only while the deposit is held and the registration pending, in the notice or listing
    period: a qualification was judged on the record as it stood, and after the end the
    deposit is applied or refunded on it (docs/api-listing.md, "Deposits"). ``version`` is
    the record's ``deposit_version`` as the clerk read it: under the listing's row lock a
    correction of a record corrected since is refused, never applied over the other (F8)."""
    access.staff(actor, "correct_listing_deposit")
    check_text(reason, field="reason", most=REASON_MAX)
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        role = access.centre(actor, listing, "correct_listing_deposit")
        require_phase(listing, now, Phase.NOTICE, Phase.LISTING)
        deposit = deposit.checked(listing.deposit_fen, published_at=listing.published_at, now=now)
        found = await _registration(conn, listing, bidder_id)
        if found.deposit is not DepositStatus.HELD or (
            found.qualification is not Qualification.PENDING
        ):
            raise ListingStateConflict(
                "a deposit is corrected while it is held and the registration pending",
                details={"deposit": str(found.deposit),
                         "qualification": str(found.qualification)},
            )  # fmt: skip
        if version != found.deposit_version:
            raise ListingDepositStale(
                "the deposit was corrected since this version was read",
                details={"deposit_version": found.deposit_version},
            )
        before = _recorded(found)
        after = _recorded_input(deposit)
        if before == after:
            raise ListingDepositUnchanged("the correction changes nothing of the record")
        await queries.insert_deposit_correction(
            conn, found, corrected_by=actor.user_id, at=require_utc(now), reason=reason
        )
        await queries.set_deposit(conn, found.id, deposit)
        await append(
            conn, ListingEvent.DEPOSIT_CORRECTED, actor=actor, role=role, listing_id=listing.id,
            data={"registration_id": str(found.id), "kind": after[0], "amount_fen": after[1],
                  "paid_at": after[2], "reason": reason,
                  # The account or guarantee number stays off the log (it names the
                  # payer); that it changed is logged, so no correction reads as none (F16).
                  "reference_changed": before[3:] != after[3:],
                  "replaces": {"kind": before[0], "amount_fen": before[1],
                               "paid_at": before[2]}},
        )  # fmt: skip
        return await _registration(conn, listing, bidder_id)


_Record = tuple[str, int | None, str | None, str | None, str | None]


def _recorded(found: Registration) -> _Record:
    """The stored record, its ``paid_at`` in the log's one spelling of time (F9)."""
    paid = None if found.paid_at is None else format_time(found.paid_at)
    kind = None if found.deposit_kind is None else str(found.deposit_kind)
    return (kind or "", found.deposit_fen, paid, found.paying_account, found.guarantee_no)


def _recorded_input(deposit: DepositInput) -> _Record:
    """A checked deposit as :func:`_recorded` spells a stored one."""
    return (str(deposit.kind), deposit.amount_fen, format_time(deposit.paid_at),
            deposit.paying_account, deposit.guarantee_no)  # fmt: skip


async def qualify(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, bidder_id: UUID, *,
    qualified: bool, reason: str | None, setup: ListingSetup, now: datetime,
) -> Registration:  # fmt: skip
    """The centre's check of a registration; a qualified bidder gets a random number (竞买号)
    and joins the bidding. Its deposit must be held first."""
    access.staff(actor, "qualify_listing_bidder")
    if reason is not None:
        check_text(reason, field="reason", most=2000)
    if not qualified and reason is None:
        raise ListingInputInvalid("a refusal gives its reason", details={"field": "reason"})
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        role = access.centre(actor, listing, "qualify_listing_bidder")
        require_phase(listing, now, Phase.NOTICE, Phase.LISTING)
        found = await _registration(conn, listing, bidder_id)
        if found.qualification is not Qualification.PENDING:
            raise ListingStateConflict(
                "the registration is checked already",
                details={"qualification": str(found.qualification)},
            )
        if not qualified:
            await queries.set_qualification(conn, found.id, Qualification.REFUSED, None, reason)
            await append(
                conn, ListingEvent.REFUSED, actor=actor, role=role, listing_id=listing.id,
                data={"registration_id": str(found.id), "reason": reason},
            )  # fmt: skip
            return await _registration(conn, listing, bidder_id)
        if found.deposit is not DepositStatus.HELD:
            raise ListingDepositMissing("the bidder's deposit is not held")
        # A relation recorded after registration counts too (issue 18: "a bidder related to
        # the seller is refused"): checked again here, where the bidder joins the bidding.
        await _refuse_related(conn, found.organisation_id, listing.seller_id)
        number = await _draw_number(conn, found, reason)
        assert listing.auction_id is not None
        await setup.bidding.add_bidder(
            conn, listing.auction_id,
            AuctionBidder(number=number, account_id=found.user_id, org_id=found.organisation_id),
        )  # fmt: skip
        await append(
            conn, ListingEvent.QUALIFIED, actor=actor, role=role, listing_id=listing.id,
            data={"registration_id": str(found.id), "number": number},
        )  # fmt: skip
        return await _registration(conn, listing, bidder_id)


async def _draw_number(conn: asyncpg.Connection, found: Registration, reason: str | None) -> str:
    """A random six-digit number: its order says nothing of who registered when."""
    while True:
        number = f"{secrets.randbelow(900_000) + 100_000}"
        if await queries.set_qualification(conn, found.id, Qualification.QUALIFIED, number, reason):
            return number


async def seal_reserve(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, sealed: bytes, *, now: datetime
) -> Listing:
    """The seller seals (or, before the start, re-seals) the reserve; never after the start."""
    role = access.seller(actor, await require(conn, listing_id), "seal_reserve")
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        if not listing.has_reserve:
            raise ListingStateConflict(
                "this listing's notice sets no reserve", details={"has_reserve": False}
            )
        if listing.status is not Status.OPEN or listing.phase(now) is not Phase.NOTICE:
            raise ListingReserveLocked(
                "the reserve is sealed before the listing starts, never after"
            )
        reserve.check_sealed(listing, sealed)
        digest = sha256_hex(sealed)
        await queries.seal_reserve(conn, listing.id, sealed, digest, require_utc(now))
        await append(
            conn, ListingEvent.RESERVE_SEALED, actor=actor, role=role, listing_id=listing.id,
            data={"sha256": digest, "replaces": listing.reserve_sha256},
        )  # fmt: skip
        return await require(conn, listing_id)


async def go_on(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, *, now: datetime
) -> Registration:
    """A qualified bidder asks to go on to the timed auction (before the listing ends)."""
    role = access.bidder(actor, "go_on")
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        require_phase(listing, now, Phase.NOTICE, Phase.LISTING)
        found = await queries.bidder_of(conn, listing.id, actor.organisation_id)
        if found is None or found.qualification is not Qualification.QUALIFIED:
            raise ListingBidderNotFound("only a qualified bidder goes on")
        if not found.wants_to_go_on:
            await queries.set_go_on(conn, found.id)
            await append(
                conn, ListingEvent.GO_ON, actor=actor, role=role, listing_id=listing.id,
                data={"number": found.number}, bidder_hidden=True,
            )  # fmt: skip
        return await _registration(conn, listing, found.id)
