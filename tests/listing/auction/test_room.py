"""The timed auction through the live engine: real PostgreSQL, real uvicorn, real
WebSocket clients, bids signed by the bidders' registered certificates
(docs/formats/auction.md; issue 18, item 2)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

import asyncpg
import httpx
import pytest
import websockets
from starlette.applications import Starlette

from accounts.model import OrgKind, Role
from listing.auction.model import BidRequest, bid_form
from signing.demo_ca import DemoCA
from signing.log import merkle
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
    receive,
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


async def _rows(pool: asyncpg.Pool, auction_id: int) -> tuple[Any, ...]:
    """Everything a bid may change: the auction, its bidders, bids, events, log entries."""
    async with pool.acquire() as conn:
        return (
            tuple(await conn.fetchrow("SELECT * FROM auctions WHERE id = $1", auction_id)),
            [tuple(r) for r in await conn.fetch("SELECT * FROM auction_bidders ORDER BY number")],
            await conn.fetchval("SELECT count(*) FROM auction_bids"),
            await conn.fetchval("SELECT count(*) FROM live_events"),
            # Queued or integrated (the sequencer moves entries from one to the other).
            await conn.fetchval(
                "SELECT (SELECT count(*) FROM log_queue WHERE kind = $1)"
                " + (SELECT count(*) FROM log_entries WHERE kind = $1)",
                "auction.bid_placed",
            ),
        )


async def test_a_bid_is_acked_after_commit_ordered_and_told_without_identities(
    live_server: LiveServer, world: World, pool: asyncpg.Pool, client: httpx.AsyncClient
) -> None:
    """Each acked bid is committed, numbered in commit order and stamped by the database
    clock; everyone sees the price and never a number; the bidder alone its own number;
    the outbid bidder is told; the receipt's inclusion proof checks against its checkpoint."""
    a, b, c = world.bidders
    async with (
        await connect(live_server, world.session_id, a.token) as wa,
        await connect(live_server, world.session_id, b.token) as wb,
        await connect(live_server, world.session_id, c.token) as wc,
    ):
        ack = await command(wa, "a1", "bid", a.bid(world.auction_id, 100_000, None))
        assert ack["type"] == "ack", ack
        ack2 = await command(wb, "b1", "bid", b.bid(world.auction_id, 101_000, 100_000))
        assert ack2["type"] == "ack"
        assert ack2["seq"] > ack["seq"]
        seen_c = [await receive(wc, "event") for _ in range(2)]
        outbid = [await event_of(wa, "bid.outbid")]
        snap = await command(wa, "s1", "snapshot", {})
    assert [e["kind"] for e in seen_c] == ["bid.placed", "bid.placed"]
    assert [e["data"]["price_fen"] for e in seen_c] == [100_000, 101_000]
    assert all("number" not in json.dumps(e) and "A00" not in json.dumps(e) for e in seen_c)
    assert [e["data"]["bid"] for e in outbid] == [2]
    you = snap["data"]["you"]
    assert (you["number"], you["status"], you["next_seq"]) == ("A001", "outbid", 2)
    assert snap["data"]["standing_fen"] == 101_000
    async with pool.acquire() as conn:
        bids = await conn.fetch("SELECT n, number, placed_at FROM auction_bids ORDER BY n")
    assert [(r["n"], r["number"]) for r in bids] == [(1, "A001"), (2, "A002")]
    assert bids[0]["placed_at"] < bids[1]["placed_at"]
    path = f"/api/v1/auctions/{world.auction_id}/bids/2/receipt"
    theirs = await client.get(path, headers={"Authorization": f"Bearer {a.token}"})
    assert (theirs.status_code, theirs.json()["error"]["code"]) == (404, "auction_bid_not_found")
    answer = (await client.get(path, headers={"Authorization": f"Bearer {b.token}"})).json()
    receipt = _Receipt(
        body=base64.b64decode(answer["receipt"]), entry=base64.b64decode(answer["entry"]),
        log_index=answer["log_index"], tree_size=answer["tree_size"],
        checkpoint=answer["checkpoint"],
        inclusion_proof=[base64.b64decode(h) for h in answer["inclusion_proof"]],
    )  # fmt: skip
    fields = json.loads(receipt.body)
    assert (fields["bid"], fields["number"], fields["price_fen"]) == (2, "A002", 101_000)
    entry = json.loads(receipt.entry)
    assert entry["kind"] == "auction.bid_placed"
    assert entry["data"]["placed_at"] == format_time(bids[1]["placed_at"])
    assert "A002" not in receipt.entry.decode()
    assert receipt.checkpoint is not None
    assert receipt.tree_size is not None
    root = base64.b64decode(receipt.checkpoint.split("\n")[2])
    leaf = merkle.leaf_hash(receipt.entry)
    assert merkle.verify_inclusion(
        leaf, receipt.log_index, receipt.tree_size, receipt.inclusion_proof, root
    )


@dataclasses.dataclass
class _Receipt:
    body: bytes
    entry: bytes
    log_index: int
    tree_size: int | None
    checkpoint: str | None
    inclusion_proof: list[bytes]


async def test_a_bid_in_the_countdowns_last_second_restarts_it_one_after_the_end_is_refused(
    live_server: LiveServer, world: World, pool: asyncpg.Pool, app: Starlette,
    clock: asyncpg.Connection,
) -> None:  # fmt: skip
    """Decided under the row lock by the database's clock (fixed here, not raced): a bid
    committed 0.5 s before the end restarts the countdown from its own time; a bid at the
    end is refused with the end time, and nothing changes."""
    a, b, c = world.bidders
    async with pool.acquire() as conn:
        listing_end = await conn.fetchval("SELECT listing_ends_at FROM auctions")
        await set_clock(clock, listing_end)
        state = (
            await services(app)
            .auctions()
            .go_on(conn, world.auction_id, frozenset({"A001", "A002"}), now=listing_end)
        )
    assert (state.phase, state.ends_at) == ("countdown", listing_end + dt.timedelta(seconds=60))
    last_second = state.ends_at - dt.timedelta(milliseconds=500)
    await set_clock(clock, last_second)
    async with (
        await connect(live_server, world.session_id, a.token) as wa,
        await connect(live_server, world.session_id, c.token) as wc,
    ):
        ack = await command(wa, "a1", "bid", a.bid(world.auction_id, 100_000, None))
        assert ack["type"] == "ack", ack
        restarted = last_second + dt.timedelta(seconds=60)
        placed = await event_of(wa, "bid.placed")
        assert placed["data"]["ends_at"] == format_time(restarted)
        refused_c = await command(wc, "c1", "bid", c.bid(world.auction_id, 101_000, 100_000))
        assert refused_c["error"]["code"] == "auction_bidder_not_in_countdown"
        await set_clock(clock, restarted)
        before = await _rows(pool, world.auction_id)
        async with await connect(live_server, world.session_id, b.token) as wb:
            late = await command(wb, "b1", "bid", b.bid(world.auction_id, 101_000, 100_000))
    assert late["type"] == "error"
    assert late["error"]["code"] == "auction_ended"
    assert late["error"]["details"]["ends_at"] == format_time(restarted)
    assert await _rows(pool, world.auction_id) == before
    async with pool.acquire() as conn:
        final = await services(app).auctions().state(conn, world.auction_id)
    assert services(app).auctions() is services(app).auctions()  # built once, by the factory
    assert (final.phase, final.standing_number, final.standing_price_fen) == (
        "ended",
        "A001",
        100_000,
    )


async def test_bad_bids_get_stable_codes_and_change_nothing(
    live_server: LiveServer, world: World, pool: asyncpg.Pool
) -> None:
    """Too low, stale, replayed, out of order, another's number or certificate, a forged
    signature, the leader raising itself, a malformed bid: each its code, nothing stored."""
    a, b, _ = world.bidders
    auction = world.auction_id
    async with await connect(live_server, world.session_id, a.token) as wa:
        accepted = a.bid(auction, 100_000, None)
        first = await command(wa, "ok", "bid", accepted)
        assert first["type"] == "ack"
        a.seq = 1
        before = await _rows(pool, auction)
        forged = a.bid(auction, 200_000, 100_000)
        forged["price_fen"] = 300_000
        cases = {
            "auction_bid_replayed": a.bid(auction, 102_000, 100_000, seq=1),
            "auction_bid_out_of_order": a.bid(auction, 102_000, 100_000, seq=3),
            "auction_bid_stale": a.bid(auction, 102_000, None),
            "auction_already_leading": a.bid(auction, 102_000, 100_000),
            "auction_bidder_unknown": _signed_by(a, b, auction),
            "auction_signature_invalid": forged,
            "auction_command_invalid": a.bid(auction, 102_000, 100_000) | {"price_fen": "102000"},
        }
        codes = {}
        for n, (code, data) in enumerate(cases.items()):
            answer = await command(wa, f"bad{n}", "bid", data)
            codes[code] = answer["error"]["code"]
        extra = await command(wa, "extra", "bid", a.bid(auction, 102_000, 100_000) | {"who": "x"})
        # §3: the nonce is 32 lowercase hex digits (one refusal: the socket's rate limit).
        upper = await command(wa, "nonce", "bid", a.bid(auction, 102_000, 100_000, nonce="A" * 32))
    assert codes == {code: code for code in cases}
    assert extra["error"]["code"] == "auction_command_invalid"
    assert (upper["error"]["code"], upper["error"]["details"]) == (
        "auction_command_invalid",
        {"field": "nonce"},
    )
    assert await _rows(pool, auction) == before
    async with await connect(live_server, world.session_id, a.token) as wa2:
        # §4.1: the accepted bid resent under a new id moved the price itself: stale.
        again = await command(wa2, "again", "bid", accepted)
        odd = await command(wa2, "odd", "bogus", {})
        # A retry of the same id and bytes is the first ack (the statement stored the id
        # and the command's digest with its first event); other bytes under it conflict.
        retried = await command(wa2, "ok", "bid", accepted)
        resigned = await command(wa2, "ok", "bid", a.bid(auction, 100_000, None, seq=1))
    assert (retried["type"], retried["seq"]) == ("ack", first["seq"])
    assert resigned["error"]["code"] == "live_command_id_conflict"
    assert again["error"]["code"] == "auction_bid_stale"
    assert "request_id" not in again["error"]  # docs/live-sessions.md: the frame's id
    assert (odd["error"]["code"], odd["error"]["details"]) == (
        "auction_command_invalid",
        {"field": "type"},
    )
    async with await connect(live_server, world.session_id, b.token) as wb:
        low = await command(wb, "low", "bid", b.bid(auction, 100_999, 100_000))
        signer = await command(wb, "signer", "bid", _signed_by(a, b, auction))
    assert low["error"]["code"] == "auction_bid_too_low"
    assert low["error"]["details"]["minimum_fen"] == 101_000
    assert signer["error"]["code"] == "auction_signer_mismatch"
    assert await _rows(pool, auction) == before


def _signed_by(signer: Any, bidder: Any, auction: int) -> dict[str, Any]:
    """``bidder``'s bid signed with ``signer``'s certificate."""
    saved = bidder.identity
    bidder.identity = signer.identity
    try:
        return dict(bidder.bid(auction, 101_000, 100_000))
    finally:
        bidder.identity = saved


async def test_only_the_auction_s_bidders_and_centre_staff_are_admitted(
    live_server: LiveServer, world: World, pool: asyncpg.Pool, client: httpx.AsyncClient
) -> None:
    """An outsider's room is 404 (as no auction) and its socket is closed 4403; centre
    staff watch: the room without a number of their own, and no bid."""
    async with pool.acquire() as conn:
        outsider = await make_user_token(conn, client, OrgKind.BIDDER, Role.BIDDER, "outsider1")
        staff = await make_user_token(
            conn, client, OrgKind.CITY_CENTRE, Role.CENTRE_STAFF, "staff1"
        )
    path = f"/api/v1/auctions/{world.auction_id}"
    refused = await client.get(path, headers={"Authorization": f"Bearer {outsider}"})
    missing = await client.get(
        "/api/v1/auctions/999999", headers={"Authorization": f"Bearer {staff}"}
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "auction_not_found")
    assert missing.json()["error"]["code"] == "auction_not_found"
    bad = await client.get("/api/v1/auctions/0x1", headers={"Authorization": f"Bearer {staff}"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "request_invalid")
    watched = (await client.get(path, headers={"Authorization": f"Bearer {staff}"})).json()
    assert (watched["you"], watched["standing_fen"]) == (None, None)
    # The HTTP answer is the snapshot's shape (auction.md §6.2): starts_at too (F14).
    assert set(watched) == {
        "auction", "live_session", "phase", "start_price_fen", "increment_fen", "standing_fen",
        "minimum_fen", "bids", "countdown_seconds", "starts_at", "ends_at", "now", "you",
    }  # fmt: skip
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await connect(live_server, world.session_id, outsider)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    async with await connect(live_server, world.session_id, staff) as watcher:
        a = world.bidders[0]
        answer = await command(watcher, "w1", "bid", _signed_by(a, a, world.auction_id))
    assert answer["error"]["code"] in ("auction_signer_mismatch", "auction_bidder_unknown")


async def test_a_bid_s_signature_is_listed_to_its_signer_only(
    live_server: LiveServer, world: World, client: httpx.AsyncClient
) -> None:
    """GET /api/v1/me/signatures: the bidder's own bid, by the SHA-256 of its form."""
    a, b, _ = world.bidders
    async with await connect(live_server, world.session_id, a.token) as wa:
        data = a.bid(world.auction_id, 100_000, None)
        assert (await command(wa, "a1", "bid", data))["type"] == "ack"
    mine = await client.get("/api/v1/me/signatures", headers={"Authorization": f"Bearer {a.token}"})
    theirs = await client.get(
        "/api/v1/me/signatures", headers={"Authorization": f"Bearer {b.token}"}
    )
    (item,) = [i for i in mine.json()["items"] if i["purpose"] == "auction.bid"]
    form = bid_form(world.auction_id, BidRequest(
        number="A001", seq=1, price_fen=100_000, standing_fen=None,
        nonce=data["nonce"], signature=b"",
    ))  # fmt: skip
    assert item["content_sha256"] == hashlib.sha256(form).hexdigest()
    assert item["subject"] == {"type": "auction", "id": str(world.auction_id)}
    assert [i for i in theirs.json()["items"] if i["purpose"] == "auction.bid"] == []
