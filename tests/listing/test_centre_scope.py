"""Rule: the centre's part of a listing is the listing's own centre's — the centre running
it (migration 0142) and the city centre above a county sub-centre, never another
centre's staff (the outside tester's finding F6: the county centre's staff recorded and
corrected the city centre's deposits, read its named registrations and watched its
auction room). Every centre staff read and act, by another centre's staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor, OrgKind, Role
from listing import conclusion, reads, service
from listing.auction import queries as auction_queries
from listing.auction import service as auction
from listing.auction.errors import AuctionNotFound
from listing.model import DepositStatus, Listing, Qualification
from listing.service import ListingSetup
from signing.errors import EtenderError
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.listing.kit import deposit, listing_input, published
from tests.tender.world import World


async def _staff_of(conn: asyncpg.Connection, world: World, kind: OrgKind, name: str) -> Actor:
    """Centre staff of a centre that does not run the world's listings."""
    parent = world.centre if kind is OrgKind.COUNTY_CENTRE else None
    org = await make_organisation(conn, kind, parent=parent, name=name)
    return await actor_for(conn, await make_user(conn, org, Role.CENTRE_STAFF, username=name))


async def _others(conn: asyncpg.Connection, world: World) -> list[Actor]:
    """The county sub-centre under the city, and another city's centre."""
    return [
        await _staff_of(conn, world, OrgKind.COUNTY_CENTRE, "county.staff"),
        await _staff_of(conn, world, OrgKind.CITY_CENTRE, "othercity.staff"),
    ]


async def _state(conn: asyncpg.Connection, listing: Listing) -> list[tuple[object, ...]]:
    rows = await conn.fetch(
        "SELECT qualification, number, deposit, deposit_fen, paid_at, refund_reference"
        " FROM listing_bidders WHERE listing_id = $1 ORDER BY id",
        listing.id,
    )
    corrections = await conn.fetchval("SELECT count(*) FROM listing_deposit_corrections")
    return [tuple(r) for r in rows] + [(corrections,)]


async def test_another_centre_s_staff_may_not_act_on_a_listing_and_nothing_changes(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime
) -> None:
    listing = await published(conn, world, setup, now)
    paid = await service.register(conn, world.bidders[0], listing.id, now=now)
    await service.record_deposit(conn, world.staff, listing.id, paid.id, deposit(listing, now),
                                 now=now)  # fmt: skip
    unpaid = await service.register(conn, world.bidders[1], listing.id, now=now)
    fixed = deposit(listing, now, "6222020200119999")
    before = await _state(conn, listing)

    def acts_of(other: Actor) -> dict[str, Callable[[], Awaitable[object]]]:
        return {
            "record": lambda: service.record_deposit(
                conn, other, listing.id, unpaid.id, deposit(listing, now), now=now
            ),
            "correct": lambda: service.correct_deposit(
                conn, other, listing.id, paid.id, fixed, version=0, reason="错误", now=now
            ),
            "qualify": lambda: service.qualify(
                conn,
                other,
                listing.id,
                paid.id,
                qualified=True,
                reason=None,
                setup=setup,
                now=now,
            ),
            "refuse": lambda: service.qualify(
                conn,
                other,
                listing.id,
                paid.id,
                qualified=False,
                reason="材料不全",
                setup=setup,
                now=now,
            ),
            "refund": lambda: conclusion.refund_deposit(
                conn, other, listing.id, paid.id, "R1", now=now
            ),
            "registrations": lambda: reads.registrations(conn, other, listing.id),
            "close": lambda: conclusion.close(conn, other, listing.id, setup, now=listing.ends_at),
            "decide": lambda: conclusion.decide_result(conn, other, listing.id, setup, now=now),
            "agree": lambda: conclusion.agree(
                conn, other, listing.id, listing.start_price_fen, setup, now=now
            ),
            "deal": lambda: conclusion.read_deal(conn, other, listing.id),
        }

    for other in await _others(conn, world):
        acts = acts_of(other)
        refused = []
        for name, act in acts.items():
            try:
                await act()
            except PermissionDenied:
                refused.append(name)
            except EtenderError:  # another refusal: not the one the rule asks for
                pass
        assert refused == list(acts)
        # Names stay behind numbers for them, as for the public (none qualified: none shown).
        assert await reads.bidders(conn, other, listing.id) == []
        # The auction room lets them in no more than anyone else (no existence leak).
        assert listing.auction_id is not None
        assert not await auction.admits(conn, other, listing.auction_id)
        found = await auction_queries.get_auction(conn, listing.auction_id)
        assert found is not None
        with pytest.raises(AuctionNotFound):
            await auction.admitted(conn, other, found)
        # Publishing: a listing is run by the platform's centre, so its staff publish it.
        with pytest.raises(PermissionDenied):
            await service.publish(conn, other, listing_input(world, now), setup, now=now)
    assert await _state(conn, listing) == before
    assert await conn.fetchval("SELECT count(*) FROM listings") == 1


async def test_the_listing_s_own_centre_still_acts_reads_names_and_watches(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime
) -> None:
    listing = await published(conn, world, setup, now)
    assert listing.centres == frozenset({world.centre.id})
    reg = await service.register(conn, world.bidders[0], listing.id, now=now)
    await service.record_deposit(conn, world.staff, listing.id, reg.id, deposit(listing, now),
                                 now=now)  # fmt: skip
    done = await service.qualify(
        conn, world.staff, listing.id, reg.id, qualified=True, reason=None, setup=setup, now=now
    )
    assert (done.deposit, done.qualification) == (DepositStatus.HELD, Qualification.QUALIFIED)
    (named,) = await reads.bidders(conn, world.staff, listing.id)
    assert named.organisation_id == world.bidder_orgs[0].id
    assert [r.id for r in await reads.registrations(conn, world.staff, listing.id)] == [reg.id]
    assert listing.auction_id is not None
    assert await auction.admits(conn, world.staff, listing.auction_id)
