"""The ingest gate: a bounded, fair, stall-proof admission of upload bodies (web/ingest.py)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from tests.conftest import LiveServer
from tests.tender.test_submission_kit import bidder, seal_for, sealed_committee
from tests.tender.world import World, published_tender
from tests.web.tender_http import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)
from web.ingest import IngestGate


async def _body(name: str, pieces: int, log: list[str], hold: asyncio.Event | None = None,
                ) -> AsyncIterator[bytes]:  # fmt: skip
    for i in range(pieces):
        if hold is not None and i == 1:
            await hold.wait()
        log.append(name)
        yield f"{name}{i};".encode()


async def _drain(gate: IngestGate, source: AsyncIterator[bytes]) -> bytes:
    got = []
    async with contextlib.aclosing(gate.admit(source)) as body:
        async for chunk in body:
            got.append(chunk)
            await asyncio.sleep(0)  # the consumer's work (hash, write) yields to the loop
    return b"".join(got)


async def test_no_more_bodies_are_read_at_once_than_the_gate_admits() -> None:
    """Twenty bodies through three slots: never more than three read, every byte in order."""
    gate = IngestGate(3, slice_bytes=8, patience=1.0)
    log: list[str] = []
    results = await asyncio.gather(*(_drain(gate, _body(f"b{n}", 10, log)) for n in range(20)))
    assert gate.most_reading == 3
    assert gate.reading == 0
    for n, data in enumerate(results):
        assert data == b"".join(f"b{n}{i};".encode() for i in range(10))


async def test_slices_are_served_in_turn_so_every_body_progresses() -> None:
    """One slot, slices of one piece: two bodies alternate instead of one finishing first."""
    gate = IngestGate(1, slice_bytes=1, patience=1.0)
    log: list[str] = []
    await asyncio.gather(_drain(gate, _body("a", 4, log)), _drain(gate, _body("b", 4, log)))
    assert log == ["a", "b"] * 4


async def test_a_stalled_sender_gives_its_slot_back() -> None:
    """A body that stops sending does not hold the only slot: the other one finishes first."""
    gate = IngestGate(1, slice_bytes=1 << 20, patience=0.01)
    log: list[str] = []
    hold = asyncio.Event()
    stalled = asyncio.create_task(_drain(gate, _body("slow", 3, log, hold)))
    await asyncio.sleep(0)
    assert await _drain(gate, _body("fast", 3, log)) == b"fast0;fast1;fast2;"
    assert not stalled.done()
    hold.set()
    assert await stalled == b"slow0;slow1;slow2;"
    assert log == ["slow", "fast", "fast", "fast", "slow", "slow"]


async def test_a_consumer_that_stops_early_returns_the_slot_at_once() -> None:
    """Closing the gated body (an error in the consumer) frees its slot without waiting."""
    gate = IngestGate(1, slice_bytes=1 << 20, patience=1.0)
    log: list[str] = []

    async def refuse_first_chunk() -> None:
        async with contextlib.aclosing(gate.admit(_body("a", 5, log))) as body:
            async for _ in body:
                raise ValueError("too large")

    with pytest.raises(ValueError, match="too large"):
        await refuse_first_chunk()
    assert gate.reading == 0
    assert await _drain(gate, _body("b", 2, log)) == b"b0;b1;"


def test_a_gate_without_slots_is_refused() -> None:
    """Zero streams, slices or patience would admit nothing: refused at construction."""
    for bad in ({"streams": 0}, {"streams": 1, "slice_bytes": 0}, {"streams": 1, "patience": 0}):
        with pytest.raises(ValueError, match="positive"):
            IngestGate(**bad)  # type: ignore[arg-type]


async def _stalled_put(server: LiveServer, path: str, token: str, data: bytes, sent: int,
                       ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:  # fmt: skip
    """A raw HTTP PUT that sends its head and ``sent`` bytes of the body, then stops."""
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = (
        f"PUT {path}?offset=0 HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    writer.write(head.encode() + data[:sent])
    await writer.drain()
    return reader, writer


async def test_an_upload_stalled_mid_body_does_not_block_the_others_through_the_server(
    app: Starlette, live_server: LiveServer, pool: asyncpg.Pool, web_world: World,
    tokens: dict[str, str],
) -> None:  # fmt: skip
    """With one slot, a bidder whose connection stalls mid-body does not hold up another."""
    gate = app.state.upload_ingest_gate = IngestGate(1, slice_bytes=4096, patience=0.05)
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        committee = await sealed_committee(conn, tender)
    lot = f"{live_server.url}/api/v1/tenders/{tender.id}/lots/1"
    parts = [seal_for(web_world, committee, bidder(web_world, n)) for n in (0, 1)]
    async with httpx.AsyncClient(timeout=60) as http:
        uploads = []
        for who, data in zip(("bidder1", "bidder2"), parts, strict=True):
            wanted = {"part": "main", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            made = await http.post(f"{lot}/uploads", json=wanted, headers=bearer(tokens[who]))
            assert made.status_code == 201, made.text
            uploads.append(f"/api/v1/uploads/{made.json()['id']}")
        reader, writer = await _stalled_put(
            live_server, uploads[0], tokens["bidder1"], parts[0], 100
        )
        try:
            other = await http.put(f"{live_server.url}{uploads[1]}?offset=0", content=parts[1],
                                   headers=bearer(tokens["bidder2"]))  # fmt: skip
            assert other.json()["status"] == "complete", other.text
            writer.write(parts[0][100:])
            await writer.drain()
            status_line = await reader.readline()
        finally:
            writer.close()  # a failed test must not leave the server waiting on this socket
        assert status_line.startswith(b"HTTP/1.1 200"), status_line
        first = await http.get(f"{live_server.url}{uploads[0]}", headers=bearer(tokens["bidder1"]))
        assert first.json()["status"] == "complete"
    assert gate.most_reading == 1
