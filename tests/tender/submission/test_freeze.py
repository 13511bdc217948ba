"""The deadline: late submissions refused, races decided by the row lock, freeze lists."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from signing.cms import verify_detached
from signing.log.entry import LogEntry, reveal_matches
from signing.statements.bid import PartHash, SubmitStatement
from tender import queries
from tender.lifecycle import load
from tender.model import Tender, TenderStatus
from tender.submission import freeze
from tender.submission import queries as bid_queries
from tender.submission.context import Receipt
from tender.submission.model import (
    BidDeadlinePassed,
    BidDuplicate,
    BidsFrozen,
    BidStatus,
    FreezeTooEarly,
)
from tender.submission.service import submit_bid
from tender.submission.uploads import create_upload, write_chunk
from tests.tender.clock import fast_forward
from tests.tender.submission.kit import (
    Bidder,
    make_submission,
    seal_for,
    sealed_committee,
    sign_submit,
    stream,
    submit_sealed,
    upload,
)
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.world import SOON, World, entries, published_tender, wait_until


def _deadline(tender: Tender) -> dt.datetime:
    assert tender.deadline is not None
    return tender.deadline


async def _soon_tender(conn: asyncpg.Connection, world: World) -> Tender:
    """A tender with a comfortable deadline: tests make it pass with fast_forward (no
    bid here is opened, so the deadline its parts are sealed to may move)."""
    return await published_tender(conn, world, setup=world.setup(SOON))


async def test_at_the_deadline_late_bids_are_refused_and_the_freeze_list_keeps_the_last_complete(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path,
    owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """v1 stands when v2's upload is unfinished; late chunks and submits refused; frozen."""
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    first, second = make_bidder(world, 0), make_bidder(world, 1)
    v1 = (await submit_sealed(conn, pool, sub, world, tender, first)).version
    await submit_sealed(conn, pool, sub, world, tender, second)
    with pytest.raises(FreezeTooEarly):
        await freeze.freeze_tender(conn, tender.id)
    data = seal_for(world, await sealed_committee(conn, tender), first, price=1)
    digest = hashlib.sha256(data).hexdigest()
    half = await create_upload(
        conn, first.actor, tender.id, "1", part="main", size=len(data), sha256=digest, sub=sub,
    )  # fmt: skip
    await write_chunk(pool, first.actor, half.id, offset=0, chunks=stream(data[:500]), sub=sub)
    await fast_forward(owner_conn, tender.id, "deadline")
    tender = await load(conn, tender.id)
    with pytest.raises(BidDeadlinePassed):
        await write_chunk(
            pool, first.actor, half.id, offset=500, chunks=stream(data[500:]), sub=sub
        )
    late = sign_submit(tender, first, {"main": v1.parts[0].sha256}, version=2,
                       previous=v1.statement_sha256)  # fmt: skip
    with pytest.raises(BidDeadlinePassed):
        await submit_bid(conn, first.actor, tender.id, "1", late, sub=sub)
    lists = await freeze.freeze_tender(conn, tender.id)
    again = await freeze.freeze_tender(conn, tender.id)
    assert lists == again
    assert len(lists) == 1
    frozen = lists[0]
    assert {e.bidder_credit_code for e in frozen.entries} == {
        first.org.credit_code,
        second.org.credit_code,
    }
    mine = next(e for e in frozen.entries if e.bidder_id == first.org.id)
    assert (mine.version, mine.parts) == (1, v1.parts)
    found = await freeze.my_freeze_entry(conn, second.actor, tender.id, "1")
    assert found is not None
    assert found[1] is not None
    assert found[1].bidder_credit_code == second.org.credit_code
    logged = (await entries(conn, "tender.bids_frozen"))[0].data
    submitted = await entries(conn, "tender.bid_submitted")
    for item in logged["bids"]:
        salt = bytes.fromhex(item["bidder_salt"])
        assert any(reveal_matches(e.data["bidder"], item["bidder"], salt) for e in submitted)
        for each in item["version_salts"]:  # every version's own salt (upload.md §5)
            salt = bytes.fromhex(each["bidder_salt"])
            assert any(reveal_matches(e.data["bidder"], item["bidder"], salt) for e in submitted)
        await _statement_checks_out(conn, world, tender, item, submitted)
    assert (await load(conn, tender.id)).status is TenderStatus.BIDDING_CLOSED


def _docs_commit(label: bytes, value: str, salt: bytes) -> str:
    """commit() as docs/audit-log.md §1.2 writes it (an outsider's, not the platform's)."""

    def lp(x: bytes) -> bytes:
        return len(x).to_bytes(4, "big") + x

    return hashlib.sha256(lp(label) + lp(salt) + lp(value.encode())).hexdigest()


async def _statement_checks_out(
    conn: asyncpg.Connection, world: World, tender: Tender, item: dict[str, Any],
    submitted: list[LogEntry],
) -> None:  # fmt: skip
    """upload.md §5, after the freeze, from published data: the final version's statement
    rebuilt from its freeze line hashes to the revealed `statement_sha256`, which the
    salt opens in the version's entry (`data.statement`), and the statement's signature
    (what the tender's archive publishes) verifies over the rebuilt bytes."""
    (final,) = [v for v in item["version_salts"] if v["version"] == item["version"]]
    (entry,) = [e for e in submitted if e.data["bidder"] == final["bidder_commitment"]]
    salt = bytes.fromhex(final["bidder_salt"])
    label = b"etender-bid-statement-v1"
    assert entry.data["statement"] == _docs_commit(label, final["statement_sha256"], salt)
    rebuilt = SubmitStatement(
        tender=str(tender.code), lot="1", bidder=item["bidder"],
        consortium=tuple(item["consortium"]), bid_version=item["version"],
        parts=tuple(PartHash(label=p["label"], sha256=p["sha256"]) for p in item["parts"]),
        previous=None,  # version 1 here
    ).to_bytes()  # fmt: skip
    assert hashlib.sha256(rebuilt).hexdigest() == final["statement_sha256"]
    row = await conn.fetchrow(
        "SELECT signature, received_at FROM bid_versions WHERE statement_sha256 = $1",
        final["statement_sha256"],
    )
    verify_detached(rebuilt, bytes(row["signature"]), world.ca.trust_store(), row["received_at"])


async def test_the_database_refuses_any_change_to_frozen_bids(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, pool: asyncpg.Pool, world: World,
    tmp_path: Path,
) -> None:  # fmt: skip
    """Even the database owner cannot update a frozen bid or add a version (trigger)."""
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    who = make_bidder(world, 0)
    await submit_sealed(conn, pool, sub, world, tender, who)
    await fast_forward(owner_conn, tender.id, "deadline")
    await freeze.freeze_tender(conn, tender.id)
    for sql in (
        "UPDATE bids SET status = 'withdrawn'",
        "DELETE FROM bid_parts",
        "UPDATE bid_freeze_entries SET version = 2",
        "DELETE FROM bid_freeze_lists",
    ):
        with pytest.raises(asyncpg.CheckViolationError):
            await owner_conn.execute(sql)
    bid_id = await conn.fetchval("SELECT id FROM bids")
    with pytest.raises(BidsFrozen):
        await bid_queries.update_bid(conn, bid_id, BidStatus.WITHDRAWN, 2, ())


async def test_two_concurrent_first_submissions_for_one_lot_leave_one_bid(
    pool: asyncpg.Pool, conn: asyncpg.Connection, world: World, tmp_path: Path
) -> None:
    """Two connections submit version 1 of one bidder at once: one bid, one refusal."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    who = make_bidder(world, 0)
    sealed_to = await sealed_committee(conn, tender)
    signed = []
    for price in (1, 2):
        done = await upload(
            conn, pool, sub, tender, who, seal_for(world, sealed_to, who, price=price)
        )
        signed.append(sign_submit(tender, who, {"main": done.declared_sha256}))

    async def attempt(index: int) -> object:
        async with pool.acquire() as own:
            return await submit_bid(own, who.actor, tender.id, "1", signed[index], sub=sub)

    results = await asyncio.gather(attempt(0), attempt(1), return_exceptions=True)
    assert sum(isinstance(r, Receipt) for r in results) == 1
    assert sum(isinstance(r, BidDuplicate) for r in results) == 1
    assert await conn.fetchval("SELECT count(*) FROM bids") == 1
    assert await conn.fetchval("SELECT count(*) FROM bid_versions") == 1


async def test_a_submission_racing_the_freeze_at_the_deadline_is_a_bid_or_not_never_both(
    pool: asyncpg.Pool, conn: asyncpg.Connection, world: World, tmp_path: Path,
    owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """A submission holding the lock across the deadline is in the freeze list; one after is out."""
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    early, late = make_bidder(world, 0), make_bidder(world, 1)
    sealed_to = await sealed_committee(conn, tender)
    statements = {}
    for who in (early, late):
        done = await upload(conn, pool, sub, tender, who, seal_for(world, sealed_to, who))
        statements[who.org.id] = sign_submit(tender, who, {"main": done.declared_sha256})
    # Everything is ready: now the deadline comes within 3 s (nothing else must beat it).
    await fast_forward(owner_conn, tender.id, "deadline", before=dt.timedelta(seconds=3))
    deadline = _deadline(await load(conn, tender.id))
    # Take the lock just before the deadline so every other party waits across it.
    async with pool.acquire() as holder, holder.transaction():
        await holder.execute("SELECT 1 FROM tenders WHERE id = $1 FOR UPDATE", tender.id)
        await wait_until(conn, deadline - dt.timedelta(seconds=0.5))

        async def submit(who: Bidder) -> object:
            async with pool.acquire() as own:
                return await submit_bid(
                    own, who.actor, tender.id, "1", statements[who.org.id], sub=sub
                )

        async def freezing() -> object:
            async with pool.acquire() as own:
                return await freeze.freeze_tender(own, tender.id)

        tasks = [asyncio.ensure_future(submit(early)), asyncio.ensure_future(freezing())]
        await asyncio.sleep(0.2)
        await wait_until(conn, deadline)
        assert await queries.database_now(conn) >= deadline
    results = await asyncio.gather(*tasks, return_exceptions=True)
    late_result = await asyncio.gather(submit(late), return_exceptions=True)
    assert isinstance(late_result[0], BidDeadlinePassed)
    frozen = await freeze.freeze_list(conn, tender.id, "1")
    assert frozen is not None
    in_list = {e.bidder_id for e in frozen.entries}
    versions = await conn.fetchval("SELECT count(*) FROM bid_versions")
    # Whichever order the lock granted: receipt ⇔ in the freeze list ⇔ a stored version.
    got_receipt = isinstance(results[0], Receipt)
    assert got_receipt == (early.org.id in in_list) == (versions == 1)
    first = results[0]
    assert not isinstance(first, Receipt) or first.version.received_at < deadline
    assert got_receipt or isinstance(results[0], BidDeadlinePassed)
    assert late.org.id not in in_list
