"""Where the platform's keys come from (issue 17, item 7; web/keysource.py): one set for
every node, from the operator's ``ETENDER_KEYS_DIR``, never made per data dir; a node
whose keys are not the ones the database has seen refuses to start."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from signing.certs import dump_pem_certificate
from tests.conftest import CloneDatabase
from tests.evaluation.servers import ROOT, seed_data_dir
from tests.tender.world import live_ca
from web import keysource
from web.app import create_app
from web.errors import SettingsInvalid
from web.keysource import REQUIRED
from web.services import build_services
from web.settings import BlobBackend, Settings


def test_the_settings_name_the_blob_store_and_the_keys_dir(tmp_path: Path) -> None:
    """ETENDER_BLOB_STORE is local or postgres; ETENDER_KEYS_DIR is where keys are read."""
    plain = Settings.from_env({"ETENDER_DATA_DIR": str(tmp_path / "data")})
    assert (plain.blob_store, plain.keys_dir, plain.key_root) == (
        BlobBackend.LOCAL, None, tmp_path / "data"
    )  # fmt: skip
    shared = Settings.from_env(
        {"ETENDER_BLOB_STORE": "postgres", "ETENDER_KEYS_DIR": str(tmp_path / "keys")}
    )
    assert (shared.blob_store, shared.key_root) == (BlobBackend.POSTGRES, tmp_path / "keys")
    with pytest.raises(SettingsInvalid, match="ETENDER_BLOB_STORE"):
        Settings.from_env({"ETENDER_BLOB_STORE": "s3"})


def test_a_keys_dir_lacking_a_key_refuses_the_start_and_is_not_added_to(tmp_path: Path) -> None:
    """The operator's directory is read, never created in: a node missing a key stops."""
    shared = tmp_path / "shared"
    seed_data_dir(shared, None)
    (shared / REQUIRED[0]).unlink()  # the log key
    before = sorted(shared.rglob("*"))
    settings = Settings(data_dir=tmp_path / "data", keys_dir=shared)
    with pytest.raises(SettingsInvalid, match=r"log\.skey"):
        build_services(settings, kinds={})
    assert sorted(shared.rglob("*")) == before
    assert not (tmp_path / "data" / "keys").exists()


async def test_a_node_with_keys_of_its_own_refuses_to_start(
    database: CloneDatabase, tmp_path: Path
) -> None:
    """The first node records its keys' fingerprints; a node that made its own (no
    ETENDER_KEYS_DIR) stops at start, before it signs anything; the shared dir starts."""
    shared = tmp_path / "shared"
    seed_data_dir(shared, None)
    base = Settings(database_url=database.app_dsn, run_background=False)

    async def start(settings: Settings) -> None:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            pass

    await start(dataclasses.replace(base, data_dir=tmp_path / "a", keys_dir=shared))
    await start(dataclasses.replace(base, data_dir=tmp_path / "b", keys_dir=shared))
    with pytest.raises(SettingsInvalid, match="log key is not the platform's"):
        await start(dataclasses.replace(base, data_dir=tmp_path / "c"))


def test_init_keys_makes_a_shared_dir_once_and_never_replaces_a_key(tmp_path: Path) -> None:
    """scripts/ops/init-keys: every key a node requires, the trust store given; a second
    run keeps the keys (the log's key and origin are fixed for life)."""
    shared = tmp_path / "shared"
    ca = tmp_path / "ca.pem"
    ca.write_bytes(dump_pem_certificate(live_ca().root_cert))
    argv = [sys.executable, str(ROOT / "scripts" / "ops" / "init-keys"), str(shared),
            "--public-url", "https://etender.example.gov.cn", "--trust", str(ca)]  # fmt: skip
    first = subprocess.run(argv, capture_output=True, text=True, check=True)
    assert "etender.example.gov.cn/log" in first.stdout
    keys = {name: (shared / name).read_bytes() for name in REQUIRED}
    assert (shared / "trust" / "ca.pem").read_bytes() == ca.read_bytes()
    assert shared.stat().st_mode & 0o077 == 0
    subprocess.run(argv, capture_output=True, check=True)
    assert {name: (shared / name).read_bytes() for name in REQUIRED} == keys
    keysource.require_shared(Settings(data_dir=tmp_path / "data", keys_dir=shared))
