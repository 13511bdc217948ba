"""A request's head is bounded as it arrives, on a real uvicorn server with the protocol
`etender serve` uses (web/http_limits.py, issue 9 item 7)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
import websockets
from starlette.applications import Starlette

from tests.conftest import free_port
from web.http_limits import http_protocol
from web.services import services
from web.settings import Settings

MiB = 1 << 20


@dataclasses.dataclass
class Answer:
    status: int | None  # None: the connection was closed before an answer was read
    headers: dict[str, str]
    body: bytes


@contextlib.asynccontextmanager
async def serving(app: Starlette, settings: Settings) -> AsyncIterator[int]:
    """``app`` served by uvicorn with `etender serve`'s bounded httptools protocol under
    ``settings``' limits; yields the port."""
    chosen = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=chosen,
        loop="none",
        http=http_protocol(settings),
        ws="websockets-sansio",
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield chosen
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def port(app: Starlette) -> AsyncIterator[int]:
    """The app behind the bounded protocol with the default limits."""
    async with serving(app, services(app).settings) as chosen:
        yield chosen


async def exchange(port: int, head: bytes, *, then: AsyncIterator[bytes] | None = None) -> Answer:
    """Send ``head`` (and whatever ``then`` yields), read the answer to the end."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        with contextlib.suppress(ConnectionError):
            writer.write(head)
            await writer.drain()
            if then is not None:
                async for chunk in then:
                    writer.write(chunk)
                    await writer.drain()
        try:
            raw = await reader.read()
        except ConnectionError:
            return Answer(None, {}, b"")
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    if not raw:
        return Answer(None, {}, b"")
    top, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = top.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return Answer(int(status_line.split()[1]), headers, body)


def get(*fields: str) -> bytes:
    return ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(fields) + "\r\n").encode()


def peak_rss() -> int:
    """This process's peak resident memory since the last reset (VmHWM), bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # proc(5): VmHWM := current RSS


async def test_a_huge_header_is_refused_and_never_held(port: int) -> None:
    """16 MiB of one header value: the server stops reading past the limit and answers
    431 (or has closed the connection); its process barely grows."""
    block = b"a" * MiB

    async def value() -> AsyncIterator[bytes]:
        for _ in range(16):
            yield block
        yield b"\r\n\r\n"

    reset_peak_rss()
    before = peak_rss()
    answer = await exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ", then=value())
    grown = peak_rss() - before
    assert answer.status in (431, None)
    if answer.status == 431:
        assert json.loads(answer.body)["error"]["code"] == "request_headers_too_large"
    assert grown < 8 * MiB, f"the server process grew by {grown / MiB:.1f} MiB"


async def test_a_head_over_the_limit_in_one_read_is_431(port: int, settings: Settings) -> None:
    """A complete head larger than ``max_header_bytes`` is refused with the one error
    body, ``nosniff`` and the connection closed."""
    answer = await exchange(port, get(f"X-Big: {'b' * settings.max_header_bytes}\r\n"))
    assert answer.status == 431
    assert answer.headers["connection"] == "close"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert json.loads(answer.body)["error"]["code"] == "request_headers_too_large"


async def test_too_many_header_fields_are_431(port: int, settings: Settings) -> None:
    """One more field than ``max_header_count`` is refused."""
    fields = [f"X-F{i}: 1\r\n" for i in range(settings.max_header_count)]
    answer = await exchange(port, get(*fields))
    assert answer.status == 431
    assert json.loads(answer.body)["error"]["code"] == "too_many_request_headers"


async def test_a_head_within_the_limits_is_served_on_a_kept_alive_connection(
    port: int, settings: Settings
) -> None:
    """Heads just under both limits are served, one after the other, on one connection:
    the count starts again with each request."""
    fields = [f"X-F{i}: {'c' * 100}\r\n" for i in range(settings.max_header_count - 2)]
    one = get(*fields)
    assert len(one) < settings.max_header_bytes
    answer = await exchange(port, one + one.replace(b"Host:", b"Connection: close\r\nHost:"))
    assert answer.status == 200
    assert answer.body.count(b'"status":"ok"') == 2


async def test_a_malformed_request_gets_the_error_body(port: int) -> None:
    """Not HTTP at all: 400 ``request_malformed``, with ``nosniff``."""
    answer = await exchange(port, b"\x00\x01 nonsense\r\n\r\n")
    assert answer.status == 400
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert json.loads(answer.body)["error"]["code"] == "request_malformed"


async def test_a_websocket_handshake_passes_the_bounded_protocol(port: int) -> None:
    """The upgrade is handed over as before: an unauthenticated live socket is accepted
    and closed 4401 (docs/live-sessions.md); an oversized handshake is 431."""
    ws = await websockets.connect(f"ws://127.0.0.1:{port}/api/v1/live/{uuid.uuid4()}")
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(
            f"ws://127.0.0.1:{port}/api/v1/live/{uuid.uuid4()}",
            additional_headers={"X-Big": "a" * (64 * 1024)},
        )
    assert refused.value.response.status_code == 431


async def test_a_trickled_head_is_refused_408_when_its_time_is_up(
    app: Starlette, settings: Settings
) -> None:
    """A head that stops arriving ("slowloris"), or a connection that sends nothing, is
    answered ``request_headers_timeout`` and closed."""
    quick = dataclasses.replace(settings, header_read_timeout_seconds=0.2)
    async with serving(app, quick) as chosen:
        partial = await exchange(chosen, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sl")
        silent = await exchange(chosen, b"")
    for answer in (partial, silent):
        assert answer.status == 408
        assert answer.headers["connection"] == "close"
        assert json.loads(answer.body)["error"]["code"] == "request_headers_timeout"


async def test_a_refusal_before_the_app_carries_a_request_id_to_quote(
    port: int, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A browser's 70,000-character path is refused by the protocol before any header is
    parsed (so it cannot be an HTML page, docs/error-texts.md): the JSON body still
    carries a request id, the same as X-Request-Id, and the log line has it."""
    caplog.set_level(logging.INFO, logger="web.http_limits")
    path = "/" + "a" * 70_000
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n".encode()
    for refused in (head, b"\x00\x01 nonsense\r\n\r\n"):
        answer = await exchange(port, refused)
        assert answer.status in (431, 400)
        request_id = json.loads(answer.body)["error"]["request_id"]
        assert re.fullmatch(r"[0-9a-f]{16}", request_id)
        assert answer.headers["x-request-id"] == request_id
        assert any(getattr(r, "request_id", None) == request_id for r in caplog.records)
