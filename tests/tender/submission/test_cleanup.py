"""Abandoned uploads: past-deadline and idle open uploads are abandoned and their staged
bytes deleted; complete and in-time ones are untouched; resuming is refused."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
from pathlib import Path

import asyncpg
import pytest

from tender.blobs import store as blobs
from tender.errors import PolicyInvalid
from tender.model import Tender
from tender.submission.cleanup import (
    CleanupReport,
    CleanupRules,
    abandon_stale,
    abandon_unsubmitted,
    sweep_orphans,
)
from tender.submission.context import Submission
from tender.submission.lease import Lease
from tender.submission.model import AbandonReason, Upload, UploadAbandoned, UploadStatus
from tender.submission.uploads import create_upload, get_upload, write_chunk
from tests.tender.clock import fast_forward
from tests.tender.submission.kit import (
    Bidder,
    bidder,
    make_submission,
    seal_for,
    sealed_committee,
    stream,
    submit_sealed,
    upload,
)
from tests.tender.world import World, published_tender
from web.errormap import status_for
from web.submission.jobs import cleanup_rules

NOW_ONLY = CleanupRules(idle=dt.timedelta(hours=24), grace=dt.timedelta(0))


async def _partial(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sub: Submission,
    world: World,
    tender: Tender,
    who: Bidder,
) -> Upload:
    """An open upload of a real sealed part with its first 500 bytes staged."""
    data = seal_for(world, await sealed_committee(conn, tender), who)
    created = await create_upload(
        conn, who.actor, tender.id, "1", part="main", size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), sub=sub,
    )  # fmt: skip
    return await write_chunk(
        pool, who.actor, created.id, offset=0, chunks=stream(data[:500]), sub=sub
    )


def _staged(sub: Submission, upload: Upload) -> Path:
    return sub.store.staging_dir / upload.staging_id


async def _rows(conn: asyncpg.Connection) -> list[tuple[object, ...]]:
    rows = await conn.fetch(
        "SELECT id, status, failure, abandoned_at, committed_offset FROM bid_uploads ORDER BY id"
    )
    return [tuple(r) for r in rows]


async def test_uploads_past_their_deadline_or_idle_are_abandoned_and_their_staging_deleted(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path,
    owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """Past deadline (after the grace) and idle: abandoned, file gone, resume refused; complete,
    leased and in-time uploads untouched; a second run changes nothing."""
    sub = make_submission(world, tmp_path)
    later = await published_tender(conn, world)
    soon = await published_tender(conn, world)  # its deadline is made to pass below
    one, two, three = bidder(world, 0), bidder(world, 1), bidder(world, 2)
    bid = (await submit_sealed(conn, pool, sub, world, soon, two)).version
    late = await _partial(conn, pool, sub, world, soon, one)
    leased = await _partial(conn, pool, sub, world, soon, three)
    idle = await _partial(conn, pool, sub, world, later, one)
    writer = await Lease.claim(pool, leased, 600.0)  # a writer still streaming
    await fast_forward(owner_conn, soon.id, "deadline")  # no race with the clock
    graced = CleanupRules(idle=dt.timedelta(hours=24), grace=dt.timedelta(hours=1))
    assert await abandon_stale(conn, sub.store, graced) == CleanupReport()
    # An hour passes for the idle upload (its last sign of life moved back, as the
    # deadline was): no fresh upload races a short idle period.
    await owner_conn.execute(
        "UPDATE bid_uploads SET touched_at = touched_at - interval '1 hour' WHERE id = $1", idle.id
    )
    fresh = await _partial(conn, pool, sub, world, later, two)
    rules = CleanupRules(idle=dt.timedelta(minutes=30), grace=dt.timedelta(0))
    report = await abandon_stale(conn, sub.store, rules)
    assert report == CleanupReport(past_deadline=1, idle=1, files_deleted=2)
    for gone, reason in ((late, AbandonReason.DEADLINE_PASSED), (idle, AbandonReason.IDLE)):
        state = await get_upload(conn, one.actor, gone.id)
        assert (state.status, state.failure) == (UploadStatus.ABANDONED, str(reason))
        assert not _staged(sub, gone).exists()
        with pytest.raises(UploadAbandoned) as refused:
            await write_chunk(pool, one.actor, gone.id, offset=500, chunks=stream(b"x"), sub=sub)
        assert refused.value.code == "bid_upload_abandoned_conflict"
        assert refused.value.details == {"reason": str(reason)}
        assert status_for(refused.value) == 409
    for kept, who in ((leased, three), (fresh, two)):
        state = await get_upload(conn, who.actor, kept.id)
        assert (state.status, state.committed_offset) == (UploadStatus.OPEN, 500)
        assert _staged(sub, kept).exists()
    part = bid.parts[0]
    complete = await conn.fetchval("SELECT status FROM bid_uploads WHERE declared_sha256 = $1",
                                   part.sha256)  # fmt: skip
    assert complete == "complete"
    assert sub.store.path_of(part.sha256).exists()
    before = await _rows(conn)
    assert await abandon_stale(conn, sub.store, NOW_ONLY) == CleanupReport()
    assert await _rows(conn) == before
    assert await writer.release(500)


async def test_cleanup_runs_in_several_processes_at_once_share_the_work(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path,
    owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """Three concurrent runs (batches of one) abandon each past-deadline upload exactly once."""
    sub = make_submission(world, tmp_path)
    soon = await published_tender(conn, world)
    uploads = [await _partial(conn, pool, sub, world, soon, bidder(world, i)) for i in range(3)]
    await fast_forward(owner_conn, soon.id, "deadline")
    rules = CleanupRules(idle=dt.timedelta(hours=24), grace=dt.timedelta(0), batch=1)

    async def run() -> CleanupReport:
        async with pool.acquire() as other:
            return await abandon_stale(other, sub.store, rules)

    reports = await asyncio.gather(run(), run(), run())
    total = reports[0] + reports[1] + reports[2]
    assert total == CleanupReport(past_deadline=3, idle=0, files_deleted=3)
    statuses = await conn.fetch("SELECT DISTINCT status FROM bid_uploads")
    assert [r["status"] for r in statuses] == ["abandoned"]
    assert not any(_staged(sub, u).exists() for u in uploads)


def test_cleanup_settings_are_exact_periods() -> None:
    """Defaults 24 h and 1 min; ``2h`` and ``90s`` parse; day counts and junk are refused."""
    assert cleanup_rules({}) == CleanupRules()
    parsed = cleanup_rules({"upload_idle_period": "2h", "upload_deadline_grace": "90s"})
    assert (parsed.idle, parsed.grace) == (dt.timedelta(hours=2), dt.timedelta(seconds=90))
    for bad in ("3d", "5wd", "soon"):
        with pytest.raises(PolicyInvalid):
            cleanup_rules({"upload_idle_period": bad})


async def test_an_hour_old_staging_file_no_upload_names_is_swept_and_nothing_else(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """A crash between creating the staging file and recording its upload leaves an orphan
    nothing can resume: swept once untouched for an hour. A fresh orphan (a write in
    flight), an old file an upload row names, and committed blobs stay."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    named = await _partial(conn, pool, sub, world, tender, bidder(world, 0))
    orphan = sub.store.staging_dir / "orphan-of-a-crash-0001"
    fresh = sub.store.staging_dir / "document-being-written"
    stranger = sub.store.staging_dir / ".nfs0001"  # not a staging id: not the store's
    for path in (orphan, fresh, stranger):
        path.write_bytes(b"x" * 100)
    now = orphan.stat().st_mtime + 3600.5
    for path in (orphan, stranger, _staged(sub, named)):  # untouched for 1 h 0.5 s
        os.utime(path, (now - 3600.5, now - 3600.5))
    os.utime(fresh, (now - 3599, now - 3599))
    await sub.store.put(stream(b"a committed blob"), max_size=100)
    blobs = sorted(p for p in sub.store.objects_dir.rglob("*") if p.is_file())
    assert len(blobs) == 1
    report = await sweep_orphans(conn, sub.store, CleanupRules(), now=now)
    assert report == CleanupReport(orphans_deleted=1)
    assert not orphan.exists()
    assert fresh.exists()
    assert stranger.exists()
    assert _staged(sub, named).exists()
    assert sorted(p for p in sub.store.objects_dir.rglob("*") if p.is_file()) == blobs
    again = await sweep_orphans(conn, sub.store, CleanupRules(), now=now)
    assert again == CleanupReport()


async def test_complete_uploads_never_submitted_are_abandoned_after_the_deadline_period(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path,
    owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """An hour (the default) after the deadline, a complete upload no bid part names is
    abandoned and its blob handed to the store's guarded deletion; a submitted part's
    upload is kept; a second run changes nothing."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    one, two = bidder(world, 0), bidder(world, 1)
    data = seal_for(world, await sealed_committee(conn, tender), one)
    unsent = await upload(conn, pool, sub, tender, one, data)
    assert unsent.status is UploadStatus.COMPLETE
    bid = (await submit_sealed(conn, pool, sub, world, tender, two)).version
    await fast_forward(owner_conn, tender.id, "deadline")
    handed: list[str] = []

    async def delete_blob(_: asyncpg.Connection, sha256: str) -> bool:
        handed.append(sha256)
        return True

    assert await abandon_unsubmitted(conn, CleanupRules(), delete_blob) == CleanupReport()
    rules = CleanupRules(unsubmitted_after=dt.timedelta(0))
    report = await abandon_unsubmitted(conn, rules, delete_blob)
    assert report == CleanupReport(unsubmitted=1, blobs_deleted=1)
    assert handed == [unsent.declared_sha256]
    state = await get_upload(conn, one.actor, unsent.id)
    assert (state.status, state.failure) == (UploadStatus.ABANDONED, "bid_deadline_passed")
    kept = await conn.fetchval(
        "SELECT status FROM bid_uploads WHERE declared_sha256 = $1", bid.parts[0].sha256
    )
    assert kept == "complete"
    assert await abandon_unsubmitted(conn, rules, delete_blob) == CleanupReport()
    assert cleanup_rules({"upload_unsubmitted_period": "2h"}).unsubmitted_after == dt.timedelta(
        hours=2
    )


async def test_the_cleanup_deletes_an_unsubmitted_uploads_blob_but_not_a_bids_copy_of_it(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path,
    owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """The job's wiring (web/submission/jobs.py): an unsubmitted upload's blob goes through
    the store's guarded deletion — deleted when no row names it, kept while a bid's part
    names the same bytes."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    one, two = bidder(world, 0), bidder(world, 1)
    data = seal_for(world, await sealed_committee(conn, tender), one)
    unsent = await upload(conn, pool, sub, tender, one, data)
    bid = (await submit_sealed(conn, pool, sub, world, tender, two)).version
    await fast_forward(owner_conn, tender.id, "deadline")

    async def guarded(c: asyncpg.Connection, sha256: str) -> bool:
        return await blobs.delete_unreferenced(c, sub.store, sha256)

    rules = CleanupRules(unsubmitted_after=dt.timedelta(0))
    report = await abandon_unsubmitted(conn, rules, guarded)
    assert report == CleanupReport(unsubmitted=1, blobs_deleted=1)
    assert not sub.store.path_of(unsent.declared_sha256).exists()
    assert sub.store.path_of(bid.parts[0].sha256).exists()
    # The bid's own blob survives any later deletion attempt: a row names it.
    assert await guarded(conn, bid.parts[0].sha256) is False
    assert sub.store.path_of(bid.parts[0].sha256).exists()
