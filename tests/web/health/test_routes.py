"""Operations endpoints."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from web.app import BIDDER_ACTIVITY, create_app, metric_route
from web.features import all_routes
from web.settings import Settings

OPS_TOKEN = "ops-token-for-the-test"


@pytest.fixture
async def local(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the server's own host (loopback)."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_healthz_says_ok(client: httpx.AsyncClient) -> None:
    """/healthz answers without touching the database."""
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": None, "migrations": None}


async def test_readyz_reports_database_and_migrations(client: httpx.AsyncClient) -> None:
    """/readyz checks the database answers and migrations are current."""
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["migrations"] == "current"


async def test_metrics_count_requests(local: httpx.AsyncClient) -> None:
    """/metrics exposes request counters labelled by route."""
    await local.get("/healthz")
    body = (await local.get("/metrics")).text
    assert 'etender_http_requests_total{method="GET",route="/healthz",status="200"}' in body


async def test_unknown_path_gets_the_error_body(client: httpx.AsyncClient) -> None:
    """A 404 uses the one error shape, with a request id."""
    response = await client.get("/nope")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["request_id"] == response.headers["x-request-id"]


async def test_openapi_document_is_generated_from_routes(client: httpx.AsyncClient) -> None:
    """The OpenAPI 3.1 document lists the routes and the error schema."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    assert doc["openapi"] == "3.1.0"
    assert "/readyz" in doc["paths"]
    assert "ErrorBody" in doc["components"]["schemas"]


async def test_optional_query_parameters_are_not_required(client: httpx.AsyncClient) -> None:
    """Pagination parameters are optional in the document; proof parameters are not."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    listing = doc["paths"]["/api/v1/organisations"]["get"]["parameters"]
    assert {p["name"]: p["required"] for p in listing} == {"cursor": False, "limit": False}
    proof = doc["paths"]["/api/v1/log/proof/inclusion"]["get"]["parameters"]
    assert all(p["required"] for p in proof)


async def test_metrics_are_refused_to_a_remote_client(client: httpx.AsyncClient) -> None:
    """Without the operations token set, a client off the host gets 403."""
    refused = await client.get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "metrics_forbidden"


async def test_metrics_through_a_forwarding_proxy_are_refused(local: httpx.AsyncClient) -> None:
    """A local reverse proxy that says it forwards does not make its clients local."""
    assert (await local.get("/metrics")).status_code == 200
    forwarded = await local.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"})
    assert forwarded.status_code == 403


async def test_with_a_token_set_only_its_bearer_reads_the_metrics(
    settings: Settings, pool: asyncpg.Pool
) -> None:
    """ETENDER_METRICS_TOKEN: the right bearer from anywhere; a wrong one, none, or a
    loopback client without it, 403."""
    app = create_app(dataclasses.replace(settings, metrics_token=OPS_TOKEN), pool=pool)
    async with app.router.lifespan_context(app):
        for address, token, status in (
            ("192.0.2.10", OPS_TOKEN, 200),
            ("192.0.2.10", OPS_TOKEN + "x", 403),
            ("192.0.2.10", None, 403),
            ("127.0.0.1", None, 403),
        ):
            transport = httpx.ASGITransport(app=app, client=(address, 50000))
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                assert (await c.get("/metrics", headers=headers)).status_code == status


def test_every_route_that_counts_bidders_shares_one_label() -> None:
    """Bids, uploads, receipts, bonds, objections and document or bid-file downloads
    never appear under their own route label."""
    templates = {getattr(route, "path", "") for route in all_routes()}
    coarse = {t for t in templates if metric_route(t) == BIDDER_ACTIVITY}
    for expected in (
        "/api/v1/tenders/{tender_id}/lots/{lot}/bid",
        "/api/v1/tenders/{tender_id}/lots/{lot}/uploads",
        "/api/v1/uploads/{upload_id}",
        "/api/v1/tenders/{tender_id}/documents/{version_id}/download",
        "/tenders/{tender_id}/documents/{version_id}/download",
        "/api/v1/tenders/{tender_id}/bonds",
        "/api/v1/tenders/{tender_id}/objections",
    ):
        assert expected in coarse
    assert metric_route("/api/v1/tenders/{tender_id}") == "/api/v1/tenders/{tender_id}"


async def test_requests_on_bid_routes_move_no_counter(
    client: httpx.AsyncClient, local: httpx.AsyncClient
) -> None:
    """A request to a bid route (here refused) leaves every series of /metrics as it
    was: a counter moving once per bid would publish the bid count (issue 9, item 11)."""
    before = await _series(local)
    lot = f"/api/v1/tenders/{uuid.uuid4()}/lots/1"
    assert (await client.post(f"{lot}/bid", json={})).status_code == 422
    assert (await client.post(f"{lot}/uploads", json={})).status_code == 422
    assert (await client.get(f"/api/v1/uploads/{uuid.uuid4()}")).status_code == 401
    after = await _series(local)
    assert {k: v for k, v in after.items() if v != before.get(k)} == {}
    assert "bid" not in "".join(after)


async def _series(local: httpx.AsyncClient) -> dict[str, str]:
    """Every sample line of /metrics but those of /metrics itself (its scrape counts)."""
    text = (await local.get("/metrics")).text
    return dict(
        line.rsplit(" ", 1)
        for line in text.splitlines()
        if line
        and not line.startswith("#")
        and 'route="/metrics"' not in line
        and "_created{" not in line
    )
