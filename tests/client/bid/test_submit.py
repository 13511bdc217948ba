"""`etender bid submit` against a real server: receipts, replacement, and kill -9 mid-rush."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from accounts.model import OrgKind, Role
from client.bid.submit import BUSY_WAIT_LIMIT
from client.http import RETRY_SECONDS
from signing.age import X25519Identity
from signing.certs import Identity, cert_sha256, dump_pem_certificate, dump_pem_private_key
from signing.demo_ca import issue_identity
from signing.manifest import BidInfo
from tender import service
from tender.model import Tender
from tests.accounts.factory import PASSWORD, make_organisation, make_user
from tests.conftest import CloneDatabase, LiveServer, free_port
from tests.signing.bid_kit import seal_bytes
from tests.tender.kit import replace
from tests.tender.submission.kit import sealed_committee
from tests.tender.world import (
    World,
    appoint,
    bidder_identity,
    fast_draft,
    published_tender,
    register_certificate,
)
from tests.web.tender.http_kit import (
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)


def _client_files(directory: Path, ident: Identity, token: str, sealed: bytes) -> dict[str, Path]:
    """Certificate (registered on the platform), key, token and sealed part, as files."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "cert": directory / "bidder.crt",
        "key": directory / "bidder.key",
        "token": directory / "token.txt",
        "part": directory / "main.age",
    }
    chain = b"".join(dump_pem_certificate(c) for c in (ident.certificate, *ident.chain))
    files["cert"].write_bytes(chain)
    files["key"].write_bytes(dump_pem_private_key(ident.key))
    files["token"].write_text(token)
    files["token"].chmod(0o600)  # a looser token file is refused (docs/cli.md)
    files["part"].write_bytes(sealed)
    return files


def _seal(world: World, committee: object, credit_code: str, size: int, price: int) -> bytes:
    ident = issue_identity(
        world.ca, name="投标人", org_credit_code=credit_code,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )  # fmt: skip
    info = BidInfo(
        tender=committee.tender,  # type: ignore[attr-defined]
        lot="1",
        part="main",
        bidder=credit_code,
        fields={"price": price, "duration": 90},
    )
    return seal_bytes(
        committee,  # type: ignore[arg-type]
        bidder=ident,
        bidder_age=X25519Identity.generate(),
        trust=world.ca.trust_store(),
        at=dt.datetime.now(dt.UTC),
        files={"bid.bin": os.urandom(size)},
        info=info,
    )


def _command(server: str, tender: Tender, files: dict[str, Path], out: Path) -> list[str]:
    return [
        sys.executable, "-m", "web.cli.main", "bid", "submit",
        "--server", server, "--token-file", str(files["token"]),
        "--tender", str(tender.id), "--lot", "1",
        "--cert", str(files["cert"]), "--key", str(files["key"]),
        "--state-dir", str(out / "state"), "--out-dir", str(out), "--no-progress",
        str(files["part"]),
    ]  # fmt: skip


def _openssl_verifies(stem: Path, root: Path) -> bool:
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", f"{stem}.p7s",
         "-content", f"{stem}.json", "-CAfile", str(root), "-purpose", "any",
         "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    return done.returncode == 0


async def test_the_client_submits_and_replaces_a_bid_and_saves_verifiable_receipts(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str],
    tmp_path: Path,
) -> None:  # fmt: skip
    """Two runs of `etender bid submit`: version 1, then version 2 chained to it."""
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        committee = await sealed_committee(conn, tender)
    code = web_world.bidder_orgs[0].credit_code
    salts: list[bytes] = []
    for version, price in ((1, 100), (2, 90)):
        sealed = _seal(web_world, committee, code, 300_000, price)
        files = _client_files(tmp_path / f"v{version}", web_world.bidder_identities[0],
                              tokens["bidder1"], sealed)  # fmt: skip
        done = await asyncio.to_thread(
            subprocess.run, _command(live_server.url, tender, files, tmp_path / "out"),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert f"submitted version {version}" in done.stdout
        stem = tmp_path / "out" / f"receipt-{tender.code}-1-v{version}"
        assert _openssl_verifies(stem, tmp_path / "out" / "receipt-ca.pem")
        assert hashlib.sha256(sealed).hexdigest() in stem.with_suffix(".json").read_text()
        # The salt beside the receipt opens the version's own commitment (upload.md §4.2).
        salt = bytes.fromhex(Path(f"{stem}.salt").read_text())
        async with pool.acquire() as conn:
            salts.append(await conn.fetchval(
                "SELECT bidder_salt FROM bid_versions WHERE version = $1", version))  # fmt: skip
        assert salts[-1] == salt
    assert salts[0] != salts[1]  # a fresh salt per version (docs/audit-log.md §1.2)
    # Both uploads name this installation (docs/formats/upload.md §2.1, Reg. 40).
    installation = (tmp_path / "out" / "state" / "installation").read_text()
    async with pool.acquire() as conn:
        sent = await conn.fetch("SELECT DISTINCT client_installation FROM bid_uploads")
    assert [row["client_installation"] for row in sent] == [installation]


async def test_a_consortium_submits_after_each_member_countersigns_with_the_client(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str],
    tmp_path: Path,
) -> None:  # fmt: skip
    """`etender bid submit --consortium` writes the statement and exits 3; `etender bid
    countersign` refuses a non-member and signs as the member; the second submit wins."""
    async with pool.acquire() as conn:
        draft = replace(await fast_draft(conn, web_world), consortia_allowed=True)
        created = await service.create_draft(conn, web_world.agency, draft)
        await appoint(conn, web_world, created)
        tender = await service.publish(conn, web_world.agency, created.id, web_world.setup())
        committee = await sealed_committee(conn, tender)
    lead_code = web_world.bidder_orgs[0].credit_code
    member_code = web_world.bidder_orgs[1].credit_code
    sealed = _seal(web_world, committee, lead_code, 300_000, 100)
    files = _client_files(tmp_path / "lead", web_world.bidder_identities[0], tokens["bidder1"],
                          sealed)  # fmt: skip
    submit = [*_command(live_server.url, tender, files, tmp_path / "out"),
              "--consortium", member_code]  # fmt: skip
    first = await asyncio.to_thread(subprocess.run, submit, capture_output=True, text=True)
    assert first.returncode == 3, first.stderr
    statement = tmp_path / "out" / f"statement-{tender.code}-1-v1.json"
    assert json.loads(statement.read_bytes())["consortium"] == [member_code]
    signatures = []
    for who, index in (("outsider", 2), ("member", 1)):
        member_files = _client_files(tmp_path / who, web_world.bidder_identities[index], "-",
                                     sealed)  # fmt: skip
        signature = tmp_path / f"{who}.p7s"
        signed = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "web.cli.main", "bid", "countersign", str(statement),
             "--cert", str(member_files["cert"]), "--key", str(member_files["key"]),
             "--out", str(signature)],
            capture_output=True, text=True,
        )  # fmt: skip
        signatures.append((signed, signature))
    (outsider, _), (member, signature) = signatures
    assert outsider.returncode == 2
    assert "speaks for" in outsider.stderr
    assert member.returncode == 0, member.stderr
    second = await asyncio.to_thread(
        subprocess.run, [*submit, "--countersignature", str(signature)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "submitted version 1" in second.stdout


async def test_a_bidder_registers_its_signing_certificate_with_the_client(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str],
    tmp_path: Path,
) -> None:  # fmt: skip
    """`etender bid register-cert` signs a server challenge; the certificate becomes the
    user's current one (the previous is retired), so it may sign submit statements."""
    identity = bidder_identity(web_world.ca, web_world.bidder_orgs[1], "投标人二")
    files = _client_files(tmp_path / "b2", identity, tokens["bidder2"], b"-")
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "web.cli.main", "bid", "register-cert", "--server",
         live_server.url, "--token-file", str(files["token"]), "--cert", str(files["cert"]),
         "--key", str(files["key"])],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    digest = cert_sha256(identity.certificate)
    assert digest in done.stdout
    async with pool.acquire() as conn:
        current = await conn.fetchval(
            "SELECT cert_sha256 FROM user_certificates WHERE user_id = $1 AND retired_at IS NULL",
            web_world.bidders[1].user_id,
        )
    assert current == digest


class _Server:
    """`etender serve` as a child process on the test's database."""

    def __init__(self, data_dir: Path, dsn: str) -> None:
        self.data_dir, self.dsn, self.port = data_dir, dsn, free_port()
        self.upload_port = free_port()  # kept across restarts, as an operator's would be
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.dsn, "ETENDER_DATA_DIR": str(self.data_dir),
               "ETENDER_PORT": str(self.port), "ETENDER_LOG_LEVEL": "WARNING",
               "ETENDER_UPLOAD_WORKERS": "1",
               "ETENDER_UPLOAD_PORT": str(self.upload_port)}  # fmt: skip
        with (self.data_dir.parent / "serve.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "web.cli.main", "serve"], env=env,
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
            )  # fmt: skip
        for _ in range(300):
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


@pytest.mark.slow
async def test_kill_9_during_20_concurrent_uploads_loses_no_receipt_and_clients_finish(
    database: CloneDatabase, pool: asyncpg.Pool, web_world: World, tmp_path: Path,
) -> None:  # fmt: skip
    """Receipts issued ⇔ stored bids whose blobs hash right; interrupted clients resume."""
    data_dir = tmp_path / "data"
    trust = data_dir / "trust"
    trust.mkdir(parents=True)
    trust.joinpath("root.pem").write_bytes(dump_pem_certificate(web_world.ca.root_cert))
    trust.joinpath("issuing.pem").write_bytes(dump_pem_certificate(web_world.ca.issuing_cert))
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        committee = await sealed_committee(conn, tender)
        orgs = [await make_organisation(conn, OrgKind.BIDDER) for _ in range(20)]
        identities = [bidder_identity(web_world.ca, org, f"rush{i}") for i, org in enumerate(orgs)]
        for i, org in enumerate(orgs):
            user = await make_user(conn, org, Role.BIDDER, username=f"rush{i}", password=PASSWORD)
            await register_certificate(conn, user.id, identities[i])
    server = _Server(data_dir, database.owner_dsn)  # serve migrates first: the owner
    server.start()
    clients: list[subprocess.Popen[bytes]] = []
    try:
        commands = []
        for i, org in enumerate(orgs):
            login = httpx.post(f"{server.url}/api/v1/auth/login", timeout=30,
                               json={"username": f"rush{i}", "password": PASSWORD})  # fmt: skip
            sealed = _seal(web_world, committee, org.credit_code, 3_000_000, 1000 + i)
            files = _client_files(tmp_path / f"c{i}", identities[i], login.json()["token"],
                                  sealed)  # fmt: skip
            commands.append(_command(server.url, tender, files, tmp_path / f"c{i}" / "out"))
        clients += [
            subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands
        ]
        async with pool.acquire() as conn:
            for _ in range(600):  # kill once bytes are flowing (or the first bids are in)
                started = await conn.fetchval(
                    "SELECT count(*) FROM bid_uploads WHERE committed_offset > 0"
                )
                if started >= 1:
                    break
                await asyncio.sleep(0.02)
        server.kill()
        async with pool.acquire() as conn:
            at_kill = await conn.fetchval("SELECT count(*) FROM bid_versions")
        await asyncio.sleep(0.5)
        server.start()
        # Each client ends by its own rule (it gives up after RETRY_SECONDS without
        # progress, and waits at most BUSY_WAIT_LIMIT for leases): wait that long, all
        # at once, so a busy machine is not mistaken for a hang.
        bound = RETRY_SECONDS + BUSY_WAIT_LIMIT + 60
        outputs = await asyncio.gather(
            *(asyncio.to_thread(c.communicate, timeout=bound) for c in clients)
        )
    finally:
        for c in clients:  # none outlives the test, even when it fails
            if c.poll() is None:
                c.kill()
                c.communicate()
        server.stop()
    log = (tmp_path / "serve.log").read_text(errors="replace")[-2000:]
    failed = [
        o[1].decode(errors="replace") for c, o in zip(clients, outputs, strict=True) if c.returncode
    ]
    assert [c.returncode for c in clients] == [0] * 20, (failed, log)
    assert at_kill < 20  # the kill interrupted the rush
    blobs = data_dir / "blobs" / "objects"
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT receipt, statement_sha256 FROM bid_versions")
        parts = await conn.fetch("SELECT sha256 FROM bid_parts")
    assert len(rows) == 20
    assert len(parts) == 20
    stored = {bytes(r["receipt"]) for r in rows}
    for i in range(20):
        [issued] = list((tmp_path / f"c{i}" / "out").glob("receipt-*.json"))
        assert issued.read_bytes() in stored
        assert _openssl_verifies(issued.with_suffix(""), issued.parent / "receipt-ca.pem")
    for part in parts:
        blob = blobs / part["sha256"][:2] / part["sha256"]
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == part["sha256"]
