"""`etender serve` with its upload workers as real processes (web/cli/upload_workers.py,
docs/formats/upload.md §2.2): uploads through the workers' address are receipted, a
killed worker is restarted and the upload resumes, the site still takes a PUT, another
bidder's upload id is the same 404, and stopping the server stops the workers."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from signing.certs import dump_pem_certificate, load_pem_certificate
from signing.cms import verify_detached
from signing.trust import TrustStore
from tests.accounts.factory import PASSWORD
from tests.conftest import CloneDatabase, free_port
from tests.tender.submission.kit import bidder, seal_for, sealed_committee, sign_submit
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import (
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_web_world,  # noqa: F401
)

WAIT = 60.0  # seconds a start or a restart may take on a busy machine


class Serve:
    """`etender serve` on the test's database, its upload workers on their own port."""

    def __init__(self, data_dir: Path, dsn: str) -> None:
        self.data_dir, self.port, self.upload_port = data_dir, free_port(), free_port()
        env = {**os.environ, "DATABASE_URL": dsn, "ETENDER_DATA_DIR": str(data_dir),
               "ETENDER_PORT": str(self.port), "ETENDER_UPLOAD_PORT": str(self.upload_port),
               "ETENDER_UPLOAD_WORKERS": "1", "ETENDER_LOG_LEVEL": "WARNING"}  # fmt: skip
        env.pop("ETENDER_UPLOAD_URL", None)
        self.log = data_dir.parent / "serve.log"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "web.cli.main", "serve"], env=env,
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
            )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        self.upload_url = f"http://127.0.0.1:{self.upload_port}"
        self.wait_for(lambda: self._ready(f"{self.url}/readyz"), "the site")
        self.wait_for(lambda: self._ready(f"{self.upload_url}/healthz"), "the upload worker")

    def _ready(self, url: str) -> bool:
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def wait_for(self, condition: object, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-2000:]
            if condition():  # type: ignore[operator]
                return
            time.sleep(0.05)
        raise AssertionError(f"{what} did not come up: {self.log.read_text()[-2000:]}")

    def workers(self) -> list[int]:
        """The upload workers' process ids (children of any thread of the server)."""
        found = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                if b"web.cli.upload_workers" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
        return found

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def _login(url: str, username: str) -> dict[str, str]:
    login = httpx.post(f"{url}/api/v1/auth/login", timeout=30,
                       json={"username": username, "password": PASSWORD})  # fmt: skip
    return {"Authorization": f"Bearer {login.json()['token']}"}


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


@pytest.mark.slow(wait=60)
async def test_upload_workers_take_uploads_restart_when_killed_and_stop_with_the_server(
    database: CloneDatabase, pool: asyncpg.Pool, web_world: World, tmp_path: Path,
) -> None:  # fmt: skip
    """Create on the site → first bytes PUT to the site (still served) → more to the
    worker → the worker killed and restarted → the rest to the same address completes →
    submitted and receipted; a stranger's GET/PUT on the worker is 404; SIGTERM stops all."""
    trust = tmp_path / "data" / "trust"
    trust.mkdir(parents=True)
    trust.joinpath("root.pem").write_bytes(dump_pem_certificate(web_world.ca.root_cert))
    trust.joinpath("issuing.pem").write_bytes(dump_pem_certificate(web_world.ca.issuing_cert))
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        who = bidder(web_world, 0)
        data = seal_for(web_world, await sealed_committee(conn, tender), who)
    digest = hashlib.sha256(data).hexdigest()
    server = Serve(tmp_path / "data", database.owner_dsn)  # serve migrates: the owner
    try:
        auth, stranger = _login(server.url, "bidder1"), _login(server.url, "bidder2")
        lot = f"{server.url}/api/v1/tenders/{tender.id}/lots/1"
        wanted = {"part": "main", "size": len(data), "sha256": digest}
        created = httpx.post(f"{lot}/uploads", headers=auth, timeout=30, json=wanted).json()
        target = created["upload_url"]
        assert target == f"{server.upload_url}/api/v1/uploads/{created['id']}"
        on_site = f"{server.url}/api/v1/uploads/{created['id']}"
        first = httpx.put(f"{on_site}?offset=0", content=data[:400], headers=auth, timeout=30)
        assert first.json()["offset"] == 400  # the site still takes a PUT (§2.2)
        for method in ("GET", "PUT"):
            refused = httpx.request(method, f"{target}?offset=400", headers=stranger, timeout=30)
            assert (refused.status_code, refused.json()["error"]["code"]) == (
                404, "bid_upload_not_found"
            )  # fmt: skip
        more = httpx.put(f"{target}?offset=400", content=data[400:900], headers=auth, timeout=30)
        assert more.json()["offset"] == 900
        [killed] = server.workers()
        os.kill(killed, signal.SIGKILL)
        server.wait_for(lambda: server.workers() not in ([], [killed]), "a restarted worker")
        rest = httpx.put(f"{target}?offset=900", content=data[900:], headers=auth, timeout=30)
        assert rest.json()["status"] == "complete", rest.text
        signed = sign_submit(tender, who, {"main": digest})
        body = {"statement": base64.b64encode(signed.body).decode(),
                "signature": base64.b64encode(signed.signature).decode()}  # fmt: skip
        receipt = httpx.post(f"{lot}/bid", json=body, headers=auth, timeout=60)
        assert receipt.status_code == 201, receipt.text
        root = load_pem_certificate(httpx.get(f"{server.url}/api/v1/receipts/ca.pem").content)
        verify_detached(base64.b64decode(receipt.json()["receipt"]),
                        base64.b64decode(receipt.json()["signature"]),
                        TrustStore(roots=(root,)), dt.datetime.now(dt.UTC))  # fmt: skip
        [worker] = server.workers()
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=WAIT) == 0
        assert _gone(worker)
    finally:
        server.kill()


@pytest.mark.slow(wait=60)
async def test_a_worker_exits_when_its_server_is_killed(
    database: CloneDatabase, tmp_path: Path
) -> None:
    """`kill -9` of the server alone (not its group): the worker's end of the pipe reads
    end-of-file and it shuts down — no worker outlives its server."""
    server = Serve(tmp_path / "data", database.owner_dsn)
    try:
        [worker] = server.workers()
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        deadline = time.monotonic() + WAIT
        while not _gone(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(worker)
    finally:
        server.kill()
