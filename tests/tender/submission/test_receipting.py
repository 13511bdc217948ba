"""Receipts signed after the log integrates the version's entry (issue 17, item 2;
docs/formats/upload.md §3.1, §4; tender/submission/receipting.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from audit import leader
from audit import service as audit
from audit.errors import LogNotIntegrated
from audit.service import PLATFORM
from signing.log.checkpoint import open_checkpoint
from signing.log.entry import LogEntry
from tender.submission import freeze, receipting
from tender.submission.service import my_bid, my_receipt
from tests.conftest import CloneDatabase
from tests.tender.clock import fast_forward
from tests.tender.submission.kit import bidder, make_submission, submit_sealed, verify_inclusion
from tests.tender.world import SOON, World, published_tender


async def test_a_receipt_names_the_index_the_leader_gave_and_proves_it(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    world: World,
    tmp_path: Path,
    database: CloneDatabase,
) -> None:
    """With a leader on another connection, the submit call waits by notification for
    integration; the signed receipt names the entry's index and its proof verifies."""
    sub = make_submission(world, tmp_path)
    elected = asyncio.Event()
    leading = asyncio.create_task(
        leader.lead(lambda: asyncpg.connect(database.app_dsn), sub.log_identity,
                    interval=3600.0, elected=elected)
    )  # fmt: skip
    try:
        await elected.wait()
        tender = await published_tender(conn, world)
        who = bidder(world, 0)
        receipt = await submit_sealed(conn, pool, sub, world, tender, who)
    finally:
        leading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await leading
    version = receipt.version
    queued = await conn.fetchval("SELECT log_queued FROM bid_versions WHERE bid_id = $1",
                                 version.bid_id)  # fmt: skip
    index = await conn.fetchval("SELECT idx FROM log_entries WHERE queued = $1", queued)
    assert json.loads(version.receipt)["log_index"] == version.log_index == index
    assert receipt.checkpoint is not None
    checkpoint, _ = open_checkpoint(receipt.checkpoint, sub.log_identity.signer.verifier())
    proof = list(receipt.inclusion_proof)
    assert verify_inclusion(index, checkpoint.size, receipt.entry, proof, checkpoint.root_hash)


async def test_a_recorded_version_waiting_for_the_log_gets_its_receipt_on_the_next_read(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    world: World,
    tmp_path: Path,
    database: CloneDatabase,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A leader that does not integrate: the submit answers log_not_integrated with the
    version recorded but unlisted; its receipt can be filled only with its own entry's
    index, once; the next read after the leader is gone issues it."""
    monkeypatch.setattr(receipting, "RECEIPT_WAIT_SECONDS", 0.3)
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    who = bidder(world, 0)
    stuck = await asyncpg.connect(database.app_dsn)  # holds the leader's lock, never integrates
    try:
        assert await stuck.fetchval("SELECT pg_try_advisory_lock($1)", 0x6C_6F_67_6C_64_72)
        with pytest.raises(LogNotIntegrated):
            await submit_sealed(conn, pool, sub, world, tender, who)
        _, versions = await my_bid(conn, who.actor, tender.id, "1")
        assert versions == []
        row = await conn.fetchrow("SELECT bid_id, log_index, log_queued FROM bid_versions")
        assert row is not None
        assert row["log_index"] is None
        await audit.integrate(conn)
        index = await conn.fetchval("SELECT idx FROM log_entries WHERE queued = $1",
                                    row["log_queued"])  # fmt: skip
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE bid_versions SET log_index = $1, receipt = 'x', "
                               "receipt_signature = 'y'", index + 1)  # fmt: skip
    finally:
        await stuck.close()
    receipt = await my_receipt(conn, who.actor, tender.id, "1", 1, sub)
    assert receipt.version.log_index == index
    assert receipt.checkpoint is not None
    checkpoint, _ = open_checkpoint(receipt.checkpoint, sub.log_identity.signer.verifier())
    proof = list(receipt.inclusion_proof)
    assert verify_inclusion(index, checkpoint.size, receipt.entry, proof, checkpoint.root_hash)
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute("UPDATE bid_versions SET receipt = 'x'")


async def test_the_freeze_integrates_what_was_queued_before_it_and_follows_it_in_the_log(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, world: World
) -> None:
    """An entry queued and committed before the freeze, with no leader running, gets a
    smaller index than the freeze's own entry."""
    tender = await published_tender(conn, world, setup=world.setup(SOON))
    async with conn.transaction():
        queued = await audit.queue(conn, LogEntry(
            kind="test.before_freeze", time=datetime.now(UTC), actor=PLATFORM, data={},
        ))  # fmt: skip
    await fast_forward(owner_conn, tender.id, "deadline")
    [frozen] = await freeze.freeze_tender(conn, tender.id)
    before = await audit.indexes_of(conn, [queued])
    assert before[queued] < frozen.log_index
