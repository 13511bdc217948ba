"""The listings' public pages (issue 18, item 5): the notice, bidders by number only
until the decision, then the result with names; an unknown id is 404."""

from __future__ import annotations

import datetime as dt
import functools

import asyncpg
import httpx
from starlette.applications import Starlette

from listing import conclusion, service
from listing import feed as listing_feed
from listing.model import DepositInput
from tender.bonds.model import BondKind
from tender.disclosure import service as disclosure
from tender.disclosure.ocds import Site
from tests.listing.kit import listing_bid, make_setup, published, set_clock
from tests.tender.disclosure import ocds_schema
from tests.tender.world import World
from web.services import services


async def test_the_public_page_shows_numbers_until_the_decision_then_the_result(
    client: httpx.AsyncClient, app: Starlette, conn: asyncpg.Connection, world: World,
    clock: asyncpg.Connection,
) -> None:  # fmt: skip
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    setup = make_setup(world, services(app).auctions())
    listing = await published(conn, world, setup, now, has_reserve=False)
    numbers = []
    for i, bidder in enumerate(world.bidders[:2]):
        reg = await service.register(conn, bidder, listing.id, now=now)
        deposit = DepositInput(
            kind=BondKind.TRANSFER, amount_fen=listing.deposit_fen, paid_at=now,
            paying_account=f"62220202001122{i:02d}",
        )  # fmt: skip
        await service.record_deposit(conn, world.staff, listing.id, reg.id, deposit, now=now)
        done = await service.qualify(
            conn, world.staff, listing.id, reg.id, qualified=True, reason=None, setup=setup,
            now=now,
        )  # fmt: skip
        numbers.append(done.number)
    listed = await client.get("/listings")
    assert listed.status_code == 200
    assert listing.code in listed.text
    page = await client.get(f"/listings/{listing.id}")
    assert page.status_code == 200
    assert all(f'data-number="{n}"' in page.text for n in numbers)
    assert not any(org.name in page.text for org in world.bidder_orgs)
    price = listing.start_price_fen + listing.increment_fen
    assert numbers[1] is not None
    await listing_bid(conn, clock, world, listing, bidder=1, number=numbers[1], price_fen=price)
    after = listing.ends_at + dt.timedelta(hours=1)
    await set_clock(clock, after)  # the engine judges by the database clock
    await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    await conclusion.decide_result(conn, world.staff, listing.id, setup, now=after)
    page = await client.get(f"/listings/{listing.id}")
    assert world.bidder_orgs[1].name in page.text
    assert 'id="outcome">成交<' in page.text
    assert (await client.get("/listings/not-an-id")).status_code == 404
    # Item 5: the auction's result as an OCDS award to the winner.
    release = (await client.get(f"/api/v1/listings/{listing.id}/ocds")).json()
    assert release["tag"] == ["tender", "award"]
    assert release["tender"]["status"] == "complete"
    (award,) = release["awards"]
    price = listing.start_price_fen + listing.increment_fen
    assert award["value"] == {"amount": price / 100, "currency": "CNY"}
    assert award["suppliers"] == [
        {"id": str(world.bidder_orgs[1].id), "name": world.bidder_orgs[1].name}
    ]
    # Item 5: the listing in the platform-wide feed — its notice at publication (no
    # bidder), its result once decided (here an hour after the end: not out yet by the
    # database clock), each valid OCDS; a cursor naming a listing's release works.
    feed = await client.get("/api/v1/ocds/releases")
    assert feed.status_code == 200
    ocds_schema.assert_release_package(feed.json())
    (notice,) = feed.json()["releases"]
    assert (notice["id"], notice["tag"], notice["tender"]["status"], len(notice["parties"])) == (
        f"{listing.code}-tender", ["tender"], "active", 1,
    )  # fmt: skip
    next_url = feed.json()["links"]["next"].removeprefix("http://testserver")
    assert (await client.get(next_url)).status_code == 204
    site = Site(base_url="http://testserver", publisher="centre")
    more = functools.partial(listing_feed.releases, base_url=site.base_url, ocid_prefix="ocds-x")
    later = await disclosure.feed_page(conn, after, site, cursor=None, limit=1, more=more)
    assert later is not None
    rest = await disclosure.feed_page(
        conn, after, site, cursor=later.next_cursor, limit=10, more=more
    )
    assert rest is not None
    ocds_schema.assert_release_package(rest.package)
    (result,) = rest.package["releases"]
    assert (result["id"], result["awards"]) == (f"{listing.code}-award", release["awards"])
