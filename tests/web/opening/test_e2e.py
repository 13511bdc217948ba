"""Issue 4's "Must show", end to end through the real server, HTTP, WebSockets and the
real command line: publish, download, a clarification that moves the deadline, four
bidders sealing and submitting (a replacement, a withdrawal and re-submission, a
consortium), the freeze list, self-decryption and two of three officials releasing,
then the signed opening record and every receipt checked with openssl."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import asyncpg
import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from accounts.model import OrgKind, Role
from client.bid.inputs import read_identity
from signing.age import parse_header, unwrap_file_key
from signing.certs import Identity, dump_pem_certificate, dump_pem_private_key, subject_credit_code
from signing.demo_ca import DemoCA
from signing.statements.bid import PartHash, SubmitStatement, countersign
from tender import queries
from tests.accounts.factory import PASSWORD, actor_for, make_organisation, make_user
from tests.conftest import CloneDatabase, LiveServer
from tests.tender.clock import fast_forward
from tests.tender.submission.kit import Bidder, sign_withdraw
from tests.tender.world import FAST, World, bidder_identity, register_certificate, wait_until
from tests.web.tender.http_kit import (
    as_tender,
    bearer,
    committee_json,
    draft_json,
    fixture_http_ca,
    fixture_web_world,
)
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_web_world"]

# A clarification needs 90 s before the deadline (Reg. 21), so one issued after the
# cutoff moves the deadline 90 s on. The cutoff is made to pass by
# tests/tender/clock.py (nothing is bound to it yet); the deadline cannot be: every
# sealed part binds it (the committee fingerprint, docs/formats/sealed-bid.md), so real
# time must reach it. Hence a margin many times what sealing and submitting take, then
# a plain wait: no step races the clock (issue 9, item 19). From the clarification to
# the last submission took 6.9 s on a quiet machine, and all of the test's own work
# (this and more) 26 s within a busy full run: 90 s is 13 and over 3 times those (it
# was 3 minutes, most of the test's time). The freeze job runs every 0.3 s.
NOTICE = dt.timedelta(seconds=90)
E2E = FAST.with_values(
    {"bid_period": "1s", "clarification_notice": "90s", "objection_notice": "1s"}
)


@pytest.fixture(name="settings")
def fixture_settings(tmp_path: Path, database: CloneDatabase, http_ca: DemoCA) -> Settings:
    """The demo CA trusted, the E2E policies, a quick freeze job."""
    trust = tmp_path / "data" / "trust"
    trust.mkdir(parents=True)
    (trust / "demo-root.pem").write_bytes(dump_pem_certificate(http_ca.root_cert))
    (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(http_ca.issuing_cert))
    overrides = {f"tender_{key}": str(value) for key, value in E2E.to_json().items()}
    return Settings(
        database_url=database.app_dsn,
        data_dir=tmp_path / "data",
        policy_overrides=overrides,
        freeze_job_seconds=0.3,
    )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Party:
    """A bidder at its own machine: login, certificate files, age identity file."""

    username: str
    credit_code: str
    token: str
    home: Path
    bidder: Bidder

    @property
    def cert(self) -> Path:
        return self.home / "bidder.crt"

    @property
    def key(self) -> Path:
        return self.home / "bidder.key"

    @property
    def age(self) -> Path:
        return self.home / "bidder.agekey"

    @property
    def out(self) -> Path:
        return self.home / "receipts"


async def cli(*argv: str) -> str:
    """Run `etender …` as a child process (the server's loop keeps serving); its stdout."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "web.cli.main", *argv,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, (argv[:2], err.decode()[-2000:])
    return out.decode()


async def login(client: httpx.AsyncClient, username: str) -> str:
    """A bearer token."""
    done = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert done.status_code == 200, done.text
    token: str = done.json()["token"]
    return token


async def party(
    client: httpx.AsyncClient, conn: asyncpg.Connection, world: World, home: Path, i: int
) -> Party:
    """Bidder ``i`` (0-based; the fourth is made here) with certificate files; its age
    identity is already in ``home`` (`etender bid keygen`)."""
    username = f"bidder{i + 1}"
    if i < len(world.bidder_orgs):
        org, actor = world.bidder_orgs[i], world.bidders[i]
    else:
        org = await make_organisation(conn, OrgKind.BIDDER, name=f"投标人{i + 1}")
        user = await make_user(conn, org, Role.BIDDER, username=username, password=PASSWORD)
        actor = await actor_for(conn, user)
    identity = bidder_identity(world.ca, org, f"投标人{i + 1}")
    await register_certificate(conn, actor.user_id, identity)  # statements need it registered
    chain = b"".join(dump_pem_certificate(c) for c in (identity.certificate, *identity.chain))
    (home / "bidder.crt").write_bytes(chain)
    (home / "bidder.key").write_bytes(dump_pem_private_key(identity.key))
    bidder = Bidder(
        actor=actor, org=org, identity=identity, age=read_identity(home / "bidder.agekey")
    )
    token = await login(client, username)
    return Party(username=username, credit_code=org.credit_code, token=token, home=home,
                 bidder=bidder)  # fmt: skip


async def seal(
    who: Party, tender: dict[str, Any], committee: Path, price: int, members: tuple[str, ...] = ()
) -> Path:
    """`etender bid seal` of a main part with ``price``: the sealed file."""
    work = who.home / f"bid-{price}"
    (work / "docs").mkdir(parents=True)
    (work / "docs" / "投标文件.txt").write_text(f"投标报价 {price} 分\n" * 200)
    member_args = [a for m in members for a in ("--member", m)]
    sealed = await cli(
        "bid", "seal", "--committee", str(committee), "--trust", str(who.home / "root.pem"),
        "--cert", str(who.cert), "--key", str(who.key), "--identity", str(who.age),
        "--tender", tender["code"], "--lot", "1", "--field", f"price={price}",
        "--field", "duration=90", "--file", str(work / "docs" / "投标文件.txt"),
        "--out-dir", str(work), "--no-progress", *member_args,
    )  # fmt: skip
    target = work / "main.age"
    assert hashlib.sha256(target.read_bytes()).hexdigest() in sealed
    return target


async def submit(
    server: str, who: Party, tender: dict[str, Any], sealed: Path,
    members: tuple[Identity, ...] = (),
) -> tuple[str, int]:  # fmt: skip
    """`etender bid submit` of a sealed part: its sha256 and the version the server gave.
    With ``members`` (a first version only), each member countersigns the statement the
    client will build — its bytes are known before the upload: tender, lot, lead,
    members, version 1, the part's hash — as `etender bid countersign` would
    (tests/client/bid/test_submit.py runs that two-step flow); one run then submits."""
    codes = sorted(subject_credit_code(m.certificate) or "" for m in members)
    consortium = [a for c in codes for a in ("--consortium", c)]
    argv = ("bid", "submit", "--server", server, f"--token={who.token}", "--tender",
            tender["id"], "--lot", "1", "--cert", str(who.cert), "--key", str(who.key),
            "--state-dir", str(sealed.parent / "state"), "--out-dir", str(who.out),
            "--no-progress", *consortium)  # fmt: skip
    countersigned: list[str] = []
    if members:
        digest = hashlib.sha256(sealed.read_bytes()).hexdigest()
        body = SubmitStatement(
            tender=tender["code"], lot="1", bidder=who.credit_code, consortium=tuple(codes),
            bid_version=1, parts=(PartHash(label="main", sha256=digest),), previous=None,
        ).to_bytes()  # fmt: skip
        for i, member in enumerate(members):
            path = sealed.parent / f"member{i}.p7s"
            path.write_bytes(countersign(body, member.certificate, member.key, chain=member.chain))
            countersigned += ["--countersignature", str(path)]
    submitted = await cli(*argv, *countersigned, str(sealed))
    version = re.search(r"submitted version (\d+)", submitted)
    assert version is not None, submitted
    return hashlib.sha256(sealed.read_bytes()).hexdigest(), int(version.group(1))


def openssl_verifies(content: Path, signature: Path, root: Path) -> bool:
    """`openssl cms -verify` of a detached DER signature under ``root``."""
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signature),
         "-content", str(content), "-CAfile", str(root), "-purpose", "any",
         "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    return done.returncode == 0


async def publish(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World, tokens: dict[str, str]
) -> dict[str, Any]:
    """Draft (consortia, lenient opening, the cutoff in 10 minutes and the deadline 90
    s after it), committee, documents, publish."""
    async with pool.acquire() as proxy:
        now = (await queries.database_now(cast(asyncpg.Connection, proxy))).replace(microsecond=0)
    body = await draft_json(pool, world)
    body["consortia_allowed"] = True
    body["opening_policy"] = "lenient"  # a self-decrypted bid counts (DESIGN.md "Opening")
    cutoff = now + dt.timedelta(minutes=10)  # publication comes first (rules._schedule)
    deadline = cutoff + NOTICE  # as early as the clarification period allows
    body["schedule"] |= {
        "documents_until": deadline.isoformat(),
        "clarification_cutoff": cutoff.isoformat(),
        "deadline": deadline.isoformat(),
    }
    created = await client.post("/api/v1/tenders", json=body, headers=bearer(tokens["agent"]))
    assert created.status_code == 201, created.text
    base = f"/api/v1/tenders/{created.json()['id']}"
    appointed = await client.put(f"{base}/lots/1/committee", json=committee_json(world),
                                 headers=bearer(tokens["staff"]))  # fmt: skip
    assert appointed.status_code == 200, appointed.text
    approved = await client.post(
        f"{base}/lots/1/committee/approve", headers=bearer(tokens["supervisor"]),
        json={"roster_sha256": appointed.json()["roster_sha256"]},
    )  # fmt: skip
    assert approved.status_code == 200, approved.text
    uploaded = await client.post(
        f"{base}/documents", params={"name": "招标文件.pdf"}, content=DOCUMENT,
        headers=bearer(tokens["agent"]) | {"Content-Type": "application/pdf"},
    )  # fmt: skip
    assert uploaded.status_code == 201, uploaded.text
    published = await client.post(f"{base}/publish", headers=bearer(tokens["agent"]))
    assert published.status_code == 200, published.text
    found: dict[str, Any] = published.json()
    return found


DOCUMENT = "%PDF-1.4 招标文件 第1标段".encode()
PRICES = {"bidder1": 298_000_00, "bidder2": 305_000_00, "bidder3": 310_500_00,
          "bidder4": 287_600_00}  # fmt: skip


async def events_until_record(ws: ClientConnection) -> tuple[list[dict[str, Any]], str]:
    """The hall's events up to the record's announcement, and the announced record."""
    seen: list[dict[str, Any]] = []
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 30))
        assert message["type"] != "error", message
        if message["type"] != "event":
            continue
        if message["kind"] == "record.announced":
            return seen, str(message["data"]["record"])
        seen.append(message)


@pytest.mark.slow(wait=90)  # the deadline, 90 s after the clarification
async def test_the_whole_opening_through_server_websocket_and_command_line(
    pool: asyncpg.Pool, web_world: World, settings: Settings, live_server: LiveServer,
    client: httpx.AsyncClient, http_ca: DemoCA, tmp_path: Path, owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """Four bidders, one replacing, one withdrawing and re-submitting, one a consortium;
    one self-decrypts, officials 1 and 3 open the rest; no price before the record."""
    tokens = {u: await login(client, u) for u in ("agent", "staff", "supervisor")}
    homes = [tmp_path / f"b{i}" for i in range(4)]  # bidders prepare before the tender is out
    for home in homes:
        home.mkdir()
    await asyncio.gather(*(cli("bid", "keygen", "--out", str(h / "bidder.agekey")) for h in homes))
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        parties = [await party(client, conn, web_world, homes[i], i) for i in range(4)]
        member = await make_organisation(conn, OrgKind.BIDDER, name="联合体成员")
        member_user = await make_user(conn, member, Role.BIDDER, username="member1")
        member_identity = bidder_identity(web_world.ca, member, "联合体成员")
        await register_certificate(conn, member_user.id, member_identity)
    for who in parties:
        (who.home / "root.pem").write_bytes(dump_pem_certificate(http_ca.root_cert))
    tender = await publish(client, pool, web_world, tokens)
    base = f"/api/v1/tenders/{tender['id']}"
    server = live_server.url
    # A bidder downloads the documents; the cutoff passes; the clarification then reaches
    # it and moves the deadline (90 s of notice no longer remain).
    docs = (await client.get(f"{base}/documents")).json()["items"]
    got = await client.post(f"{base}/documents/{docs[0]['id']}/download",
                            headers=bearer(parties[0].token))  # fmt: skip
    assert got.status_code == 200, got.text
    assert got.content == DOCUMENT
    await fast_forward(owner_conn, UUID(tender["id"]), "clarification_cutoff")
    before = dt.datetime.fromisoformat((await client.get(base)).json()["schedule"]["deadline"])
    clarified = await client.post(
        f"{base}/clarifications", headers=bearer(tokens["agent"]),
        json={"kind": "clarification", "title": "第1号澄清", "body": "工期以合同为准。"},
    )  # fmt: skip
    assert clarified.status_code == 201, clarified.text
    assert clarified.json()["notified"] == 1
    moved = (await client.get(base)).json()
    deadline = dt.datetime.fromisoformat(moved["schedule"]["deadline"])
    assert deadline > before
    committee = tmp_path / "committee.json"
    committee.write_bytes((await client.get(f"{base}/lots/1/committee")).content)
    hall = (await client.get(f"{base}/lots/1/opening/hall")).json()["session_id"]
    watcher = await websockets.connect(
        f"{live_server.ws_url}/api/v1/live/{hall}",
        additional_headers={"Authorization": f"Bearer {parties[3].token}"},
    )
    assert json.loads(await watcher.recv())["type"] == "hello"
    # Every bidder seals at once (the committee's deadline is final now), then submits.
    p1, p2, p3, p4 = parties
    consortium = (member.credit_code,)
    sealed = await asyncio.gather(
        seal(p1, tender, committee, PRICES["bidder1"] + 1000),
        seal(p1, tender, committee, PRICES["bidder1"]),
        seal(p2, tender, committee, PRICES["bidder2"] - 500),
        seal(p2, tender, committee, PRICES["bidder2"]),
        seal(p3, tender, committee, PRICES["bidder3"]),
        seal(p4, tender, committee, PRICES["bidder4"], consortium),
    )
    final = dict(zip(
        ("bidder1", "bidder2", "bidder3", "bidder4"),
        await asyncio.gather(
            _replacing(server, p1, tender, sealed[0], sealed[1]),
            _withdrawing(server, client, pool, p2, tender, sealed[2], sealed[3]),
            submit(server, p3, tender, sealed[4]),
            submit(server, p4, tender, sealed[5], (member_identity,)),
        ),
        strict=True,
    ))  # fmt: skip
    # The deadline passes; the freeze job writes the list; each bidder reads its line.
    async with pool.acquire() as proxy:
        await wait_until(cast(asyncpg.Connection, proxy), deadline)
    lines = [await _freeze_line(client, base, who) for who in parties]
    for who, line in zip(parties, lines, strict=True):
        assert line["bids"] == 4
        assert [p["sha256"] for p in line["entry"]["parts"]] == [final[who.username][0]]
        assert line["entry"]["version"] == final[who.username][1]
    assert len({line["list_sha256"] for line in lines}) == 1
    assert lines[3]["entry"]["consortium"] == [member.credit_code]
    # Bidder 3 self-decrypts with its own key; officials 1 and 3 release (2 is absent).
    own = unwrap_file_key(
        parse_header(_sealed_bytes(parties[2], PRICES["bidder3"])),
        [read_identity(parties[2].age)],
    )
    sent = await client.post(
        f"{base}/lots/1/opening/self-key", headers=bearer(parties[2].token),
        json={"part": "main", "file_key": base64.b64encode(own).decode()},
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    for x in (1, 3):
        official = web_world.officials[x - 1]
        key = tmp_path / f"official{x}.agekey"
        key.write_text(f"# official {x}\n{official.age.encode()}\n")
        token = await login(client, official.user.username)
        await cli("opening", "release", "--server", server, f"--token={token}",
                  "--identity", str(key), "--tender", tender["id"])  # fmt: skip
    before, announced = await events_until_record(watcher)
    await watcher.close()
    assert before, "the hall showed statuses before the record"
    assert all("price" not in json.dumps(e["data"]) for e in before)
    record = await client.get(f"{base}/opening-record")
    assert record.status_code == 200
    assert record.text == announced
    body = record.json()
    codes = {who.username: who.credit_code for who in parties}
    assert {e["bidder"]: e["fields"]["price"] for e in body["entries"]} == {
        codes[u]: PRICES[u] for u in codes
    }
    assert {e["bidder"]: e["outcome"] for e in body["entries"]} == dict.fromkeys(
        codes.values(), "opened"
    )
    by_self = [e["bidder"] for e in body["entries"] if e["opened_by"] == "bidder"]
    assert by_self == [codes["bidder3"]]
    assert body["officials_released"] == [1, 3]
    assert body["freeze_list_sha256"] == lines[0]["list_sha256"]
    members = {e["bidder"]: e["consortium"] for e in body["entries"]}
    assert members[codes["bidder4"]] == [member.credit_code]
    await _verify_all(client, base, record.content, parties, tmp_path)


async def _replacing(
    server: str, who: Party, tender: dict[str, Any], first: Path, second: Path
) -> tuple[str, int]:
    """Version 1, then a cheaper version 2 that replaces it."""
    one = await submit(server, who, tender, first)
    two = await submit(server, who, tender, second)
    assert (one[1], two[1]) == (1, 2)
    return two


async def _withdrawing(
    server: str, client: httpx.AsyncClient, pool: asyncpg.Pool, who: Party,
    tender: dict[str, Any], first: Path, again: Path,
) -> tuple[str, int]:  # fmt: skip
    """Submit, withdraw by a signed statement (its receipt kept), submit again."""
    _, version = await submit(server, who, tender, first)
    base = f"/api/v1/tenders/{tender['id']}"
    headers = bearer(who.token)
    mine = (await client.get(f"{base}/lots/1/bid", headers=headers)).json()
    statement = sign_withdraw(
        await as_tender(pool, tender["id"]), who.bidder, version,
        mine["versions"][-1]["statement_sha256"],
    )  # fmt: skip
    withdrawn = await client.post(f"{base}/lots/1/bid/withdraw", headers=headers, json={
        "statement": base64.b64encode(statement.body).decode(),
        "signature": base64.b64encode(statement.signature).decode(),
    })  # fmt: skip
    assert withdrawn.status_code == 201, withdrawn.text
    receipt = withdrawn.json()
    who.out.mkdir(parents=True, exist_ok=True)
    (who.out / "withdrawal.json").write_bytes(base64.b64decode(receipt["receipt"]))
    (who.out / "withdrawal.p7s").write_bytes(base64.b64decode(receipt["signature"]))
    status = (await client.get(f"{base}/lots/1/bid", headers=headers)).json()["status"]
    assert status == "withdrawn"
    return await submit(server, who, tender, again)


async def _freeze_line(client: httpx.AsyncClient, base: str, who: Party) -> dict[str, Any]:
    """The bidder's line of the freeze list, once the freeze job wrote it (at most 60 s)."""
    for _ in range(600):
        found = await client.get(f"{base}/lots/1/freeze-entry", headers=bearer(who.token))
        if found.status_code == 200:
            line: dict[str, Any] = found.json()
            return line
        await asyncio.sleep(0.1)
    raise AssertionError(f"no freeze line for {who.username}: {found.text}")


def _sealed_bytes(who: Party, price: int) -> bytes:
    return (who.home / f"bid-{price}" / "main.age").read_bytes()


async def _verify_all(
    client: httpx.AsyncClient, base: str, record: bytes, parties: list[Party], tmp_path: Path
) -> None:
    """The record's signature and every receipt (submissions and the withdrawal)."""
    root = tmp_path / "receipt-ca.pem"
    root.write_bytes((await client.get("/api/v1/receipts/ca.pem")).content)
    (tmp_path / "record.json").write_bytes(record)
    signature = await client.get(f"{base}/opening-record.p7s")
    (tmp_path / "record.p7s").write_bytes(signature.content)
    assert openssl_verifies(tmp_path / "record.json", tmp_path / "record.p7s", root)
    (tmp_path / "tampered.json").write_bytes(record.replace(b"opened", b"failed", 1))
    assert not openssl_verifies(tmp_path / "tampered.json", tmp_path / "record.p7s", root)
    receipts = [p for who in parties for p in sorted(who.out.glob("*.json"))]
    assert len(receipts) == 7  # 2 + (2 submissions and a withdrawal) + 1 + 1
    for receipt in receipts:
        assert openssl_verifies(receipt, receipt.with_suffix(".p7s"), root), receipt
