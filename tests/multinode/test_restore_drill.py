"""The restore drill, end to end (issue 17, item 7; docs/deployment.md, "Restore drill").

A primary on the embedded PostgreSQL binaries with WAL archiving; a base backup taken
BEFORE a bid is submitted (so the bid reaches the restore through the WAL archive
only); a checkpoint saved as a witness would; the primary lost. scripts/ops/restore-drill
then restores backup + archive into a new data dir, starts PostgreSQL and a node on it,
verifies the log against the saved checkpoint with the platform's log key, and reads
the bid's blob back from the database under its name.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from signing.demo_ca import DemoCA
from signing.log.note import Ed25519Signer
from tests.evaluation.servers import ROOT, Node, seed_data_dir
from tests.multinode.kit import fast_env, submit_on
from tests.tender.submission.kit import bidder, seal_for, sealed_committee
from tests.tender.world import build_world, published_tender
from web.db.database import DatabaseTarget, prepare
from web.db.embedded import APP_ROLE, IDENT_MAP, SUPERUSER, EmbeddedPostgres, find_bindir

ARCHIVE_SECONDS = 60.0  # a switched WAL segment reaches the archive (milliseconds idle)
DRILL_SECONDS = 300.0  # the whole drill (seconds of work on an idle machine)
ARCHIVED = "SELECT coalesce(last_archived_wal >= $1, false) FROM pg_stat_archiver"


@pytest.fixture
def drill_root() -> Iterator[Path]:
    """A directory the server user can reach (pytest's tmp dirs are 0700)."""
    root = Path(tempfile.mkdtemp(prefix="etender-drill-test-", dir="/tmp"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _owned_by_server(path: Path) -> None:
    path.mkdir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


async def _primary(root: Path, archive: Path) -> DatabaseTarget:
    """An embedded cluster archiving its WAL into ``archive``, migrated, and allowing a
    base backup over its socket (peer, the same map)."""
    cluster = EmbeddedPostgres(root=root / "primary", fsync=False)
    await asyncio.to_thread(cluster.initialise)
    with (cluster.data / "postgresql.auto.conf").open("a") as conf:
        conf.write(f"archive_mode = on\narchive_command = 'cp %p {archive}/%f'\n")
    target = DatabaseTarget(
        owner_dsn=cluster.dsn(user=SUPERUSER), app_dsn=cluster.dsn(user=APP_ROLE), cluster=cluster
    )
    await prepare(target)  # start, create the database, migrate
    with (cluster.data / "pg_hba.conf").open("a") as hba:
        hba.write(f"local replication all peer map={IDENT_MAP}\n")
    owner = await asyncpg.connect(target.owner_dsn)
    try:
        await owner.execute("SELECT pg_reload_conf()")
    finally:
        await owner.close()
    return target


def _crash(cluster: EmbeddedPostgres) -> None:
    """An immediate shutdown (SIGQUIT to the postmaster): no shutdown checkpoint."""
    pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGQUIT)


def _saved_size(note: Path) -> int:
    return int(note.read_text(encoding="utf-8").splitlines()[1])


async def _save_checkpoint(node: Node, vkey: str, note: Path, covering: int) -> None:
    """`etender audit verify --save` until the saved checkpoint covers index ``covering``
    (the node's checkpoint job signs at most once a second)."""
    argv = [sys.executable, "-m", "web.cli.main", "audit", "verify", "--server", node.url,
            "--log-key", vkey, "--save", str(note)]  # fmt: skip
    for _ in range(60):
        done = await asyncio.to_thread(
            subprocess.run, argv, cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        if _saved_size(note) > covering:
            return
        await asyncio.sleep(0.5)  # waiting on a condition: the next signed checkpoint
    raise AssertionError(f"no checkpoint covered log index {covering}")


async def _archive_current_wal(dsn: str) -> None:
    """Switch WAL and wait (bounded) until the archiver has the segment."""
    conn = await asyncpg.connect(dsn)
    try:
        segment = await conn.fetchval("SELECT pg_walfile_name(pg_switch_wal())")
        async with asyncio.timeout(ARCHIVE_SECONDS):
            while not await conn.fetchval(ARCHIVED, segment):  # noqa: ASYNC110 - a view
                await asyncio.sleep(0.1)
    finally:
        await conn.close()


@pytest.mark.slow(wait=45)
async def test_the_restore_drill_restores_backup_and_archive_and_verifies_log_and_blob(
    ca: DemoCA, drill_root: Path
) -> None:
    """Backup, a bid after it, checkpoint saved, primary lost: the drill passes."""
    archive = drill_root / "archive"
    _owned_by_server(archive)
    target = await _primary(drill_root, archive)
    cluster = target.cluster
    assert cluster is not None
    keys = drill_root / "keys"
    seed_data_dir(keys, ca)
    node = Node(0, drill_root / "node" / "data", {
        **fast_env(), "DATABASE_URL": target.app_dsn, "ETENDER_KEYS_DIR": str(keys),
        "ETENDER_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    node.data_dir.mkdir(parents=True)
    try:
        backup = drill_root / "backup"
        taken = asyncio.to_thread(
            subprocess.run,
            [str(find_bindir() / "pg_basebackup"), "-D", str(backup), "-Fp", "-X", "stream",
             "--checkpoint=fast",
             "-d", f"host={cluster.socket_dir} user={SUPERUSER} dbname=postgres"],
            check=True, capture_output=True,
        )  # fmt: skip
        await asyncio.gather(taken, node.start())  # the node writes nothing until the bid
        conn = await asyncpg.connect(target.app_dsn)
        try:
            world = await build_world(conn, ca)
            tender = await published_tender(conn, world)
            who = bidder(world, 0)
            data = seal_for(world, await sealed_committee(conn, tender), who, price=123_456_00)
            receipt = await submit_on(node, conn, tender, who, data)
        finally:
            await conn.close()
        parts = receipt["receipt_json"]
        assert isinstance(parts, dict)
        sha256 = parts["parts"][0]["sha256"]
        vkey = Ed25519Signer.from_skey((keys / "keys" / "log.skey").read_text().strip())
        before = drill_root / "before.note"
        await _save_checkpoint(node, vkey.verifier().to_vkey(), before, parts["log_index"])
        await node.stop()
        await _archive_current_wal(target.owner_dsn)
        _crash(cluster)  # the disaster: the primary is gone, nothing flushed at its end
        drill = await asyncio.to_thread(
            subprocess.run,
            [str(ROOT / "scripts" / "ops" / "restore-drill"), "--backup", str(backup),
             "--wal-archive", str(archive), "--keys", str(keys), "--checkpoint", str(before),
             "--blob", sha256, "--work", str(drill_root / "drill")],
            capture_output=True, text=True, timeout=DRILL_SECONDS, check=False,
        )  # fmt: skip
        assert drill.returncode == 0, drill.stdout + drill.stderr
        assert "restore drill passed" in drill.stdout
        assert f"ok: {sha256}" in drill.stdout
        assert f"(saved checkpoint: {_saved_size(before)})" in drill.stdout
    finally:
        node.kill()
        await asyncio.to_thread(cluster.destroy)
