"""One trust store for every verifier: a revocation applies to the next use, in every
process, without a restart (issue 9, item 5; docs/formats/signatures.md, "Trust store
refresh"). Revocation enters the platform as the CA's CRL in ``<data dir>/trust``."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from signing.certs import Identity, dump_pem_certificate
from signing.cms import sign_detached
from signing.demo_ca import DemoCA
from tender.trust import PlatformTrust
from tests.conftest import CloneDatabase
from tests.tender.submission.kit import bidder, seal_for, sealed_committee, sign_submit
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)
from tests.web.trust_dir import publish_crl
from web import features
from web.app import create_app
from web.db.database import open_pool
from web.services import close_pool, services
from web.settings import Settings


async def _signed_challenge(client: httpx.AsyncClient, who: Identity) -> dict[str, str]:
    issued = (await client.post("/api/v1/auth/challenge")).json()
    body = base64.b64decode(issued["challenge"])
    signature = sign_detached(body, who.certificate, who.key, chain=who.chain)
    return {"nonce": issued["nonce"], "signature": base64.b64encode(signature).decode()}


async def _complete_upload(
    client: httpx.AsyncClient, lot: str, data: bytes, auth: dict[str, str]
) -> str:
    digest = hashlib.sha256(data).hexdigest()
    body = {"part": "main", "size": len(data), "sha256": digest}
    created = await client.post(f"{lot}/uploads", json=body, headers=auth)
    assert created.status_code == 201, created.text
    put = await client.put(f"/api/v1/uploads/{created.json()['id']}?offset=0", content=data,
                           headers=auth)  # fmt: skip
    assert put.json()["status"] == "complete", put.text
    return digest


async def test_a_revoked_certificate_is_refused_at_the_next_submit_and_login_without_restart(
    client: httpx.AsyncClient, app: Starlette, pool: asyncpg.Pool, web_world: World,
    tokens: dict[str, str], http_ca: DemoCA,
) -> None:  # fmt: skip
    """The bidder's certificate logs in and its upload is accepted; the CA's CRL revoking
    it lands in the trust directory; the very next submit statement and certificate login
    are refused, by the same running application."""
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        sealed = seal_for(web_world, await sealed_committee(conn, tender), bidder(web_world, 0))
    who = bidder(web_world, 0)
    auth = bearer(tokens["bidder1"])
    proof = await _signed_challenge(client, who.identity)
    pem = dump_pem_certificate(who.identity.certificate).decode()
    registered = await client.post(
        "/api/v1/me/certificates", json={"certificate": pem, **proof}, headers=auth
    )
    assert registered.status_code == 200, registered.text
    login = await client.post(
        "/api/v1/auth/certificate-login", json=await _signed_challenge(client, who.identity)
    )
    assert login.status_code == 200, login.text
    lot = f"/api/v1/tenders/{tender.id}/lots/1"
    digest = await _complete_upload(client, lot, sealed, auth)  # the store is in use now

    now = dt.datetime.now(dt.UTC)
    serial = who.identity.certificate.serial_number
    publish_crl(
        services(app).settings.data_dir, http_ca, {serial: now - dt.timedelta(minutes=1)}, now
    )

    signed = sign_submit(tender, who, {"main": digest})
    statement = {
        "statement": base64.b64encode(signed.body).decode(),
        "signature": base64.b64encode(signed.signature).decode(),
    }
    submitted = await client.post(f"{lot}/bid", json=statement, headers=auth)
    assert submitted.status_code == 422, submitted.text
    assert submitted.json()["error"]["code"] == "bid_statement_invalid"
    assert "revoked" in submitted.json()["error"]["message"]
    refused = await client.post(
        "/api/v1/auth/certificate-login", json=await _signed_challenge(client, who.identity)
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "credentials_invalid")
    assert "certificate_revoked" in refused.json()["error"]["message"]


async def test_every_process_sees_the_same_change_at_its_next_use(
    app: Starlette, pool: asyncpg.Pool, http_ca: DemoCA
) -> None:
    """Two applications over one data dir (two workers): a CRL written once reaches both,
    each at its next use; neither re-reads an unchanged directory's contents."""
    second = create_app(services(app).settings, pool=pool)
    stores = (services(app).trust, services(second).trust)
    before = [trust.current() for trust in stores]
    assert all(store is not None and store.crls == () for store in before)
    assert [trust.current() for trust in stores] == before  # unchanged: the same objects
    now = dt.datetime.now(dt.UTC)
    publish_crl(services(app).settings.data_dir, http_ca, {7: now}, now)
    after = [trust.current() for trust in stores]
    assert all(store is not None and len(store.crls) == 1 for store in after)


async def test_the_store_is_built_by_create_app_before_any_request(app: Starlette) -> None:
    """One typed accessor reaches the store create_app built; no request builds it lazily."""
    trust = services(app).trust
    assert isinstance(trust, PlatformTrust)
    assert trust.refresh_seconds == services(app).settings.trust_refresh_seconds == 5.0


def test_every_service_is_built_by_create_app_before_the_lifespan(tmp_path: Path) -> None:
    """Setup, blobs, keys and gates exist as soon as the app does (none is built on a
    first request); only the pools and the hub wait for the lifespan."""
    app = create_app(Settings(data_dir=tmp_path / "data"))
    built = services(app)
    assert built.tender_setup().policies == built.setup.policies
    assert built.blobs.root == tmp_path / "data" / "blobs"
    assert len(built.id_card_key) == 32
    assert built.submission().signer is built.receipt_signer
    assert services(app) is built  # the same object on every call
    with pytest.raises(RuntimeError, match="only while the application runs"):
        _ = built.pools.main
    with pytest.raises(RuntimeError, match="only while the application runs"):
        _ = built.live.hub


def test_the_jobs_are_listed_not_registered_on_import() -> None:
    """web/features.py lists every feature's jobs, each with its interval setting."""
    assert [job.name for job in features.JOBS] == [
        "log-leader", "security-summary", "evaluation-handover-alerts", "evaluation-sign-in-alerts",
        "draw-timeouts",
        "draw-notices", "opening-settle", "auction-end", "bid-freeze", "bid-receipts",
        "upload-cleanup",
        "tender-overdue-alerts",
        "tender-results-alerts", "tender-archive", "complaints-alerts", "complaints-reveal",
        "monitoring",
        "notifications",
    ]  # fmt: skip
    settings = Settings(opening_job_seconds=0.3, freeze_job_seconds=0.4)
    intervals = {job.name: job.interval(settings) for job in features.JOBS}
    assert (intervals["opening-settle"], intervals["bid-freeze"]) == (0.3, 0.4)
    assert intervals["auction-end"] == 1.0  # a countdown's end told within a second


def _running_jobs() -> set[str]:
    return {
        name.removeprefix("etender:")
        for task in asyncio.all_tasks()
        if (name := task.get_name()).startswith("etender:") and not task.done()
    } - {"live-hub"}  # the live sessions' listener, not a job


@pytest.mark.parametrize("chosen", [None, frozenset({"log-leader", "monitoring"})])
async def test_an_app_runs_the_jobs_its_settings_name_or_every_job(
    settings: Settings, pool: asyncpg.Pool, chosen: frozenset[str] | None
) -> None:
    """Settings.background_jobs: None runs every job (`etender serve`); a set, only those
    (the tests' apps run the log's leader alone: tests/conftest.py)."""
    app = create_app(dataclasses.replace(settings, background_jobs=chosen), pool=pool)
    async with app.router.lifespan_context(app):
        assert _running_jobs() == (chosen or {job.name for job in features.JOBS})
    assert _running_jobs() == set()


async def test_closing_a_pool_a_stuck_handler_holds_ends_within_its_bound(
    database: CloneDatabase,
) -> None:
    """asyncpg's close() waits for every connection to come back; a handler stuck on a
    dead peer would hold a node's shutdown forever (web/services.py, close_pool)."""
    pool = await open_pool(database.app_dsn, min_size=1, max_size=2)
    held = await pool.acquire()  # never given back, as by the stuck handler
    await close_pool(pool, bound=0.2)
    with pytest.raises(asyncpg.InterfaceError):  # taken from its holder: it rolls back
        await held.fetchval("SELECT 1")
