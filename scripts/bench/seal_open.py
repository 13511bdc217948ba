"""Benchmark: seal and open bids of 20 MB and 500 MB; throughput against the one-core limit.

The limit is the rate of touching every byte once with SHA-256 and once with
ChaCha20-Poly1305 on one core, 1 / (1/SHA + 1/ChaCha), both measured in this run
over out-of-cache 64 KiB buffers. Sealing and opening each run in a child process,
so the peak RSS (VmHWM) is theirs alone.

    .venv/bin/python scripts/bench/seal_open.py [--sizes 20,500] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from signing import pipe
from signing.age import X25519Identity
from signing.certs import (
    SigningKey,
    cert_sha256,
    dump_pem_certificate,
    dump_pem_private_key,
    load_pem_certificate,
    load_pem_certificates,
    load_pem_private_key,
)
from signing.cms import sign_detached, verify_detached
from signing.committee import Committee, Official, dump_committee, load_committee
from signing.demo_ca import create_demo_ca, issue_identity
from signing.manifest import BidInfo
from signing.sealed_bid import BidFile, open_part, seal_part
from signing.statements.recipient import RecipientStatement
from signing.trust import TrustStore

MB = 1_000_000
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def raw_rates(total: int = 512 * 1024 * 1024) -> tuple[float, float]:
    """(SHA-256, ChaCha20-Poly1305) bytes per second, 64 KiB calls over a 64 MiB buffer."""
    buffer = memoryview(os.urandom(64 * 1024 * 1024))
    pieces = [buffer[i : i + 65536] for i in range(0, len(buffer), 65536)]
    rounds = total // len(buffer)
    digest = hashlib.sha256()
    start = time.perf_counter()
    for _ in range(rounds):
        for piece in pieces:
            digest.update(piece)
    sha = total / (time.perf_counter() - start)
    aead = ChaCha20Poly1305(os.urandom(32))
    nonce = bytes(12)
    start = time.perf_counter()
    for _ in range(rounds):
        for piece in pieces:
            aead.encrypt(nonce, piece, None)
    return sha, total / (time.perf_counter() - start)


def prepare(directory: Path) -> None:
    """A demo CA, a committee of 5 (k = 3) with statements, a bidder with its keys."""
    ca = create_demo_ca(now=NOW - dt.timedelta(days=1))
    officials = []
    for x in range(1, 6):
        person = issue_identity(ca, name=f"official {x}", now=NOW - dt.timedelta(days=1))
        recipient = X25519Identity.generate().recipient().encode()
        statement = RecipientStatement.for_certificate(recipient, person.certificate, NOW)
        officials.append(
            Official(
                x=x,
                recipient=recipient,
                cert_sha256=cert_sha256(person.certificate),
                certificate=person.certificate,
                statement=statement.sign(person.certificate, person.key, chain=person.chain),
            )
        )
    committee = Committee(
        tender="BENCH", lot="1", deadline=NOW, k=3, n=5, officials=tuple(officials)
    )
    bidder = issue_identity(ca, name="bidder", now=NOW - dt.timedelta(days=1))
    (directory / "committee.json").write_bytes(dump_committee(committee))
    (directory / "root.crt").write_bytes(dump_pem_certificate(ca.root_cert))
    (directory / "bidder.crt").write_bytes(
        dump_pem_certificate(bidder.certificate) + dump_pem_certificate(bidder.chain[0])
    )
    (directory / "bidder.key").write_bytes(dump_pem_private_key(bidder.key))
    (directory / "bidder.agekey").write_text(X25519Identity.generate().encode())


Material = tuple[Committee, TrustStore, tuple[x509.Certificate, ...], SigningKey, X25519Identity]


def _material(directory: Path) -> Material:
    committee = load_committee((directory / "committee.json").read_bytes())
    trust = TrustStore(roots=(load_pem_certificate((directory / "root.crt").read_bytes()),))
    certs = load_pem_certificates((directory / "bidder.crt").read_bytes())
    key = load_pem_private_key((directory / "bidder.key").read_bytes())
    identity = X25519Identity.parse((directory / "bidder.agekey").read_text().strip())
    return committee, trust, certs, key, identity


def child_seal(directory: Path, size: int) -> dict[str, float]:
    """Seal ``input.bin`` into ``bid.age``; report seconds and peak RSS."""
    committee, trust, certs, key, identity = _material(directory)
    start, cpu = time.perf_counter(), _cpu()
    with (directory / "input.bin").open("rb") as source, (directory / "bid.age").open("wb") as out:
        seal_part(
            out,
            committee=committee,
            trust=trust,
            at=NOW,
            bidder_recipient=identity.recipient(),
            info=BidInfo(
                tender="BENCH", lot="1", part="main", bidder="bidder", fields={"price": 1}
            ),
            files=[BidFile(name="input.bin", size=size, source=source)],
            sign=lambda m: sign_detached(m, certs[0], key, chain=certs[1:]),
        )
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "rss": _rss()}


def child_open(directory: Path) -> dict[str, float]:
    """Open ``bid.age`` with the bidder identity into ``opened/``; seconds and peak RSS."""
    committee, trust, _, _, identity = _material(directory)
    start, cpu = time.perf_counter(), _cpu()
    with (directory / "bid.age").open("rb") as source:
        open_part(
            source,
            committee=committee,
            part="main",
            identities=[identity],
            verify=lambda m, s: verify_detached(m, s, trust, NOW),
            output=directory / "opened",
        )
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "rss": _rss()}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # all threads of this process
    return usage.ru_utime + usage.ru_stime


def _rss() -> float:
    """Peak resident set of this process in MB: VmHWM, which exec resets (ru_maxrss
    keeps the forking parent's peak across exec on Linux, so it would overstate)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / MB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB


def _generate(path: Path, size: int) -> None:
    block = os.urandom(1024 * 1024)
    with path.open("wb") as out:
        for offset in range(0, size, len(block)):
            out.write(block[: min(len(block), size - offset)])


def _child(*args: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, check=True, text=True
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _fresh(directory: Path) -> None:
    shutil.rmtree(directory / "opened", ignore_errors=True)
    (directory / "bid.age").unlink(missing_ok=True)


def _limit(total: int = 128 * 1024 * 1024) -> float:
    """The one-core limit now, 1 / (1/SHA + 1/ChaCha) in bytes per second."""
    sha, chacha = raw_rates(total)
    return 1 / (1 / sha + 1 / chacha)


def _rounds(directory: Path, size: int, repeat: int) -> dict[str, list[dict[str, float]]]:
    """``repeat`` rounds of limit, seal, limit, open: each operation's figures with the
    limit measured just before it and the load average, so drift cancels in the ratio."""
    rounds: dict[str, list[dict[str, float]]] = {"seal": [], "open": []}
    for _ in range(repeat):
        _fresh(directory)
        for op, args in (
            ("seal", ("seal", str(directory), str(size))),
            ("open", ("open", str(directory))),
        ):
            limit = _limit()
            load = float(Path("/proc/loadavg").read_text().split()[0])
            rounds[op].append(_child(*args) | {"limit": limit, "load": load})
    return rounds


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def run(sizes: list[int], base: Path | None, repeat: int) -> None:
    """One line per operation and size: median and best of ``repeat`` interleaved rounds.

    The 0 MB bid gives the fixed cost (checking the officials' recipient statements,
    signing or verifying the manifest, key wrapping; median seconds); each size's
    per-byte rate is its size over its time less that fixed cost. Ratios are to the
    one-core limit measured just before each operation."""
    print(f"one-core limit now {_limit() / MB:.0f} MB/s; ratios below use each round's own")
    print(
        f"{'size':>8} {'op':>5} {'median':>8} {'best':>6} {'per byte':>9} {'best':>6} "
        f"{'cores':>6} {'limit MB/s':>10} {'peak RSS':>9} {'load':>10}"
    )
    fixed: dict[str, float] = {}
    for megabytes in [0, *sizes]:
        directory = Path(tempfile.mkdtemp(prefix="seal-open-", dir=base))
        try:
            prepare(directory)
            size = megabytes * MB
            _generate(directory / "input.bin", size)
            for op, figures in _rounds(directory, size, repeat).items():
                rss = max(f["rss"] for f in figures)
                loads = (
                    f"{min(f['load'] for f in figures):.1f}–{max(f['load'] for f in figures):.1f}"
                )
                if not size:
                    fixed[op] = _median([f["seconds"] for f in figures])
                    print(f"{0:>5} MB {op:>5} fixed cost {fixed[op] * 1000:.0f} ms (median)"
                          f"{rss:>38.0f} MB {loads:>10}")  # fmt: skip
                    continue
                whole = [size / f["seconds"] / f["limit"] for f in figures]
                per_byte = [
                    size / max(f["seconds"] - fixed[op], 1e-9) / f["limit"] for f in figures
                ]
                cores = _median([f["cpu"] / f["seconds"] for f in figures])
                limit = _median([f["limit"] for f in figures]) / MB
                print(
                    f"{megabytes:>5} MB {op:>5} {_median(whole):>7.0%} {max(whole):>6.0%} "
                    f"{_median(per_byte):>8.0%} {max(per_byte):>6.0%} {cores:>6.2f} "
                    f"{limit:>10.0f} {rss:>6.0f} MB {loads:>10}"
                )
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def cpu_limit(total: int = 256 * 1024 * 1024) -> float:
    """The one-core limit by this thread's CPU time, not the wall clock: what a core
    does when it runs, whatever else the machine runs (bytes per second)."""
    buffer = memoryview(os.urandom(64 * 1024 * 1024))
    pieces = [buffer[i : i + 65536] for i in range(0, len(buffer), 65536)]
    rounds, digest = total // len(buffer), hashlib.sha256()
    started = time.thread_time()
    for _ in range(rounds):
        for piece in pieces:
            digest.update(piece)
    sha = total / (time.thread_time() - started)
    aead, nonce = ChaCha20Poly1305(os.urandom(32)), bytes(12)
    started = time.thread_time()
    for _ in range(rounds):
        for piece in pieces:
            aead.encrypt(nonce, piece, None)
    return 1 / (1 / sha + 1 / (total / (time.thread_time() - started)))


def cpu_ceiling(directory: Path, megabytes: int, repeat: int) -> None:
    """Per-thread CPU seconds of in-process seals and opens, and the rate two free cores
    would give: size over the busiest thread or half the total CPU, whichever is more.
    Load-independent (CPU time, not wall time): the design's ceiling on this machine."""
    spent: list[float] = []
    original = pipe.Pipe._run

    def timed(self: pipe.Pipe) -> None:
        try:
            original(self)
        finally:
            spent.append(time.thread_time())  # the worker's CPU when it ends

    pipe.Pipe._run = timed  # type: ignore[method-assign]
    size = megabytes * MB
    directory.mkdir(parents=True, exist_ok=True)
    prepare(directory)
    _generate(directory / "input.bin", size)
    for op in ("seal", "open") * repeat:
        limit = cpu_limit()
        spent.clear()
        if op == "seal":
            _fresh(directory)
        else:
            shutil.rmtree(directory / "opened", ignore_errors=True)
        main = time.thread_time()
        child_seal(directory, size) if op == "seal" else child_open(directory)
        main = time.thread_time() - main
        busiest = max([main, *spent, (main + sum(spent)) / 2])
        print(
            f"{megabytes} MB {op}: main thread {main:.2f} s, workers "
            f"{', '.join(f'{w:.2f}' for w in sorted(spent, reverse=True)[:2])} s, total "
            f"{main + sum(spent):.2f} s → two free cores: {size / busiest / MB:.0f} MB/s = "
            f"{size / busiest / limit:.0%} of the one-core limit ({limit / MB:.0f} MB/s by CPU "
            f"time); load {Path('/proc/loadavg').read_text().split()[0]}"
        )


def main() -> None:
    """Parse arguments; as ``--child`` run one timed operation and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,500", help="bid sizes in MB, comma-separated")
    parser.add_argument("--dir", type=Path, help="where to put the files (default: system temp)")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds per figure")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument(
        "--cpu-ceiling", type=int, metavar="MB", help="per-thread CPU of in-process runs instead"
    )
    args = parser.parse_args()
    if args.cpu_ceiling:
        directory = Path(tempfile.mkdtemp(prefix="seal-open-", dir=args.dir))
        try:
            cpu_ceiling(directory, args.cpu_ceiling, args.repeat)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    if args.child:
        op, directory = args.child[0], Path(args.child[1])
        figures = (
            child_seal(directory, int(args.child[2])) if op == "seal" else child_open(directory)
        )
        print(json.dumps(figures))
        return
    run([int(s) for s in args.sizes.split(",")], args.dir, args.repeat)


if __name__ == "__main__":
    main()
