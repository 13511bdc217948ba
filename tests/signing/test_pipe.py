"""The bounded worker hand-off used for hashing and writing beside encryption."""

from __future__ import annotations

import hashlib
import os

import pytest

from signing.pipe import Buffer, Pipe


@pytest.mark.parametrize("threaded", [True, False])
def test_buffers_are_consumed_in_order(threaded: bool) -> None:
    """Whatever the batching, the consumer sees every byte in order."""
    pieces = [os.urandom(n) for n in (1, 70_000, 0, 300_000, 5)]
    digest = hashlib.sha256()
    pipe = Pipe(digest.update, threaded=threaded, depth=2, batch_bytes=100_000)
    for piece in pieces:
        pipe.put(piece)
    pipe.close()
    assert digest.digest() == hashlib.sha256(b"".join(pieces)).digest()


def test_worker_error_reaches_the_caller() -> None:
    """An error in the consumer is raised in the caller's thread, at the latest on close."""

    def fail(_: Buffer) -> None:
        raise OSError("disk full")

    def feed() -> None:
        pipe = Pipe(fail, depth=1, batch_bytes=1)
        for _ in range(100):
            pipe.put(b"x")
        pipe.close()

    with pytest.raises(OSError, match="disk full"):
        feed()


def test_abandoned_pipe_stops_its_worker() -> None:
    """After a failure in the caller, abandon() drops queued work and joins the thread."""
    consumed: list[int] = []
    pipe = Pipe(lambda b: consumed.append(len(b)), depth=1, batch_bytes=1)
    pipe.put(b"a")
    pipe.abandon()
    assert pipe._thread is not None
    assert not pipe._thread.is_alive()
