"""Upload caps over HTTP: the setting reaches the service, the refusal is the one error
body with its details (issue 9, item 9; docs/formats/upload.md §2.5)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import asyncpg
import httpx
import pytest

from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.tender.world import FAST, World, published_tender
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)
from web.settings import Settings


@pytest.fixture(name="settings")
def fixture_capped_settings(tmp_path: Path, database: CloneDatabase, http_ca: DemoCA) -> Settings:
    """Fast tender policies, the demo CA trusted, ETENDER_POLICY_UPLOAD_OPEN_PER_LOT=1."""
    trust = tmp_path / "data" / "trust"
    trust.mkdir(parents=True)
    (trust / "demo-root.pem").write_bytes(dump_pem_certificate(http_ca.root_cert))
    (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(http_ca.issuing_cert))
    overrides = {f"tender_{key}": str(value) for key, value in FAST.to_json().items()}
    overrides["upload_open_per_lot"] = "1"
    return Settings(
        database_url=database.app_dsn, data_dir=tmp_path / "data", policy_overrides=overrides
    )


async def test_a_second_open_upload_over_the_cap_is_a_409_with_the_open_ids(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Cap 1 by setting: the first upload opens, the second is refused and names it."""
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
    lot = f"/api/v1/tenders/{tender.id}/lots/1/uploads"
    auth = bearer(tokens["bidder1"])
    bodies = [
        {"part": "main", "size": 1000, "sha256": hashlib.sha256(bytes([i])).hexdigest()}
        for i in range(2)
    ]
    first = await client.post(lot, json=bodies[0], headers=auth)
    assert first.status_code == 201, first.text
    second = await client.post(lot, json=bodies[1], headers=auth)
    assert second.status_code == 409, second.text
    error = second.json()["error"]
    assert error["code"] == "bid_upload_open_limit_conflict"
    assert error["details"] == {"limit": 1, "open": [first.json()["id"]]}
