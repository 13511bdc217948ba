"""Operations endpoints."""

from __future__ import annotations

import httpx


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


async def test_metrics_count_requests(client: httpx.AsyncClient) -> None:
    """/metrics exposes request counters labelled by route."""
    await client.get("/healthz")
    body = (await client.get("/metrics")).text
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
