"""The opening's worker processes (tender/opening/workers.py; issue 17 item 1).

Parts open in worker processes with the same outcomes as on threads — a copy of another
bidder's file still fails as ``not_the_bidders_own`` with nothing of it placed — and a
worker killed mid-part leaves nothing half-written: its staging goes and the part opens
again on a thread, so the opening completes.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import asyncpg

from tender.opening.lot import Opening
from tender.opening.model import Outcome
from tender.opening.workers import STAGED, OpeningWorkers, PartDone, PartTask, open_staged
from tender.submission import freeze
from tender.submission.context import Submission
from tender.submission.receipts import load_or_create
from tests.tender.opening.test_decrypt import PRICES, _copy_of, _open_lot, _soon_tender
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.submission.kit import make_submission, submit_sealed
from tests.tender.world import World, wait_until


def die_once(task: PartTask) -> PartDone:
    """The first part any worker of the lot takes: half a file staged, then SIGKILL."""
    marker = task.staging.parent.parent / ".a-worker-was-killed"
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return open_staged(task)
    (task.staging / STAGED).mkdir()
    (task.staging / STAGED / "bid.bin").write_bytes(b"half")
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def _opening(sub: Submission, tmp_path: Path, world: World, workers: OpeningWorkers) -> Opening:
    return Opening(
        store=sub.store,
        trust=world.ca.trust_store(),
        signer=load_or_create(tmp_path / "platform").identity,
        output_root=tmp_path / "opened",
        workers=workers,
    )


def _hidden(root: Path) -> list[Path]:
    """Staging and temporary directories left anywhere below the opened files' root."""
    return [p for p in root.rglob(".*") if p.name != ".a-worker-was-killed"]


async def test_parts_open_in_worker_processes_as_on_threads_and_a_copy_is_still_refused(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    a, b, c = (make_bidder(world, i) for i in range(3))
    await _copy_of(conn, pool, sub, world, tender, a, b)
    await submit_sealed(conn, pool, sub, world, tender, c, price=PRICES[2])
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    await freeze.freeze_tender(conn, tender.id)
    workers = OpeningWorkers(2)
    try:
        done = await _open_lot(conn, world, tender, sub, _opening(sub, tmp_path, world, workers))
    finally:
        workers.close()
    outcomes = {s.bidder: (s.outcome, s.cause) for s in done.statuses}
    assert outcomes == {
        a.org.credit_code: (Outcome.OPENED, None),
        b.org.credit_code: (Outcome.REVOKED, "not_the_bidders_own"),
        c.org.credit_code: (Outcome.OPENED, None),
    }
    frozen = (await freeze.freeze_tender(conn, tender.id))[0].entries
    lot = tmp_path / "opened" / str(tender.id) / "1"
    placed = {e.bidder_id: (lot / str(e.bid_id) / "main").is_dir() for e in frozen}
    assert placed == {a.org.id: True, b.org.id: False, c.org.id: True}
    assert _hidden(tmp_path / "opened") == []


async def test_a_worker_killed_mid_part_leaves_nothing_half_written_and_the_opening_completes(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    for i, price in enumerate(PRICES):
        await submit_sealed(conn, pool, sub, world, tender, make_bidder(world, i), price=price)
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    await freeze.freeze_tender(conn, tender.id)
    workers = OpeningWorkers(1, worker=die_once)
    try:
        done = await _open_lot(conn, world, tender, sub, _opening(sub, tmp_path, world, workers))
    finally:
        workers.close()
    assert [(s.outcome, s.cause) for s in done.statuses] == [(Outcome.OPENED, None)] * 3
    assert done.record is not None
    lot = tmp_path / "opened" / str(tender.id) / "1"
    assert (lot / ".a-worker-was-killed").exists()  # a worker did die mid-part
    assert _hidden(tmp_path / "opened") == []  # its half file went with its staging
    for bid in lot.iterdir():
        if bid.is_dir():
            assert b"half" not in b"".join(f.read_bytes() for f in bid.rglob("*") if f.is_file())
