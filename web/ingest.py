"""Admission of upload bodies to the event loop, a slice at a time (the deadline rush).

One event loop serves every request of a process. When two hundred bidders stream their
sealed parts in the last minutes (DOMAIN.md), every readable socket costs the loop a
callback per 64 KiB, and a light request — a bidder checking its receipt, the opening
hall's countdown — waits behind hundreds of them at each step it takes through the loop.

The gate lets at most ``streams`` upload bodies be read at a time, ``slice_bytes`` at a
time, in arrival order (asyncio's semaphore is FIFO). A body waiting for its turn costs
nothing: the HTTP server stops reading a connection whose body is not being consumed
(uvicorn pauses the transport past 64 KiB), so its bytes wait in the kernel and in TCP,
not in our memory or our loop. Every upload still progresses, slice by slice, so nobody's
upload is starved at the deadline; and a sender that stalls gives its place back after
``patience`` seconds, so a few slow (or hostile) connections cannot hold the gate.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from typing import Final

_END: Final = object()  # the source is exhausted


class IngestGate:
    """A FIFO limit on upload bodies being read at once, handed over slice by slice."""

    def __init__(self, streams: int, *, slice_bytes: int = 1 << 20, patience: float = 0.05):
        if streams < 1 or slice_bytes < 1 or patience <= 0:
            raise ValueError("streams and slice_bytes must be positive, patience above zero")
        self.streams = streams
        self.slice_bytes = slice_bytes
        self.patience = patience
        self._slots = asyncio.Semaphore(streams)
        self.reading = 0  # bodies holding a slot now (for metrics and tests)
        self.most_reading = 0  # the most ever held at once

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        async with self._slots:
            self.reading += 1
            self.most_reading = max(self.most_reading, self.reading)
            try:
                yield
            finally:
                self.reading -= 1

    async def admit(self, chunks: AsyncIterable[bytes]) -> AsyncGenerator[bytes]:
        """Yield the chunks of one body, reading them only while holding a slot.

        Close the iterator (``contextlib.aclosing``) when the consumer stops early, so the
        slot goes back at once rather than when the generator is collected.
        """
        source = aiter(chunks)
        pending: asyncio.Future[bytes | object] | None = None
        try:
            while True:
                async with self._slot():
                    taken = 0
                    while taken < self.slice_bytes:
                        if pending is None:
                            pending = asyncio.ensure_future(anext(source, _END))
                        done, _ = await asyncio.wait((pending,), timeout=self.patience)
                        if not done:
                            break  # a stalled sender waits for its bytes without a slot
                        chunk, pending = pending.result(), None
                        if chunk is _END:
                            return
                        assert isinstance(chunk, bytes)
                        taken += len(chunk)
                        yield chunk
                if pending is not None:
                    await asyncio.wait((pending,))
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
