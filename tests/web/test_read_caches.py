"""The per-process read caches keep their documented bounds (web/read_caches.py; issue 17,
item 5): a checkpoint note at most ETENDER_CHECKPOINT_CACHE_SECONDS old, a revoked
session honoured at most ETENDER_SESSION_CACHE_SECONDS longer, a logout at once.

Time is a fake clock the tests move, so nothing waits on the wall clock."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from accounts.model import OrgKind, Role
from audit import service as audit
from signing.log.entry import Actor as LogActor
from signing.log.entry import LogEntry
from tests.accounts.factory import PASSWORD, make_organisation, make_user
from web.app import create_app
from web.read_caches import NewestNote
from web.services import services
from web.settings import Settings

CHECKPOINT_BOUND, SESSION_BOUND = 1.0, 2.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def cached_app(
    settings: Settings, pool: asyncpg.Pool, clock: FakeClock
) -> AsyncIterator[Starlette]:
    """The app with both caches on, on the fake clock, and no background job (the
    checkpoints are the test's)."""
    on = dataclasses.replace(
        settings,
        run_background=False,
        checkpoint_cache_seconds=CHECKPOINT_BOUND,
        session_cache_seconds=SESSION_BOUND,
    )
    application = create_app(on, pool=pool)
    caches = services(application).read_caches
    caches.checkpoint.clock = caches.sessions.clock = clock
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(cached_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=cached_app, client=("192.0.2.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _sign(app: Starlette, pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await audit.sign_new_checkpoint(conn, services(app).log_identity)


async def test_a_checkpoint_note_is_served_at_most_the_bound_after_it_was_read(
    cached_app: Starlette, http: httpx.AsyncClient, pool: asyncpg.Pool, clock: FakeClock
) -> None:
    """Rule: never serve a note older than ETENDER_CHECKPOINT_CACHE_SECONDS."""
    await _sign(cached_app, pool)
    first = (await http.get("/api/v1/log/checkpoint")).text
    async with pool.acquire() as conn, conn.transaction():
        await audit.append(conn, audit_entry())
    await _sign(cached_app, pool)
    clock.now += CHECKPOINT_BOUND - 0.01
    assert (await http.get("/api/v1/log/checkpoint")).text == first  # within the bound
    clock.now += 0.01
    newer = (await http.get("/api/v1/log/checkpoint")).text
    assert newer != first
    async with pool.acquire() as conn:
        assert newer == await audit.current_checkpoint(conn)


async def test_concurrent_readers_share_one_refresh() -> None:
    """Rule: one read at a time refreshes the note; the others take its result."""
    clock, reads = FakeClock(), []
    cache = NewestNote(1.0, clock)
    gate = asyncio.Event()

    async def load() -> str:
        reads.append(1)
        await gate.wait()
        return f"note {len(reads)}"

    waiting = [asyncio.create_task(cache.get(load)) for _ in range(5)]
    await asyncio.sleep(0)  # every reader reached the cache
    gate.set()
    assert await asyncio.gather(*waiting) == ["note 1"] * 5
    assert len(reads) == 1
    cache.clear()  # this process changed the note: the next read goes to the database
    assert await cache.get(load) == "note 2"


async def test_a_revoked_token_stops_working_within_the_bound_a_logout_at_once(
    http: httpx.AsyncClient, pool: asyncpg.Pool, clock: FakeClock
) -> None:
    """Rule: a session ended elsewhere is honoured at most ETENDER_SESSION_CACHE_SECONDS
    longer by this process; a logout through this process ends it here at once."""
    async with pool.acquire() as conn:
        agency = await make_organisation(conn, OrgKind.AGENCY)
        user = await make_user(conn, agency, Role.AGENCY)
    tokens = []
    for _ in range(2):
        login = await http.post(
            "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
        )
        tokens.append({"Authorization": f"Bearer {login.json()['token']}"})
    assert (await http.get("/api/v1/tenders/mine", headers=tokens[0])).status_code == 200
    async with pool.acquire() as conn:  # another process revokes the session
        await conn.execute(
            "UPDATE sessions SET revoked_at = clock_timestamp() WHERE user_id = $1", user.id
        )
    clock.now += SESSION_BOUND - 0.01
    assert (await http.get("/api/v1/tenders/mine", headers=tokens[0])).status_code == 200
    clock.now += 0.01
    refused = await http.get("/api/v1/tenders/mine", headers=tokens[0])
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "session_expired")
    # A logout here: the second session ends for this process without waiting.
    async with pool.acquire() as conn:
        await conn.execute("UPDATE sessions SET revoked_at = NULL WHERE user_id = $1", user.id)
    assert (await http.get("/api/v1/tenders/mine", headers=tokens[1])).status_code == 200
    assert (await http.post("/api/v1/auth/logout", headers=tokens[1])).status_code == 200
    after = await http.get("/api/v1/tenders/mine", headers=tokens[1])
    assert after.status_code == 401


async def test_a_cached_token_is_still_refused_when_it_comes_the_other_way(
    http: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Rule (issue 9, item 18): a bearer token is no cookie session, cached or not."""
    async with pool.acquire() as conn:
        agency = await make_organisation(conn, OrgKind.AGENCY)
        user = await make_user(conn, agency, Role.AGENCY)
    login = await http.post(
        "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
    )
    token = login.json()["token"]
    ok = await http.get("/api/v1/tenders/mine", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    http.cookies.set("etender_session", token)
    as_cookie = await http.get("/api/v1/tenders/mine")
    assert (as_cookie.status_code, as_cookie.json()["error"]["code"]) == (401, "token_invalid")


def audit_entry() -> LogEntry:
    return LogEntry(
        kind="test.entry",
        time=datetime(2026, 1, 1, tzinfo=UTC),
        actor=LogActor(user_id="u1", role="system_admin"),
        data={"n": 1},
    )
