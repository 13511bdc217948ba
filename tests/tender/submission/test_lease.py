"""One writer per upload across processes: the writer lease in the database.

Each "process" is its own connection pool and blob-store object over the same
database and directory, as two server processes (or nodes) are: nothing of the guard
lives in process memory.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import pickle
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from tender.blobs.store import LocalBlobStore
from tender.submission.context import Submission
from tender.submission.lease import Lease
from tender.submission.model import Upload, UploadBusy, UploadClosed, UploadStatus
from tender.submission.uploads import create_upload, get_upload, write_chunk
from tests.conftest import CloneDatabase
from tests.tender.submission.kit import (
    Bidder,
    bidder,
    make_submission,
    seal_for,
    sealed_committee,
    stream,
)
from tests.tender.world import World, published_tender


@pytest.fixture
async def other_pool(database: CloneDatabase) -> AsyncIterator[asyncpg.Pool]:
    """A second process's pool: one connection only."""
    created = await asyncpg.create_pool(database.app_dsn, min_size=1, max_size=1)
    assert created is not None
    yield created
    await created.close()


def other_process(sub: Submission, **changes: object) -> Submission:
    """The same composition as a second process builds it (its own blob-store object)."""
    store = LocalBlobStore(sub.store.root)
    return dataclasses.replace(sub, store=store, **changes)  # type: ignore[arg-type]


async def _one_upload(
    conn: asyncpg.Connection, sub: Submission, world: World
) -> tuple[Bidder, bytes, Upload]:
    """A published tender and bidder 0's open upload of a real sealed part of it."""
    tender = await published_tender(conn, world)
    who = bidder(world, 0)
    data = seal_for(world, await sealed_committee(conn, tender), who)
    created = await create_upload(
        conn, who.actor, tender.id, "1", part="main", size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), sub=sub,
    )  # fmt: skip
    return who, data, created


async def _gated(
    data: bytes, at: int, inside: Callable[[], Awaitable[None]]
) -> AsyncIterator[bytes]:
    """``data[:at]``, then ``inside()`` runs while the writer is mid-stream, then the rest."""
    yield data[:at]
    await inside()
    yield data[at:]


async def test_a_second_concurrent_writer_in_another_process_is_refused_as_busy(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    other_pool: asyncpg.Pool,
    world: World,
    tmp_path: Path,
) -> None:
    """While one PUT streams, another process's PUT gets bid_upload_busy_conflict; the first
    completes; the streaming writer holds no pooled connection meanwhile."""
    sub = make_submission(world, tmp_path)
    sub2 = other_process(sub)
    who, data, created = await _one_upload(conn, sub, world)
    seen: list[BaseException] = []

    async def second_writer() -> None:
        async with other_pool.acquire(timeout=30):  # the first writer holds none of these
            pass
        try:
            await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=sub2)
        except UploadBusy as exc:
            seen.append(exc)

    first = await write_chunk(
        other_pool, who.actor, created.id, offset=0,
        chunks=_gated(data, 1000, second_writer), sub=sub,
    )  # fmt: skip
    assert [type(e) for e in seen] == [UploadBusy]
    assert seen[0].code == "bid_upload_busy_conflict"
    assert first.status is UploadStatus.COMPLETE
    assert sub.store.path_of(first.declared_sha256).read_bytes() == data
    row = await conn.fetchrow(
        "SELECT writer_token, lease_until FROM bid_uploads WHERE id = $1", created.id
    )
    assert row is not None
    assert (row["writer_token"], row["lease_until"]) == (None, None)
    with pytest.raises(UploadClosed):
        await write_chunk(
            pool, who.actor, created.id, offset=len(data), chunks=stream(b""), sub=sub2
        )


# A writer in its own OS process: streams the first bytes, says so, waits for a line on
# stdin, streams the rest, and prints the upload's status (or the error code).
CHILD = """
import asyncio, base64, pickle, sys
import asyncpg
from tender.blobs.store import LocalBlobStore
from tender.submission.context import Submission
from tender.submission.uploads import write_chunk

async def main() -> None:
    dsn, root, upload_id, actor, data = pickle.loads(base64.b64decode(sys.argv[1]))
    sub = Submission(setup=None, store=LocalBlobStore(root), signer=None,
                     log_identity=None)
    async def body():
        yield data[:500]
        print("streaming", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        yield data[500:]
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        done = await write_chunk(pool, actor, upload_id, offset=0, chunks=body(),
                                 sub=sub)
        print(done.status, flush=True)
    except Exception as exc:
        print(getattr(exc, "code", repr(exc)), flush=True)
    await pool.close()

asyncio.run(main())
"""


async def test_a_writer_in_another_os_process_makes_this_one_busy(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    database: CloneDatabase,
    world: World,
    tmp_path: Path,
) -> None:
    """A real second server process streams the upload: this process's PUT is refused
    with bid_upload_busy_conflict, and the other process completes it."""
    sub = make_submission(world, tmp_path)
    who, data, created = await _one_upload(conn, sub, world)
    args = (database.app_dsn, sub.store.root, created.id, who.actor, data)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, base64.b64encode(pickle.dumps(args)).decode(),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        assert (await asyncio.wait_for(child.stdout.readline(), 60)).strip() == b"streaming"
        with pytest.raises(UploadBusy):
            await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=sub)
        child.stdin.write(b"go\n")
        await child.stdin.drain()
        assert (await asyncio.wait_for(child.stdout.readline(), 60)).strip() == b"complete"
    finally:
        child.stdin.close()  # a child still waiting for "go" reads end-of-file and ends
        await asyncio.wait_for(child.wait(), 60)
    state = await get_upload(conn, who.actor, created.id)
    assert state.status is UploadStatus.COMPLETE
    assert sub.store.path_of(state.declared_sha256).read_bytes() == data


async def test_two_writers_started_together_leave_exactly_one_writing(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    other_pool: asyncpg.Pool,
    world: World,
    tmp_path: Path,
) -> None:
    """Two processes PUT the same upload at once: one is refused busy, the other's bytes
    are the upload's, and it completes."""
    sub = make_submission(world, tmp_path)
    sub2 = other_process(sub)
    who, data, created = await _one_upload(conn, sub, world)
    settled = asyncio.Event()

    async def gate() -> None:  # the writer mid-stream waits until the other one is refused
        await asyncio.wait_for(settled.wait(), timeout=10)

    async def put(use: asyncpg.Pool, s: Submission) -> Upload:
        try:
            return await write_chunk(
                use, who.actor, created.id, offset=0, chunks=_gated(data, 700, gate), sub=s
            )
        finally:
            settled.set()

    results = await asyncio.gather(put(pool, sub), put(other_pool, sub2), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Upload", "UploadBusy"]
    done = next(r for r in results if isinstance(r, Upload))
    assert done.status is UploadStatus.COMPLETE
    assert sub.store.path_of(done.declared_sha256).read_bytes() == data


async def test_an_expired_lease_of_a_crashed_writer_is_taken_over(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    other_pool: asyncpg.Pool,
    world: World,
    tmp_path: Path,
    owner_conn: asyncpg.Connection,
) -> None:
    """A writer that claimed and vanished blocks others until its lease lapses by the
    database clock; then another process takes over, and the stale token changes nothing."""
    sub = make_submission(world, tmp_path)
    who, data, created = await _one_upload(conn, sub, world)
    crashed = await Lease.claim(pool, created, 600.0)  # never renewed nor released
    with pytest.raises(UploadBusy):
        await write_chunk(other_pool, who.actor, created.id, offset=0, chunks=stream(data), sub=sub)
    # The lease's ten minutes pass (its end moved into the past by the database clock),
    # rather than a one-second lease racing the refused write above.
    await owner_conn.execute(
        "UPDATE bid_uploads SET lease_until = clock_timestamp() - interval '1 second' "
        "WHERE id = $1",
        created.id,
    )
    done = await write_chunk(
        other_pool, who.actor, created.id, offset=0, chunks=stream(data), sub=other_process(sub)
    )
    assert done.status is UploadStatus.COMPLETE
    assert await crashed.release(5) is False
    with pytest.raises(UploadBusy) as taken:
        await crashed.renew()
    # Every busy answer says when to try again (upload.md §2.2): the new lease's length.
    assert taken.value.details == {"retry_after_seconds": 600}
    state = await get_upload(conn, who.actor, created.id)
    assert (state.status, state.committed_offset) == (UploadStatus.COMPLETE, len(data))


async def test_a_streaming_writer_renews_its_lease_past_the_lease_period(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    other_pool: asyncpg.Pool,
    world: World,
    tmp_path: Path,
) -> None:
    """With a 1.5 s lease, a PUT still streaming after 2.5 s keeps others out (renewed)."""
    sub = dataclasses.replace(make_submission(world, tmp_path), lease_seconds=1.5)
    who, data, created = await _one_upload(conn, sub, world)
    refused: list[str] = []

    async def slow(payload: bytes) -> AsyncIterator[bytes]:
        for i in range(25):  # 2.5 s of trickle, renewing as it goes
            yield payload[i * 10 : (i + 1) * 10]
            await asyncio.sleep(0.1)
        try:
            await write_chunk(
                other_pool, who.actor, created.id, offset=0, chunks=stream(payload), sub=sub
            )
        except UploadBusy as exc:
            refused.append(exc.code)
        yield payload[250:]

    done = await write_chunk(pool, who.actor, created.id, offset=0, chunks=slow(data), sub=sub)
    assert refused == ["bid_upload_busy_conflict"]
    assert done.status is UploadStatus.COMPLETE


async def test_a_busy_refusal_says_how_long_the_crashed_writers_lease_still_runs(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    other_pool: asyncpg.Pool,
    world: World,
    tmp_path: Path,
) -> None:
    """docs/formats/upload.md §2.2: retry_after_seconds is the lease's remaining time by the
    database clock, rounded up — a client waits exactly that instead of guessing."""
    sub = make_submission(world, tmp_path)
    who, data, created = await _one_upload(conn, sub, world)
    await Lease.claim(pool, created, 20.0)  # a writer that crashed right after claiming
    with pytest.raises(UploadBusy) as refused:
        await write_chunk(other_pool, who.actor, created.id, offset=0, chunks=stream(data), sub=sub)
    remaining = await conn.fetchval(
        "SELECT extract(epoch FROM lease_until - clock_timestamp())::float8"
        " FROM bid_uploads WHERE id = $1",
        created.id,
    )
    told = refused.value.details["retry_after_seconds"]  # type: ignore[index]
    assert isinstance(told, int)
    assert remaining <= told <= 20  # never less than what is left: no busy loop
    assert told - remaining < 2
