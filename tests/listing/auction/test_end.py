"""A countdown that simply runs out is told to its room: ``auction.ended``, once
(docs/formats/auction.md §2, §6.1; issue 18, item 2), by the end job's use case under the
auction's row lock and the database clock (fixed here through ``auction_clock``, not
raced), heard by real WebSocket clients on a real uvicorn server."""

from __future__ import annotations

import datetime as dt

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from accounts.model import OrgKind, Role
from listing.auction.service import end_due
from signing.demo_ca import DemoCA
from signing.log.entry import format_time
from tests.conftest import LiveServer
from tests.listing.auction.kit import (
    World,
    auction_ca,
    clock,
    command,
    connect,
    event_of,
    make_user_token,
    make_world,
    set_clock,
    settings,
)
from web.services import services

__all__ = ["auction_ca", "clock", "settings"]


@pytest.fixture
async def world(
    app: Starlette, pool: asyncpg.Pool, client: httpx.AsyncClient, auction_ca: DemoCA
) -> World:
    return await make_world(pool, client, auction_ca, services(app).auctions())


async def test_a_countdown_that_runs_out_is_told_to_the_room_once(
    live_server: LiveServer, world: World, pool: asyncpg.Pool, app: Starlette,
    client: httpx.AsyncClient, clock: asyncpg.Connection,
) -> None:  # fmt: skip
    """§2: at the end (by the database clock) the job ends the countdown and appends
    ``auction.ended`` with the room's public state — no number — which a bidder and a
    watcher both hear; a second run, or one before the end, tells nothing."""
    a = world.bidders[0]
    async with pool.acquire() as conn:
        listing_end = await conn.fetchval("SELECT listing_ends_at FROM auctions")
        await set_clock(clock, listing_end)
        state = (
            await services(app)
            .auctions()
            .go_on(conn, world.auction_id, frozenset({"A001", "A002"}), now=listing_end)
        )
        staff = await make_user_token(
            conn, client, OrgKind.CITY_CENTRE, Role.CENTRE_STAFF, "watcher"
        )
    async with (
        await connect(live_server, world.session_id, a.token) as wa,
        await connect(live_server, world.session_id, staff) as ws,
    ):
        await set_clock(clock, state.ends_at - dt.timedelta(seconds=1))
        ack = await command(wa, "a1", "bid", a.bid(world.auction_id, 100_000, None))
        assert ack["type"] == "ack", ack
        ends_at = state.ends_at - dt.timedelta(seconds=1) + dt.timedelta(seconds=60)
        async with pool.acquire() as conn:
            await set_clock(clock, ends_at - dt.timedelta(microseconds=1))
            assert await end_due(conn) == []  # not yet: the bid restarted the countdown
            await set_clock(clock, ends_at)
            assert await end_due(conn) == [world.auction_id]
            assert await end_due(conn) == []  # once
        heard = [await event_of(w, "auction.ended") for w in (wa, ws)]
        async with pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT phase, (SELECT count(*) FROM live_events WHERE kind = 'auction.ended')"
                " AS told FROM auctions WHERE id = $1",
                world.auction_id,
            )
            final = await services(app).auctions().state(conn, world.auction_id)
        late = await command(wa, "a2", "bid", a.bid(world.auction_id, 101_000, 100_000, seq=2))
    assert heard[0]["data"] == heard[1]["data"]
    data = heard[0]["data"]
    assert (data["phase"], data["standing_fen"], data["bids"]) == ("ended", 100_000, 1)
    assert data["ends_at"] == format_time(ends_at)
    assert "A001" not in str(data)  # identity hiding (§6.1)
    assert (row["phase"], row["told"]) == ("ended", 1)
    assert (final.phase, final.standing_number) == ("ended", "A001")
    assert (late["error"]["code"], late["error"]["details"]["ends_at"]) == (
        "auction_ended",
        format_time(ends_at),
    )
