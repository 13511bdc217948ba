"""The listings' public pages (issue 18, item 5): the notice, bidders by number only
until the decision, then the result with names; an unknown id is 404."""

from __future__ import annotations

import datetime as dt

import asyncpg
import httpx

from listing import conclusion, service
from listing.model import DepositInput
from tender.bonds.model import BondKind
from tests.listing.kit import StubBidding, make_setup, published
from tests.tender.world import World


async def test_the_public_page_shows_numbers_until_the_decision_then_the_result(
    client: httpx.AsyncClient, conn: asyncpg.Connection, world: World
) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    bidding = StubBidding()
    setup = make_setup(world, bidding)
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
    after = listing.ends_at + dt.timedelta(hours=1)
    await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    assert listing.auction_id is not None
    bidding.end(listing.auction_id, numbers[1], listing.start_price_fen + listing.increment_fen)
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
