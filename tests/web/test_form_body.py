"""Form bodies over real sockets: stalled posts hold no pooled connection; size and time
limits answer 413 and 408 (web/form_body.py, issue 9 item 6)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import json
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from accounts.model import Role
from tests.conftest import LiveServer
from tests.web.accounts.test_pages import user_with
from tests.web.test_auth import cookie_session
from web import errortext
from web.app import create_app
from web.auth import SESSION_COOKIE
from web.settings import Settings

STALLED = 50
BOUNDARY = "stalled-form"


@dataclasses.dataclass
class RawClient:
    """One HTTP/1.1 connection written by hand, so a test can stop mid-body."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    @classmethod
    async def open(cls, port: int) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def response(self) -> tuple[int, dict[str, str], bytes]:
        """The whole answer, read until the server closes the connection."""
        raw = await self.reader.read()
        head, _, body = raw.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        return int(status_line.split()[1]), headers, body

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


def form_head(path: str, *, cookie: str, length: int, media: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {SESSION_COOKIE}={cookie}\r\n"
        f"Content-Type: {media}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def multipart_start() -> bytes:
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'.encode()


@contextlib.asynccontextmanager
async def serve(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[LiveServer]:
    """The app on ``settings``, its lifespan running, served by uvicorn on a free port."""
    # No job takes a connection in the middle of a count.
    app = create_app(dataclasses.replace(settings, run_background=False), pool=pool)
    async with app.router.lifespan_context(app):
        server = LiveServer(app)
        await server.start()
        try:
            yield server
        finally:
            await server.stop()


@pytest.fixture
async def cookie(pool: asyncpg.Pool) -> str:
    """A signed-in agency user's browser session."""
    await user_with(pool, Role.AGENCY, username="agency")
    return await cookie_session(pool, "agency")


@contextlib.asynccontextmanager
async def stalled_posts(port: int, cookie: str) -> AsyncIterator[list[RawClient]]:
    """STALLED signed-in multipart posts that stop mid-body; closed on the way out (the
    server's graceful stop waits for them)."""
    clients: list[RawClient] = []
    head = form_head(
        "/agency/tenders",
        cookie=cookie,
        length=100_000,
        media=f"multipart/form-data; boundary={BOUNDARY}",
    )
    try:
        for _ in range(STALLED):
            clients.append(await RawClient.open(port))
            await clients[-1].send(head + multipart_start())
        yield clients
    finally:
        for client in clients:
            await client.close()


async def every_head_parsed(server: LiveServer, count: int) -> None:
    """Wait until uvicorn runs a request task for each of ``count`` heads sent."""
    while len(server.server.server_state.tasks) < count:  # noqa: ASYNC110 (uvicorn's set)
        await asyncio.sleep(0.01)


async def back_to(pool: asyncpg.Pool, idle: int) -> None:
    """Wait (at most a generous minute, then fail) until only ``idle`` are held."""
    async with asyncio.timeout(60):
        while True:
            await pool.settled()
            if held(pool) == idle:
                return
            await asyncio.sleep(0.01)


def held(pool: asyncpg.Pool) -> int:
    """Connections of the pool in use right now."""
    return pool.get_size() - pool.get_idle_size()


async def test_stalled_form_posts_hold_no_pooled_connection_and_a_light_request_answers(
    settings: Settings, pool: asyncpg.Pool, cookie: str
) -> None:
    """50 signed-in multipart posts that stop mid-body take none of the site's
    connections; a request that needs one is answered meanwhile."""
    async with serve(settings, pool) as server:
        idle = held(pool)  # the live hub's LISTEN connection
        async with stalled_posts(server.port, cookie) as stalled:
            await every_head_parsed(server, len(stalled))
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as light:
                # A generous bound that fails the test instead of hanging it (not a
                # timing assert): before the fix the stalled posts held every connection.
                ready = await asyncio.wait_for(light.get("/readyz"), timeout=60)
            assert ready.status_code == 200
            # Each multipart post's session check holds a connection for one query
            # before its body is read; once those are done, none is held. (Before the
            # fix they held every connection for good: this wait would end in failure.)
            await back_to(pool, idle)
            assert held(pool) == idle
            async with pool.acquire() as conn:
                busy = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND state IN ('active', 'idle in transaction')"
                    " AND pid <> pg_backend_pid()"
                )
            assert busy == 0


async def test_a_stalled_form_is_refused_408_and_the_connection_closed(
    settings: Settings, pool: asyncpg.Pool, cookie: str
) -> None:
    """A form body that stops arriving is answered ``body_read_timeout`` (RFC 9110
    §15.5.9) once its time is up, and the connection is closed."""
    quick = dataclasses.replace(settings, form_read_timeout_seconds=0.2)
    async with serve(quick, pool) as server:
        client = await RawClient.open(server.port)
        media = f"multipart/form-data; boundary={BOUNDARY}"
        await client.send(
            form_head("/agency/tenders", cookie=cookie, length=5000, media=media)
            + multipart_start()
        )
        status, headers, body = await client.response()
        assert status == 408
        assert headers["connection"] == "close"
        assert headers["x-content-type-options"] == "nosniff"
        assert json.loads(body)["error"]["request_id"] == headers["x-request-id"]
        assert json.loads(body)["error"]["code"] == "body_read_timeout"
        await client.close()


async def test_a_form_declared_larger_than_the_limit_is_refused_before_its_body(
    settings: Settings, pool: asyncpg.Pool, cookie: str
) -> None:
    """An url-encoded form declaring more than ``max_body_bytes`` is 413 at once."""
    async with serve(settings, pool) as server:
        client = await RawClient.open(server.port)
        length = settings.max_body_bytes + 1
        media = "application/x-www-form-urlencoded"
        await client.send(form_head("/logout", cookie=cookie, length=length, media=media))
        status, _, body = await client.response()
        assert status == 413
        assert json.loads(body)["error"]["code"] == "body_too_large"
        await client.close()


async def test_a_chunked_multipart_form_past_its_limit_is_413(
    settings: Settings, pool: asyncpg.Pool, cookie: str
) -> None:
    """Without a declared length the limit is counted as the body arrives."""
    app = create_app(dataclasses.replace(settings, max_form_bytes=10_000), pool=pool)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            response = await c.post(
                "/agency/tenders",
                content=_chunks(5, 4096),
                headers={
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    "Cookie": f"{SESSION_COOKIE}={cookie}",
                },
            )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


async def _chunks(count: int, size: int) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield b"x" * size


async def test_only_a_live_session_may_send_a_multipart_form_past_the_body_limit(
    settings: Settings, pool: asyncpg.Pool, cookie: str
) -> None:
    """Without a session, or with a forged one, a multipart form is held to
    ``max_body_bytes``; a signed-in browser may send up to ``max_form_bytes`` (a tender
    document), and its form reaches the page (here refused for its CSRF token)."""
    file = b"%PDF-" + b"x" * (settings.max_body_bytes + 1)
    app = create_app(settings, pool=pool)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            answers = {}
            for who, session in (("anonymous", None), ("forged", "x" * 43), ("signed", cookie)):
                c.cookies.clear()
                if session is not None:
                    c.cookies.set(SESSION_COOKIE, session)
                answers[who] = await c.post(
                    "/agency/tenders",
                    data={"csrf_token": "wrong"},
                    files={"file": ("tender.pdf", file, "application/pdf")},
                )
    assert answers["anonymous"].json()["error"]["code"] == "body_too_large"
    assert answers["forged"].json()["error"]["code"] == "body_too_large"
    assert answers["signed"].status_code == 403
    assert "text/html" in answers["signed"].headers["content-type"]


async def test_a_bearer_api_call_with_a_form_type_streams_to_its_handler(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """curl's default type on a raw API body is no form to buffer: the handler's own
    limit applies (the CSV import takes 8 MiB), and authentication answers first."""
    answer = await client.post(
        "/api/v1/experts/import",
        content=b"x" * (settings.max_body_bytes + 1),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "Bearer not-a-token",
        },
    )
    assert answer.json()["error"]["code"] == "token_invalid"


async def test_a_stalled_json_body_is_refused_408_too(
    settings: Settings, pool: asyncpg.Pool
) -> None:
    """The outside tester (issue 13) held 400 JSON posts open for good by sending part of
    the body: a JSON body has the form's time too (web/http.py read_body)."""
    quick = dataclasses.replace(settings, form_read_timeout_seconds=0.2)
    async with serve(quick, pool) as server:
        client = await RawClient.open(server.port)
        await client.send(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            b'{"user'
        )
        status, headers, body = await client.response()
        assert status == 408
        assert json.loads(body)["error"]["code"] == "body_read_timeout"
        assert json.loads(body)["error"]["details"] == {"received_bytes": 6}
        assert json.loads(body)["error"]["request_id"] == headers["x-request-id"]
        await client.close()


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_a_browsers_form_past_the_limit_gets_the_413_page_in_its_language(
    client: httpx.AsyncClient, settings: Settings, lang: str
) -> None:
    """A browser's form over ``max_body_bytes`` (the login form, the venue form) is
    answered with the error page, the catalogue's message in the page's language and
    the request id (docs/error-texts.md) — never the API's English JSON."""
    client.cookies.set("lang", lang)
    for path in ("/login", "/venues"):
        answer = await client.post(
            path,
            content=b"a=" + b"x" * settings.max_body_bytes,
            headers={"Content-Type": "application/x-www-form-urlencoded", **BROWSER},
        )
        assert answer.status_code == 413, path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert answer.headers["connection"] == "close"
        page = html.unescape(answer.text)
        assert f'<html lang="{lang}">' in page
        assert errortext.text("body_too_large", lang) in page
        assert answer.headers["x-request-id"] in page
        assert "larger than" not in page  # the API's developer message


async def test_a_scripts_form_past_the_limit_keeps_the_json_error_body(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """A page's fetch() (Accept: */*) gets the one error body, as the API does."""
    answer = await client.post(
        "/login",
        content=b"a=" + b"x" * settings.max_body_bytes,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "body_too_large"
    assert answer.json()["error"]["request_id"] == answer.headers["x-request-id"]
