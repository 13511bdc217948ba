"""``etender auction bid``: place one signed bid in a timed auction, for scripted use.

    etender auction bid --server URL --auction ID (--price YUAN | --price-fen FEN | --minimum)
        --cert bidder.crt --key bidder.key [--token-file FILE | --token T]

docs/formats/auction.md is the protocol. The client reads the room
(``GET /api/v1/auctions/{id}``: its live session, your number, your next sequence
number and the standing price), builds the bid's form (§3) from them and signs it with
your key (CMS detached, signing.cms; the key never leaves the machine), sends the
``bid`` command on the room's socket and waits for the server's answer: an ``ack`` means
the bid is committed. It prints one JSON line — the bid's number in the auction, its
price, its time and the auction's end after it (the ``bid.accepted`` event) — or the
server's refusal on one line and exit status 1 (``auction_bid_stale``: the standing
price moved, run again). A run repeated after a lost answer reads the room again: a bid
that did commit shows there (your next sequence number has moved on, and while it leads
a new bid is ``auction_already_leading``), so a retry never places the same bid twice.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from websockets.asyncio.client import connect

from client.console import add_token_arguments, read_token
from client.http import api_error
from client.session.errors import SessionCommandRefused, SessionUnauthenticated
from client.session.protocol import http_base, ws_url
from signing.canonical import canonical_json
from signing.certs import load_pem_certificates, load_pem_private_key
from signing.cms import sign_detached
from signing.sheets import b64url_encode

FORM_TYPE = "etender.auction-bid"
ANSWER_SECONDS = 60.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender auction bid`` to the command tree."""
    auction = subparsers.add_parser("auction", help="bid in a timed auction (限时竞价)")
    actions = auction.add_subparsers(dest="auction_action", required=True, metavar="ACTION")
    bid = actions.add_parser("bid", help="sign and place one bid; print it as a JSON line")
    bid.add_argument("--server", required=True, metavar="URL", help="the platform's base URL")
    bid.add_argument("--auction", required=True, type=int, help="the auction's id")
    price = bid.add_mutually_exclusive_group(required=True)
    price.add_argument(
        "--price", type=to_fen, metavar="YUAN", help="the bid in yuan (at most 2 decimals)"
    )
    price.add_argument("--price-fen", type=fen_amount, metavar="FEN", help="the bid in fen")
    price.add_argument("--minimum", action="store_true", help="the lowest valid bid now")
    bid.add_argument("--cert", type=Path, required=True, help="your registered certificate, PEM")
    bid.add_argument("--key", type=Path, required=True, help="its private key, PEM (never sent)")
    add_token_arguments(bid, "the bidder")
    bid.set_defaults(func=cmd_bid)


# A bid is binding once placed: only plain ASCII digits are read as money, so "1e9",
# "1_000", "+390" or full-width digits are refused, never read as some other amount (an
# outside tester placed a ¥1,000,000,000 bid with --price 1e9). The bound is the
# engine's (docs/formats/auction.md: at most 10^15 fen).
MAX_FEN = 10**15
YUAN = re.compile(r"(0|[1-9][0-9]{0,12})(\.[0-9]{1,2})?")
FEN = re.compile(r"[1-9][0-9]{0,15}")


def to_fen(yuan: str) -> int:
    """'12345.6' → 1234560; anything but plain digits with ≤ 2 decimals, above 0 and at
    most 10^15 fen, is refused."""
    if not YUAN.fullmatch(yuan):
        raise argparse.ArgumentTypeError(
            f"{yuan!r}: yuan in plain digits with at most two decimals (e.g. 12345.60)"
        )
    fen = int(Decimal(yuan) * 100)
    if not 0 < fen <= MAX_FEN:
        raise argparse.ArgumentTypeError(f"{yuan!r}: above 0 and at most {MAX_FEN // 100} yuan")
    return fen


def fen_amount(text: str) -> int:
    """A whole number of fen in plain digits, 1 … 10^15."""
    if not FEN.fullmatch(text) or int(text) > MAX_FEN:
        raise argparse.ArgumentTypeError(f"{text!r}: fen in plain digits, 1 to {MAX_FEN}")
    return int(text)


def bid_form(
    auction: int, number: str, seq: int, price_fen: int, standing: int | None, nonce: str
) -> bytes:
    """§3: the exact bytes signed (RFC 8785); ``nonce``: 32 hex digits, new for each bid."""
    return canonical_json(
        {"type": FORM_TYPE, "format": 1, "auction": auction, "number": number, "seq": seq,
         "price_fen": price_fen, "standing_fen": standing, "nonce": nonce}
    )  # fmt: skip


def cmd_bid(args: argparse.Namespace) -> int:
    token = read_token(args, [args.server])
    if not token:
        raise SessionUnauthenticated("no token: run `etender login`, or pass --token-file")
    certs = load_pem_certificates(args.cert.read_bytes())
    key = load_pem_private_key(args.key.read_bytes())
    room = asyncio.run(_room(args.server, args.auction, token))
    you = room.get("you")
    if not you:
        raise SessionCommandRefused("you are not a bidder of this auction", details={"code": None})
    price = (
        room["minimum_fen"] if args.minimum
        else args.price_fen if args.price_fen is not None else args.price
    )  # fmt: skip
    nonce = secrets.token_hex(16)  # §3: the logged form hash must not name the bidder
    form = bid_form(
        args.auction, you["number"], you["next_seq"], price, room["standing_fen"], nonce
    )
    data = {
        "number": you["number"], "seq": you["next_seq"], "price_fen": price,
        "standing_fen": room["standing_fen"], "nonce": nonce,
        "signature": b64url_encode(sign_detached(form, certs[0], key, chain=certs[1:])),
    }  # fmt: skip
    result = asyncio.run(_place(args.server, UUID(room["live_session"]), token, args.auction, data))
    print(json.dumps(result, ensure_ascii=False, sort_keys=True), flush=True)
    return 0


async def _room(server: str, auction: int, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30.0) as client:
        response = await client.get(
            f"{http_base(server)}/api/v1/auctions/{auction}",
            headers={"Authorization": f"Bearer {token}"},
        )
    if response.status_code >= 400:
        raise api_error(response)
    found: dict[str, Any] = response.json()
    return found


async def _place(
    server: str, session: UUID, token: str, auction: int, data: dict[str, Any]
) -> dict[str, Any]:
    """Send the bid; once acked, its ``bid.accepted`` event (the two may come in either
    order: docs/live-sessions.md); a refusal is raised with the server's code."""
    command_id = f"bid-{auction}-{data['number']}-{data['seq']}"
    frame = json.dumps({"id": command_id, "type": "bid", "data": data})
    headers = {"Authorization": f"Bearer {token}"}
    acked, accepted = False, None
    async with connect(ws_url(server, session, 0), additional_headers=headers) as ws:
        async with asyncio.timeout(ANSWER_SECONDS):
            await ws.send(frame)
            while not acked or accepted is None:
                message = json.loads(await ws.recv())
                acked = acked or _answered(message, command_id)
                if message.get("kind") == "bid.accepted" and message["data"]["seq"] == data["seq"]:
                    accepted = message["data"]
    return {"auction": auction, **accepted}


def _answered(message: dict[str, Any], command_id: str) -> bool:
    """Whether this frame is the command's ack; its error frame is raised."""
    if message.get("id") != command_id or message.get("type") not in ("ack", "error"):
        return False
    if message["type"] == "error":
        error = message["error"]
        raise SessionCommandRefused(
            f"the bid was refused: {error['code']}: {error['message']}",
            details={"command": "bid", "code": error["code"], "details": error.get("details")},
        )
    return True
