"""Use cases from the end of the listing period to the deal (issue 18, items 1 and 3).

At the end the operator closes the listing: a state-owned property with exactly one
qualified buyer goes to agreement (SASAC/MOF Decree 32: at no less than the listed
price); otherwise the bidding engine's timed auction runs among those who asked to go on
(every qualified buyer of a state-owned property). Officials release their shares of the
reserve; once the auction has ended the operator decides: the last valid bid wins unless
it is under the reserve (流拍). Both sides sign the confirmation of the deal (成交确认书);
the winner's deposit is applied to the price and every other is refunded.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from accounts.organisations import service as organisations
from listing import access, queries, reserve
from listing.bidding import AuctionPhase
from listing.errors import (
    ListingBidderNotFound,
    ListingSignatureInvalid,
    ListingStateConflict,
)
from listing.journal import ListingEvent, append
from listing.model import (
    DepositStatus,
    Listing,
    ListingKind,
    Outcome,
    Phase,
    Qualification,
    Registration,
    Side,
    Status,
    check_agreement,
    check_text,
    deal_statement,
    decide,
)
from listing.service import ListingSetup, require
from signing.canonical import sha256_hex
from signing.errors import EtenderError
from tender.calendar import require_utc
from tender.results import common


def _require_status(listing: Listing, *statuses: Status) -> None:
    if listing.status not in statuses:
        raise ListingStateConflict(
            f"this step is taken while the listing is {' or '.join(statuses)}",
            details={"status": str(listing.status)},
        )


async def close(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, setup: ListingSetup,
    *, now: datetime,
) -> Listing:  # fmt: skip
    """The listing period is over: agreement with a sole state-property buyer, else the
    timed auction among those going on (the engine ends at once with fewer than two)."""
    role = access.operator(actor, await require(conn, listing_id), "close_listing")
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        _require_status(listing, Status.OPEN)
        if listing.phase(now) is not Phase.ENDED:
            raise ListingStateConflict(
                "the listing period has not ended", details={"ends_at": listing.ends_at.isoformat()}
            )
        qualified = [
            b for b in await queries.bidders(conn, listing.id)
            if b.qualification is Qualification.QUALIFIED and b.number is not None
        ]  # fmt: skip
        state_property = listing.kind is ListingKind.STATE_PROPERTY
        if state_property and len(qualified) == 1:
            await queries.set_status(conn, listing.id, Status.AGREEMENT)
            data: dict[str, object] = {"mode": "agreement", "numbers": [qualified[0].number]}
        else:
            numbers = frozenset(
                str(b.number) for b in qualified if state_property or b.wants_to_go_on
            )
            assert listing.auction_id is not None
            # The engine's end and countdown are judged by the database clock, as every
            # bid is (docs/formats/auction.md §2), never this node's: the clock the
            # engine reads, not ``now``.
            engine_now = await setup.bidding.clock(conn)
            state = await setup.bidding.go_on(conn, listing.auction_id, numbers, now=engine_now)
            await queries.set_status(conn, listing.id, Status.AUCTION)
            data = {"mode": "auction", "numbers": sorted(numbers), "phase": str(state.phase)}
        await append(
            conn, ListingEvent.CLOSED, actor=actor, role=role, listing_id=listing.id, data=data
        )
    return await require(conn, listing_id)


async def release_share(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, share: bytes, *, now: datetime
) -> int:
    """An official of the committee releases its share of the reserve, at the end only."""
    listing = await require(conn, listing_id)
    x = access.official_seat(actor, listing, "release_reserve_share")
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        sealed = await queries.reserve(conn, listing.id)
        if (
            listing.phase(now) is not Phase.ENDED
            or listing.decided_at is not None
            or sealed is None
        ):
            raise ListingStateConflict(
                "a sealed reserve's shares are released after the listing, before the decision",
                details={"status": str(listing.status), "sealed": sealed is not None},
            )
        reserve.check_share(listing, sealed, x, share)
        if not await queries.insert_share(
            conn, listing.id, x, actor.user_id, share, require_utc(now)
        ):
            raise ListingStateConflict(
                "this official has released its share already", details={"x": x}
            )
        await append(
            conn, ListingEvent.SHARE_RELEASED, actor=actor, role=access.Acting.OFFICIAL,
            listing_id=listing.id, data={"x": x},
        )  # fmt: skip
    return x


async def _reserve_fen(
    conn: asyncpg.Connection, listing: Listing, setup: ListingSetup, now: datetime
) -> int | None:
    """The opened reserve, None without one; refused (nothing written) if it does not open."""
    sealed = await queries.reserve(conn, listing.id)
    if not listing.has_reserve or sealed is None:
        return None  # a reserve not sealed before the start is no reserve (docs/api-listing.md)
    seller = await organisations.get_organisation(conn, listing.seller_id)
    return reserve.open_reserve(
        listing, sealed, await queries.shares(conn, listing.id),
        seller_credit_code=seller.credit_code, trust=setup.trust, now=now,
    )  # fmt: skip


async def _settle(
    conn: asyncpg.Connection, actor: Actor, role: object, listing: Listing, *,
    number: str | None, price_fen: int | None, reserve_fen: int | None, now: datetime,
) -> Listing:  # fmt: skip
    decision = decide(standing_number=number, standing_price_fen=price_fen, reserve_fen=reserve_fen)
    sold = decision.outcome is Outcome.SOLD
    await queries.set_decision(
        conn, listing.id, status=Status.DECIDED if sold else Status.CONCLUDED,
        outcome=decision.outcome, number=decision.number, price_fen=decision.price_fen,
        reserve_fen=reserve_fen, at=require_utc(now),
    )  # fmt: skip
    await queries.set_deposits(conn, listing.id, winner=decision.number)
    names = {
        str(b.number): str(b.organisation_id)
        for b in await queries.bidders(conn, listing.id) if b.number is not None
    }  # fmt: skip
    await append(
        conn, ListingEvent.DECIDED, actor=actor, role=role, listing_id=listing.id,
        data={"outcome": str(decision.outcome), "number": decision.number,
              "price_fen": decision.price_fen, "reserve_fen": reserve_fen, "bidders": names},
    )  # fmt: skip
    return await require(conn, listing.id)


async def decide_result(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, setup: ListingSetup,
    *, now: datetime,
) -> Listing:  # fmt: skip
    """Once the auction has ended: the reserve opened by k officials, sale or no sale."""
    role = access.operator(actor, await require(conn, listing_id), "decide_listing")
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        _require_status(listing, Status.AUCTION)
        assert listing.auction_id is not None
        state = await setup.bidding.state(conn, listing.auction_id)
        if state.phase is not AuctionPhase.ENDED:
            raise ListingStateConflict(
                "the auction has not ended", details={"phase": str(state.phase)}
            )
        reserve_fen = await _reserve_fen(conn, listing, setup, now)
        return await _settle(
            conn, actor, role, listing, number=state.standing_number,
            price_fen=state.standing_price_fen, reserve_fen=reserve_fen, now=now,
        )  # fmt: skip


async def agree(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, price_fen: int,
    setup: ListingSetup, *, now: datetime,
) -> Listing:  # fmt: skip
    """A state-owned property's sole qualified buyer: agreement at no less than the listed price."""
    role = access.operator(actor, await require(conn, listing_id), "agree_listing")
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        _require_status(listing, Status.AGREEMENT)
        check_agreement(price_fen, listing)
        sole = [
            b for b in await queries.bidders(conn, listing.id)
            if b.qualification is Qualification.QUALIFIED
        ]  # fmt: skip
        reserve_fen = await _reserve_fen(conn, listing, setup, now)
        return await _settle(
            conn, actor, role, listing, number=sole[0].number, price_fen=price_fen,
            reserve_fen=reserve_fen, now=now,
        )  # fmt: skip


async def _winner(conn: asyncpg.Connection, listing: Listing) -> Registration:
    for found in await queries.bidders(conn, listing.id):
        if found.number is not None and found.number == listing.winner_number:
            return found
    raise ListingBidderNotFound("the winning number has no registration")


async def deal(conn: asyncpg.Connection, listing: Listing) -> bytes:
    """The confirmation's exact bytes, for both sides' clients to sign."""
    _require_status(listing, Status.DECIDED, Status.CONCLUDED)
    if listing.outcome is not Outcome.SOLD or listing.price_fen is None:
        raise ListingStateConflict(
            "no sale, no confirmation", details={"outcome": str(listing.outcome)}
        )
    winner = await _winner(conn, listing)
    seller = await organisations.get_organisation(conn, listing.seller_id)
    buyer = await organisations.get_organisation(conn, winner.organisation_id)
    return deal_statement(
        listing=listing, seller=seller.credit_code, buyer=buyer.credit_code,
        number=str(listing.winner_number), price_fen=listing.price_fen,
    )  # fmt: skip


async def sign_deal(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, signature: bytes,
    setup: ListingSetup, *, now: datetime,
) -> Listing:  # fmt: skip
    """One side signs the confirmation (CMS detached, its organisation's registered
    certificate, as results' statements are checked); both signed → concluded."""
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        _require_status(listing, Status.DECIDED)
        winner = await _winner(conn, listing)
        if listing.seller_id in actor.acting_for(Role.TENDERER):
            side, org_id = Side.SELLER, listing.seller_id
        elif actor.has_role(Role.BIDDER) and actor.organisation_id == winner.organisation_id:
            side, org_id = Side.BUYER, winner.organisation_id
        else:
            access.seller(actor, listing, "sign_listing_deal")  # raises permission_denied
            raise AssertionError
        body = await deal(conn, listing)
        credit_code = (await organisations.get_organisation(conn, org_id)).credit_code
        try:
            cert = await common.verify_signed(conn, body, signature, setup.trust, now, credit_code)
        except EtenderError as exc:
            raise ListingSignatureInvalid(exc.message, details={"cause": exc.code}) from None
        if not await queries.insert_confirmation(
            conn, listing.id, side, actor.user_id, body, signature, cert, require_utc(now)
        ):
            raise ListingStateConflict("this side has signed already", details={"side": str(side)})
        await append(
            conn, ListingEvent.CONFIRMED, actor=actor, role=side, listing_id=listing.id,
            data={"side": str(side), "cert_sha256": cert, "statement_sha256": _sha(body)},
        )  # fmt: skip
        if len(await queries.confirmations(conn, listing.id)) == len(Side):
            await queries.conclude(conn, listing.id, require_utc(now))
            await append(
                conn, ListingEvent.CONCLUDED, actor=None, role=None, listing_id=listing.id,
                data={"statement_sha256": _sha(body)},
            )  # fmt: skip
    return await require(conn, listing_id)


def _sha(body: bytes) -> str:
    return sha256_hex(body)


async def refund_deposit(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID, bidder_id: UUID,
    reference: str, *, now: datetime,
) -> Registration:  # fmt: skip
    """The centre records a deposit's refund (the bank's reference) once it is due."""
    access.staff(actor, "refund_listing_deposit")
    check_text(reference, field="reference", most=100)
    async with conn.transaction():
        listing = await require(conn, listing_id, lock=True)
        role = access.centre(actor, listing, "refund_listing_deposit")
        found = await queries.bidder(conn, listing.id, bidder_id)
        if found is None:
            raise ListingBidderNotFound("no such registration on this listing")
        if found.deposit is not DepositStatus.REFUND_DUE:
            raise ListingStateConflict(
                "the deposit is not due for refund", details={"deposit": str(found.deposit)}
            )
        await queries.set_refunded(conn, found.id, reference)
        await append(
            conn, ListingEvent.DEPOSIT_REFUNDED, actor=actor, role=role, listing_id=listing.id,
            data={"registration_id": str(found.id), "reference": reference,
                  "at": require_utc(now).isoformat()},
        )  # fmt: skip
        result = await queries.bidder(conn, listing.id, bidder_id)
        assert result is not None
        return result


async def read_deal(
    conn: asyncpg.Connection, actor: Actor, listing_id: UUID
) -> tuple[bytes, list[Side]]:
    """The confirmation's bytes and who signed: the operator, the seller, the winner."""
    listing = await require(conn, listing_id)
    winner = await _winner(conn, listing) if listing.winner_number else None
    own = winner is not None and actor.organisation_id == winner.organisation_id
    if not (own and actor.has_role(Role.BIDDER)) and (
        listing.seller_id not in actor.acting_for(Role.TENDERER)
    ):
        access.operator(actor, listing, "read_listing_deal")
    body = await deal(conn, listing)
    signed = await queries.confirmations(conn, listing.id)
    return body, sorted(signed)
