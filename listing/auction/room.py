"""The auction room: the ``auction`` live-session kind (live.kinds.LiveKind).

docs/formats/auction.md §4–§6. Every bid is a signed ``bid`` command on the live engine:
the engine applies it in one transaction with the events it causes and acknowledges it
only after commit (live/service.py). Who may see what (§6):

- ``all`` — every admitted participant: the standing price, the countdown, how many
  bids — never a number or a name (``bid.placed``, ``auction.countdown``, …);
- ``user:<id>`` — one bidder: its own number and bid (``bid.accepted``), that it was
  outbid (``bid.outbid``), its ``snapshot``.

Admitted: the auction's registered bidders, and centre staff as watchers.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg

from accounts.model import Actor
from listing.auction import queries
from listing.auction.errors import AuctionCommandInvalid, AuctionNotFound
from listing.auction.model import (
    MAX_PRICE_FEN,
    NONCE,
    NUMBER,
    Auction,
    BidRequest,
    refuse_if_stale,
)
from listing.auction.service import KIND, admitted, place_bid, verify_bid, view
from live.model import EVERYONE, Command, Emit, LiveSession, user_audience
from signing.trust import TrustStore

BID_KEYS = frozenset({"number", "seq", "price_fen", "standing_fen", "nonce", "signature"})
SIGNATURE_MAX = 65536  # a CMS signature with its chain is a few KiB
EVENTS = frozenset(
    {"bid.placed", "bid.accepted", "bid.outbid", "auction.countdown", "auction.ended",
     "auction.snapshot"}
)  # fmt: skip


def _int(data: Mapping[str, Any], key: str, *, nullable: bool = False) -> int | None:
    value = data.get(key)
    if value is None and nullable and key in data:
        return None
    if type(value) is not int or not 1 <= value <= MAX_PRICE_FEN:
        raise AuctionCommandInvalid(
            f"'{key}' must be a whole number from 1 to {MAX_PRICE_FEN}", details={"field": key}
        )
    return value


def _signature(raw: object) -> bytes:
    """base64url without padding, as every binary field of a frame."""
    try:
        if not isinstance(raw, str) or len(raw) > SIGNATURE_MAX * 4 // 3 + 4 or "=" in raw:
            raise ValueError
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        if not decoded or base64.urlsafe_b64encode(decoded).rstrip(b"=").decode() != raw:
            raise ValueError
    except (ValueError, binascii.Error):
        raise AuctionCommandInvalid(
            "'signature' is base64url without padding", details={"field": "signature"}
        ) from None
    return decoded


def parse_bid(data: Mapping[str, Any]) -> BidRequest:
    """§4.1: exactly the five fields, each of its type; anything else is refused."""
    if set(data) != BID_KEYS:
        odd = sorted(set(data) ^ BID_KEYS)[0]
        raise AuctionCommandInvalid(
            f"a bid has exactly the fields {', '.join(sorted(BID_KEYS))} ('{odd}')",
            details={"field": odd},
        )
    number = data["number"]
    if not isinstance(number, str) or not NUMBER.fullmatch(number):
        raise AuctionCommandInvalid("'number' is your bidder number", details={"field": "number"})
    nonce = data["nonce"]
    if not isinstance(nonce, str) or not NONCE.fullmatch(nonce):
        raise AuctionCommandInvalid(
            "'nonce' is 32 lowercase hex digits, new for each bid", details={"field": "nonce"}
        )
    seq, price = _int(data, "seq"), _int(data, "price_fen")
    assert seq is not None
    assert price is not None
    return BidRequest(
        number=number, seq=seq, price_fen=price,
        standing_fen=_int(data, "standing_fen", nullable=True), nonce=nonce,
        signature=_signature(data["signature"]),
    )  # fmt: skip


class AuctionRoom:
    """The ``auction`` session kind; ``trust``: the platform's trust store as of now."""

    name = KIND
    commands = frozenset({"bid", "snapshot"})
    events = EVENTS
    audiences_named: frozenset[str] = frozenset()
    regroup_on: frozenset[str] = frozenset()

    def __init__(self, trust: Callable[[], TrustStore]) -> None:
        self._trust = trust
        # One thread checks the room's signatures, in arrival order: more would take the
        # GIL from the event loop in turns (CMS parsing is Python; only the curve
        # arithmetic releases it), and the loop's every await would wait for them.
        self._verifier = ThreadPoolExecutor(1, thread_name_prefix="auction-verify")

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        """Bidders of the auction and centre staff; anyone else is refused (4403)."""
        auction = await queries.auction_of_session(conn, session.id)
        if auction is None:
            return None
        try:
            await admitted(conn, actor, auction)
        except AuctionNotFound:
            return None
        return frozenset({EVERYONE, user_audience(actor.user_id)})

    async def handle(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command
    ) -> list[Emit]:
        auction = await queries.auction_of_session(conn, session.id)
        if auction is None:
            raise AuctionNotFound("this live session is no auction's")
        if command.type == "snapshot":
            if command.data:
                raise AuctionCommandInvalid(
                    "a snapshot has no fields", details={"field": sorted(command.data)[0]}
                )
            return [await self._snapshot(conn, actor, auction)]
        if command.type != "bid":
            raise AuctionCommandInvalid(
                f"the auction room has no command {command.type!r}", details={"field": "type"}
            )
        raise AssertionError("a bid is applied alone (commits_alone), never in a transaction")

    def commits_alone(self, command: Command) -> bool:
        """A bid commits in one statement of its own (live.kinds.CommitsAlone)."""
        return command.type == "bid"

    async def apply_alone(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession, command: Command,
        digest: str,
    ) -> int:  # fmt: skip
        """§4.1: parse, the fast stale check, the signature (rules 1–3) without a lock or a
        transaction; then the bid judged, recorded, logged and its events appended in one
        statement, in autocommit (service.place_bid): the auction's row lock is held for
        that round trip and its commit only. The seq of its ``bid.placed`` event."""
        found = await queries.auction_of_session_now(conn, session.id)
        if found is None:
            raise AuctionNotFound("this live session is no auction's")
        auction, now = found
        request = parse_bid(command.data)
        # §5, rule 10's fast path: the standing price only rises, so a bid signed against
        # a lower one than this read (unlocked) shows is stale whatever else it is —
        # refused before its signature costs CPU or it queues for the row lock.
        refuse_if_stale(auction, request)
        signed = await verify_bid(
            conn, actor, auction.id, request, self._trust(), now, self._verifier
        )
        _, seq = await place_bid(
            conn, actor, auction.id, request, signed, client_msg_id=command.id,
            command_sha256=digest,
        )  # fmt: skip
        return seq

    async def _snapshot(self, conn: asyncpg.Connection, actor: Actor, auction: Auction) -> Emit:
        """§6.2: the room now and the asker's own status, to the asker alone."""
        data = await view(conn, actor, auction.id)
        return Emit(
            kind="auction.snapshot", data=data, audience=user_audience(actor.user_id), reply=True
        )
