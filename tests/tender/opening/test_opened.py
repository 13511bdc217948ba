"""Re-deriving an opened part reads the stored ciphertext once (tender/opening/opened.py).

The blob store streams chunks of any size; the decryption fills fixed blocks
(signing.agestream.fill prefers ``readinto``). The reader hands each chunk's bytes
straight into the block, across chunk borders, and ``read`` gives the same bytes.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

from signing.agestream import fill
from tender.opening.opened import _BlobReader

DATA = os.urandom(100_003)
SIZES = (1, 7, 4096, 65_536, 30_395)  # uneven chunks, the last short


async def _chunks() -> AsyncIterator[bytes]:
    at = 0
    for size in SIZES:
        yield DATA[at : at + size]
        at += size


async def test_blocks_filled_across_chunk_borders_give_the_stored_bytes() -> None:
    reader = _BlobReader(_chunks(), asyncio.get_running_loop())
    block = memoryview(bytearray(10_000))

    def drain() -> bytes:
        out = bytearray()
        while filled := fill(reader, block):
            out += filled
        return bytes(out)

    assert await asyncio.to_thread(drain) == DATA


async def test_read_of_any_size_gives_the_same_bytes_then_nothing() -> None:
    reader = _BlobReader(_chunks(), asyncio.get_running_loop())

    def drain() -> list[bytes]:
        return [reader.read(5), reader.read(0), reader.read(70_000), reader.read(), reader.read()]

    parts = await asyncio.to_thread(drain)
    assert [len(p) for p in parts] == [5, 0, 70_000, len(DATA) - 70_005, 0]
    assert b"".join(parts) == DATA
