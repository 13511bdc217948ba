"""JSON routes of the auction room (docs/formats/auction.md §6.2, §8). Thin: parse,
call one use case, serialise. Bids themselves travel on the live socket (§4)."""

from __future__ import annotations

import base64
from typing import Any

import msgspec
from starlette.requests import Request

from listing.auction import service as auctions
from web.auth import signed_in
from web.errors import RequestInvalid
from web.http import ApiRoute, Handler
from web.services import services

MAX_ID = (1 << 63) - 1


class RoomBody(msgspec.Struct, frozen=True, kw_only=True):
    """The room now (§6.2): never a number or name but the asker's own."""

    auction: int
    live_session: str
    phase: str
    start_price_fen: int
    increment_fen: int
    standing_fen: int | None
    minimum_fen: int
    bids: int
    countdown_seconds: int
    starts_at: str  # the listing period's start, as the socket's snapshot says (F14)
    ends_at: str
    now: str
    you: dict[str, Any] | None


class AuctionReceiptBody(msgspec.Struct, frozen=True, kw_only=True):
    """A bid's receipt (§8): the same proof fields as a bid receipt (docs/formats/upload.md)."""

    receipt: str
    receipt_json: dict[str, Any]
    signature: str
    log_index: int
    checkpoint: str | None
    tree_size: int | None
    inclusion_proof: list[str]
    entry: str


def path_int(request: Request, name: str) -> int:
    raw = request.path_params[name]
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID or raw[0] == "0":
        raise RequestInvalid(f"'{name}' must be a whole number from 1", details={"param": name})
    return int(raw)


async def get_room(request: Request) -> RoomBody:
    auction_id = path_int(request, "auction_id")
    async with signed_in(request) as (conn, actor):
        found = await auctions.view(conn, actor, auction_id)
    return msgspec.convert(found, RoomBody)


async def get_receipt(request: Request) -> AuctionReceiptBody:
    auction_id, n = path_int(request, "auction_id"), path_int(request, "bid")
    engine = services(request).auctions()
    async with signed_in(request) as (conn, actor):
        r = await engine.receipt(conn, actor, auction_id, n)
    return AuctionReceiptBody(
        receipt=base64.b64encode(r.body).decode(), receipt_json=msgspec.json.decode(r.body),
        signature=base64.b64encode(r.signature).decode(), log_index=r.log_index,
        checkpoint=r.checkpoint, tree_size=r.tree_size,
        inclusion_proof=[base64.b64encode(h).decode() for h in r.inclusion_proof],
        entry=base64.b64encode(r.entry).decode(),
    )  # fmt: skip


def _route(path: str, handler: Handler, summary: str, response: type) -> ApiRoute:
    return ApiRoute(
        method="GET", path=f"/api/v1{path}", handler=handler, summary=summary, tag="auctions",
        response=response,
    )  # fmt: skip


ROUTES = [
    _route(
        "/auctions/{auction_id}", get_room, "The auction room now, with your own status", RoomBody
    ),
    _route(
        "/auctions/{auction_id}/bids/{bid}/receipt",
        get_receipt,
        "Your bid's receipt with its log inclusion proof",
        AuctionReceiptBody,
    ),
]
