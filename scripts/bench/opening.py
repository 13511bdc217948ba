"""The opening: N sealed bids opened by the server, as a ratio to the raw decryption rate.

Starts `etender serve` (one worker, embedded PostgreSQL, fsync on; scripts/bench/harness.py)
in a temporary data directory, publishes a tender whose lot has an approved committee
(k = 2 of n = 3) and a deadline a little way off, and has N bidders each seal a real part
of about SIZE MB (a distinct price, a file of random bytes, signed by the bidder's own
certificate) and submit it (docs/formats/upload.md). After the deadline and the freeze,
officials 1 and 2 run the real client `etender opening release`, one after the other;
the second official's release makes the server decrypt every part
(docs/formats/opening.md §1). Reported, as ratios where possible:

- the opening: bytes decrypted over the wall time from the k-th official's release
  reaching the server (its shares' `released_at`, database clock) to the record being
  committed (seen by polling opening_records), against this machine's raw decryption
  rate measured in the same run (scripts/bench/limits.py: ChaCha20-Poly1305 and SHA-256
  serially on one core), against all the per-byte work of an open done serially
  (that, a second SHA-256 and the disk write) and against `signing.sealed_bid.open_part`
  of some of the same bids in-process (the same work with no server around it);
- the whole release: from official 1's `etender opening release` starting to the record;
- the slowest read of the lot's progress and of the tender during the k-th release;
- the CPU seconds of the server and its descendants (the opening's worker processes)
  over the opening's wall time (the cores they used) and their summed
  peak memory (VmHWM, reset just before the releases);
- correctness: the signed record lists N bids, all opened, each with the price its
  bidder sealed.

    .venv/bin/python scripts/bench/opening.py                                 # 20 × 20 MB
    .venv/bin/python scripts/bench/opening.py --bidders 100 --size-mb 20      # the full one
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from harness import (  # noqa: E402
    data_dir,
    peak_kib,
    reset_peak,
    start_server,
    stop_server,
    tree_cpu_seconds,
    tree_pids,
)
from limits import MB, chacha_rate, disk_write_rate, free_port, sha256_rate  # noqa: E402

from accounts.model import Organisation, OrgKind, Role  # noqa: E402
from signing.age import X25519Identity  # noqa: E402
from signing.certs import Identity, load_pem_certificate  # noqa: E402
from signing.cms import SignerInfo, sign_detached, verify_detached  # noqa: E402
from signing.committee import Committee  # noqa: E402
from signing.manifest import BidInfo  # noqa: E402
from signing.sealed_bid import BidFile, open_part, seal_part  # noqa: E402
from signing.statements.bid import PartHash, SubmitStatement  # noqa: E402
from signing.trust import TrustStore  # noqa: E402
from tender.committee import service as committee  # noqa: E402
from tender.model import Tender  # noqa: E402
from tests.accounts.factory import PASSWORD, make_organisation, make_user  # noqa: E402
from tests.tender.world import (  # noqa: E402
    SOON,
    World,
    bidder_identity,
    build_world,
    live_ca,
    published_tender,
    register_certificate,
)
from web.db.embedded import SUPERUSER, EmbeddedPostgres  # noqa: E402

CA = live_ca()
LOT = "1"
K = 2  # tests/tender/world.py appoints officials 1–3 with k = 2
PUT_BLOCK = 1 * MB
POLL = 0.05  # seconds between samples of the record and of the server's CPU time


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Bidder:
    """A bidder's organisation, login, signing identity, own age key and sealed part."""

    org: Organisation
    username: str
    person: Identity
    age: X25519Identity
    price: int
    sealed: Path
    sha256: str
    size: int


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Scene:
    """The published tender, its lot's committee and everyone who takes part."""

    tender: Tender
    sealed_to: Committee
    world: World
    orgs: tuple[Organisation, ...]
    persons: tuple[Identity, ...]  # each bidder's registered signing certificate


def _dsn(data: Path) -> str:
    return EmbeddedPostgres.in_data_dir(data).dsn(user=SUPERUSER)


async def _prepare(data: Path, bidders: int, deadline_in: float) -> Scene:
    """Tender (deadline ``deadline_in`` s from now, SOON periods), committee, bidders."""
    conn = await asyncpg.connect(_dsn(data))
    try:
        world = await build_world(conn, CA)
        tender = await published_tender(
            conn, world, setup=world.setup(SOON),
            deadline_in=dt.timedelta(seconds=round(deadline_in)),  # whole seconds (model)
            cutoff_in=dt.timedelta(seconds=round(deadline_in) // 2),
        )  # fmt: skip
        orgs, persons = [], []
        for i in range(bidders):
            org = await make_organisation(conn, OrgKind.BIDDER, name=f"开标基准投标人{i}")
            user = await make_user(conn, org, Role.BIDDER, username=f"open{i}", password=PASSWORD)
            person = bidder_identity(CA, org, f"投标人{i}")
            await register_certificate(conn, user.id, person)  # submit statements need it
            orgs.append(org)
            persons.append(person)
        sealed_to = await committee.lot_committee(conn, tender.id, LOT)
        return Scene(tender=tender, sealed_to=sealed_to, world=world, orgs=tuple(orgs),
                     persons=tuple(persons))  # fmt: skip
    finally:
        await conn.close()


def _seal(scene: Scene, i: int, size: int, work: Path) -> Bidder:
    """Bidder ``i`` seals one part: a ``size``-byte file of random bytes and its price."""
    org = scene.orgs[i]
    now = dt.datetime.now(dt.UTC)
    person = scene.persons[i]
    age = X25519Identity.generate()
    price = 100_000_00 + 1_234 * i  # fen; distinct per bidder, checked against the record
    info = BidInfo(tender=scene.sealed_to.tender, lot=LOT, part="main",
                   bidder=org.credit_code, fields={"price": price, "duration": 90})  # fmt: skip
    content = work / f"content-{i}.bin"
    content.write_bytes(os.urandom(size))
    target = work / f"bid-{i}.age"
    with content.open("rb") as source, target.open("wb") as out:
        seal_part(
            out, committee=scene.sealed_to, trust=CA.trust_store(), at=now,
            bidder_recipient=age.recipient(), info=info,
            files=[BidFile(name="投标文件.bin", size=size, source=source)],
            sign=lambda data: sign_detached(data, person.certificate, person.key,
                                            chain=person.chain),
        )  # fmt: skip
    content.unlink()
    digest = hashlib.sha256()
    with target.open("rb") as sealed:
        while block := sealed.read(PUT_BLOCK):
            digest.update(block)
    return Bidder(org=org, username=f"open{i}", person=person, age=age, price=price,
                  sealed=target, sha256=digest.hexdigest(), size=target.stat().st_size)  # fmt: skip


async def _file_body(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while block := await asyncio.to_thread(handle.read, PUT_BLOCK):
            yield block


async def _signed_in(client: httpx.AsyncClient, bidder: Bidder) -> dict[str, str]:
    """The bidder's bearer-token header (password login)."""
    login = await client.post("/api/v1/auth/login",
                              json={"username": bidder.username, "password": PASSWORD})  # fmt: skip
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def _submit(client: httpx.AsyncClient, scene: Scene, bidder: Bidder) -> None:
    """Log in, upload the sealed part in one PUT, submit the signed statement."""
    auth = await _signed_in(client, bidder)
    lot = f"/api/v1/tenders/{scene.tender.id}/lots/{LOT}"
    wanted = {"part": "main", "size": bidder.size, "sha256": bidder.sha256}
    created = await client.post(f"{lot}/uploads", headers=auth, json=wanted)
    created.raise_for_status()
    put = await client.put(f"/api/v1/uploads/{created.json()['id']}?offset=0", headers=auth,
                           content=_file_body(bidder.sealed))  # fmt: skip
    assert put.json()["status"] == "complete", put.text
    statement = SubmitStatement(
        tender=scene.sealed_to.tender, lot=LOT, bidder=bidder.org.credit_code, bid_version=1,
        parts=(PartHash(label="main", sha256=bidder.sha256),), previous=None,
    )  # fmt: skip
    p = bidder.person
    signed = statement.sign(p.certificate, p.key, chain=p.chain)
    done = await client.post(f"{lot}/bid", headers=auth, json={
        "statement": base64.b64encode(signed.body).decode(),
        "signature": base64.b64encode(signed.signature).decode(),
    })  # fmt: skip
    if done.status_code != 201 and done.status_code != 200:
        raise SystemExit(f"submission refused (raise --deadline-seconds?): {done.text}")


async def _seal_and_submit(
    client: httpx.AsyncClient, scene: Scene, size: int, work: Path, parallel: int
) -> list[Bidder]:
    """Seal one bid after another (in a thread) while earlier ones upload."""
    gate = asyncio.Semaphore(parallel)
    tasks = []
    bidders = []

    async def submit(bidder: Bidder) -> None:
        async with gate:
            await _submit(client, scene, bidder)

    for i in range(len(scene.orgs)):
        bidder = await asyncio.to_thread(_seal, scene, i, size, work)
        bidders.append(bidder)
        tasks.append(asyncio.create_task(submit(bidder)))
    await asyncio.gather(*tasks)
    return bidders


async def _await_freeze(client: httpx.AsyncClient, scene: Scene, bidder: Bidder) -> int:
    """Wait for the deadline and the freeze job; the number of bids frozen."""
    auth = await _signed_in(client, bidder)
    url = f"/api/v1/tenders/{scene.tender.id}/lots/{LOT}/freeze-entry"
    while True:
        found = await client.get(url, headers=auth)
        if found.status_code == 200:
            count: int = found.json()["bids"]
            return count
        await asyncio.sleep(0.2)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Rate:
    """A throughput by the wall clock and by the CPU time spent on it, MB/s."""

    wall: float
    cpu: float


def _open_in_process(scene: Scene, bidders: list[Bidder], scratch: Path) -> Rate:
    """`open_part` of the given bids here (its own pipe thread hashes and writes, as in the
    server), to disk: the no-server rate by the wall clock and per CPU second."""
    trust = CA.trust_store()
    at = dt.datetime.now(dt.UTC)

    def verify(data: bytes, signature: bytes) -> SignerInfo:
        return verify_detached(data, signature, trust, at)

    scratch.mkdir()
    started, cpu = time.perf_counter(), time.process_time()
    for i, bidder in enumerate(bidders):
        with bidder.sealed.open("rb") as source:
            open_part(source, committee=scene.sealed_to, part="main", verify=verify,
                      identities=[bidder.age], output=scratch / str(i), durable=False)  # fmt: skip
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    shutil.rmtree(scratch)
    total = sum(b.size for b in bidders) / MB
    return Rate(wall=total / wall, cpu=total / cpu)


async def _release(server: str, token: str, key: Path, tender: UUID) -> tuple[float, float]:
    """`etender opening release` as a child process: its (start, end) wall-clock times."""
    started = time.time()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "web.cli.main", "opening", "release", "--server", server,
        f"--token={token}", "--identity", str(key), "--tender", str(tender),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"etender opening release failed: {out.decode()}{err.decode()[-2000:]}")
    return started, time.time()


SELECT_RECORD = "SELECT count(*) FROM opening_records WHERE tender_id = $1"
SELECT_RELEASED = "SELECT min(released_at) FROM opening_releases WHERE x = $1"


def _dirty_mb() -> float:
    """Page-cache data not yet on disk (Dirty + Writeback, /proc/meminfo), MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return sum(int(fields[k].split()[0]) for k in ("Dirty", "Writeback")) / 1024


Sample = tuple[float, float, float]  # wall time, server CPU seconds, dirty MB


async def _watch(
    conn: asyncpg.Connection, tender: UUID, pid: int, done: asyncio.Event
) -> tuple[float, list[Sample]]:
    """Poll until the record is committed: its wall time, and samples of the server."""
    samples = []
    while True:
        # The server's tree: its opening workers do the decrypting (tender/opening/workers.py).
        samples.append((time.time(), tree_cpu_seconds(pid), _dirty_mb()))
        if await conn.fetchval(SELECT_RECORD, tender):
            return time.time(), samples
        if done.is_set():
            raise SystemExit("the releases ended without a record")
        await asyncio.sleep(POLL)


def _tree_peak_kib(pid: int) -> int:
    """Peak memory of the server and its workers (VmHWM summed; the workers start at the
    opening's first part, after the reset, so theirs is the opening's too)."""
    return sum(peak_kib(one) for one in tree_pids(pid))


def _cpu_at(samples: list[Sample], moment: float) -> float:
    """The server's CPU seconds at ``moment``: the last sample taken before it."""
    before = [cpu for at, cpu, _ in samples if at <= moment]
    return before[-1] if before else samples[0][1]


async def _officials(client: httpx.AsyncClient, world: World, work: Path) -> list[tuple[str, Path]]:
    """(token, age identity file) of officials 1..K."""
    found = []
    for official in world.officials[:K]:
        who = {"username": official.user.username, "password": PASSWORD}
        login = await client.post("/api/v1/auth/login", json=who)
        key = work / f"{official.user.username}.agekey"
        key.write_text(f"# {official.user.username}\n{official.age.encode()}\n")
        found.append((login.json()["token"], key))
    return found


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Opening:
    """The times of one opening (wall clock, seconds since the epoch) and its CPU."""

    first_release: float
    kth_release_sent: float
    kth_release_received: float
    recorded: float
    cpu_seconds: float
    peak_kib: int
    progress_max_ms: float  # GET …/lots/{lot}/opening: takes the tender's row lock
    light_max_ms: float  # GET /api/v1/tenders/{id}: no lock
    dirty_max_mb: float  # the most written data waiting for the disk, machine-wide


def _profiler(pid: int, out: Path | None) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the server without pausing it (collapsed stacks), if asked."""
    if out is None:
        return None
    py_spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen(
        [str(py_spy), "record", "--pid", str(pid), "--output", str(out), "--format", "raw",
         "--rate", "100", "--nonblocking", "--threads"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def _probe(client: httpx.AsyncClient, url: str, stop: asyncio.Event) -> list[float]:
    """GET ``url`` one request after another until ``stop``: each latency, ms."""
    times = []
    while not stop.is_set():
        started = time.perf_counter()
        (await client.get(url)).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.1)
    return times


async def _open(server: str, data: Path, pid: int, scene: Scene, profile: Path | None) -> Opening:
    """Officials 1..K release in turn; the K-th release opens the lot. Meanwhile the lot's
    progress and the tender are read over HTTP, one request after another."""
    async with httpx.AsyncClient(base_url=server, timeout=600) as client:
        officials = await _officials(client, scene.world, data / "bench")
        conn = await asyncpg.connect(_dsn(data))
        try:
            reset_peak(pid)
            first = time.time()
            for token, key in officials[:-1]:
                await _release(server, token, key, scene.tender.id)
            done, stop = asyncio.Event(), asyncio.Event()
            base = f"/api/v1/tenders/{scene.tender.id}"
            probes = [asyncio.create_task(_probe(client, url, stop))
                      for url in (f"{base}/lots/{LOT}/opening", base)]  # fmt: skip
            watcher = asyncio.create_task(_watch(conn, scene.tender.id, pid, done))
            spy = _profiler(pid, profile)
            sent, _ = await _release(server, *officials[-1], scene.tender.id)
            done.set()
            recorded, samples = await watcher
            stop.set()
            progress, light = [max(await task) for task in probes]
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
            at = (await conn.fetchval(SELECT_RELEASED, len(officials))).timestamp()
        finally:
            await conn.close()
    cpu = _cpu_at(samples, recorded) - _cpu_at(samples, at)
    dirty = max(d for t, _, d in samples if t >= at)
    return Opening(first_release=first, kth_release_sent=sent, kth_release_received=at,
                   recorded=recorded, cpu_seconds=cpu, peak_kib=_tree_peak_kib(pid),
                   progress_max_ms=progress, light_max_ms=light, dirty_max_mb=dirty)  # fmt: skip


async def _check_record(client: httpx.AsyncClient, scene: Scene, bidders: list[Bidder]) -> int:
    """The record's CMS signature verifies; N entries, all opened, each with its price."""
    base = f"/api/v1/tenders/{scene.tender.id}"
    record = await client.get(f"{base}/opening-record")
    signature = await client.get(f"{base}/opening-record.p7s")
    root = load_pem_certificate((await client.get("/api/v1/receipts/ca.pem")).content)
    verify_detached(record.content, signature.content, TrustStore(roots=(root,)),
                    dt.datetime.now(dt.UTC))  # fmt: skip
    entries: list[dict[str, Any]] = record.json()["entries"]
    sealed = {b.org.credit_code: b.price for b in bidders}
    opened = {e["bidder"]: e["fields"].get("price") for e in entries if e["outcome"] == "opened"}
    if opened != sealed or len(entries) != len(bidders):
        raise SystemExit(f"the record does not list every sealed price: {len(opened)} opened")
    return len(opened)


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Limits:
    """This machine's raw rates, MB/s, measured in the same run."""

    chacha: float
    sha: float
    disk: float

    @property
    def decrypt(self) -> float:
        """ChaCha20-Poly1305 then SHA-256 over the same bytes, serially, on one core."""
        return 1 / (1 / self.chacha + 1 / self.sha)

    @property
    def open_work(self) -> float:
        """All that opening a part does per byte, serially on one core: decrypt, hash the
        ciphertext and the plaintext, write (docs/formats/opening.md §5; seal_open.md)."""
        return 1 / (1 / self.chacha + 2 / self.sha + 1 / self.disk)


def _limits(data: Path) -> Limits:
    return Limits(chacha=chacha_rate(256 * MB), sha=sha256_rate(256 * MB),
                  disk=disk_write_rate(data, 256 * MB))  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Outcome:
    """Everything one run measured."""

    bidders: list[Bidder]
    frozen: int
    checked: int
    limits: Limits
    raw_open: Rate
    opening: Opening
    opened_bytes: int
    load: str


async def _run(data: Path, port: int, pid: int, args: argparse.Namespace) -> Outcome:
    server = f"http://127.0.0.1:{port}"
    deadline_in = args.deadline_seconds or 30 + args.bidders * args.size_mb / 15
    scene = await _prepare(data, args.bidders, deadline_in)
    async with httpx.AsyncClient(base_url=server, timeout=httpx.Timeout(600.0)) as client:
        bidders = await _seal_and_submit(client, scene, args.size_mb * MB, data / "bench", 8)
        frozen = await _await_freeze(client, scene, bidders[0])
        # The machine's limits and the in-process opening, just before the server's.
        limits = _limits(data)
        sample = bidders[: args.raw_bids]
        raw_open = await asyncio.to_thread(_open_in_process, scene, sample, data / "raw-open")
        load = Path("/proc/loadavg").read_text().split()[:3]
        opening = await _open(server, data, pid, scene, args.py_spy)
        checked = await _check_record(client, scene, bidders)
    return Outcome(bidders=bidders, frozen=frozen, checked=checked, limits=limits,
                   raw_open=raw_open, opening=opening, opened_bytes=_du(data / "opened"),
                   load=" ".join(load))  # fmt: skip


async def bench(args: argparse.Namespace) -> None:
    """Start the server, run the scenario, stop the server, print the figures."""
    data = data_dir("etender-opening-", CA)
    (data / "bench").mkdir()
    port = free_port()
    try:
        proc = start_server(data, port, {"freeze_job_seconds": "0.5"})
    except BaseException:
        shutil.rmtree(data, ignore_errors=True)
        raise
    try:
        outcome = await _run(data, port, proc.pid, args)
    finally:
        stop_server(proc, data)
    _report(args, outcome)


def _report(args: argparse.Namespace, out: Outcome) -> None:
    o, limits, raw = out.opening, out.limits, out.raw_open
    total = sum(b.size for b in out.bidders) / MB
    wall = o.recorded - o.kth_release_received
    rate, cpu_rate = total / wall, total / o.cpu_seconds
    print(f"bidders × size                {args.bidders} × {total / args.bidders:.1f} MB "
          f"(committee {K} of 3)")  # fmt: skip
    print(f"frozen / opened in record     {out.frozen} / {out.checked}, every sealed price listed")
    print(f"raw ChaCha20-Poly1305         {limits.chacha:8.0f} MB/s (one core)")
    print(f"raw SHA-256                   {limits.sha:8.0f} MB/s (one core)")
    print(f"raw decrypt+hash (serial)     {limits.decrypt:8.0f} MB/s  (limit)")
    print(f"raw disk write+fsync          {limits.disk:8.0f} MB/s")
    print(f"raw open work (serial)        {limits.open_work:8.0f} MB/s  "
          f"(decrypt + 2 × SHA-256 + write)")  # fmt: skip
    print(f"open_part in-process          {raw.wall:8.0f} MB/s  = {raw.wall / limits.decrypt:.2f} "
          f"x raw ({args.raw_bids} bids, to disk; {raw.cpu:.0f} MB per CPU s)")  # fmt: skip
    print(f"server opening                {rate:8.0f} MB/s  = {rate / limits.decrypt:.2f} x raw, "
          f"{rate / raw.wall:.2f} x open_part, {rate / limits.open_work:.2f} x open work "
          f"({wall:.1f} s for {total:.0f} MB)")  # fmt: skip
    print(f"server+workers CPU (opening)  {o.cpu_seconds:8.1f} s = {o.cpu_seconds / wall:.2f} "
          f"cores of {os.cpu_count()}; {cpu_rate:.0f} MB per CPU s "
          f"= {cpu_rate / raw.cpu:.2f} x open_part's")  # fmt: skip
    print(f"k-th CLI start → its release  {o.kth_release_received - o.kth_release_sent:8.1f} s "
          f"(downloads and hashes every part first)")  # fmt: skip
    print(f"whole release (1st CLI→record){o.recorded - o.first_release:8.1f} s "
          f"({K} officials in turn)")  # fmt: skip
    print(f"slowest GET lot progress      {o.progress_max_ms / 1000:8.1f} s  (during the k-th "
          f"release; reads without the tender's row lock)")  # fmt: skip
    print(f"slowest GET tender            {o.light_max_ms:8.0f} ms (no lock)")
    print(f"plaintext written             {out.opened_bytes / MB:8.0f} MB; at most "
          f"{o.dirty_max_mb:.0f} MB dirty in the page cache meanwhile (machine-wide)")  # fmt: skip
    print(f"server+workers peak (VmHWM)   {o.peak_kib / 1024:8.0f} MB (reset before the releases)")
    print(f"load average before opening   {out.load}")
    print(
        f"opening worker processes      "
        f"{os.environ.get('ETENDER_OPENING_PROCESSES', '0')} (0: threads)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bidders", type=int, default=20)
    parser.add_argument("--size-mb", type=int, default=20)
    parser.add_argument("--raw-bids", type=int, default=10, help="bids opened in-process")
    parser.add_argument("--deadline-seconds", type=float, default=0.0,
                        help="from publication; default 30 s + 1 s per 15 MB")  # fmt: skip
    parser.add_argument("--py-spy", type=Path, default=None,
                        help="profile the server during the opening into this file "
                             "(collapsed stacks; needs `pip install py-spy`)")  # fmt: skip
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
