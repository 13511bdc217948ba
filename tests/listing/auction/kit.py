"""An auction with signing bidders, and the helpers of the auction tests.

The bidders are real users with registered certificates of a demo CA the app trusts
(``<data dir>/trust``); they bid through real WebSockets on a real uvicorn server.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from accounts.model import OrgKind, Role
from listing.auction.model import AuctionBidder, AuctionSpec, BidRequest, bid_form
from listing.auction.service import AuctionService
from signing.certs import Identity
from signing.cms import sign_detached
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from tests.accounts import factory
from tests.conftest import CloneDatabase, LiveServer
from tests.tender.world import register_certificate
from tests.web.live.echo import _STASH, receive
from tests.web.trust_dir import trust_ca
from web.settings import Settings

__all__ = ["receive"]


@pytest.fixture(scope="session")
def auction_ca() -> DemoCA:
    return create_demo_ca(now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase, auction_ca: DemoCA) -> Settings:
    """The app on the test's database, trusting the bidders' CA."""
    data_dir = tmp_path / "data"
    trust_ca(data_dir, auction_ca)
    return Settings(database_url=database.app_dsn, data_dir=data_dir)


@dataclasses.dataclass
class Bidder:
    """A registered bidder: its number, account, signing identity and login token."""

    number: str
    user_id: Any
    org_id: Any
    identity: Identity
    token: str
    seq: int = 0

    def bid(
        self, auction_id: int, price_fen: int, standing_fen: int | None, **over: Any
    ) -> dict[str, Any]:
        """A signed ``bid`` command's data (docs/formats/auction.md §3–§4)."""
        seq = over.pop("seq", self.seq + 1)
        request = BidRequest(
            number=self.number, seq=seq, price_fen=price_fen, standing_fen=standing_fen,
            nonce=over.pop("nonce", secrets.token_hex(16)), signature=b"",
        )  # fmt: skip
        form = bid_form(auction_id, request)
        ident = self.identity
        signature = sign_detached(form, ident.certificate, ident.key, chain=ident.chain)
        data = {
            "number": self.number, "seq": seq, "price_fen": price_fen,
            "standing_fen": standing_fen, "nonce": request.nonce, "signature": b64url(signature),
        }  # fmt: skip
        return data | over


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def make_bidder(
    conn: asyncpg.Connection, client: httpx.AsyncClient, ca: DemoCA, number: str
) -> Bidder:
    org = await factory.make_organisation(conn, OrgKind.BIDDER)
    user = await factory.make_user(conn, org, Role.BIDDER, username=f"bidder-{number.lower()}")
    identity = issue_identity(
        ca, name=f"竞买人{number}", org_credit_code=org.credit_code,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )  # fmt: skip
    await register_certificate(conn, user.id, identity)
    response = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    return Bidder(number, user.id, org.id, identity, response.json()["token"])


async def make_user_token(
    conn: asyncpg.Connection, client: httpx.AsyncClient, kind: OrgKind, role: Role, name: str
) -> str:
    """A signed-in user of a new organisation of ``kind`` holding ``role``: its token."""
    org = await factory.make_organisation(conn, kind)
    user = await factory.make_user(conn, org, role, username=name)
    response = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    token: str = response.json()["token"]
    return token


@dataclasses.dataclass
class World:
    auction_id: int
    session_id: Any
    bidders: list[Bidder]


async def make_world(
    pool: asyncpg.Pool, client: httpx.AsyncClient, ca: DemoCA, service: AuctionService,
    *, count: int = 3, start: int = 100_000, increment: int = 1_000, countdown: int = 60,
) -> World:  # fmt: skip
    """An auction in its listing period (started two hours ago, ending in an hour) with
    ``count`` bidders."""
    async with pool.acquire() as conn:
        bidders = [await make_bidder(conn, client, ca, f"A{n:03d}") for n in range(1, count + 1)]
        now: dt.datetime = await conn.fetchval("SELECT clock_timestamp()")
        spec = AuctionSpec(
            subject_kind="listing", subject_id=1, start_price_fen=start, increment_fen=increment,
            # Started two hours ago: a test may run the auction's clock an hour behind.
            listing_starts_at=now - dt.timedelta(hours=2),
            listing_ends_at=now + dt.timedelta(hours=1), countdown_seconds=countdown,
            bidders=tuple(
                AuctionBidder(number=b.number, account_id=b.user_id, org_id=b.org_id)
                for b in bidders
            ),
        )  # fmt: skip
        async with conn.transaction():
            auction_id = await service.create(conn, spec, now=now)
        session_id = await conn.fetchval(
            "SELECT live_session_id FROM auctions WHERE id = $1", auction_id
        )
    return World(auction_id, session_id, bidders)


async def connect(server: LiveServer, session_id: Any, token: str) -> ClientConnection:
    ws = await websockets.connect(
        f"{server.ws_url}/api/v1/live/{session_id}",
        additional_headers={"Authorization": f"Bearer {token}"},
    )
    hello = json.loads(await ws.recv())
    assert hello["type"] == "hello"
    _STASH[id(ws)] = []  # a new socket may reuse a closed one's id
    return ws


async def command(
    ws: ClientConnection, msg_id: str, kind: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Send a command; its ack or error (events wait in the stash for their turn)."""
    await ws.send(json.dumps({"id": msg_id, "type": kind, "data": data}))
    while True:
        found = await receive_any(ws, ("ack", "error", "answer"))
        if found.get("id") == msg_id:
            return found


async def receive_any(ws: ClientConnection, kinds: tuple[str, ...]) -> dict[str, Any]:
    """The next frame of one of these types; others wait in the socket's stash."""
    return await _next(ws, lambda m: m["type"] in kinds)


async def event_of(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next event of this kind; other frames wait in the socket's stash."""
    return await _next(ws, lambda m: m["type"] == "event" and m["kind"] == kind)


async def _next(ws: ClientConnection, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    stash = _STASH.setdefault(id(ws), [])
    for i, message in enumerate(stash):
        if wanted(message):
            return stash.pop(i)
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if wanted(message):
            return message
        stash.append(message)


async def set_clock(
    owner: asyncpg.Connection, at: dt.datetime | None, *, shift: dt.timedelta | None = None
) -> None:
    """Fix the auction's clock at ``at``, or run it ``shift`` from the database's own
    (neither: the database's own clock again, the migration's body)."""
    body = "SELECT clock_timestamp()"
    if at is not None:
        body = f"SELECT '{at.isoformat()}'::timestamptz"
    elif shift is not None:
        body = f"SELECT clock_timestamp() + interval '{shift.total_seconds()} seconds'"
    await owner.execute(
        f"CREATE OR REPLACE FUNCTION auction_clock() RETURNS timestamptz "
        f"LANGUAGE sql VOLATILE AS $$ {body} $$"
    )


@pytest.fixture
async def clock(owner_conn: asyncpg.Connection) -> AsyncIterator[asyncpg.Connection]:
    """The owner's connection for set_clock; the clock is put back after the test (the
    database's catalogs are then the template's again: tests/dbreset.py reuses it)."""
    try:
        yield owner_conn
    finally:
        await set_clock(owner_conn, None)
