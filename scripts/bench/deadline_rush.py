"""The deadline rush: many bidders upload sealed parts at once to one server process.

Starts `etender serve` (one worker, embedded PostgreSQL, fsync on) in a temporary data
directory, publishes a tender with an approved committee, creates N bidders, then has
all of them, concurrently: open an upload, stream the part in one PUT, and submit a
signed statement (docs/formats/upload.md). Reported, as ratios where possible:

- all N receipts issued, each CMS-verified, and N bid versions stored (none lost);
- server throughput (bytes received, hashed, fsynced and moved per second) as a ratio to
  this machine's raw disk write + fsync and SHA-256 rates measured in the same run
  (scripts/bench/limits.py; the raw rate of doing both serially on one core);
- the server process's peak memory (VmHWM);
- the p99 of a light API request (GET /api/v1/tenders/{id}) during the rush vs idle.

Every part is a real age header sealed to the committee followed by a payload made
distinct per bidder (the server checks the header and the hash, never the payload).
Defaults are smaller than the issue's 200 × 20 MB so that a run takes a minute here:

    .venv/bin/python scripts/bench/deadline_rush.py                  # 50 × 20 MB
    .venv/bin/python scripts/bench/deadline_rush.py --bidders 200    # the full rush
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import hashlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from harness import data_dir, peak_kib, start_server, stop_server  # noqa: E402
from limits import MB, disk_write_rate, free_port, sha256_rate  # noqa: E402
from multinode import start_nodes, stop_nodes  # noqa: E402

from accounts.model import OrgKind, Role  # noqa: E402
from signing.age import X25519Identity  # noqa: E402
from signing.certs import Identity, load_pem_certificate  # noqa: E402
from signing.cms import verify_detached  # noqa: E402
from signing.demo_ca import issue_identity  # noqa: E402
from signing.manifest import BidInfo  # noqa: E402
from signing.statements.bid import PartHash, SubmitStatement  # noqa: E402
from signing.trust import TrustStore  # noqa: E402
from tender.committee import service as committee  # noqa: E402
from tests.accounts.factory import PASSWORD, make_organisation, make_user  # noqa: E402
from tests.signing.bid_kit import seal_bytes  # noqa: E402
from tests.tender.world import (  # noqa: E402
    bidder_identity,
    build_world,
    live_ca,
    published_tender,
    register_certificate,
)
from web.db.embedded import SUPERUSER, EmbeddedPostgres  # noqa: E402

PUT_BLOCK = 1 * MB


async def _prepare(data: Path, bidders: int) -> tuple[Any, Any, list[tuple[Any, str]]]:
    """Tender, committee and (organisation, user name) of every bidder."""
    dsn = EmbeddedPostgres.in_data_dir(data).dsn(user=SUPERUSER)
    conn = await asyncpg.connect(dsn)
    try:
        ca = CA
        world = await build_world(conn, ca)
        tender = await published_tender(conn, world)
        sealed_to = await committee.lot_committee(conn, tender.id, "1")
        people = []
        for i in range(bidders):
            org = await make_organisation(conn, OrgKind.BIDDER)
            user = await make_user(conn, org, Role.BIDDER, username=f"rush{i}", password=PASSWORD)
            await register_certificate(conn, user.id, PERSONS.setdefault(org.credit_code,
                                       bidder_identity(CA, org, "投标人")))  # fmt: skip
            people.append((org, f"rush{i}"))
        return tender, sealed_to, people
    finally:
        await conn.close()


CA = live_ca()
PERSONS: dict[str, Identity] = {}  # credit code → the bidder's registered certificate


def _base_part(sealed_to: object, size: int) -> bytes:
    """A real sealed part of about ``size`` bytes (its payload is replaced per bidder)."""
    person = issue_identity(CA, name="基准", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    info = BidInfo(tender=sealed_to.tender, lot="1", part="main", bidder="x",  # type: ignore[attr-defined]
                   fields={"price": 1, "duration": 1})  # fmt: skip
    return seal_bytes(
        sealed_to,  # type: ignore[arg-type]
        bidder=person, bidder_age=X25519Identity.generate(), trust=CA.trust_store(),
        at=dt.datetime.now(dt.UTC), files={"a.bin": b"\0" * 1024}, info=info,
    )[:2048] + os.urandom(max(0, size - 2048))  # fmt: skip


async def _body(base: bytes, tail: bytes, offset: int) -> AsyncIterator[bytes]:
    whole = len(base)
    view = memoryview(base)[: whole - len(tail)]
    for start in range(offset - offset % PUT_BLOCK, len(view), PUT_BLOCK):
        yield bytes(view[max(start, offset) : start + PUT_BLOCK])
    yield tail[max(0, offset - (whole - len(tail))) :]


RESETS = [0]  # connections dropped during the rush (each resumed by the protocol)


async def _send(client: httpx.AsyncClient, auth: dict[str, str], target: str, upload: str,
                base: bytes, tail: bytes) -> None:  # fmt: skip
    """One PUT of the whole part to the upload address the server named; after a dropped
    connection, resume at the committed offset (read from the site)."""
    offset = 0
    for _ in range(20):
        try:
            put = await client.put(f"{target}?offset={offset}", headers=auth,
                                   content=_body(base, tail, offset))  # fmt: skip
            assert put.json()["status"] == "complete", put.text
            return
        except httpx.TransportError:
            RESETS[0] += 1
            await asyncio.sleep(0.5)
            offset = (await client.get(upload, headers=auth)).json()["offset"]
    raise AssertionError("the upload did not complete")


async def _bid(client: httpx.AsyncClient, tender: object, org: object, token: str,
               base: bytes, prefix: hashlib._Hash) -> bytes:  # fmt: skip
    auth = {"Authorization": f"Bearer {token}"}
    tail = os.urandom(32)
    digest = prefix.copy()
    digest.update(tail)
    sha = digest.hexdigest()
    lot = f"/api/v1/tenders/{tender.id}/lots/1"  # type: ignore[attr-defined]
    wanted = {"part": "main", "size": len(base), "sha256": sha}
    created = await _post_again(client, f"{lot}/uploads", headers=auth, json=wanted)
    created.raise_for_status()
    answer = created.json()
    await _send(client, auth, answer["upload_url"], f"/api/v1/uploads/{answer['id']}", base, tail)
    person = PERSONS[org.credit_code]  # type: ignore[attr-defined]  # registered in _prepare
    statement = SubmitStatement(
        tender=tender.code, lot="1", bidder=org.credit_code, bid_version=1,  # type: ignore[attr-defined]
        parts=(PartHash(label="main", sha256=sha),), previous=None,
    )  # fmt: skip
    signed = statement.sign(person.certificate, person.key, chain=person.chain)
    body = {"statement": base64.b64encode(signed.body).decode(),
            "signature": base64.b64encode(signed.signature).decode()}  # fmt: skip
    receipt = await _submit(client, auth, lot, body)
    return base64.b64decode(receipt["receipt"]) + b"\n" + base64.b64decode(receipt["signature"])


async def _post_again(client: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response:
    """A POST sent again after a dropped connection: on a loaded machine the server closes
    an idle keep-alive connection as the client reuses it (at worst a second upload is
    opened, within the caps of upload.md §2.5)."""
    for _ in range(5):
        try:
            return await client.post(url, **kwargs)
        except httpx.TransportError:
            RESETS[0] += 1
    return await client.post(url, **kwargs)


async def _submit(client: httpx.AsyncClient, auth: dict[str, str], lot: str,
                  body: dict[str, str]) -> Any:  # fmt: skip
    """POST the statement; after a dropped connection (the site's idle keep-alive
    connection closed while the part went to the upload workers), look it up first."""
    for _ in range(20):
        try:
            done = await client.post(f"{lot}/bid", headers=auth, json=body)
            done.raise_for_status()
            return done.json()
        except httpx.TransportError:
            RESETS[0] += 1
            mine = await client.get(f"{lot}/bid", headers=auth)
            if mine.status_code == 200:
                return (await client.get(f"{lot}/bid/receipts/1", headers=auth)).json()
    raise AssertionError("the statement was not accepted")


PROBE = """
import sys, time, httpx
url, stop = sys.argv[1], sys.argv[2]
import os
times = []
with httpx.Client(timeout=60) as client:
    while not os.path.exists(stop):
        started = time.perf_counter()
        try:
            client.get(url).raise_for_status()
        except httpx.TransportError:
            continue  # a dropped keep-alive connection: not a latency sample
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.02)
print(" ".join(f"{t:.3f}" for t in times))
"""


class _Probe:
    """A light API request every 20 ms from its own process (the rush's client is busy)."""

    def __init__(self, url: str, directory: Path) -> None:
        self.stop_file = directory / f"probe-stop-{time.monotonic_ns()}"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PROBE, url, str(self.stop_file)], stdout=subprocess.PIPE
        )

    async def finish(self) -> list[float]:
        self.stop_file.touch()
        out, _ = await asyncio.to_thread(self.proc.communicate, timeout=120)
        return [float(t) for t in out.split()]


LIGHT_ROUTE = 'method="GET",route="/api/v1/tenders/{tender_id}"'


async def _handler_buckets(client: httpx.AsyncClient) -> dict[float, float]:
    """Cumulative counts of the light route's server-side time (/metrics, per bucket)."""
    text = (await client.get("/metrics")).text
    found = {}
    for line in text.splitlines():
        if line.startswith("etender_http_request_duration_seconds_bucket{") and LIGHT_ROUTE in line:
            le = line.split('le="', 1)[1].split('"', 1)[0]
            found[float(le)] = float(line.rsplit(" ", 1)[1])
    return found


def _bucket_p99(before: dict[float, float], after: dict[float, float]) -> float:
    """The upper bound (ms) of the bucket holding the 99th percentile of the difference."""
    counts = {le: after[le] - before.get(le, 0.0) for le in sorted(after)}
    total = counts.get(float("inf"), 0.0)
    for le, count in counts.items():
        if total and count >= 0.99 * total:
            return le * 1000
    return float("nan")


def _upload_workers(pid: int) -> list[int]:
    """The server's upload worker processes (its children running web.cli.upload_workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():  # each keeper thread forks its own
        for child in (task / "children").read_text().split():
            if b"web.cli.upload_workers" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(int(child))
    return found


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else float("nan")


async def rush(args: argparse.Namespace) -> None:
    data = data_dir("etender-rush-", CA)
    disk = disk_write_rate(data, 256 * MB)
    sha = sha256_rate(256 * MB)
    raw = 1 / (1 / disk + 1 / sha)  # write + hash, serially, on one core
    port = free_port()
    os.environ["ETENDER_UPLOAD_WORKERS"] = str(args.upload_workers)
    os.environ["ETENDER_UPLOAD_PORT"] = str(free_port())
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    os.environ["ETENDER_BLOB_STORE"] = args.blob_store  # every node (multinode.py)
    proc = start_server(data, port)
    extra = start_nodes(data, args.nodes - 1)  # issue 17 item 7: bidders spread round-robin
    try:
        tender, sealed_to, people = await _prepare(data, args.bidders)
        base = _base_part(sealed_to, args.size_mb * MB)
        prefix = hashlib.sha256(base[:-32])
        limits = httpx.Limits(max_connections=args.bidders + 10)
        timeout = httpx.Timeout(600.0)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                     timeout=timeout) as client:  # fmt: skip
            tokens = []
            for _, name in people:
                who = {"username": name, "password": PASSWORD}
                login = await _post_again(client, "/api/v1/auth/login", json=who)
                tokens.append(login.json()["token"])
            light = f"http://127.0.0.1:{port}/api/v1/tenders/{tender.id}"
            probe = _Probe(light, data)
            await asyncio.sleep(args.idle_seconds)
            idle = await probe.finish()
            handled_before = await _handler_buckets(client)
            probe = _Probe(light, data)
            await asyncio.sleep(0.5)
            if args.client_nice:
                # Bidders upload from their own machines; here the load generator shares
                # the server's two cores. Niced, it models remote clients: it still sends
                # as fast as the server reads, but yields a core to the server first.
                os.nice(args.client_nice)
            started = time.perf_counter()
            spread = [client] + [
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", limits=limits, timeout=timeout)
                for _, p, _ in extra
            ]
            receipts = await asyncio.gather(*(
                _bid(spread[i % len(spread)], tender, org, token, base, prefix)
                for i, ((org, _), token) in enumerate(zip(people, tokens, strict=True))
            ))  # fmt: skip
            elapsed = time.perf_counter() - started
            for other in spread[1:]:
                await other.aclose()
            busy = await probe.finish()
            handled = _bucket_p99(handled_before, await _handler_buckets(client))
            root = load_pem_certificate((await client.get("/api/v1/receipts/ca.pem")).content)
        peak = peak_kib(proc.pid)
        workers = [peak_kib(pid) for pid in _upload_workers(proc.pid)]
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        trust = TrustStore(roots=(root,))
        for item in receipts:
            body, _, signature = item.partition(b"\n")
            verify_detached(body, signature, trust, dt.datetime.now(dt.UTC))
        conn = await asyncpg.connect(EmbeddedPostgres.in_data_dir(data).dsn(user=SUPERUSER))
        stored = await conn.fetchval("SELECT count(*) FROM bid_versions")
        await conn.close()
    finally:
        stop_nodes(extra)
        stop_server(proc, data)
    total = args.bidders * len(base) / MB
    rate = total / elapsed
    print(f"bidders × size                {args.bidders} × {len(base) / MB:.1f} MB")
    print(f"receipts issued / verified    {len(receipts)} / {len(receipts)}; stored bids {stored}")
    print(f"raw disk write+fsync          {disk:8.0f} MB/s")
    print(f"raw SHA-256 (one core)        {sha:8.0f} MB/s")
    print(f"raw write+hash (serial)       {raw:8.0f} MB/s  (limit)")
    print(f"server throughput             {rate:8.0f} MB/s  = {rate / raw:.2f} x raw "
          f"({elapsed:.1f} s for {total:.0f} MB)")  # fmt: skip
    print(f"site process peak (VmHWM)     {peak / 1024:8.0f} MB")
    each = " + ".join(f"{w / 1024:.0f}" for w in workers) or "-"
    print(f"upload workers' peaks         {each} MB  "
          f"(sum with the site {(peak + sum(workers)) / 1024:.0f} MB)")  # fmt: skip
    print(f"load average before / after   {' '.join(load_before)} / {' '.join(load_after)}")
    print(f"dropped connections resumed   {RESETS[0]}")
    print(f"load generator nice           {args.client_nice}")
    print(f"nodes / blob store            {args.nodes} / {args.blob_store}")
    print(f"light p99 inside the handler  <= {handled:.0f} ms during the rush "
          "(server-side, /metrics buckets: excludes waiting for the event loop)")  # fmt: skip
    print(f"light API p99 idle / rush     {_p99(idle):6.1f} ms / {_p99(busy):6.1f} ms "
          f"= {_p99(busy) / _p99(idle):.1f} x idle  ({len(idle)}/{len(busy)} samples)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bidders", type=int, default=50)
    parser.add_argument("--size-mb", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=3.0)
    parser.add_argument(
        "--upload-workers", type=int, default=1,
        help="ETENDER_UPLOAD_WORKERS for the server (0: the site takes the uploads itself)",
    )  # fmt: skip
    parser.add_argument(
        "--client-nice", type=int, default=0,
        help="lower the load generator's priority once the server and probe run "
        "(models bidders on their own machines)",
    )  # fmt: skip
    # Issue 17 item 7 (multinode lane): N nodes on the one database, blobs in PostgreSQL.
    parser.add_argument("--nodes", type=int, default=1, help="nodes sharing the database")
    parser.add_argument("--blob-store", choices=("local", "postgres"), default="local")
    asyncio.run(rush(parser.parse_args()))


if __name__ == "__main__":
    main()
