"""A bounded hand-off to one worker thread, so hashing and writing overlap encryption.

hashlib and file writes release the GIL on large buffers, and so does ChaCha20-Poly1305's
``encrypt_into``/``decrypt_into`` in cryptography, so a seal or an opening can use a
second core for the SHA-256 passes the format needs (docs/performance.md, "Sealing and
opening bids"). The queue is bounded: memory stays at ``depth`` batches of
``batch_bytes`` whatever the size of the bid. Errors in the worker surface in the
caller at the next ``put`` or at ``close``.

``Ring`` is the other half: a fixed set of reusable buffers, so a stream of any size
allocates (and page-faults) nothing per block. A buffer handed to a Pipe is rewritten
only ``RING_BLOCKS`` blocks later, which is safe while every Pipe it reaches has
``depth`` ≤ ``PIPE_DEPTH`` and ``batch_bytes=1`` (each put is one queue item): at most
``PIPE_DEPTH`` queued, one being consumed, one held by the reader and one being filled.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

Buffer = bytes | memoryview
_DONE = None
PIPE_DEPTH = 3
RING_BLOCKS = PIPE_DEPTH + 5  # the module docstring's count, with two to spare


class Ring:
    """``RING_BLOCKS`` buffers of ``size`` bytes, handed out in turn (see the docstring)."""

    def __init__(self, size: int) -> None:
        self._buffers = [memoryview(bytearray(size)) for _ in range(RING_BLOCKS)]
        self._next = 0

    def take(self) -> memoryview:
        """The next buffer, whose previous contents nobody may still be reading."""
        buffer = self._buffers[self._next]
        self._next = (self._next + 1) % RING_BLOCKS
        return buffer


class Pipe:
    """Feed buffers to ``consume`` on a worker thread, in order."""

    def __init__(
        self,
        consume: Callable[[Buffer], object],
        *,
        threaded: bool = True,
        depth: int = PIPE_DEPTH,
        batch_bytes: int = 1024 * 1024,
    ) -> None:
        self._consume = consume
        self._queue: queue.Queue[list[Buffer] | None] = queue.Queue(maxsize=depth)
        self._batch: list[Buffer] = []
        self._batched = 0
        self._batch_bytes = batch_bytes
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if threaded:  # small streams are consumed in place: a thread would cost more
            self._thread = threading.Thread(target=self._run, name="signing-pipe", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not _DONE:
            if self._error is not None:
                continue  # drain without work so the producer never blocks
            try:
                # One call per batch: fewer GIL hand-offs and bigger writes than one
                # call per 64 KiB chunk, for the price of one memory copy.
                self._consume(batch[0] if len(batch) == 1 else b"".join(batch))
            except BaseException as exc:  # handed to the caller's thread
                self._error = exc

    def put(self, buffer: Buffer) -> None:
        """Queue ``buffer`` (not to be modified afterwards); blocks when the queue is full."""
        if self._thread is None:
            self._consume(buffer)
            return
        if self._error is not None:
            self._raise()
        self._batch.append(buffer)
        self._batched += len(buffer)
        if self._batched >= self._batch_bytes:
            self.flush()

    def flush(self) -> None:
        """Hand the current batch to the worker."""
        if self._batch:
            self._queue.put(self._batch)
            self._batch, self._batched = [], 0

    def close(self) -> None:
        """Wait for every queued buffer to be consumed; re-raise a worker error."""
        if self._thread is None:
            return
        self.flush()
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None:
            self._raise()

    def abandon(self) -> None:
        """Stop the worker after an error in the caller; queued work is dropped."""
        if self._thread is None:
            return
        self._error = self._error or RuntimeError("pipe abandoned")
        self._queue.put(_DONE)
        self._thread.join()

    def _raise(self) -> None:
        error = self._error
        assert error is not None
        raise error
