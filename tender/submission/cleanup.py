"""Abandon uploads that can never become bids, and delete their staged bytes.

docs/formats/upload.md §2.4; DESIGN.md, "Submission, receipt, freeze": an upload still
open after its tender's bid deadline can never become a bid, and one idle for long
only wastes disk. Such an upload (open, no live writer lease) becomes ``abandoned``
with ``failure`` ``bid_deadline_passed`` (deadline + a small grace, so a write racing
the deadline finishes first) or ``bid_upload_idle`` (no sign of life for the idle
period), and its staging file is deleted. Complete uploads and committed blobs — which
may back bid versions — are never touched.

Safe in several processes at once and idempotent: rows are taken ``FOR UPDATE SKIP
LOCKED`` and their files deleted while the rows stay locked, before the commit; a file
already gone counts as deleted, and an abandoned row is never selected again.

A staging file that no upload row names and nobody has written to for an hour is an
orphan — a crash between creating the file and recording its upload, or during a
document's one-request write — and is deleted too (``sweep_orphans``): nothing can
ever resume it, since every resume goes through an upload row. A staged write kept as
rows by the PostgreSQL blob store is swept by the same rule, by the database clock and
for rows no open upload names (``LocalBlobStore.sweep_staged_rows``).

A complete upload that no bid part names is abandoned too once its tender's deadline
is past by ``unsubmitted_after`` (default an hour: it can never become a bid, and the
freeze has long been written); its blob is then handed to the store's deletion, which
deletes it only if no other row names the same bytes (the store is content-addressed:
another bidder's bid may hold an identical part). Until then such uploads count
against the bidder's staged-bytes cap (tender/submission/limits.py).

No transparency-log entry: uploads are not bids (a bid exists only by its logged,
receipted submit statement), abandoning one changes nothing a receipt or freeze list
depends on, and a per-tender count logged before the deadline would hint at who is
preparing bids. The job logs one summary line instead (web/submission/jobs.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import asyncpg

from tender.blobs.store import LocalBlobStore
from tender.errors import BlobNameInvalid
from tender.submission import upload_queries
from tender.submission.model import AbandonReason

DEFAULT_IDLE = timedelta(hours=24)
DEFAULT_GRACE = timedelta(minutes=1)
DEFAULT_UNSUBMITTED_AFTER = timedelta(hours=1)
ORPHAN_AGE = timedelta(hours=1)
BATCH_ROWS = 200


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CleanupRules:
    """When an open upload is abandoned (the platform's settings; see the module doc)."""

    idle: timedelta = DEFAULT_IDLE
    grace: timedelta = DEFAULT_GRACE
    unsubmitted_after: timedelta = DEFAULT_UNSUBMITTED_AFTER  # past the deadline
    batch: int = BATCH_ROWS
    orphan_age: timedelta = ORPHAN_AGE


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CleanupReport:
    """What one cleanup run abandoned and deleted."""

    past_deadline: int = 0
    idle: int = 0
    files_deleted: int = 0
    orphans_deleted: int = 0
    unsubmitted: int = 0  # complete uploads never submitted, abandoned
    blobs_deleted: int = 0  # their blobs no other row named

    @property
    def abandoned(self) -> int:
        """Uploads abandoned by this run."""
        return self.past_deadline + self.idle

    def __add__(self, other: CleanupReport) -> CleanupReport:
        return CleanupReport(
            past_deadline=self.past_deadline + other.past_deadline,
            idle=self.idle + other.idle,
            files_deleted=self.files_deleted + other.files_deleted,
            orphans_deleted=self.orphans_deleted + other.orphans_deleted,
            unsubmitted=self.unsubmitted + other.unsubmitted,
            blobs_deleted=self.blobs_deleted + other.blobs_deleted,
        )


async def abandon_stale(
    conn: asyncpg.Connection, store: LocalBlobStore, rules: CleanupRules
) -> CleanupReport:
    """Abandon every stale open upload and delete its staged bytes (batch by batch)."""
    total = CleanupReport()
    while True:
        batch = await _abandon_batch(conn, store, rules)
        total += batch
        if batch.abandoned < rules.batch:
            return total


async def _abandon_batch(
    conn: asyncpg.Connection, store: LocalBlobStore, rules: CleanupRules
) -> CleanupReport:
    async with conn.transaction():
        rows = await upload_queries.abandon_due(
            conn, grace=rules.grace, idle=rules.idle, limit=rules.batch
        )
        deleted = 0
        for _, staging_id, _ in rows:  # while the rows are locked: no writer reclaims them
            deleted += await store.discard_staging(staging_id)
    late = sum(reason is AbandonReason.DEADLINE_PASSED for _, _, reason in rows)
    return CleanupReport(past_deadline=late, idle=len(rows) - late, files_deleted=deleted)


# Deletes a committed blob unless a row names it; True if deleted. Runs outside any
# transaction, after the abandoning commit (the store's content-addressed guard).
DeleteBlob = Callable[[asyncpg.Connection, str], Awaitable[bool]]


async def abandon_unsubmitted(
    conn: asyncpg.Connection, rules: CleanupRules, delete_blob: DeleteBlob | None
) -> CleanupReport:
    """Abandon complete uploads never submitted, past their deadline by the rules' period,
    and hand each blob to ``delete_blob`` (None: keep the blobs)."""
    total = CleanupReport()
    while True:
        async with conn.transaction():
            rows = await upload_queries.abandon_unsubmitted(
                conn, after=rules.unsubmitted_after, limit=rules.batch
            )
        deleted = 0
        if delete_blob is not None:
            for sha256 in sorted({sha for _, sha in rows}):
                deleted += await delete_blob(conn, sha256)
        total += CleanupReport(unsubmitted=len(rows), blobs_deleted=deleted)
        if len(rows) < rules.batch:
            return total


def _untouched_since(directory: Path, cutoff: float) -> list[str]:
    """Names of the files in ``directory`` last modified before ``cutoff`` (epoch s)."""
    found = []
    for entry in directory.iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                found.append(entry.name)
        except FileNotFoundError:  # deleted meanwhile (installed, discarded)
            continue
    return found


async def sweep_orphans(
    conn: asyncpg.Connection, store: LocalBlobStore, rules: CleanupRules, *, now: float
) -> CleanupReport:
    """Delete staging files no upload row names, untouched for ``rules.orphan_age``.

    ``now`` is the wall clock in epoch seconds (file times are the file system's). An
    upload's file is created a moment before its row, and writes touch it, so an
    hour-old file without a row has no writer that has not been silent for an hour.
    """
    cutoff = now - rules.orphan_age.total_seconds()
    names = await asyncio.to_thread(_untouched_since, store.staging_dir, cutoff)
    deleted = 0
    known = await upload_queries.known_staging(conn, names) if names else set()
    for name in sorted(set(names) - known):
        try:
            deleted += await store.discard_staging(name)
        except BlobNameInvalid:
            continue  # not a staging id: a file the store never made is not ours to delete
    # Staged writes kept in PostgreSQL (ETENDER_BLOB_STORE=postgres): the same rule by
    # the database clock — untouched for the orphan age, and no open upload names them.
    while (rows := await store.sweep_staged_rows(conn, rules.orphan_age, rules.batch)) > 0:
        deleted += rows
        if rows < rules.batch:
            break
    return CleanupReport(orphans_deleted=deleted)
