"""The OpenAPI document says what the server does: schemathesis fuzzes every operation.

A real uvicorn server (the production logging configuration) runs the app on a
throwaway clone of the migrated database, with the tender tests' world of users and a
published tender; schemathesis, the well-kept tool for this job, reads
``/api/v1/openapi.json`` and calls every operation three times over, at once:
anonymous, as a bidder and as an agency. The run fails on any 5xx, on any answer the
document does not describe (status, content type, headers, body schema) and on any
answer slower than ten seconds. It is bounded: a few examples per operation and a time
budget per role, so it takes about a minute and a half (issue 9, item 14: at most 3).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import asyncpg
import httpx
import pytest
import uvicorn

from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from tests.accounts.factory import PASSWORD
from tests.conftest import CloneDatabase, free_port
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import fixture_http_ca, fixture_web_world
from web.app import create_app
from web.settings import Settings

pytestmark = pytest.mark.slow
__all__ = ["fixture_http_ca", "fixture_web_world"]

# Examples per operation and seconds per role: 120 operations x 3 roles stay under
# three minutes on the two-core machine (issue 9: "bounded, at most 3 minutes").
MAX_EXAMPLES = int(os.environ.get("ETENDER_SCHEMATHESIS_EXAMPLES", "6"))
MAX_SECONDS_PER_ROLE = int(os.environ.get("ETENDER_SCHEMATHESIS_SECONDS", "55"))
SEED = int(os.environ.get("ETENDER_SCHEMATHESIS_SEED", "20261206"))
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    )
)
ROLES = ("bidder1", "agent")
# Operations that end the caller's session: a role run skips them to stay signed in.
SESSION_ENDING = ("logout",)


@pytest.fixture
async def tender_id(pool: asyncpg.Pool, web_world: World) -> str:
    """A published tender of the world's agency: the tender every operation is called
    on (random ids would only ever reach the 404 of an unknown tender)."""
    async with pool.acquire() as conn:
        published = await published_tender(cast(asyncpg.Connection, conn), web_world)
    return str(published.id)


class Server:
    """The application served by uvicorn in a thread of its own (its own event loop and
    pools, as `etender serve` runs it), so the schemathesis process can call it while
    the test waits."""

    def __init__(self, database: CloneDatabase, data_dir: Path, ca: DemoCA) -> None:
        # A platform with a trusted CA, as in production (without one, certificate
        # routes answer 503 trust_store_unavailable by design).
        trust = data_dir / "trust"
        trust.mkdir(parents=True)
        (trust / "demo-root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
        (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = Settings(
            database_url=database.app_dsn,
            data_dir=data_dir,
            port=self.port,
            public_url=self.url,
            db_pool_size=5,
            db_upload_pool_size=2,
        )
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            http="httptools",
            ws="websockets-sansio",
            log_config=None,
            access_log=False,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="openapi-server")

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            assert self.thread.is_alive(), "the server thread ended"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


@pytest.fixture
async def server(database: CloneDatabase, tmp_path: Path, http_ca: DemoCA) -> AsyncIterator[Server]:
    """The server on the test's database and its own data directory."""
    running = Server(database, tmp_path / "data", http_ca)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _token(server: Server, username: str, password: str) -> str:
    response = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"username": username, "password": password},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def _fuzz(server: Server, report: Path, headers: tuple[str, ...]) -> subprocess.Popen[str]:
    """Start one bounded schemathesis run against the served document."""
    args = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(report.parent / "schemathesis.toml"),
        "run",
        f"{server.url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_SECONDS_PER_ROLE),
        "--seed",
        str(SEED),
        "--phases",
        "examples,coverage,fuzzing",
        # One worker per run: hypothesis describes strategies with ast.parse, which is
        # not thread-safe on CPython 3.11 (an internal error with two). The three runs
        # go at once instead, as the outside fuzzing did with its five roles.
        "--workers",
        "1",
        # Bad input is refused before expensive work: no answer may take seconds.
        "--max-response-time",
        "10",
        "--request-timeout",
        "30",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--report",
        "ndjson",
        "--report-dir",
        str(report),
    ]
    for header in headers:
        args += ["--header", header]
    for operation in SESSION_ENDING:  # they would sign the role out for the rest
        args += ["--exclude-operation-id", operation] if headers else []
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=report,
    )


def _summary(output: str) -> str:
    """The failures part of the CLI output (the end of it), for the assertion message."""
    return output[-20000:]


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """Where each run's report goes (kept with the test's files)."""
    path = tmp_path / "schemathesis"
    path.mkdir()
    return path


@pytest.mark.slow  # a minute of requests on a busy machine: start it early
async def test_every_operation_answers_as_the_openapi_document_says(
    server: Server, tender_id: str, reports: Path
) -> None:
    """Anonymous, a bidder, an agency: no 5xx, no answer outside the document."""
    # Path parameters that name the published tender and its lot (positive cases).
    config = f'[parameters]\n"path.tender_id" = "{tender_id}"\n"path.lot" = "1"\n'
    (reports / "schemathesis.toml").write_text(config)
    runs: dict[str, tuple[str, ...]] = {"anonymous": ()}
    for role in ROLES:
        runs[role] = (f"Authorization: Bearer {_token(server, role, PASSWORD)}",)
    started = {}
    for name, headers in runs.items():
        (reports / name).mkdir()
        started[name] = _fuzz(server, reports / name, headers)
    failed = {}
    for name, process in started.items():
        output, _ = process.communicate(timeout=240)
        if process.returncode != 0:
            failed[name] = _summary(output)
    assert not failed, "\n\n".join(f"== {name}\n{out}" for name, out in failed.items())
