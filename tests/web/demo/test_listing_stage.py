"""The demo has one listing in its listing period with two bidders registered, paid and
qualified (issue 18; web/demo/listing.py): the public list shows it, its page shows the
two bidder numbers and no name, the centre's desk the two organisations."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from listing import queries, reads
from listing.model import DepositStatus, Phase, Qualification
from tests.web.demo.conftest import DemoTemplate
from web.demo.listing import BIDDERS, TITLE
from web.evaluation.demo_opening import wait_until

pytestmark = pytest.mark.slow


async def test_the_demo_shows_a_listing_in_its_listing_period_with_two_bidders(
    client: httpx.AsyncClient, pool: asyncpg.Pool, demo_template: DemoTemplate
) -> None:
    assert demo_template.loaded.stages is not None
    listing_id = demo_template.loaded.stages.listing_id
    assert listing_id is not None
    async with pool.acquire() as conn:
        found = await reads.listing(conn, listing_id)
        await wait_until(conn, found.starts_at)  # the one-second notice (DEMO ONLY)
        assert found.phase(await conn.fetchval("SELECT now()")) is Phase.LISTING
        registered = await queries.bidders(conn, listing_id)
        # The platform's engine runs its auction, both bidders registered there by number.
        engine = await conn.fetch(
            "SELECT number FROM auction_bidders WHERE auction_id = $1", found.auction_id
        )
    assert len(registered) == len(BIDDERS)
    assert {r["number"] for r in engine} == {r.number for r in registered}
    assert {(r.qualification, r.deposit) for r in registered} == {
        (Qualification.QUALIFIED, DepositStatus.HELD)
    }
    listed = await client.get("/listings")
    assert TITLE in listed.text
    page = await client.get(f"/listings/{listing_id}")
    assert all(f'data-number="{r.number}"' in page.text for r in registered)
    assert 'id="phase">挂牌期<' in page.text
