"""The auction's use cases; each runs in the caller's transaction or opens its own.

``AuctionService`` is the contract the listing lane codes to (PLAN.md): create, add a
bidder, go on to the countdown, read the state. ``place_bid`` is the ``bid`` command of
the auction room (listing/auction/room.py), inside the live engine's transaction: the
auction's row lock, then the database clock, then the decision (docs/formats/auction.md
§5, §7) — so bids are decided, numbered and committed in one order, and an end is the
same for every node.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from concurrent.futures import Executor
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg

from accounts.keys import queries as keys
from accounts.model import Actor, Role
from audit import queries as audit_queries
from audit import service as audit
from audit.service import LogIdentity
from listing.auction import queries
from listing.auction.errors import (
    AuctionBidNotFound,
    AuctionNotFound,
    AuctionPhaseInvalid,
    AuctionSignatureInvalid,
    AuctionSignerMismatch,
    AuctionSpecInvalid,
)
from listing.auction.model import (
    Auction,
    AuctionBidder,
    AuctionSpec,
    AuctionState,
    Bid,
    BidderRow,
    BidRequest,
    Phase,
    bid_form,
    check_spec,
    countdown_start,
    refusal,
    standing_of,
)
from live import queries as live
from signing.canonical import canonical_json
from signing.certs import cert_sha256
from signing.cms import verify_detached
from signing.errors import SigningError
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry, Subject, format_time
from signing.trust import TrustStore
from tender.submission.receipts import ReceiptSigner

KIND = "auction"  # the live session kind (listing/auction/room.py)
BID_PLACED = "auction.bid_placed"  # the log entry of every bid (docs/audit-log.md)
HIDDEN_BIDDER = LogActor(user_id=None, role="bidder")  # the log is public (§8)
RECEIPT_TYPE = "etender.auction-bid-receipt"
RECEIPT_WAIT_SECONDS = 10.0


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AuctionReceipt:
    """A bid's receipt (§8): signed JSON, and the log entry with its inclusion proof."""

    body: bytes
    signature: bytes
    log_index: int
    checkpoint: str | None
    tree_size: int | None
    inclusion_proof: tuple[bytes, ...]
    entry: bytes


class AuctionService:
    """The bidding engine as the listing lane sees it (built once by the app factory)."""

    def __init__(self, *, signer: ReceiptSigner, log_identity: LogIdentity) -> None:
        self.signer = signer
        self.log_identity = log_identity

    async def create(self, conn: asyncpg.Connection, spec: AuctionSpec, *, now: datetime) -> int:
        """A new auction in its listing phase, with its live room; in the caller's tx."""
        check_spec(spec)
        if spec.listing_ends_at <= now:
            raise AuctionSpecInvalid("the listing period must end after now")
        async with conn.transaction():
            session = await live.open_session(conn, KIND, f"{spec.subject_kind}:{spec.subject_id}")
            auction = await queries.insert_auction(conn, spec, session.id)
            await queries.insert_bidders(conn, auction.id, spec.bidders)
        return auction.id

    async def add_bidder(
        self, conn: asyncpg.Connection, auction_id: int, bidder: AuctionBidder
    ) -> None:
        """Register a bidder during the listing period (its number is the listing lane's)."""
        auction, _ = await _locked(conn, auction_id)
        if auction.phase is not Phase.LISTING:
            raise AuctionPhaseInvalid("bidders are registered during the listing period only")
        check_spec(dataclasses.replace(_spec_of(auction), bidders=(bidder,)))
        await queries.insert_bidders(conn, auction_id, [bidder])

    async def go_on(
        self, conn: asyncpg.Connection, auction_id: int, numbers: frozenset[str], *, now: datetime
    ) -> AuctionState:
        """§2: the listing period over, start the countdown among ``numbers`` (two at
        least), or end the auction at the standing bid. ``now``: the database clock."""
        async with conn.transaction():
            auction, _ = await _locked(conn, auction_id)
            phase = countdown_start(auction, numbers, now)
            unknown = numbers - await queries.numbers(conn, auction_id)
            if unknown:
                raise AuctionSpecInvalid(f"not a bidder of this auction: {sorted(unknown)[0]}")
            ends_at = now + timedelta(seconds=auction.countdown_seconds)
            if phase is Phase.ENDED:
                ends_at = max(now, auction.listing_ends_at)
            await queries.start_countdown(conn, auction_id, numbers, phase, ends_at)
            started = dataclasses.replace(auction, phase=phase, ends_at=ends_at)
            await live.append_event(
                conn,
                auction.live_session_id,
                kind=f"auction.{phase}",
                data=public_state(started, now),
            )
        return started.state(now)

    async def clock(self, conn: asyncpg.Connection) -> datetime:
        """The auction's clock (§2): the database's, as a bid reads it. The listing lane
        passes it to ``go_on`` so a close and the bids are judged by one clock."""
        return await queries.clock(conn)

    async def state(self, conn: asyncpg.Connection, auction_id: int) -> AuctionState:
        """The auction as of the database clock now (a countdown past its end is ended)."""
        auction = await queries.get_auction(conn, auction_id)
        if auction is None:
            raise AuctionNotFound("no such auction")
        return auction.state(await queries.clock(conn))

    async def receipt(
        self, conn: asyncpg.Connection, actor: Actor, auction_id: int, n: int
    ) -> AuctionReceipt:
        """Your bid ``n``'s receipt once its log entry is integrated (outside a tx).
        Another bidder's bid is not found (§6: nobody learns who placed it)."""
        found = await queries.bid(conn, auction_id, n)
        mine = await queries.bidder_of_account(conn, auction_id, actor.user_id)
        if found is None or mine is None or found.number != mine.number:
            raise AuctionBidNotFound(f"you placed no bid {n} in this auction")
        index = (
            await audit.wait_integrated(
                conn,
                [found.log_queued],
                within=RECEIPT_WAIT_SECONDS,
                covered=True,
                stand_in=self.log_identity,
            )
        )[found.log_queued]
        body = canonical_json(receipt_fields(found, index))
        latest = await audit_queries.latest_checkpoint(conn)
        entry = (await audit.entries(conn, index, index + 1))[0][1]
        covered = latest is not None and latest.size > index
        return AuctionReceipt(
            body=body,
            signature=self.signer.sign(body),
            log_index=index,
            # The note of the proof's own tree (a newer one may be signed meanwhile).
            checkpoint=await audit.checkpoint_note(conn, latest.size)
            if latest and covered
            else None,
            tree_size=latest.size if latest is not None and covered else None,
            inclusion_proof=tuple(
                await audit.inclusion_proof(conn, index, latest.size) if latest and covered else ()
            ),
            entry=entry,
        )


async def end_due(conn: asyncpg.Connection, *, limit: int = 50) -> list[int]:
    """§2: the countdowns whose end has come, each ended and its room told; their ids."""
    return [a for a in await queries.due_ends(conn, limit) if await end_if_due(conn, a)]


async def end_if_due(conn: asyncpg.Connection, auction_id: int) -> bool:
    """A countdown past its end is ``ended`` for every reader from that instant (§2); here
    it is written so and ``auction.ended`` told to the room — once: under the row lock,
    and only while the row still says ``countdown`` (a bid before the end restarts it and
    holds the same lock, so the two are judged in one order by one clock)."""
    async with conn.transaction():
        auction, now = await _locked(conn, auction_id)
        if auction.phase is not Phase.COUNTDOWN or now < auction.ends_at:
            return False
        await queries.mark_ended(conn, auction_id)
        ended = dataclasses.replace(auction, phase=Phase.ENDED)
        await live.append_event(
            conn, auction.live_session_id, kind="auction.ended", data=public_state(ended, now)
        )
    return True


async def admitted(conn: asyncpg.Connection, actor: Actor, auction: Auction) -> BidderRow | None:
    """§6: the auction's registered bidders and its listing's centre's staff take part
    (staff watch); anyone else is told there is no such auction (no existence leak)."""
    bidder = await queries.bidder_of_account(conn, auction.id, actor.user_id)
    if bidder is None and not await _watcher(conn, actor, auction.id):
        raise AuctionNotFound("no such auction")
    return bidder


async def _watcher(conn: asyncpg.Connection, actor: Actor, auction_id: int) -> bool:
    """Staff of the centre running the auction's listing, or of the city centre above it
    — never another county's (the outside tester's finding F6; listing/access.py)."""
    if not actor.has_role(Role.CENTRE_STAFF):
        return False
    ours = await queries.centres(conn, auction_id)
    return not ours.isdisjoint(actor.acting_for(Role.CENTRE_STAFF))


async def admits(conn: asyncpg.Connection, actor: Actor | None, auction_id: int) -> bool:
    """Whether the room lets ``actor`` in (§1): a link to it is shown to them alone."""
    if actor is None:
        return False
    if await _watcher(conn, actor, auction_id):
        return True
    return await queries.bidder_of_account(conn, auction_id, actor.user_id) is not None


async def view(conn: asyncpg.Connection, actor: Actor, auction_id: int) -> dict[str, Any]:
    """§6.2: the room as of the auction's clock now, with the asker's own status."""
    auction = await queries.get_auction(conn, auction_id)
    if auction is None:
        raise AuctionNotFound("no such auction")
    bidder = await admitted(conn, actor, auction)
    now = await queries.clock(conn)
    you = None
    if bidder is not None:
        you = {
            "number": bidder.number, "status": str(standing_of(auction, bidder)),
            "next_seq": bidder.bids + 1, "in_countdown": bidder.in_countdown,
        }  # fmt: skip
    return public_state(auction, now) | {
        "live_session": str(auction.live_session_id), "now": format_time(now), "you": you,
    }  # fmt: skip


def _spec_of(auction: Auction) -> AuctionSpec:
    return AuctionSpec(
        subject_kind=auction.subject_kind, subject_id=auction.subject_id,
        start_price_fen=auction.start_price_fen, increment_fen=auction.increment_fen,
        listing_starts_at=auction.listing_starts_at, listing_ends_at=auction.listing_ends_at,
        countdown_seconds=auction.countdown_seconds,
    )  # fmt: skip


async def _locked(conn: asyncpg.Connection, auction_id: int) -> tuple[Auction, datetime]:
    locked = await queries.lock_auction(conn, auction_id)
    if locked is None:
        raise AuctionNotFound("no such auction")
    return locked


async def verify_bid(
    conn: asyncpg.Connection, actor: Actor, auction_id: int, request: BidRequest,
    trust: TrustStore, now: datetime, executor: Executor | None = None,
) -> tuple[bytes, str]:  # fmt: skip
    """§5 rules 2–3: the signature over the bid's form, by the actor's own current
    certificate. Checked before the row lock is taken: a signature costs CPU, the lock is
    shared. The CMS check runs on a worker thread (cryptography releases the GIL) while
    the actor's certificates are read: the event loop keeps serving the room."""
    form = bid_form(auction_id, request)
    checked = asyncio.get_running_loop().run_in_executor(
        executor, verify_detached, form, request.signature, trust, now
    )
    try:
        mine = await keys.certificates(conn, actor.user_id)
    finally:
        try:
            signer = (await checked).certificate
        except SigningError as exc:
            raise AuctionSignatureInvalid(
                f"the bid's signature does not verify: {exc.message}", details={"cause": exc.code}
            ) from None
    if cert_sha256(signer) not in {c.cert_sha256 for c in mine if c.retired_at is None}:
        raise AuctionSignerMismatch("sign the bid with your own current registered certificate")
    return form, cert_sha256(signer)


async def place_bid(
    conn: asyncpg.Connection, actor: Actor, auction_id: int, request: BidRequest,
    signed: tuple[bytes, str], *, client_msg_id: str | None = None,
    command_sha256: str | None = None,
) -> tuple[Bid, int]:  # fmt: skip
    """§5 rules 4–12 and the bid's record, its log entry and its events (§6.1), in one
    statement (migration 0125): the bid and the seq of its ``bid.placed`` event.

    Sent in autocommit by the room, it holds the auction's row lock for that one round
    trip and its commit. The order of bids is the order the lock is granted, which is
    their commit order; ``placed_at`` is the database clock read once it is held (§7)."""
    template = log_template(auction_id, request, signed)
    placed = await queries.place_bid(
        conn, auction_id, actor.user_id, request, signed, template, client_msg_id,
        command_sha256,
    )  # fmt: skip
    if isinstance(placed, queries.Refused):
        raise refusal(placed.code, placed.details)
    bid = Bid(
        auction_id=auction_id, n=placed.n, number=request.number, bidder_seq=request.seq,
        phase=placed.phase, price_fen=request.price_fen, placed_at=placed.placed_at,
        ends_at=placed.ends_at, form=signed[0], signature=request.signature,
        signer_cert_sha256=signed[1], log_queued=placed.log_queued,
    )  # fmt: skip
    return bid, placed.event_seq


# Stand-ins for what only the row lock decides, replaced by format() placeholders in the
# log entry's template (the bid's number, phase, time and end: migration 0125).
_N, _PHASE = 987654321987654, "@phase@"
_AT = datetime(1901, 1, 1, 1, 1, 1, 111111, tzinfo=UTC)
_ENDS = datetime(1902, 2, 2, 2, 2, 2, 222222, tzinfo=UTC)


def log_template(auction_id: int, request: BidRequest, signed: tuple[bytes, str]) -> str:
    """§8: the bid's log entry as its exact bytes, with the parts decided under the lock
    left as format() placeholders (%1$s the bid's number, %2$s its phase, %3$s its time,
    %4$s the end after it): the statement fills them in, so the entry is the one
    ``log_entry`` makes of the stored bid (tests/listing/auction/test_statement.py)."""
    stand_in = Bid(
        auction_id=auction_id, n=_N, number=request.number, bidder_seq=request.seq,
        phase=cast(Phase, _PHASE), price_fen=request.price_fen, placed_at=_AT, ends_at=_ENDS,
        form=signed[0], signature=request.signature, signer_cert_sha256=signed[1],
        log_queued=0,
    )  # fmt: skip
    text = log_entry(stand_in).to_bytes().decode().replace("%", "%%")
    for key, value, slot in (
        ("bid", str(_N), "%1$s"), ("phase", f'"{_PHASE}"', '"%2$s"'),
        ("time", f'"{format_time(_AT)}"', '"%3$s"'),
        ("placed_at", f'"{format_time(_AT)}"', '"%3$s"'),
        ("ends_at", f'"{format_time(_ENDS)}"', '"%4$s"'),
    ):  # fmt: skip
        pair = f'"{key}":{value}'
        if text.count(pair) != 1:
            raise AssertionError(f"the log entry's {key} is not where its template expects")
        text = text.replace(pair, f'"{key}":{slot}')
    return text


def log_entry(bid: Bid) -> LogEntry:
    """§8: the bid in the public log — its terms and the hash of the signed form, the
    bidder's number only inside that hash (the bidder's receipt opens it)."""
    return LogEntry(
        kind=BID_PLACED,
        time=bid.placed_at,
        actor=HIDDEN_BIDDER,
        subject=Subject(type="auction", id=str(bid.auction_id)),
        data={
            "auction": bid.auction_id, "bid": bid.n, "phase": str(bid.phase),
            "price_fen": bid.price_fen, "placed_at": format_time(bid.placed_at),
            "ends_at": format_time(bid.ends_at), "form_sha256": _sha256(bid.form),
            "signature_sha256": _sha256(bid.signature),
        },
    )  # fmt: skip


def receipt_fields(bid: Bid, log_index: int) -> dict[str, Any]:
    """§8: what the platform signs for the bidder."""
    return {
        "type": RECEIPT_TYPE, "format": 1, "auction": bid.auction_id, "bid": bid.n,
        "number": bid.number, "seq": bid.bidder_seq, "price_fen": bid.price_fen,
        "phase": str(bid.phase), "placed_at": format_time(bid.placed_at),
        "ends_at": format_time(bid.ends_at), "form_sha256": _sha256(bid.form),
        "log_index": log_index,
    }  # fmt: skip


def public_state(auction: Auction, now: datetime) -> dict[str, Any]:
    """§6: what everyone in the room sees — never a number or a name."""
    return {
        "auction": auction.id,
        "phase": str(auction.phase_at(now)),
        "start_price_fen": auction.start_price_fen,
        "increment_fen": auction.increment_fen,
        "standing_fen": auction.standing_price_fen,
        "minimum_fen": auction.minimum_fen(),
        "bids": auction.bids,
        "countdown_seconds": auction.countdown_seconds,
        "starts_at": format_time(auction.listing_starts_at),
        "ends_at": format_time(auction.ends_at),
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
