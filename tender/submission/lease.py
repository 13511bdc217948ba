"""One writer per upload across processes and nodes: a writer lease kept in the database.

docs/formats/upload.md §2.2. A PUT claims the upload's lease with one conditional
UPDATE (a random token, expiry = database clock + the lease period); it renews the
lease while bytes flow (every few seconds or MiB, and at most a third of the lease
period apart) and releases it when it records the committed offset, completes or
fails the upload — each of those names the token, so a writer whose lease was taken
over changes nothing. A lease that lapsed (a crashed process) is taken over by the
next writer. Every step borrows a pooled connection only for its one statement: no
connection is held while the body streams (web/submission/routes.py).
"""

from __future__ import annotations

import math
import secrets
import time

import asyncpg

from tender.submission import upload_queries
from tender.submission.context import acquire
from tender.submission.model import Upload, UploadAbandoned, UploadBusy, UploadClosed, UploadStatus

RENEW_SECONDS = 5.0


def refuse_closed(upload: Upload) -> None:
    """A PUT to an upload that takes no more bytes is refused with its stable code."""
    if upload.status is UploadStatus.ABANDONED:
        raise UploadAbandoned(
            "the upload was abandoned: start a new upload",
            details={"reason": upload.failure},
        )
    if upload.status is not UploadStatus.OPEN:
        raise UploadClosed(f"the upload is {upload.status}")


class Lease:
    """The writer lease one request holds on one upload (mutable: renewal bookkeeping)."""

    def __init__(self, pool: asyncpg.Pool, upload: Upload, token: str, seconds: float) -> None:
        self.pool = pool
        self.upload = upload
        self.token = token
        self.seconds = seconds
        self._renewed = time.monotonic()
        self.lost = False

    @classmethod
    async def claim(cls, pool: asyncpg.Pool, upload: Upload, seconds: float) -> Lease:
        """Take the lease (``bid_upload_busy_conflict`` while another writer holds it)."""
        token = secrets.token_hex(16)
        async with acquire(pool) as conn:
            args = (upload.id, upload.bidder_id, token, seconds)
            claimed = await upload_queries.claim_lease(conn, *args)
            if claimed is None:
                now = await upload_queries.upload(conn, upload.id, upload.bidder_id)
                remaining = await upload_queries.lease_remaining(conn, upload.id)
        if claimed is None:
            refuse_closed(now or upload)
            # The client waits this long before trying again, rather than guessing: after
            # a crash the dead writer's lease blocks the upload until it lapses (§2.2).
            wait = math.ceil(remaining) if remaining is not None else 1
            raise UploadBusy(
                "another request is writing this upload",
                details={"retry_after_seconds": max(1, wait)},
            )
        return cls(pool, claimed, token, seconds)

    def due(self) -> bool:
        """Whether the lease must be renewed before the next write (a plain call: it is
        asked once per chunk received, issue 17 item 4)."""
        every = min(RENEW_SECONDS, self.seconds / 3)
        return time.monotonic() - self._renewed >= every

    async def renew(self) -> None:
        """Extend the lease now; ``bid_upload_busy_conflict`` if another writer took it."""
        if not self.lost:
            async with acquire(self.pool) as conn:
                self.lost = not await upload_queries.renew_lease(
                    conn, self.upload.id, self.token, self.seconds
                )
        if self.lost:
            raise self._taken_over()
        self._renewed = time.monotonic()

    async def still_held(self) -> bool:
        """Renew now; False (not an error) if the lease was lost or released."""
        try:
            await self.renew()
        except UploadBusy:
            return False
        return True

    async def release(self, offset: int) -> bool:
        """Record ``offset`` as committed and free the lease; False if it was lost."""
        if self.lost:
            return False
        async with acquire(self.pool) as conn:
            done = await upload_queries.release_lease(conn, self.upload.id, self.token, offset)
        self.lost = True  # released: nothing more is written under this token
        return done

    async def complete(self) -> Upload:
        """Mark the upload complete under this lease and return it."""
        uid, bidder = self.upload.id, self.upload.bidder_id
        async with acquire(self.pool) as conn:
            done = await upload_queries.complete_upload(conn, uid, self.token)
            current = await upload_queries.upload(conn, uid, bidder)
        assert current is not None
        if not done and current.status is not UploadStatus.COMPLETE:
            raise self._taken_over()
        return current

    def _taken_over(self) -> UploadBusy:
        # The new writer holds a whole lease now: that is the soonest this one could
        # write again (docs/formats/upload.md §2.2: every busy answer says when).
        wait = max(1, math.ceil(self.seconds))
        return UploadBusy(
            "the upload's writer lease lapsed and another writer took it",
            details={"retry_after_seconds": wait},
        )

    async def fail(self, code: str) -> None:
        """Mark the upload failed with the error code that ended it."""
        async with acquire(self.pool) as conn:
            await upload_queries.fail_upload(conn, self.upload.id, self.token, code)
