"""Bad input and wrong parties are refused with a stable code, and nothing changes
(issue 18, "Bad input"; COMMON.md: NUL bytes, too long, negative money, another party's
ids, each role on each object)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from listing import conclusion, queries, reads, service
from listing.errors import (
    ListingBidderExists,
    ListingBidderNotFound,
    ListingBidderRelated,
    ListingDepositMissing,
    ListingDepositPaidAtInvalid,
    ListingDepositUnchanged,
    ListingError,
    ListingInputInvalid,
    ListingNoticeTooShort,
    ListingPeriodTooShort,
    ListingReserveInvalid,
    ListingStateConflict,
)
from listing.model import DepositInput, DepositStatus, ListingKind, Qualification
from listing.service import ListingSetup
from signing.certs import Identity
from signing.log.entry import format_time
from supervision.parties import service as parties
from tender.bonds.model import BondKind
from tests.listing.kit import (
    listing_bid,
    listing_input,
    official_actor,
    published,
    seal_reserve_bytes,
    set_clock,
    times,
)
from tests.tender.world import World, entries

SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)


async def _count(conn: asyncpg.Connection, table: str) -> int:
    value: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return value


async def test_every_bad_field_of_a_listing_is_refused_and_nothing_is_stored(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime
) -> None:
    starts, ends = times(now)
    _, state_ends = times(now, ListingKind.STATE_PROPERTY)
    officials = tuple(o.user.id for o in world.officials)
    cases: list[tuple[dict[str, Any], type[ListingError], str | None]] = [
        ({"title": ""}, ListingInputInvalid, "title"),
        ({"title": "地块\x00"}, ListingInputInvalid, "title"),
        ({"title": "地" * 201}, ListingInputInvalid, "title"),
        ({"title": "a\x7fb"}, ListingInputInvalid, "title"),
        ({"start_price_fen": -1}, ListingInputInvalid, "start_price_fen"),
        ({"start_price_fen": 0}, ListingInputInvalid, "start_price_fen"),
        ({"start_price_fen": 10**15 + 1}, ListingInputInvalid, "start_price_fen"),
        ({"start_price_fen": 1.5}, ListingInputInvalid, "start_price_fen"),
        ({"start_price_fen": True}, ListingInputInvalid, "start_price_fen"),
        ({"increment_fen": 0}, ListingInputInvalid, "increment_fen"),
        ({"deposit_fen": -100}, ListingInputInvalid, "deposit_fen"),
        ({"countdown_seconds": 59}, ListingInputInvalid, "countdown_seconds"),
        ({"countdown_seconds": 601}, ListingInputInvalid, "countdown_seconds"),
        ({"seller_id": uuid.uuid4()}, ListingInputInvalid, "seller_id"),
        ({"seller_id": world.bidder_orgs[0].id}, ListingInputInvalid, "seller_id"),
        (
            {"officials": (officials[0], officials[0], officials[1])},
            ListingInputInvalid,
            "officials",
        ),
        (
            {"officials": (*officials[:2], world.bidders[0].user_id)},
            ListingInputInvalid,
            "officials",
        ),
        ({"committee_k": 1}, ListingInputInvalid, "officials"),
        ({"starts_at": starts - SECOND}, ListingNoticeTooShort, None),
        ({"ends_at": ends - SECOND}, ListingPeriodTooShort, None),
        # SASAC/MOF Decree 32: 10 working days is too short for state-owned property.
        ({"kind": ListingKind.STATE_PROPERTY, "ends_at": ends}, ListingPeriodTooShort, None),
    ]
    for changes, error, field in cases:
        data = dataclasses.replace(listing_input(world, now), **changes)
        with pytest.raises(error) as refused:
            await service.publish(conn, world.agency, data, setup, now=now)
        if field is not None:
            assert refused.value.details["field"] == field, changes
    # The shortest allowed state-property listing is accepted: the limits are exact.
    ok = dataclasses.replace(
        listing_input(world, now), kind=ListingKind.STATE_PROPERTY, ends_at=state_ends
    )
    await service.publish(conn, world.agency, ok, setup, now=now)
    assert await _count(conn, "listings") == 1
    assert len(await entries(conn, "listing.published")) == 1


async def test_registration_deposit_and_qualification_refuse_bad_input(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime
) -> None:
    listing = await published(conn, world, setup, now)
    other = await published(conn, world, setup, now)
    reg = await service.register(conn, world.bidders[0], listing.id, now=now)
    with pytest.raises(ListingBidderExists):
        await service.register(conn, world.bidders[0], listing.id, now=now)
    good = DepositInput(
        kind=BondKind.TRANSFER, amount_fen=listing.deposit_fen, paid_at=now,
        paying_account="6222 0202 0011 2233",
    )  # fmt: skip
    bad = [
        dataclasses.replace(good, amount_fen=-1),
        dataclasses.replace(good, amount_fen=listing.deposit_fen - 1),
        dataclasses.replace(good, paying_account="62220202\x00"),
        dataclasses.replace(good, paying_account="12ab5678"),
        dataclasses.replace(good, guarantee_no="BH-1"),
        DepositInput(kind=BondKind.GUARANTEE, amount_fen=listing.deposit_fen, paid_at=now,
                     guarantee_no="BH\x00-1"),
        DepositInput(kind=BondKind.GUARANTEE, amount_fen=listing.deposit_fen, paid_at=now,
                     guarantee_no="B" * 65),
    ]  # fmt: skip
    for deposit in bad:
        with pytest.raises(ListingInputInvalid):
            await service.record_deposit(conn, world.staff, listing.id, reg.id, deposit, now=now)
    # Another listing's id with this registration: not found there.
    with pytest.raises(ListingBidderNotFound):
        await service.record_deposit(conn, world.staff, other.id, reg.id, good, now=now)
    with pytest.raises(ListingDepositMissing):
        await service.qualify(
            conn, world.staff, listing.id, reg.id, qualified=True, reason=None, setup=setup,
            now=now,
        )  # fmt: skip
    for reason in (None, "", "理由\x00", "长" * 2001):
        with pytest.raises(ListingInputInvalid):
            await service.qualify(
                conn, world.staff, listing.id, reg.id, qualified=False, reason=reason,
                setup=setup, now=now,
            )  # fmt: skip
    unchanged = await queries.bidder(conn, listing.id, reg.id)
    assert unchanged is not None
    assert (unchanged.deposit, unchanged.qualification, unchanged.number) == (
        DepositStatus.NONE, Qualification.PENDING, None,
    )  # fmt: skip
    with pytest.raises(ListingStateConflict):
        await service.register(conn, world.bidders[1], listing.id, now=listing.ends_at)
    await _paid_at_and_corrections(conn, world, setup, now, listing.id, reg.id, good)


async def _paid_at_and_corrections(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime,
    listing_id: uuid.UUID, reg_id: uuid.UUID, good: DepositInput,
) -> None:  # fmt: skip
    """Finding 10: paid_at between the publication and now (+ 5 minutes); a recorded
    deposit is corrected with a reason while held and pending, the old record kept."""
    late = now + dt.timedelta(minutes=5, seconds=1)
    for paid_at in (late, dt.datetime(2099, 12, 7, tzinfo=dt.UTC), now - SECOND):
        with pytest.raises(ListingDepositPaidAtInvalid) as refused:
            await service.record_deposit(
                conn, world.staff, listing_id, reg_id,
                dataclasses.replace(good, paid_at=paid_at), now=now,
            )  # fmt: skip
        assert refused.value.details["field"] == "paid_at"
    fixed = dataclasses.replace(good, paid_at=now + dt.timedelta(minutes=1))
    with pytest.raises(ListingStateConflict):  # nothing recorded yet: nothing to correct
        await service.correct_deposit(
            conn,
            world.staff,
            listing_id,
            reg_id,
            fixed,
            version=0,
            reason="录入错误",
            now=now,
        )
    await service.record_deposit(conn, world.staff, listing_id, reg_id, good, now=now)
    for who in (world.bidders[0], world.agency, world.supervisor):
        with pytest.raises(PermissionDenied):
            await service.correct_deposit(
                conn, who, listing_id, reg_id, fixed, version=0, reason="录入错误", now=now
            )
    refusals: list[tuple[DepositInput, str, type[ListingError]]] = [
        (fixed, "", ListingInputInvalid),
        (fixed, "理由\x00", ListingInputInvalid),
        (fixed, "  \u3000\n", ListingInputInvalid),  # only white space (F7)
        (good, "录入错误", ListingDepositUnchanged),  # changes nothing (F16)
        (dataclasses.replace(good, paid_at=now + HOUR), "录入错误", ListingDepositPaidAtInvalid),
    ]
    for deposit, reason, error in refusals:
        with pytest.raises(error):
            await service.correct_deposit(
                conn, world.staff, listing_id, reg_id, deposit, version=0, reason=reason,
                now=now,
            )  # fmt: skip
    done = await service.correct_deposit(
        conn, world.staff, listing_id, reg_id, fixed, version=0, reason="银行回单时间录入错误",
        now=now,
    )  # fmt: skip
    assert (done.deposit, done.paid_at) == (DepositStatus.HELD, fixed.paid_at)
    kept = await conn.fetch(
        "SELECT paid_at, reason, corrected_by FROM listing_deposit_corrections"
        " WHERE bidder_id = $1",
        reg_id,
    )  # fmt: skip
    assert [tuple(r) for r in kept] == [(now, "银行回单时间录入错误", world.staff.user_id)]
    (entry,) = await entries(conn, "listing.deposit_corrected")
    assert entry.data["replaces"] == {
        "kind": "transfer", "amount_fen": good.amount_fen, "paid_at": format_time(now)
    }  # fmt: skip
    assert (entry.data["paid_at"], entry.data["reason"]) == (
        format_time(fixed.paid_at), "银行回单时间录入错误",
    )  # fmt: skip
    # Qualified on the record as it stands: no correction after.
    await service.qualify(
        conn, world.staff, listing_id, reg_id, qualified=True, reason=None, setup=setup, now=now
    )
    with pytest.raises(ListingStateConflict):
        await service.correct_deposit(
            conn, world.staff, listing_id, reg_id, good, version=1, reason="再改", now=now
        )
    assert await _count(conn, "listing_deposit_corrections") == 1


async def test_a_bidder_related_to_the_seller_is_refused(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime
) -> None:
    listing = await published(conn, world, setup, now)
    await parties.record_relation(
        conn, world.staff, from_org=world.tenderer_org.id, to_org=world.bidder_orgs[1].id,
        kind="controlling", basis="出让人控股", now=now,
    )  # fmt: skip
    with pytest.raises(ListingBidderRelated):
        await service.register(conn, world.bidders[1], listing.id, now=now)
    assert await _count(conn, "listing_bidders") == 0


async def test_a_relation_recorded_after_registration_refuses_at_qualification(
    conn: asyncpg.Connection,
    world: World,
    setup: ListingSetup,
    now: dt.datetime,
) -> None:
    """Rule: the relation to the seller is checked again where the bidder joins the bidding;
    the qualification is refused and nothing changes (no number, no engine bidder)."""
    listing = await published(conn, world, setup, now)
    reg = await service.register(conn, world.bidders[1], listing.id, now=now)
    deposit = DepositInput(
        kind=BondKind.TRANSFER, amount_fen=listing.deposit_fen, paid_at=now,
        paying_account="6222 0202 0011 2233",
    )  # fmt: skip
    await service.record_deposit(conn, world.staff, listing.id, reg.id, deposit, now=now)
    await parties.record_relation(
        conn, world.staff, from_org=world.bidder_orgs[1].id, to_org=world.tenderer_org.id,
        kind="controlling", basis="竞买人控股出让人", now=now,
    )  # fmt: skip
    with pytest.raises(ListingBidderRelated):
        await service.qualify(
            conn, world.staff, listing.id, reg.id, qualified=True, reason=None, setup=setup,
            now=now,
        )  # fmt: skip
    unchanged = await queries.bidder(conn, listing.id, reg.id)
    assert unchanged is not None
    assert (unchanged.qualification, unchanged.number) == (Qualification.PENDING, None)
    assert listing.auction_id is not None
    engine_bidders = "SELECT count(*) FROM auction_bidders WHERE auction_id = $1"
    assert await conn.fetchval(engine_bidders, listing.auction_id) == 0


async def test_the_reserve_must_be_sealed_to_this_listings_committee(
    conn: asyncpg.Connection, world: World, seller: Identity, setup: ListingSetup,
    now: dt.datetime,
) -> None:  # fmt: skip
    listing = await published(conn, world, setup, now)
    other = await published(conn, world, setup, now)
    for sealed in (b"", b"not an age file", b"\x00" * 65_537,
                   seal_reserve_bytes(world, other, seller, 1, now)):  # fmt: skip
        with pytest.raises(ListingReserveInvalid):
            await service.seal_reserve(conn, world.tenderer, listing.id, sealed, now=now)
    without = await published(conn, world, setup, now, has_reserve=False)
    with pytest.raises(ListingStateConflict):
        await service.seal_reserve(
            conn, world.tenderer, without.id, seal_reserve_bytes(world, without, seller, 1, now),
            now=now,
        )  # fmt: skip
    assert await queries.reserve(conn, listing.id) is None


async def test_each_role_acts_only_on_its_own_part_of_a_listing(
    conn: asyncpg.Connection, world: World, seller: Identity, setup: ListingSetup,
    clock: asyncpg.Connection, now: dt.datetime,
) -> None:  # fmt: skip
    data = listing_input(world, now)
    for who in (world.bidders[0], world.tenderer, world.supervisor):
        with pytest.raises(PermissionDenied):
            await service.publish(conn, who, data, setup, now=now)
    listing = await published(conn, world, setup, now)
    for who in (world.tenderer, world.agency, world.staff):
        with pytest.raises(PermissionDenied):
            await service.register(conn, who, listing.id, now=now)
    reg = await service.register(conn, world.bidders[0], listing.id, now=now)
    deposit = DepositInput(
        kind=BondKind.TRANSFER, amount_fen=listing.deposit_fen, paid_at=now,
        paying_account="6222020200112233",
    )  # fmt: skip
    for who in (world.agency, world.bidders[0], world.tenderer):
        with pytest.raises(PermissionDenied):
            await service.record_deposit(conn, who, listing.id, reg.id, deposit, now=now)
        with pytest.raises(PermissionDenied):
            await service.qualify(
                conn, who, listing.id, reg.id, qualified=True, reason=None, setup=setup, now=now
            )
    for who in (world.agency, world.bidders[0], world.staff):
        with pytest.raises(PermissionDenied):
            await service.seal_reserve(
                conn, who, listing.id, seal_reserve_bytes(world, listing, seller, 1, now), now=now
            )
    await service.record_deposit(conn, world.staff, listing.id, reg.id, deposit, now=now)
    done = await service.qualify(
        conn, world.staff, listing.id, reg.id, qualified=True, reason=None, setup=setup, now=now
    )
    assert done.number is not None
    await listing_bid(
        conn, clock, world, listing, bidder=0, number=done.number,
        price_fen=listing.start_price_fen,
    )  # fmt: skip
    # Numbers only, to the public, another bidder, the seller and the agency; names to the
    # centre and supervisors.
    for who in (None, world.bidders[1], world.tenderer, world.agency):
        seen = await reads.bidders(conn, who, listing.id)
        assert [(v.number, v.organisation_id) for v in seen] == [(done.number, None)]
    for who in (world.staff, world.supervisor):
        seen = await reads.bidders(conn, who, listing.id)
        assert [v.organisation_id for v in seen] == [world.bidder_orgs[0].id]
    for who in (world.bidders[1], world.tenderer, world.agency):
        with pytest.raises(PermissionDenied):
            await reads.registrations(conn, who, listing.id)
    with pytest.raises(ListingBidderNotFound):
        await reads.own_registration(conn, world.bidders[1], listing.id)
    after = listing.ends_at + HOUR
    for who in (world.other_agency, world.bidders[0], world.tenderer):
        with pytest.raises(PermissionDenied):
            await conclusion.close(conn, who, listing.id, setup, now=after)
    official = await official_actor(conn, world, 1)
    for who in (world.staff, world.agency, world.tenderer):
        with pytest.raises(PermissionDenied):
            await conclusion.release_share(conn, who, listing.id, b"\x01" * 16, now=after)
    # An official of the committee, before the end or without a sealed reserve: refused.
    with pytest.raises(ListingStateConflict):
        await conclusion.release_share(conn, official, listing.id, b"\x01" * 16, now=now)
    await set_clock(clock, after)  # the engine judges by the database clock
    await conclusion.close(conn, world.agency, listing.id, setup, now=after)
    for who in (world.other_agency, world.bidders[0]):
        with pytest.raises(PermissionDenied):
            await conclusion.decide_result(conn, who, listing.id, setup, now=after)
    await conclusion.decide_result(conn, world.agency, listing.id, setup, now=after)
    # After the decision the names are public.
    seen = await reads.bidders(conn, None, listing.id)
    assert [v.organisation_id for v in seen] == [world.bidder_orgs[0].id]
    for who in (world.bidders[1], world.other_agency):
        with pytest.raises(PermissionDenied):
            await conclusion.read_deal(conn, who, listing.id)
        with pytest.raises(PermissionDenied):
            await conclusion.sign_deal(conn, who, listing.id, b"sig", setup, now=after)
