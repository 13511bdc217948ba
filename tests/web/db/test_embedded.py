"""The embedded cluster: peer authentication, and a home the server user can reach.

Issue 9, item 17: the socket authenticates by peer identity, never ``trust``, and an
older cluster made with ``trust`` is moved over when it starts again. Item 21: a data
dir under a directory of mode 0700 (a clone in root's home on Debian) still gets a
cluster, outside it, without the directory's mode being changed.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from web.db.embedded import APP_ROLE, SUPERUSER, EmbeddedPostgres


@pytest.fixture
def base() -> Iterator[Path]:
    """A scratch directory everybody can search (pytest's tmp dirs are 0700)."""
    root = Path(tempfile.mkdtemp(prefix="etender-embedded-", dir="/tmp"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def cluster(base: Path) -> Iterator[EmbeddedPostgres]:
    """A started, bare cluster (no migrations: ``etender_app`` is made by the tests)."""
    made = EmbeddedPostgres(root=base / "pg", fsync=False)
    made.start()
    yield made
    made.destroy()


async def _intruder(cluster: EmbeddedPostgres) -> None:
    """Roles ``intruder`` and the application's, both allowed to log in."""
    conn = await asyncpg.connect(cluster.dsn(user=SUPERUSER, database="postgres"))
    try:
        await conn.execute("CREATE ROLE intruder LOGIN")
        await conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
    finally:
        await conn.close()


async def test_embedded_cluster_refuses_a_role_the_system_user_is_not_mapped_to(
    cluster: EmbeddedPostgres,
) -> None:
    """Under ``trust`` anyone reaching the socket was any role; peer maps only ours."""
    await _intruder(cluster)
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError, match=r"[Pp]eer"):
        await asyncpg.connect(cluster.dsn(user="intruder", database="postgres"))
    for role in (SUPERUSER, APP_ROLE):  # the two roles etender uses still connect
        conn = await asyncpg.connect(cluster.dsn(user=role, database="postgres"))
        await conn.close()


async def test_no_trust_rule_is_loaded(cluster: EmbeddedPostgres) -> None:
    """The server's loaded pg_hba has peer rules only, all with our map."""
    conn = await asyncpg.connect(cluster.dsn(user=SUPERUSER, database="postgres"))
    try:
        rules = await conn.fetch("SELECT type, auth_method, options FROM pg_hba_file_rules")
    finally:
        await conn.close()
    assert [(r["type"], r["auth_method"], r["options"]) for r in rules] == [
        ("local", "peer", ["map=etender"])
    ]


async def test_a_cluster_made_with_trust_moves_to_peer_on_its_next_start(
    cluster: EmbeddedPostgres,
) -> None:
    """An older version's ``local all all trust`` is rewritten when the cluster starts."""
    await _intruder(cluster)
    cluster.stop()
    (cluster.data / "pg_hba.conf").write_text("local all all trust\n")
    (cluster.data / "pg_ident.conf").write_text("")
    cluster.start()
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
        await asyncpg.connect(cluster.dsn(user="intruder", database="postgres"))
    conn = await asyncpg.connect(cluster.dsn(user=APP_ROLE, database="postgres"))
    await conn.close()


async def test_a_running_cluster_with_trust_is_reloaded_with_peer_when_adopted(
    cluster: EmbeddedPostgres,
) -> None:
    """A postmaster left running by an older version is adopted and reloaded."""
    await _intruder(cluster)
    (cluster.data / "pg_hba.conf").write_text("local all all trust\n")
    cluster._run("pg_ctl", "reload", "-D", str(cluster.data))
    conn = await asyncpg.connect(cluster.dsn(user="intruder", database="postgres"))
    await conn.close()  # trust, as before
    cluster.start()  # adopts the running postmaster
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
        await asyncpg.connect(cluster.dsn(user="intruder", database="postgres"))


async def test_a_data_dir_in_a_private_home_gets_a_cluster_without_opening_the_home(
    base: Path,
) -> None:
    """A clone under a 0700 directory: the cluster goes to the shared base, linked from
    ``<data dir>/pg``; the home keeps its mode and a second lookup finds the same cluster.
    (Run as root, as the test suite is, the server user is ``postgres``; run as anyone
    else, the cluster runs as that user and stays in the data dir.)"""
    home = base / "root"
    home.mkdir(mode=0o700)
    home.chmod(0o700)
    data_dir = home / "etender" / "var"
    shared = base / "shared"
    made = EmbeddedPostgres.in_data_dir(data_dir, fsync=False, shared_base=shared)
    try:
        made.start()
        conn = await asyncpg.connect(made.dsn(user=SUPERUSER, database="postgres"))
        await conn.close()
        again = EmbeddedPostgres.in_data_dir(data_dir, fsync=False, shared_base=shared)
        assert again.root == made.root
        assert (data_dir / "pg").resolve() == made.root.resolve()
    finally:
        made.destroy()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
