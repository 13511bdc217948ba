"""Two nodes, two data dirs, one database (issue 17, item 7): PostgreSQL is the only
shared engine.

Two real `etender serve` processes (tests/evaluation/servers.py) with
``ETENDER_BLOB_STORE=postgres`` and the platform's keys and trust store from one
operator-given ``ETENDER_KEYS_DIR``; nothing of their data dirs is shared. Three
bidders upload and submit on node A — one upload, half sent to A, is resumed and
completed on B from its committed offset (staged in PostgreSQL); after the deadline
node B serves the frozen ciphertexts byte for byte and opens the lot (two officials
release their shares with `etender opening release` against B), reading the parts from
the database; the record B signs verifies under the one receipt root, as do the
receipts A signed.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
from pathlib import Path

import asyncpg
import httpx
import pytest

from signing.demo_ca import DemoCA
from tender.submission import freeze
from tests.conftest import CloneDatabase
from tests.evaluation.servers import Servers, bearer_token
from tests.multinode.kit import fast_env, submit_on, verifies
from tests.tender.submission.kit import bidder, seal_for, sealed_committee
from tests.tender.world import SOON, World, published_tender, wait_until
from web.cli.main import main

PRICES = (300_000_00, 280_000_00, 310_000_00)
# The parts are sealed to the deadline, so real time must reach it: a margin for three
# uploads on a loaded machine (the nodes are started before the tender is published).
DEADLINE_IN = dt.timedelta(seconds=12)


@pytest.mark.slow(wait=20)
async def test_a_bid_uploaded_on_one_node_is_read_and_opened_on_the_other(
    database: CloneDatabase, conn: asyncpg.Connection, world: World, ca: DemoCA, tmp_path: Path
) -> None:
    """Upload on A, read the ciphertexts and open the lot on B: one database, no shared
    directory, one set of keys (the operator's), no key made in a data dir."""
    async with Servers(
        database.app_dsn, tmp_path, 2, ca=ca, env=fast_env(), shared=(), keys_dir=True
    ) as nodes:
        a, b = nodes
        tender = await published_tender(
            conn, world, setup=world.setup(SOON), deadline_in=DEADLINE_IN,
            cutoff_in=DEADLINE_IN - dt.timedelta(seconds=1),
        )  # fmt: skip
        committee = await sealed_committee(conn, tender)
        bidders = [bidder(world, i) for i in range(3)]
        sealed = [
            seal_for(world, committee, w, price=p) for w, p in zip(bidders, PRICES, strict=True)
        ]
        receipts = [
            await submit_on(a, conn, tender, w, d, rest_on=b if i == 0 else None)
            for i, (w, d) in enumerate(zip(bidders, sealed, strict=True))
        ]
        assert tender.deadline is not None
        await wait_until(conn, tender.deadline)
        entries = (await freeze.freeze_tender(conn, tender.id))[0].entries
        # B reads every ciphertext A received, from the database (B's cache was empty).
        reader = {"Authorization": f"Bearer {await bearer_token(conn, world.officials[0].user)}"}
        async with httpx.AsyncClient(timeout=30) as client:
            for entry in entries:
                part = entry.parts[0]
                got = await client.get(
                    f"{b.url}/api/v1/tenders/{tender.id}/opening/parts/1.{entry.bid_id}.main",
                    headers=reader,
                )
                assert got.status_code == 200, got.text
                assert hashlib.sha256(got.content).hexdigest() == part.sha256
                assert got.content in sealed
            # B opens: two of three officials release their shares against B.
            for x in (1, 2):
                official = world.officials[x - 1]
                key = tmp_path / f"official{x}.agekey"
                key.write_text(f"# official {x}\n{official.age.encode()}\n")
                token = await bearer_token(conn, official.user)
                argv = ["opening", "release", "--server", b.url, f"--token={token}",
                        "--identity", str(key), "--tender", str(tender.id)]  # fmt: skip
                assert await asyncio.to_thread(main, argv) == 0, b.log_tail()
            record = await client.get(f"{a.url}/api/v1/tenders/{tender.id}/opening-record")
            assert record.status_code == 200, record.text
            signature = await client.get(f"{a.url}/api/v1/tenders/{tender.id}/opening-record.p7s")
    codes = [w.org.credit_code for w in bidders]
    prices = {e["bidder"]: e["fields"]["price"] for e in record.json()["entries"]}
    assert prices == dict(zip(codes, PRICES, strict=True))
    # One receipt identity for the platform: A's receipts and B's record, one root.
    root = tmp_path / "seed" / "keys" / "receipts" / "ca-root.pem"
    assert verifies(root, record.content, signature.content, tmp_path)
    for receipt in receipts:
        assert verifies(
            root, base64.b64decode(str(receipt["receipt"])),
            base64.b64decode(str(receipt["signature"])), tmp_path,
        )  # fmt: skip
    # Nothing was made per data dir; the opened files are B's own (a derived copy).
    for node in (a, b):
        assert not (node.data_dir / "keys").exists()
        assert not (node.data_dir / "trust").exists()
    assert list((b.data_dir / "opened").rglob("*.txt"))
    assert not list((a.data_dir / "opened").rglob("*.txt"))
