"""Who may give the opening hall a command (issue 9, item 10), over a real server.

Everyone signed in watches; only the opening's parties ask for the status (each answer
is a row), and only the host checks bonds or moves the opening on. A refused command
answers ``opening_hall_command_refused`` and writes nothing.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, cast
from uuid import UUID

import asyncpg
import httpx
import websockets
from websockets.asyncio.client import ClientConnection

from live import queries
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.submission.kit import make_submission, submit_sealed
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import fixture_http_ca, fixture_settings, fixture_web_world
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


async def _socket(server: LiveServer, client: httpx.AsyncClient, session: UUID, who: str) -> Any:
    response = await client.post("/api/v1/auth/login", json={"username": who, "password": PASSWORD})
    assert response.status_code == 200, response.text
    ws = await websockets.connect(
        f"{server.ws_url}/api/v1/live/{session}",
        additional_headers={"Authorization": f"Bearer {response.json()['token']}"},
    )
    assert json.loads(await ws.recv())["type"] == "hello"
    return ws


async def _answer(ws: ClientConnection, command: str) -> dict[str, Any]:
    """Send one command; its ack or error (events in between are skipped)."""
    await ws.send(json.dumps({"id": f"c-{command}", "type": command, "data": {}}))
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if message["type"] in ("ack", "error"):
            return message


async def _hall_with_one_bid(pool: asyncpg.Pool, world: World, settings: Settings) -> UUID:
    """A published tender whose lot 1 has bidder 0's bid; the hall's session id."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, world, setup=world.setup())
        sub = make_submission(world, settings.data_dir)
        await submit_sealed(conn, pool, sub, world, tender, make_bidder(world, 0))
        return (await queries.open_session(conn, "opening", f"{tender.id}/1")).id


async def _event_count(pool: asyncpg.Pool, session: UUID) -> int:
    async with pool.acquire() as conn:
        return len(await queries.events_after(conn, session, 0))


async def test_only_the_openings_parties_may_ask_the_hall_for_its_status(
    pool: asyncpg.Pool,
    web_world: World,
    settings: Settings,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """A bidder without a bid and another agency are refused and write no row."""
    session = await _hall_with_one_bid(pool, web_world, settings)
    for outsider in ("bidder2", "otheragent"):
        ws = await _socket(live_server, client, session, outsider)
        refused = await _answer(ws, "status")
        await ws.close()
        assert refused["error"]["code"] == "opening_hall_command_refused", outsider
    assert await _event_count(pool, session) == 0
    parties = ["bidder1", "agent", "owner", "supervisor", "staff", "official1"]
    for party in parties:
        ws = await _socket(live_server, client, session, party)
        answered = await _answer(ws, "status")
        await ws.close()
        assert answered["type"] == "ack", (party, answered)
    assert await _event_count(pool, session) == len(parties)


async def test_only_the_host_checks_bonds_and_advances(
    pool: asyncpg.Pool,
    web_world: World,
    settings: Settings,
    live_server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    """A bidder with a bid may ask the status, not run the host's commands."""
    session = await _hall_with_one_bid(pool, web_world, settings)
    ws = await _socket(live_server, client, session, "bidder1")
    answers = [await _answer(ws, command) for command in ("bond_check", "advance")]
    await ws.close()
    assert [a["error"]["code"] for a in answers] == ["opening_hall_command_refused"] * 2
    assert await _event_count(pool, session) == 0
