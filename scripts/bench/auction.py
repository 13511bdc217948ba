"""The timed auction under a last-second rush (issue 18, "Must show"): N bidders connected
to one auction's room over WebSockets, a burst of B signed bids in the countdown's last
second, as ratios to this machine's own commit latency measured in the same run.

Starts a throwaway PostgreSQL (embedded, fsync on; or ``--database-url``) and one real
`etender serve` process (tests/evaluation/servers.py), creates N bidders (accounts,
bearer tokens; the B who bid with registered certificates of a demo CA the server
trusts) and one auction whose countdown runs among all of them, connects every bidder's
socket (sessions_load.py's sockets, in this process, uvloop: open loop), then has B
distinct bidders send one bid each, spread evenly over the last second before the
countdown's end (by the database's clock, mapped to this machine's monotonic clock
once). Bid k is signed in advance against the standing price bid k − 1 makes
(docs/formats/auction.md §3), as a bidder following the room would: a bid that reaches
the row lock before its predecessor committed is refused ``auction_bid_stale`` — an
answer, counted by code.

Reported, measured in the same run: the bare single-connection commit latency (one
asyncpg connection, one-row INSERT in autocommit) p50/p99 just before the burst; bid
ack latency (send → ``ack``, which comes after the commit) p50/p99 and p99 as a ratio
to the commit p99 (aim ≤ 3 ×); the same for every answer (ack or refusal); answers by
kind; **lost** bids (neither ack nor error within the drain time, or an ack without its
row); whether the bids' order (``n``) is their commit order — the order of their
``bid.placed`` events' seq and of their database-clock times; events received; the
load average.

With ``--lone K``, first K bids one at a time in-process (no sockets), each between two
bare commits: the one statement under the lock, and the bid's whole path before the
socket, each as a ratio to its neighbouring commits.

    .venv/bin/python scripts/bench/auction.py --bidders 100 --burst 50   # a smoke run
    .venv/bin/python scripts/bench/auction.py --lone 44                  # 1,000 and 200
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from sessions import database  # noqa: E402
from sessions_limits import LIMIT_CREATE, LIMIT_INSERT, commit_latencies, percentile  # noqa: E402
from sessions_load import DRAIN_SECONDS, Participant, Result, SocketPlan, _connect_all  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from accounts.model import OrgKind, Role  # noqa: E402
from listing.auction import queries  # noqa: E402
from listing.auction.model import AuctionBidder, AuctionSpec, BidRequest, bid_form  # noqa: E402
from listing.auction.service import AuctionService, place_bid, verify_bid  # noqa: E402
from signing.cms import sign_detached  # noqa: E402
from signing.demo_ca import DemoCA, issue_identity  # noqa: E402
from signing.sheets import b64url_encode  # noqa: E402
from tests.accounts import factory  # noqa: E402
from tests.evaluation.servers import Servers, bearer_token  # noqa: E402
from tests.tender.world import live_ca, register_certificate  # noqa: E402

START_FEN, INCREMENT_FEN = 100_000_00, 10_000  # 100,000 yuan; 100 yuan
WARM_BIDS = 4  # lone bids not timed


class Bidder(Participant):
    """A socket of sessions_load that also times refusals: a refused bid is answered too,
    and how fast a bidder learns its bid lost matters as much as an ack."""

    refused_ms: list[float]

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                now, frame = time.monotonic(), json.loads(raw)
                kind = frame["type"]
                if kind == "event":
                    self.result.events += 1
                    continue
                sent = self.pending.pop(frame.get("id") or "", None)
                if kind == "ack" and sent is not None:
                    self.result.acks += 1
                    self.result.latencies_ms.append((now - sent[0]) * 1000)
                elif kind == "error":
                    self.result.errors[frame["error"]["code"]] += 1
                    if sent is not None:
                        self.refused_ms.append((now - sent[0]) * 1000)
        except ConnectionClosed as exc:
            if not self.closing:
                code = exc.rcvd.code if exc.rcvd is not None else "none"
                self.result.closed_early[str(code)] += 1


ORDER = """
SELECT b.n, b.placed_at, e.seq FROM auction_bids b
JOIN live_events e ON e.session_id = $2 AND e.kind = 'bid.placed'
 AND (e.data ->> 'bid')::int = b.n
WHERE b.auction_id = $1 ORDER BY b.n
"""


async def set_up(conn: asyncpg.Connection, ca: DemoCA, args: argparse.Namespace) -> dict[str, Any]:
    """N bidders (the first B with certificates), their tokens, one auction in its listing."""
    bidders, tokens, identities = [], [], []
    for i in range(args.bidders):
        org = await factory.make_organisation(conn, OrgKind.BIDDER)
        user = await factory.make_user(conn, org, Role.BIDDER, username=f"b{i:05d}", password=None)
        bidders.append(AuctionBidder(number=f"B{i:05d}", account_id=user.id, org_id=org.id))
        tokens.append(await bearer_token(conn, user.id))
        if i < args.burst:
            now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
            identity = issue_identity(
                ca, name=f"竞买人{i}", org_credit_code=org.credit_code, now=now
            )
            await register_certificate(conn, user.id, identity)
            identities.append(identity)
    now: dt.datetime = await conn.fetchval("SELECT clock_timestamp()")
    spec = AuctionSpec(
        subject_kind="listing", subject_id=1, start_price_fen=START_FEN,
        increment_fen=INCREMENT_FEN, listing_starts_at=now,
        listing_ends_at=now + dt.timedelta(seconds=1),
        countdown_seconds=args.countdown, bidders=tuple(bidders),
    )  # fmt: skip
    engine = AuctionService(signer=cast(Any, None), log_identity=cast(Any, None))
    async with conn.transaction():
        auction_id = await engine.create(conn, spec, now=now)
    session = await conn.fetchval("SELECT live_session_id FROM auctions WHERE id = $1", auction_id)
    return {"auction": auction_id, "session": session, "bidders": bidders, "tokens": tokens,
            "identities": identities, "engine": engine}  # fmt: skip


def signed_bids(world: dict[str, Any], burst: int) -> list[dict[str, Any]]:
    """Bid k (1…B) by bidder k − 1, signed against the price bid k − 1 makes."""
    out = []
    for k in range(1, burst + 1):
        standing = None if k == 1 else START_FEN + (k - 2) * INCREMENT_FEN
        request = BidRequest(
            number=world["bidders"][k - 1].number, seq=1,
            price_fen=START_FEN + (k - 1) * INCREMENT_FEN, standing_fen=standing,
            nonce=secrets.token_hex(16), signature=b"",
        )  # fmt: skip
        ident = world["identities"][k - 1]
        form = bid_form(world["auction"], request)
        signature = sign_detached(form, ident.certificate, ident.key, chain=ident.chain)
        out.append(
            {"number": request.number, "seq": 1, "price_fen": request.price_fen,
             "standing_fen": standing, "nonce": request.nonce,
             "signature": b64url_encode(signature)}
        )  # fmt: skip
    return out


async def lone_bids(
    db: Any, ca: DemoCA, world: dict[str, Any], count: int
) -> dict[str, Any]:  # fmt: skip
    """Bids one at a time, in-process, without the web stack: two of the bidders take
    turns in a second auction (in its listing period), each bid between two bare commits.
    Times the one statement under the lock (service.place_bid: the lock, the clock, the
    rules, the writes and the commit: one round trip) and the bid's whole path before the
    socket (the auction read, the signature on its worker thread with the certificates
    read meanwhile, the statement), each as a ratio to its neighbouring bare commits."""
    owner, app = await asyncpg.connect(db.owner_dsn), await asyncpg.connect(db.app_dsn)
    try:
        now: dt.datetime = await owner.fetchval("SELECT clock_timestamp()")
        pair = world["bidders"][:2]
        spec = AuctionSpec(
            subject_kind="listing", subject_id=2, start_price_fen=START_FEN,
            increment_fen=INCREMENT_FEN, listing_starts_at=now - dt.timedelta(minutes=1),
            listing_ends_at=now + dt.timedelta(hours=1), countdown_seconds=60,
            bidders=tuple(pair),
        )  # fmt: skip
        async with owner.transaction():
            auction = await world["engine"].create(owner, spec, now=now)
        session = await owner.fetchval(
            "SELECT live_session_id FROM auctions WHERE id = $1", auction
        )
        await owner.execute(LIMIT_CREATE)
        trust, verifier = ca.trust_store(), ThreadPoolExecutor(1)
        commits, statements, paths = [], [], []
        for j in range(count):
            who = j % 2
            ident = world["identities"][who]
            request = BidRequest(
                number=pair[who].number, seq=j // 2 + 1, price_fen=START_FEN + j * INCREMENT_FEN,
                standing_fen=None if j == 0 else START_FEN + (j - 1) * INCREMENT_FEN,
                nonce=secrets.token_hex(16), signature=b"",
            )  # fmt: skip
            signature = sign_detached(
                bid_form(auction, request), ident.certificate, ident.key, chain=ident.chain
            )
            request = dataclasses.replace(request, signature=signature)
            actor = cast(Any, SimpleNamespace(user_id=pair[who].account_id))
            bare = []
            for _ in range(2):
                started = time.perf_counter()
                await owner.execute(LIMIT_INSERT, j)
                bare.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            found = await queries.auction_of_session_now(app, session)
            assert found is not None
            signed = await verify_bid(app, actor, auction, request, trust, found[1], verifier)
            locked = time.perf_counter()
            await place_bid(app, actor, auction, request, signed)
            done = time.perf_counter()
            if j >= WARM_BIDS:  # the first calls plan the function on this connection
                commits.append(max(bare))
                statements.append((done - locked) * 1000)
                paths.append((done - started) * 1000)
        verifier.shutdown()
    finally:
        await owner.close()
        await app.close()
    return {
        "bids": len(statements),
        "commit_ms": {"p50": percentile(commits, 50), "p99": percentile(commits, 99)},
        "statement_ms": {"p50": percentile(statements, 50), "p99": percentile(statements, 99)},
        "path_ms": {"p50": percentile(paths, 50), "p99": percentile(paths, 99)},
    }


async def go_on(conn: asyncpg.Connection, world: dict[str, Any]) -> tuple[dt.datetime, float]:
    """Start the countdown among everyone; its end, as this machine's monotonic time."""
    numbers = frozenset(b.number for b in world["bidders"])
    while True:
        now: dt.datetime = await conn.fetchval("SELECT clock_timestamp()")
        listing = await conn.fetchval("SELECT listing_ends_at FROM auctions")
        if now >= listing:
            break
        await asyncio.sleep((listing - now).total_seconds())
    async with conn.transaction():
        state = await world["engine"].go_on(conn, world["auction"], numbers, now=now)
    db_now: dt.datetime = await conn.fetchval("SELECT clock_timestamp()")
    return state.ends_at, time.monotonic() + (state.ends_at - db_now).total_seconds()


async def check_order(conn: asyncpg.Connection, world: dict[str, Any]) -> dict[str, Any]:
    """Bids numbered in commit order: their events' seq and clock times rise with n."""
    rows = await conn.fetch(ORDER, world["auction"], world["session"])
    ns = [r["n"] for r in rows]
    by_seq = sorted(rows, key=lambda r: r["seq"])
    by_time = sorted(rows, key=lambda r: r["placed_at"])
    return {
        "rows": len(rows),
        "numbered_1_to_n": ns == list(range(1, len(rows) + 1)),
        "event_order_is_n": [r["n"] for r in by_seq] == ns,
        "clock_order_is_n": [r["n"] for r in by_time] == ns,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    ca = live_ca()
    async with database(args) as db:
        conn = await asyncpg.connect(db.owner_dsn)
        try:
            world = await set_up(conn, ca, args)
            bids = signed_bids(world, args.burst)
            root = Path(tempfile.mkdtemp(prefix="etender-bench-auction-", dir="/var/tmp"))
            try:
                async with Servers(db.app_dsn, root, count=1, ca=ca, seed=db.keys) as servers:
                    node = next(iter(servers))
                    lone = await lone_bids(db, ca, world, args.lone) if args.lone else None
                    found = await _burst(conn, db.owner_dsn, node, world, bids, args)
                    return found | {"lone": lone}
            finally:
                shutil.rmtree(root, ignore_errors=True)
        finally:
            await conn.close()


async def _burst(
    conn: asyncpg.Connection, owner_dsn: str, node: Any, world: dict[str, Any],
    bids: list[dict[str, Any]], args: argparse.Namespace,
) -> dict[str, Any]:  # fmt: skip
    """Every bidder's socket in this process (uvloop); the burst; its answers."""
    url, result, refused = node.live_url(world["session"], 0), Result(), []
    people = []
    for i, token in enumerate(world["tokens"]):
        plan = SocketPlan(
            url=url, token=token, name=f"b{i}", member=i < args.burst,
            offset=i / args.burst if i < args.burst else 0.0, command="bid",
            data=bids[i] if i < args.burst else {},
        )  # fmt: skip
        person = Bidder(plan, result, period=2.0)  # one bid each: the period outlasts the burst
        person.refused_ms = refused
        people.append(person)
    connected = await _connect_all(people, result)
    limit = await commit_latencies(owner_dsn, args.commits)
    ends_at, end_mono = await go_on(conn, world)
    start = end_mono - 1.0  # the burst fills the countdown's last second
    await asyncio.gather(*(p.drive(start, start + 1.0, start) for p in connected))
    drain_until = time.monotonic() + DRAIN_SECONDS
    while any(p.pending for p in connected) and time.monotonic() < drain_until:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    unanswered = sum(len(p.pending) for p in connected)
    await asyncio.gather(*(p.close() for p in connected))
    order = await check_order(conn, world)
    answers = result.latencies_ms + refused
    return {
        "bidders": args.bidders, "connected": len(connected),
        "connect_failures": dict(result.connect_failures), "burst": args.burst,
        "sent": result.sent, "acks": result.acks, "errors": dict(result.errors),
        "unanswered": unanswered, "acked_without_row": max(0, result.acks - order["rows"]),
        "order": order, "events_received": result.events,
        "closed_early": dict(result.closed_early),
        "commit_ms": {"p50": percentile(limit, 50), "p99": percentile(limit, 99)},
        "ack_ms": {"p50": percentile(result.latencies_ms, 50),
                   "p99": percentile(result.latencies_ms, 99)},
        "answer_ms": {"p50": percentile(answers, 50), "p99": percentile(answers, 99)},
        "ends_at_before_burst": ends_at.isoformat(), "load_average": os.getloadavg(),
    }  # fmt: skip


def report(f: dict[str, Any]) -> None:
    if (lone := f.get("lone")) is not None:
        c, st, pa = lone["commit_ms"], lone["statement_ms"], lone["path_ms"]
        print(
            f"lone bids ({lone['bids']}, in-process, each between two bare commits): "
            f"commit p50 {c['p50']:.2f} / p99 {c['p99']:.2f} ms; the one statement p50 "
            f"{st['p50']:.2f} / p99 {st['p99']:.2f} ms = {st['p99'] / c['p99']:.1f} × commit "
            f"p99; the whole path p50 {pa['p50']:.2f} / p99 {pa['p99']:.2f} ms = "
            f"{pa['p99'] / c['p99']:.1f} ×",
            flush=True,
        )
    ratio = f["ack_ms"]["p99"] / f["commit_ms"]["p99"]
    print(
        f"{f['connected']}/{f['bidders']} bidders connected; burst of {f['sent']} bids in "
        f"the last second: {f['acks']} acked, refused {f['errors']}, lost "
        f"{f['unanswered'] + f['acked_without_row']}\n"
        f"commit (limit)  p50 {f['commit_ms']['p50']:.2f} ms  p99 {f['commit_ms']['p99']:.2f} ms\n"
        f"bid ack         p50 {f['ack_ms']['p50']:.2f} ms  p99 {f['ack_ms']['p99']:.2f} ms"
        f"  = {ratio:.1f} × commit p99 (aim ≤ 3 ×)\n"
        f"any answer      p50 {f['answer_ms']['p50']:.2f} ms  p99 {f['answer_ms']['p99']:.2f} ms"
        f"  = {f['answer_ms']['p99'] / f['commit_ms']['p99']:.1f} × commit p99\n"
        f"order: {f['order']}; events received {f['events_received']}; "
        f"load average {f['load_average'][0]:.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--bidders", type=int, default=1000, help="bidders connected to the auction")
    add("--burst", type=int, default=200, help="bids in the countdown's last second")
    add("--countdown", type=int, default=20, help="the countdown's seconds")
    add("--commits", type=int, default=500, help="commits in the limit's series")
    add("--lone", type=int, default=0, help="lone bids in-process first (statement ÷ commit)")
    add("--database-url", help="a migrated database's owner DSN (default: throwaway cluster)")
    add("--app-database-url", help="the servers' DSN (default: --database-url)")
    add("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    if not 1 <= args.burst <= args.bidders:
        parser.error("--burst is 1 to --bidders")
    import uvloop

    figures = uvloop.run(run(args))
    report(figures)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
