"""Fixtures of the tender HTTP and page tests: settings with fast policies and the
demo CA as the trust root, a world of users who can log in, and their bearer tokens.

Test modules import the fixtures they use (``from tests.web.tender.http_kit import
fixture_settings, …``); pytest registers them under their ``name``.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from tender import queries
from tender.lifecycle import load
from tender.model import Tender
from tests.accounts.factory import PASSWORD, count_sql
from tests.conftest import TestDatabase
from tests.tender.world import FAST, World, build_world, live_ca, official_inputs
from web.settings import Settings


@pytest.fixture(scope="session", name="http_ca")
def fixture_http_ca() -> DemoCA:
    """The CA whose root the server trusts (written to <data dir>/trust)."""
    return live_ca()


@pytest.fixture(name="settings")
def fixture_settings(tmp_path: Path, database: TestDatabase, http_ca: DemoCA) -> Settings:
    """The app's settings: fast tender policies, the demo CA in the trust directory."""
    data_dir = tmp_path / "data"
    trust = data_dir / "trust"
    trust.mkdir(parents=True)
    (trust / "demo-root.pem").write_bytes(dump_pem_certificate(http_ca.root_cert))
    (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(http_ca.issuing_cert))
    overrides = {f"tender_{key}": str(value) for key, value in FAST.to_json().items()}
    return Settings(database_url=database.app_dsn, data_dir=data_dir, policy_overrides=overrides)


@pytest.fixture(name="web_world")
async def fixture_web_world(pool: asyncpg.Pool, http_ca: DemoCA) -> World:
    """Everyone, with passwords (they log in over HTTP)."""
    async with pool.acquire() as conn:
        return await build_world(conn, http_ca, passwords=True)


USERS = ("agent", "otheragent", "owner", "staff", "supervisor", "bidder1", "bidder2")


@pytest.fixture(name="tokens")
async def fixture_tokens(web_world: World, client: httpx.AsyncClient) -> dict[str, str]:
    """A bearer token for each user who acts over HTTP."""
    found = {}
    for username in USERS:
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        found[username] = response.json()["token"]
    return found


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


async def draft_json(
    pool: asyncpg.Pool, world: World, *, deadline_in: dt.timedelta = dt.timedelta(hours=3)
) -> dict[str, Any]:
    """A valid draft body whose dates come from the database clock."""
    async with pool.acquire() as conn:
        now = (await queries.database_now(conn)).replace(microsecond=0)
    deadline = now + deadline_in
    return {
        "title": "宣城市城南道路改造工程",
        "description": "道路、排水和照明改造。",
        "category": "works",
        "procedure": "open",
        "tenderer_id": str(world.tenderer_org.id),
        "department_id": str(world.department.id),
        "schedule": {
            "documents_from": (now - dt.timedelta(minutes=1)).isoformat(),
            "documents_until": deadline.isoformat(),
            "clarification_cutoff": (deadline - dt.timedelta(hours=2)).isoformat(),
            "deadline": deadline.isoformat(),
            "decryption_minutes": 30,
        },
        "lots": [
            {
                "number": "1",
                "title": "第1标段",
                "estimated_price_fen": 500_000_000,
                "price_ceiling_fen": 480_000_000,
                "bond_fen": 10_000_000,
                "evaluation": {
                    "method": "comprehensive_scoring",
                    "criteria": [
                        {"name": "技术", "max_points": 30},
                        {"name": "商务", "max_points": 10},
                    ],
                    "price": {"points": 60, "formula": "lowest_price_base"},
                },
            }
        ],
    }


def committee_json(world: World) -> dict[str, Any]:
    """The centre's appointment body for the world's three officials (k = 2)."""
    officials = []
    for item in official_inputs(world.officials):
        officials.append(
            {
                "user_id": str(item.user_id),
                "recipient": item.recipient,
                "certificate": item.certificate_pem.decode(),
                "statement": {
                    "body": base64.b64encode(item.statement.body).decode(),
                    "signature": base64.b64encode(item.statement.signature).decode(),
                },
            }
        )
    return {"k": 2, "officials": officials}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Published:
    """A tender published over HTTP, and its JSON."""

    id: str
    body: dict[str, Any]


async def publish_over_http(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    world: World,
    tokens: dict[str, str],
    *,
    document: bytes | None = "%PDF-1.4 招标文件".encode(),
) -> Published:
    """Create, appoint, approve, upload and publish, as each party would over HTTP."""
    created = await client.post(
        "/api/v1/tenders", json=await draft_json(pool, world), headers=bearer(tokens["agent"])
    )
    assert created.status_code == 201, created.text
    tender_id = created.json()["id"]
    appointed = await client.put(
        f"/api/v1/tenders/{tender_id}/lots/1/committee",
        json=committee_json(world),
        headers=bearer(tokens["staff"]),
    )
    assert appointed.status_code == 200, appointed.text
    approved = await client.post(
        f"/api/v1/tenders/{tender_id}/lots/1/committee/approve",
        json={"roster_sha256": appointed.json()["roster_sha256"]},
        headers=bearer(tokens["supervisor"]),
    )
    assert approved.status_code == 200, approved.text
    if document is not None:
        uploaded = await client.post(
            f"/api/v1/tenders/{tender_id}/documents",
            params={"name": "招标文件.pdf"},
            content=document,
            headers=bearer(tokens["agent"]) | {"Content-Type": "application/pdf"},
        )
        assert uploaded.status_code == 201, uploaded.text
    published = await client.post(
        f"/api/v1/tenders/{tender_id}/publish", headers=bearer(tokens["agent"])
    )
    assert published.status_code == 200, published.text
    return Published(id=tender_id, body=published.json())


async def count_rows(pool: asyncpg.Pool) -> tuple[int, ...]:
    """Rows of every tender table and the log size: nothing stored means all equal."""
    tables = (
        "tenders",
        "tender_lots",
        "opening_committees",
        "opening_officials",
        "tender_documents",
        "tender_document_versions",
        "tender_downloads",
        "tender_clarifications",
        "tender_notifications",
        "tender_objections",
        "tender_bonds",
        "supervision_alerts",
        "log_entries",
    )
    async with pool.acquire() as conn:
        return tuple([await conn.fetchval(count_sql(t)) for t in tables])


async def as_tender(pool: asyncpg.Pool, tender_id: str) -> Tender:
    """The tender as the service loads it."""
    async with pool.acquire() as conn:
        return await load(conn, UUID(tender_id))


async def stream_chunks(data: bytes) -> AsyncIterator[bytes]:
    """``data`` as a streamed request body."""
    yield data
