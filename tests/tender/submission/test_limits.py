"""Caps per bidder on uploads not in a bid (issue 9, item 9; docs/formats/upload.md §2.5).

One organisation opened 40 uploads declaring 1 GiB each. Now its open uploads per lot
and the bytes it holds outside any bid are capped, with named errors, and two
concurrent creations (two real connections) cannot both slip under a cap.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from pathlib import Path

import asyncpg
import pytest

from tender.errors import PolicyInvalid
from tender.model import Tender
from tender.policy import UploadLimits, upload_limits
from tender.submission.context import Submission
from tender.submission.model import Upload, UploadsOpenTooMany, UploadsStagedTooLarge
from tender.submission.uploads import create_upload
from tests.tender.submission.kit import (
    Bidder,
    bidder,
    make_submission,
    seal_for,
    sealed_committee,
    submit_sealed,
    upload,
)
from tests.tender.world import World, published_tender
from web.errormap import status_for


async def _open(
    conn: asyncpg.Connection, sub: Submission, tender: Tender, who: Bidder,
    *, size: int = 1000, part: str = "main", salt: bytes = b"",
) -> Upload:  # fmt: skip
    digest = hashlib.sha256(salt + size.to_bytes(8, "big")).hexdigest()
    return await create_upload(
        conn, who.actor, tender.id, "1", part=part, size=size, sha256=digest, sub=sub
    )


def _capped(sub: Submission, **caps: int) -> Submission:
    return dataclasses.replace(sub, upload_limits=UploadLimits(**caps))


async def test_open_uploads_per_bidder_and_lot_are_capped_with_their_ids_in_details(
    conn: asyncpg.Connection, world: World, tmp_path: Path
) -> None:
    """The third open upload of a lot is refused (cap 2); another lot and another
    bidder are not affected."""
    sub = _capped(make_submission(world, tmp_path), open_per_lot=2)
    tender, other = await published_tender(conn, world), await published_tender(conn, world)
    one = bidder(world, 0)
    opened = [await _open(conn, sub, tender, one, salt=bytes([i])) for i in range(2)]
    with pytest.raises(UploadsOpenTooMany) as refused:
        await _open(conn, sub, tender, one, salt=b"third")
    assert refused.value.code == "bid_upload_open_limit_conflict"
    assert refused.value.details == {"limit": 2, "open": [str(u.id) for u in opened]}
    assert status_for(refused.value) == 409
    await _open(conn, sub, other, one)
    await _open(conn, sub, tender, bidder(world, 1))
    count = await conn.fetchval("SELECT count(*) FROM bid_uploads WHERE status = 'open'")
    assert count == 4  # nothing half-written by the refusal


async def test_staged_bytes_per_organisation_are_capped_and_submitted_parts_do_not_count(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Open uploads count their declared size across tenders, complete ones never
    submitted their size; a part in a bid does not count."""
    tender, other = await published_tender(conn, world), await published_tender(conn, world)
    one = bidder(world, 0)
    base = make_submission(world, tmp_path)
    await submit_sealed(conn, pool, base, world, tender, one)  # its part is in a bid
    unsent = seal_for(world, await sealed_committee(conn, other), one, price=7)
    await upload(conn, pool, base, other, one, unsent)  # complete, never submitted
    held = len(unsent)
    sub = _capped(base, staged_bytes=1500 + held)
    await _open(conn, sub, tender, one, size=1000)
    with pytest.raises(UploadsStagedTooLarge) as refused:
        await _open(conn, sub, other, one, size=600)
    assert refused.value.code == "bid_upload_staged_limit_conflict"
    assert refused.value.details == {
        "limit_bytes": 1500 + held, "staged_bytes": 1000 + held, "declared_size": 600
    }  # fmt: skip
    assert status_for(refused.value) == 409
    await _open(conn, sub, other, one, size=500)  # exactly up to the cap


async def _lock_waiters(conn: asyncpg.Connection, pids: set[int]) -> int:
    rows = await conn.fetch(
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = ANY($1)",
        list(pids),
    )
    return len(rows)


async def test_two_concurrent_creations_cannot_both_pass_the_open_cap(
    pool: asyncpg.Pool, owner_conn: asyncpg.Connection, world: World,
    tmp_path: Path, conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """Cap 1: two creations on two connections, released together, give one upload and
    one refusal (they serialise on the organisation's row lock)."""
    sub = _capped(make_submission(world, tmp_path), open_per_lot=1)
    tender = await published_tender(conn, world)
    one = bidder(world, 0)
    a, b = await pool.acquire(), await pool.acquire()
    try:
        pids = {a.get_server_pid(), b.get_server_pid()}
        async with owner_conn.transaction():  # holds the organisation's row meanwhile
            await owner_conn.execute(
                "SELECT 1 FROM organisations WHERE id = $1 FOR UPDATE", one.actor.organisation_id
            )
            racing = [
                asyncio.ensure_future(_open(c, sub, tender, one, salt=s))  # type: ignore[arg-type]
                for c, s in ((a, b"a"), (b, b"b"))
            ]
            for _ in range(200):  # both are queued on the lock (or, unlocked, done)
                if await _lock_waiters(owner_conn, pids) == 2 or all(r.done() for r in racing):
                    break
                await asyncio.sleep(0.05)
        results = await asyncio.gather(*racing, return_exceptions=True)
    finally:
        await pool.release(a)
        await pool.release(b)
    made = [r for r in results if isinstance(r, Upload)]
    refused = [r for r in results if isinstance(r, UploadsOpenTooMany)]
    assert (len(made), len(refused)) == (1, 1), results
    opened = await conn.fetch("SELECT id FROM bid_uploads WHERE status = 'open'")
    assert [r["id"] for r in opened] == [made[0].id]


def test_upload_caps_come_from_policy_settings_and_scale_with_the_part_limit() -> None:
    """Defaults: 4 open per lot, 4 largest parts staged; overrides parsed; junk refused."""
    assert upload_limits({}, max_part_bytes=100) == UploadLimits(open_per_lot=4, staged_bytes=400)
    given = {"upload_open_per_lot": "2", "upload_staged_bytes": "5000"}
    assert upload_limits(given, max_part_bytes=100) == UploadLimits(
        open_per_lot=2, staged_bytes=5000
    )
    for bad in ("0", "x", "-1"):
        with pytest.raises(PolicyInvalid):
            upload_limits({"upload_open_per_lot": bad}, max_part_bytes=100)
