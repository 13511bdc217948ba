"""Test harness: a real PostgreSQL, a template database cloned per test, a real server.

The session starts one throwaway cluster (or uses ``DATABASE_URL``/``PGHOST`` when set),
migrates a template database once, and gives every test that touches the database a
fresh clone of it: services own their transactions, so an outer rolled-back
transaction would not fit (procrastinate and asyncpg do the same).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg
import httpx
import hypothesis
import pytest
import uvicorn
from starlette.applications import Starlette

from accounts import passwords
from tests import dbreset
from tests.bounds import bounded
from web import logs
from web.app import create_app
from web.db.database import open_pool
from web.db.embedded import APP_ROLE, SUPERUSER, EmbeddedPostgres
from web.db.migrate import migrate
from web.http_limits import http_protocol
from web.services import services
from web.settings import Settings

TEMPLATE = "etender_template"

# `etender serve` started by a test runs no upload workers unless the test asks for them
# (tests/web/cli/test_upload_workers.py, tests/client/bid/test_submit.py): a worker on
# the site's port + 1 could meet another test's server there, and each one is another
# interpreter to start on a busy machine.
os.environ.setdefault("ETENDER_UPLOAD_WORKERS", "0")

# Test users' passwords are hashed at scrypt ln=4, not the production ln=14 (16 MiB,
# ~50 ms each): the suite makes users by the thousand, and at the production cost their
# hashes were about two thirds of the CPU of the tests that build a world (measured on
# tests/web/accounts/test_permissions_http.py and tests/web/test_bad_input.py: 29 s of
# CPU against 10 s). Nothing else changes: a stored hash names its own cost, so login
# verifies through the same code; the production cost has its own tests
# (``production_password_cost``: tests/accounts/test_passwords.py).
TEST_PASSWORD_COST = passwords.ScryptParams(log2_n=4)
passwords.COST = TEST_PASSWORD_COST


@pytest.fixture
def production_password_cost(monkeypatch: pytest.MonkeyPatch) -> passwords.ScryptParams:
    """New hashes at the production cost, for the tests that check that cost."""
    monkeypatch.setattr(passwords, "COST", passwords.ScryptParams())
    return passwords.COST


# The opened evaluation lot (a real bid deadline to wait for) is one fixture for the
# whole tree, built at most once per test process: tests/evaluation/template.py; so is
# the tender whose evaluation closed on it (issue 13: tests/tender/results/template.py).
pytest_plugins = (
    "tests.evaluation.template",
    "tests.tender.results.template",
    "tests.scheduling",  # which worker runs which test, in what order
)


# Hypothesis's deadline and "too slow" health check time each example by the wall
# clock: on a busy machine they fail tests that are right (CI, stop 20's rerun). No
# test races the wall clock, these included; the examples themselves stay random.
hypothesis.settings.register_profile(
    "etender", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("etender")


def _raise_logging_error(record: logging.LogRecord) -> None:
    raise  # the error the handler is handling: a test that logs it fails


@pytest.fixture(scope="session", autouse=True)
def production_logging() -> None:
    """The server's logging configuration (INFO, JSON: web/logs.py, as `etender serve`
    installs it), so every log call the tests reach is rendered as in production; a
    record that cannot be made (an ``extra`` key that is a LogRecord attribute) raises
    on its own, and one that cannot be rendered fails the test instead of printing."""
    defaults = Settings()
    logs.configure(defaults.log_level, defaults.log_format)
    for handler in logging.getLogger().handlers:
        handler.handleError = _raise_logging_error  # type: ignore[method-assign]


class PgServer:
    """A PostgreSQL server the tests may create databases on."""

    def __init__(self, admin_dsn: str, cluster: EmbeddedPostgres | None) -> None:
        self.admin_dsn = admin_dsn
        self.cluster = cluster
        self.shelf = dbreset.Shelf()

    async def admin(self, sql: str) -> None:
        """Run one statement (CREATE or DROP DATABASE) on the server's admin database."""
        admin = await asyncpg.connect(self.dsn("postgres"))
        try:
            await admin.execute(sql)
        finally:
            await admin.close()

    def dsn(self, database: str, *, user: str | None = None) -> str:
        """The admin DSN pointed at another database (and optionally another user)."""
        if self.cluster is not None:
            return self.cluster.dsn(user=user or SUPERUSER, database=database)
        parts = urlsplit(self.admin_dsn)
        netloc = parts.netloc
        if user is not None:
            netloc = f"{user}@{netloc.rsplit('@', 1)[-1]}"
        return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, ""))


def _external_admin_dsn() -> str | None:
    if url := os.environ.get("DATABASE_URL"):
        return url
    if host := os.environ.get("PGHOST"):
        query = urlencode({"host": host, "user": os.environ.get("PGUSER", "postgres")})
        return f"postgresql:///postgres?{query}"
    return None


@pytest.fixture(scope="session")
async def pg_server() -> AsyncIterator[PgServer]:
    """One PostgreSQL for the session, with a migrated template database."""
    external = _external_admin_dsn()
    cluster = None
    if external is None:
        root = Path(tempfile.mkdtemp(prefix="etender-test-", dir="/tmp"))
        root.chmod(0o755)
        cluster = EmbeddedPostgres(root=root / "pg", fsync=False)
        cluster.start()
        server = PgServer(cluster.dsn(user=SUPERUSER, database="postgres"), cluster)
    else:
        server = PgServer(external, None)
    await server.admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    await server.admin(f"CREATE DATABASE {TEMPLATE}")
    conn = await asyncpg.connect(server.dsn(TEMPLATE))
    try:
        await migrate(conn)
    finally:
        await conn.close()
    yield server
    if cluster is not None:
        cluster.destroy()
        shutil.rmtree(cluster.root.parent, ignore_errors=True)


class CloneDatabase:
    """One test's own clone of the template."""

    def __init__(self, server: PgServer, name: str) -> None:
        self.server = server
        self.name = name

    @property
    def app_dsn(self) -> str:
        user = APP_ROLE if self.server.cluster is not None else None
        return self.server.dsn(self.name, user=user)

    @property
    def owner_dsn(self) -> str:
        return self.server.dsn(self.name)


@contextlib.asynccontextmanager
async def clone(pg_server: PgServer, source: str) -> AsyncIterator[CloneDatabase]:
    """A test's own copy of the database ``source``: a clone another test used, put back
    to ``source``'s state (tests/dbreset.py), or a new one."""
    shelf = pg_server.shelf
    if source not in shelf.baselines:
        conn = await asyncpg.connect(pg_server.dsn(source))
        try:
            shelf.baselines[source] = await dbreset.baseline(conn)
        finally:
            await conn.close()
    name = shelf.take(source)
    if name is None:
        name = f"t_{secrets.token_hex(6)}"
        await pg_server.admin(f"CREATE DATABASE {name} TEMPLATE {source} STRATEGY WAL_LOG")
    try:
        yield CloneDatabase(pg_server, name)
    finally:
        await bounded("putting the test's database back", _put_back(pg_server, source, name))


async def _put_back(pg_server: PgServer, source: str, name: str) -> None:
    """Reset a used clone onto the shelf, or drop it when it cannot be trusted."""
    shelf = pg_server.shelf
    for orphan in shelf.orphans(name):  # clones of this one: it is about to change
        await pg_server.admin(f"DROP DATABASE IF EXISTS {orphan} WITH (FORCE)")
    conn = await asyncpg.connect(pg_server.dsn(name))
    try:
        reusable = await dbreset.reset(conn, shelf.baselines[source])
    finally:
        await conn.close()
    if reusable:
        shelf.put(source, name)
    else:
        await pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def database(pg_server: PgServer) -> AsyncIterator[CloneDatabase]:
    """A database in the migrated template's state, the test's own."""
    async with clone(pg_server, TEMPLATE) as cloned:
        yield cloned


@pytest.fixture
async def pool(database: CloneDatabase) -> AsyncIterator[asyncpg.Pool]:
    """The application's pool (web.db.database.Pool, application role) on the test's
    database."""
    created = await open_pool(database.app_dsn, min_size=1, max_size=10)
    yield created
    await bounded("closing the test's pool", created.close())


@pytest.fixture
async def owner_conn(database: CloneDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection, for tests that play a misbehaving DBA."""
    conn = await asyncpg.connect(database.owner_dsn)
    yield conn
    await conn.close()


# The jobs a test's app runs: the log's leader only (receipts and inclusion proofs wait
# for it). Every other job's first pass at the app's start cost each web test about
# 75 ms of its 250 (session 16); a test of a job calls it, as the tests of jobs do.
TEST_JOBS = frozenset({"log-leader"})


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase) -> Settings:
    """Settings for an app on the test's database and a private data dir."""
    return Settings(
        database_url=database.app_dsn, data_dir=tmp_path / "data", background_jobs=TEST_JOBS
    )


@pytest.fixture
async def app(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[Starlette]:
    """The application, with its lifespan running."""
    application = create_app(settings, pool=pool)
    lifespan = application.router.lifespan_context(application)
    await lifespan.__aenter__()
    yield application
    await bounded("the app's lifespan exit", lifespan.__aexit__(None, None, None))


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process (same event loop)."""
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """A real uvicorn server running the app inside the test's event loop."""

    def __init__(self, app: Starlette) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            loop="none",
            # The production protocol (web/http_limits.py), so every live test runs
            # behind the same request-head limits as `etender serve`.
            http=http_protocol(services(app).settings),
            ws="websockets-sansio",
            log_level="warning",
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task


@pytest.fixture
async def live_server(app: Starlette) -> AsyncIterator[LiveServer]:
    """The app served by uvicorn on a free loopback port."""
    server = LiveServer(app)
    await server.start()
    yield server
    await bounded("the live server's shutdown", server.stop())


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; its absence fails the run (CI must not skip browser tests)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test does)")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium_path: str) -> AsyncIterator[object]:
    """A headless Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


# Older name, kept for modules that import it under another name.
TestDatabase = CloneDatabase
