"""Issue 18's Must show, end to end: one listing from notice to deal through a timed
auction of three bidders on real WebSockets (a bid in the countdown's last second
restarts it, the winner is the last valid bid, the reserve opens by k officials at the
end, every bid's receipt checks from the receipt alone), and a listing whose highest bid
stays under the reserve ends without a sale.

Real PostgreSQL, real uvicorn, the platform's engine (listing.auction) and signed bids;
the countdown's end is reached by fixing the auction's database clock (migration 0110's
``auction_clock``), never by sleeping.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from accounts.model import OrgKind, Role
from accounts.users import service as users
from client.auction import bid_form
from client.auction_receipt import check_receipt
from client.errors import AuctionReceiptInvalid
from listing import conclusion, service
from listing.model import Outcome, Status
from signing.certs import Identity
from signing.cms import sign_detached
from signing.demo_ca import DemoCA
from signing.log.entry import format_time
from signing.sheets import b64url_encode
from tests.accounts.factory import CONSOLE, PASSWORD
from tests.conftest import CloneDatabase, LiveServer
from tests.listing.auction.kit import command, connect, make_user_token
from tests.listing.kit import (
    listing_bid,
    official_actor,
    published,
    qualified_bidders,
    seal_reserve_bytes,
    seller_identity,
    set_clock,
    share_of,
)
from tests.tender.calendar_kit import write_synthetic
from tests.tender.world import World
from tests.web.trust_dir import trust_ca
from web.services import services
from web.settings import Settings

HOUR = dt.timedelta(hours=1)
RESERVE_FEN = 10_250_000_00  # above the start price: the first listing's last bid beats it


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase, ca: DemoCA) -> Settings:
    """The listings' data dir (next year's calendar), trusting the world's CA: the room
    verifies the bidders' signatures with the platform's trust store."""
    data = tmp_path / "data"
    write_synthetic(data / "holidays", 2027)  # the kit's CALENDAR's 2027
    trust_ca(data, ca)
    return Settings(database_url=database.app_dsn, data_dir=data)


class Signer:
    """A world bidder at the room: its token, number, certificate and the forms it signed."""

    def __init__(self, token: str, number: str, identity: Identity) -> None:
        self.token, self.number, self.identity = token, number, identity
        self.forms: dict[int, bytes] = {}  # seq → the signed form (kept for its receipt)

    def bid(self, auction: int, price_fen: int, standing_fen: int | None) -> dict[str, object]:
        """The next signed ``bid`` command's data (docs/formats/auction.md §3–§4)."""
        seq = len(self.forms) + 1
        nonce = secrets.token_hex(16)
        form = bid_form(auction, self.number, seq, price_fen, standing_fen, nonce)
        self.forms[seq] = form
        ident = self.identity
        signature = sign_detached(form, ident.certificate, ident.key, chain=ident.chain)
        return {"number": self.number, "seq": seq, "price_fen": price_fen,
                "standing_fen": standing_fen, "nonce": nonce,
                "signature": b64url_encode(signature)}  # fmt: skip


async def _token(client: httpx.AsyncClient, username: str) -> str:
    answer = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


async def _ends_at(conn: asyncpg.Connection, auction_id: int) -> dt.datetime:
    ends_at: dt.datetime = await conn.fetchval(
        "SELECT ends_at FROM auctions WHERE id = $1", auction_id
    )
    return ends_at


async def test_a_listing_goes_to_a_deal_through_the_timed_auction_another_ends_unsold(
    live_server: LiveServer, app: Starlette, client: httpx.AsyncClient,
    conn: asyncpg.Connection, world: World, clock: asyncpg.Connection,
) -> None:  # fmt: skip
    for who in world.bidders:
        await users.set_password(conn, CONSOLE, user_id=who.user_id, password=PASSWORD)
    seller = await seller_identity(conn, world)
    setup = services(app).listing_setup()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    listing = await published(conn, world, setup, now)  # the reserve to 3 officials, k = 2
    sealed = seal_reserve_bytes(world, listing, seller, RESERVE_FEN, now)
    await service.seal_reserve(conn, world.tenderer, listing.id, sealed, now=now)
    numbers = await qualified_bidders(conn, world, listing, setup, now, 3)
    a, b, c = [
        Signer(await _token(client, who.username), number, identity)
        for who, number, identity in zip(
            world.bidders, numbers, world.bidder_identities, strict=True
        )
    ]
    during = listing.starts_at + HOUR
    for who in world.bidders:
        await service.go_on(conn, who, listing.id, now=during)
    auction = listing.auction_id
    assert auction is not None
    session = await conn.fetchval("SELECT live_session_id FROM auctions WHERE id = $1", auction)
    start, step = listing.start_price_fen, listing.increment_fen
    async with (
        await connect(live_server, session, a.token) as wa,
        await connect(live_server, session, b.token) as wb,
        await connect(live_server, session, c.token) as wc,
    ):
        # The listing period (挂牌期): A opens at the start price.
        await set_clock(clock, during)
        assert (await command(wa, "a1", "bid", a.bid(auction, start, None)))["type"] == "ack"
        # Its end: all three go on to the timed auction (限时竞价), decided by the DB clock.
        after = listing.ends_at + HOUR
        await set_clock(clock, after)
        closed = await conclusion.close(conn, world.agency, listing.id, setup, now=after)
        assert closed.status is Status.AUCTION
        # The listing's page links its bidders to the room while the auction runs.
        page = f"/listings/{listing.id}"
        seen = await client.get(page, headers={"Authorization": f"Bearer {b.token}"})
        assert f'href="/auctions/{auction}" id="room-link"' in seen.text
        assert 'id="room-link"' not in (await client.get(page)).text  # the public: no room
        # A bidder the room does not admit (not this auction's) gets no link to its 404.
        outside = await make_user_token(conn, client, OrgKind.BIDDER, Role.BIDDER, "outside")
        told = await client.get(page, headers={"Authorization": f"Bearer {outside}"})
        assert 'id="room-link"' not in told.text
        await set_clock(clock, after + dt.timedelta(seconds=10))
        for ws, who, price, standing, n in (
            (wb, b, start + step, start, "b1"), (wc, c, start + 2 * step, start + step, "c1"),
        ):  # fmt: skip
            assert (await command(ws, n, "bid", who.bid(auction, price, standing)))["type"] == "ack"
        # A bid in the countdown's last second restarts it from its own time.
        end = await _ends_at(conn, auction)
        last = end - dt.timedelta(milliseconds=500)
        await set_clock(clock, last)
        winning = start + 3 * step
        ack = await command(wa, "a2", "bid", a.bid(auction, winning, start + 2 * step))
        assert ack["type"] == "ack", ack
        restarted = last + dt.timedelta(seconds=listing.countdown_seconds)
        assert await _ends_at(conn, auction) == restarted
        # One committed at the restarted end is refused with that end; nothing changes.
        await set_clock(clock, restarted)
        late = await command(wb, "b2", "bid", b.bid(auction, winning + step, winning))
        assert late["error"]["code"] == "auction_ended"
        assert late["error"]["details"]["ends_at"] == format_time(restarted)
    # The reserve opens at the end without the seller: officials 1 and 3 of 3 (k = 2).
    for x in (1, 3):
        official = await official_actor(conn, world, x)
        await conclusion.release_share(
            conn, official, listing.id, share_of(world, listing, sealed, x), now=after
        )
    decided = await conclusion.decide_result(conn, world.agency, listing.id, setup, now=after)
    assert (decided.outcome, decided.winner_number, decided.price_fen, decided.reserve_fen) == (
        Outcome.SOLD, a.number, winning, RESERVE_FEN,
    )  # fmt: skip
    body = await conclusion.deal(conn, decided)
    buyer = world.bidder_identities[0]
    await conclusion.sign_deal(
        conn, world.tenderer, listing.id,
        sign_detached(body, seller.certificate, seller.key, chain=seller.chain), setup, now=after,
    )  # fmt: skip
    done = await conclusion.sign_deal(
        conn, world.bidders[0], listing.id,
        sign_detached(body, buyer.certificate, buyer.key, chain=buyer.chain), setup, now=after,
    )  # fmt: skip
    assert done.status is Status.CONCLUDED
    over = await client.get(page, headers={"Authorization": f"Bearer {b.token}"})
    assert 'id="room-link"' not in over.text  # decided: the room is history
    # Every bid's receipt checks from the receipt alone, with the pinned keys (§8).
    log_key = (await client.get("/api/v1/log/key")).text.strip()
    root = services(app).receipt_signer.root
    placed = [(a, 1, 1), (b, 2, 1), (c, 3, 1), (a, 4, 2)]  # (bidder, bid n, its seq)
    for who, n, seq in placed:
        answer = await client.get(
            f"/api/v1/auctions/{auction}/bids/{n}/receipt",
            headers={"Authorization": f"Bearer {who.token}"},
        )
        assert answer.status_code == 200, answer.text
        fields = check_receipt(
            answer.json(), form=who.forms[seq], platform_root=root, log_key=log_key,
            now=dt.datetime.now(dt.UTC),
        )  # fmt: skip
        assert (fields["bid"], fields["number"], fields["seq"]) == (n, who.number, seq)
    with pytest.raises(AuctionReceiptInvalid) as foreign:  # another's form: not your bid
        check_receipt(answer.json(), form=b.forms[1], platform_root=root, log_key=log_key,
                      now=dt.datetime.now(dt.UTC))  # fmt: skip
    assert foreign.value.details == {"check": "form"}

    # A second listing: its highest bid stays under the reserve — no sale (流拍).
    other = await published(conn, world, setup, now)
    sealed = seal_reserve_bytes(world, other, seller, RESERVE_FEN, now)
    await service.seal_reserve(conn, world.tenderer, other.id, sealed, now=now)
    numbers = await qualified_bidders(conn, world, other, setup, now, 2)
    for bidder, price in ((0, start), (1, start + step)):
        await listing_bid(conn, clock, world, other, bidder=bidder, number=numbers[bidder],
                          price_fen=price)  # fmt: skip
    assert start + step < RESERVE_FEN
    await set_clock(clock, after)  # the engine judges by the database clock
    await conclusion.close(conn, world.agency, other.id, setup, now=after)
    for x in (2, 3):
        official = await official_actor(conn, world, x)
        await conclusion.release_share(
            conn, official, other.id, share_of(world, other, sealed, x), now=after
        )
    unsold = await conclusion.decide_result(conn, world.agency, other.id, setup, now=after)
    assert (unsold.outcome, unsold.winner_number, unsold.status, unsold.reserve_fen) == (
        Outcome.BELOW_RESERVE, None, Status.CONCLUDED, RESERVE_FEN,
    )  # fmt: skip
