"""Stalled form posts against a light request, as a ratio to the same server idle.

Starts `etender serve` (one worker, embedded PostgreSQL, fsync on) in a temporary data
directory, signs one agency user in through the login page (a browser's cookie session),
then measures a light request that needs a pooled connection (GET /api/v1/tenders):

- idle: alone;
- stalled: while N signed-in multipart form posts (default 50, more than the site's
  pool of 20) have sent their headers and part of their body, and then stall.

Before issue 9 item 6 the CSRF check read such a body while holding one of the site's
pooled connections, so the light request queued behind them (15 s and more); the form
body is now read in full, within its limits, before any connection is taken
(web/form_body.py). The stalled posts are answered 408 after ETENDER_FORM_READ_TIMEOUT
(20 s by default), well after the measurement ends.
Run: .venv/bin/python scripts/bench/stalled_forms.py [--stalled 50] [--samples 200]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from harness import start_server, stop_server  # noqa: E402
from limits import free_port  # noqa: E402

from accounts.model import OrgKind, Role  # noqa: E402
from tests.accounts.factory import PASSWORD, make_organisation, make_user  # noqa: E402
from web.db.embedded import SUPERUSER, EmbeddedPostgres  # noqa: E402

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BOUNDARY = "stalled-form"
LIGHT = "/api/v1/tenders"


async def _agency_user(data: Path) -> None:
    conn = await asyncpg.connect(EmbeddedPostgres.in_data_dir(data).dsn(user=SUPERUSER))
    try:
        org = await make_organisation(conn, OrgKind.AGENCY)
        await make_user(conn, org, Role.AGENCY, username="agency", password=PASSWORD)
    finally:
        await conn.close()


async def _cookie(client: httpx.AsyncClient) -> str:
    """Sign in through the login page, as a browser does; the session cookie's value."""
    form = await client.get("/login")
    match = HIDDEN_CSRF.search(form.text)
    assert match is not None, "the login page has no CSRF field"
    fields = {"csrf_token": match.group(1), "username": "agency", "password": PASSWORD}
    signed_in = await client.post("/login", data=fields)
    assert signed_in.status_code == 303, signed_in.text
    return client.cookies["etender_session"]


async def _stall(port: int, cookie: str) -> asyncio.StreamWriter:
    """Headers and the start of a multipart body, then nothing more."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            f"POST /agency/tenders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: etender_session={cookie}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            f"Content-Length: 100000\r\n\r\n"
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        ).encode()
    )
    await writer.drain()
    return writer


async def _light(client: httpx.AsyncClient, samples: int, give_up: float) -> list[float]:
    """Milliseconds of ``samples`` sequential light requests; one unanswered after
    ``give_up`` seconds counts as that long, and ends the series."""
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        try:
            response = await client.get(LIGHT, timeout=give_up)
        except httpx.TimeoutException:
            times.extend([give_up * 1000] * 2)  # quantiles need two samples
            break
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    return times


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


async def bench(args: argparse.Namespace) -> None:
    data = Path(tempfile.mkdtemp(prefix="etender-bench-", dir="/var/tmp"))
    data.chmod(0o755)
    port = free_port()
    proc = start_server(data, port)
    writers: list[asyncio.StreamWriter] = []
    try:
        await _agency_user(data)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            cookie = await _cookie(client)
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            await _light(client, 20, args.give_up)  # warm up
            idle = await _light(client, args.samples, args.give_up)
            writers = [await _stall(port, cookie) for _ in range(args.stalled)]
            await asyncio.sleep(0.5)  # let the server parse every head
            stalled = await _light(client, args.samples, args.give_up)
    finally:
        for writer in writers:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)
        stop_server(proc, data)
    print(f"stalled multipart posts       {args.stalled} (site pool: 20 connections)")
    print(f"light request                 GET {LIGHT}, {len(stalled)}/{args.samples} samples "
          f"(a request unanswered after {args.give_up:.0f} s ends the series)")  # fmt: skip
    for name, q in (("p50", 50), ("p99", 99)):
        print(f"light {name} idle / stalled     {_p(idle, q):6.1f} ms / {_p(stalled, q):6.1f} ms "
              f"= {_p(stalled, q) / _p(idle, q):.2f} x idle")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stalled", type=int, default=50)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--give-up", type=float, default=15.0, help="seconds per request")
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
