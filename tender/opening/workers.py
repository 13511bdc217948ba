"""The opening's worker processes: whole parts decrypted on every core (issue 17 item 1).

docs/performance.md, "The opening of 100 × 20 MB bids": on threads the server used 0.42
of two cores — three parts' threads contend for one GIL at every chunk. A process per
core opens whole parts under its own GIL. The worker gets only what decrypting needs:
the ciphertext's path, a staging directory, the file key and the committee (for the
manifest's tender, lot, part and fingerprint); it returns hashes and the manifest and
signature bytes, never the key, and logs nothing. The parent (tender/opening/decrypt.py)
checks the ciphertext hash against the freeze list and the signature as of the receipt
time, and only then renames the staged files into place: a part's files appear only
once verified, as on threads.

A worker that dies (killed, out of memory) leaves at most a staging directory that no
reader looks at (a dot name below the bid's directory); the parent removes it and opens
the part again on a thread (``WorkerDied``), so nothing half-written is ever read and
the opening completes. The pool is rebuilt for the next part.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from signing.committee import Committee
from signing.errors import SigningError
from signing.sealed_bid import open_part
from tender.opening.model import Cause, cause_of_open_failure

log = logging.getLogger(__name__)

STAGED = "out"  # the staged part's directory inside its staging directory


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PartTask:
    """One part for a worker: paths, the key, the committee. Never logged or shown."""

    ciphertext: Path
    staging: Path  # an empty directory the parent made and removes on any failure
    part: str
    file_key: bytes = dataclasses.field(repr=False)
    committee: Committee


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PartDone:
    """What the worker found: a failure's cause, or the hashes and manifest to check."""

    cause: str | None
    ciphertext_sha256: str = ""
    manifest_bytes: bytes = b""
    signature: bytes = b""


class WorkerDied(Exception):
    """The worker process ended during the part (the pool is rebuilt)."""


def open_staged(task: PartTask) -> PartDone:
    """In the worker: decrypt, hash and check the part into ``task.staging / STAGED``.

    No signature check here (the trust store and the receipt time stay with the
    parent, which checks before the files leave staging); the committee checks and the
    files against the manifest are open_part's, in the same order as on a thread.
    """
    try:
        with task.ciphertext.open("rb") as source:
            opened = open_part(
                source,
                committee=task.committee,
                part=task.part,
                verify=lambda data, signature: None,
                file_key=task.file_key,
                output=task.staging / STAGED,
                durable=False,  # a derived copy (tender/opening/opened.py)
            )
    except SigningError as exc:
        return PartDone(cause=str(cause_of_open_failure(exc)))
    except FileNotFoundError:
        return PartDone(cause=str(Cause.CIPHERTEXT_CHANGED))
    return PartDone(
        cause=None,
        ciphertext_sha256=opened.ciphertext_sha256,
        manifest_bytes=opened.manifest_bytes,
        signature=opened.signature,
    )


Worker = Callable[[PartTask], PartDone]


def bare(committee: Committee) -> Committee:
    """The committee without the officials' certificates and statements, which do not
    pickle and which the worker's checks (tender, lot, fingerprint) do not read: the
    fingerprint covers x, recipient and certificate hash only (DESIGN.md)."""
    officials = tuple(
        dataclasses.replace(o, certificate=None, statement=None) for o in committee.officials
    )
    return dataclasses.replace(committee, officials=officials)


def _context() -> multiprocessing.context.BaseContext:
    # forkserver, not fork: the server has threads and an event loop a fork would copy
    # mid-state. The fork server imports the decryption stack once; each worker is a
    # cheap fork of it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tender.opening.workers"])
    return context


class OpeningWorkers:
    """The opening's process pool, built once by the app factory (web/services.py);
    ``processes`` 0 builds none (parts open on threads, as before)."""

    def __init__(self, processes: int, worker: Worker = open_staged) -> None:
        self.processes = processes
        self._worker = worker
        self._lock = threading.Lock()
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._closed = False

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the opening's workers are stopped (the server is stopping)")
            if self._pool is None:  # built at warm() (a server start) or the first part
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    self.processes, mp_context=_context()
                )
            return self._pool

    async def run(self, task: PartTask) -> PartDone:
        """Open one part in a worker; ``WorkerDied`` when its process ended meanwhile."""
        pool = self._executor()
        try:
            return await asyncio.wrap_future(pool.submit(self._worker, task))
        except BrokenProcessPool as exc:
            with self._lock:
                if self._pool is pool:  # the first to notice rebuilds it
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            # Which part and why, never the key (the task's repr leaves it out).
            log.warning("opening worker died during part %s; opening it on a thread", task.part)
            raise WorkerDied(task.part) from exc

    def warm(self) -> None:
        """Start every worker now (blocking; the server calls it on a thread at start),
        so the first opening pays no process start: the fork server's imports and one
        fork per core. A failure here only means they start at the first part."""
        if self.processes <= 0:
            return
        pool = self._executor()
        try:
            # Each submit finds no idle worker yet and spawns one (concurrent.futures
            # spawns on demand for a forkserver context), up to ``processes``.
            futures = [pool.submit(os.getpid) for _ in range(self.processes)]
            concurrent.futures.wait(futures)
        except (BrokenProcessPool, RuntimeError):
            log.warning("opening workers did not start ahead; they start at the first part")

    def close(self) -> None:
        """Stop the workers (the application's lifespan ends)."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
