"""Bad input on every account endpoint: a clear error with a stable code, and no change."""

from __future__ import annotations

import json

import asyncpg
import httpx
import pytest

from accounts.model import OrgKind, Role
from tests.accounts.factory import (
    PASSWORD,
    count_rows,
    log_size,
    make_organisation,
    make_user,
    new_credit_code,
)
from web.settings import Settings

USER_ID = "00000000-0000-4000-8000-000000000001"

# (method, path, a body that is valid but for the defect under test)
ENDPOINTS: dict[str, tuple[str, str, dict[str, object]]] = {
    "login": ("POST", "/api/v1/auth/login", {"username": "sysadmin", "password": PASSWORD}),
    "create_organisation": (
        "POST",
        "/api/v1/organisations",
        {"credit_code": "91350100M000100Y43", "name": "投标人", "kind": "bidder"},
    ),
    "create_user": (
        "POST",
        "/api/v1/users",
        {
            "organisation_id": USER_ID,
            "username": "new.user",
            "display_name": "新用户",
            "password": "Brand-new-pass-1",
        },
    ),
    "grant_role": ("POST", f"/api/v1/users/{USER_ID}/roles", {"role": "centre_staff"}),
}

# field → a value of the wrong JSON type, per endpoint
WRONG_TYPES: dict[str, dict[str, object]] = {
    "login": {"username": 42},
    "create_organisation": {"kind": ["bidder"]},
    "create_user": {"organisation_id": 7},
    "grant_role": {"role": True},
}


@pytest.fixture
async def token(pool: asyncpg.Pool, client: httpx.AsyncClient) -> str:
    """A bearer token of a system administrator."""
    async with pool.acquire() as conn:
        centre = await make_organisation(conn, OrgKind.CITY_CENTRE)
        await make_user(conn, centre, Role.SYSTEM_ADMIN, username="sysadmin")
    response = await client.post(
        "/api/v1/auth/login", json={"username": "sysadmin", "password": PASSWORD}
    )
    value: str = response.json()["token"]
    return value


async def snapshot(pool: asyncpg.Pool) -> tuple[int, ...]:
    async with pool.acquire() as conn:
        return (
            await count_rows(conn, "organisations"),
            await count_rows(conn, "users"),
            await count_rows(conn, "role_grants"),
            await count_rows(conn, "sessions"),
            await log_size(conn),
        )


async def send(
    client: httpx.AsyncClient, endpoint: str, token: str, content: bytes
) -> httpx.Response:
    method, path, _ = ENDPOINTS[endpoint]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if endpoint == "login":
        headers.pop("Authorization")
    return await client.request(method, path, content=content, headers=headers)


def encode(body: dict[str, object]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize(
    "content",
    [b"", b"{", b'{"x" 1}', b"\xff\xfe", b'{"use', b"NaN"],
    ids=["empty", "open", "missing-colon", "not-utf8", "truncated", "nan"],
)
async def test_malformed_json_is_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, endpoint: str, content: bytes
) -> None:
    """400 malformed_json; nothing changes."""
    before = await snapshot(pool)
    response = await send(client, endpoint, token, content)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "malformed_json"
    assert await snapshot(pool) == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_wrong_types_are_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, endpoint: str
) -> None:
    """422 request_invalid naming the field; nothing changes."""
    body = {**ENDPOINTS[endpoint][2], **WRONG_TYPES[endpoint]}
    before = await snapshot(pool)
    response = await send(client, endpoint, token, encode(body))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "request_invalid"
    assert next(iter(WRONG_TYPES[endpoint])) in error["message"]
    assert await snapshot(pool) == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_unknown_fields_are_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, endpoint: str
) -> None:
    """422 request_invalid for a field the model does not have."""
    body = {**ENDPOINTS[endpoint][2], "is_admin": True}
    before = await snapshot(pool)
    response = await send(client, endpoint, token, encode(body))
    assert response.status_code == 422
    assert "is_admin" in response.json()["error"]["message"]
    assert await snapshot(pool) == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_missing_fields_are_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, endpoint: str
) -> None:
    """422 request_invalid for an empty object."""
    before = await snapshot(pool)
    response = await send(client, endpoint, token, b"{}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "request_invalid"
    assert await snapshot(pool) == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_oversized_bodies_are_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, settings: Settings, endpoint: str
) -> None:
    """413 body_too_large past settings.max_body_bytes."""
    padding = "x" * (settings.max_body_bytes + 1)
    body = {**ENDPOINTS[endpoint][2], "padding": padding}
    before = await snapshot(pool)
    response = await send(client, endpoint, token, encode(body))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert await snapshot(pool) == before


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("credit_code", "91350100M000100Y44", "credit_code_invalid"),
        ("name", " 前后有空格 ", "organisation_name_invalid"),
        ("kind", "bank", "request_invalid"),
        ("region", "34a821", "region_invalid"),
        ("parent_id", USER_ID, "organisation_not_found"),
        ("parent_id", "not-a-uuid", "request_invalid"),
    ],
)
async def test_organisation_fields_are_checked(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, field: str, value: str, code: str
) -> None:
    """Each rule on an organisation has its own code; nothing is created."""
    body = {**ENDPOINTS["create_organisation"][2], field: value}
    before = await snapshot(pool)
    response = await send(client, "create_organisation", token, encode(body))
    assert response.json()["error"]["code"] == code
    assert response.status_code in (404, 422)
    assert await snapshot(pool) == before


@pytest.mark.parametrize(
    ("field", "value", "code", "status"),
    [
        ("username", "UPPER", "username_invalid", 422),
        ("username", "x" * 65, "request_invalid", 422),
        ("password", "short", "password_too_weak", 422),
        ("password", "p" * 257, "request_invalid", 422),
        ("display_name", "", "display_name_invalid", 422),
        ("organisation_id", USER_ID, "organisation_not_found", 404),
    ],
)
async def test_user_fields_are_checked(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    token: str,
    field: str,
    value: str,
    code: str,
    status: int,
) -> None:
    """Each rule on a user has its own code; nothing is created."""
    body = {**ENDPOINTS["create_user"][2], field: value}
    before = await snapshot(pool)
    response = await send(client, "create_user", token, encode(body))
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert await snapshot(pool) == before


async def test_a_duplicate_credit_code_is_a_conflict(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str
) -> None:
    """409 credit_code_exists for the second organisation with one code."""
    body = {**ENDPOINTS["create_organisation"][2], "credit_code": new_credit_code()}
    first = await send(client, "create_organisation", token, encode(body))
    assert first.status_code == 201
    before = await snapshot(pool)
    second = await send(client, "create_organisation", token, encode(body))
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "credit_code_exists"
    assert await snapshot(pool) == before


@pytest.mark.parametrize(
    ("method", "path", "code", "status"),
    [
        ("POST", "/api/v1/users/not-a-uuid/roles", "request_invalid", 422),
        ("DELETE", "/api/v1/users/not-a-uuid/roles/expert", "request_invalid", 422),
        ("DELETE", f"/api/v1/users/{USER_ID}/roles/emperor", "request_invalid", 422),
        ("DELETE", f"/api/v1/users/{USER_ID}/roles/supervisor?scope_id=x", "request_invalid", 422),
        ("GET", "/api/v1/organisations?limit=0", "request_invalid", 422),
        ("GET", "/api/v1/organisations?limit=201", "request_invalid", 422),
        ("GET", "/api/v1/organisations?limit=ten", "request_invalid", 422),
        ("GET", "/api/v1/organisations?cursor=forged", "cursor_invalid", 422),
        ("PUT", "/api/v1/organisations", "method_not_allowed", 405),
    ],
)
async def test_bad_paths_and_queries_are_refused(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    token: str,
    method: str,
    path: str,
    code: str,
    status: int,
) -> None:
    """Path and query parameters are checked like bodies."""
    body = {"role": "centre_staff"} if method == "POST" else None
    before = await snapshot(pool)
    response = await client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert await snapshot(pool) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/organisations"),
        ("POST", "/api/v1/organisations"),
        ("POST", "/api/v1/users"),
        ("POST", f"/api/v1/users/{USER_ID}/roles"),
        ("DELETE", f"/api/v1/users/{USER_ID}/roles/expert"),
    ],
)
async def test_protected_endpoints_need_credentials(
    client: httpx.AsyncClient, pool: asyncpg.Pool, method: str, path: str
) -> None:
    """401 unauthenticated before anything else happens."""
    body = {
        "POST /api/v1/organisations": ENDPOINTS["create_organisation"][2],
        "POST /api/v1/users": ENDPOINTS["create_user"][2],
        f"POST /api/v1/users/{USER_ID}/roles": ENDPOINTS["grant_role"][2],
    }.get(f"{method} {path}")
    before = await snapshot(pool)
    response = await client.request(method, path, json=body)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert await snapshot(pool) == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_a_name_twice_in_one_json_object_is_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, endpoint: str
) -> None:
    """422 request_invalid naming the key (web/http.py decode_json, every JSON body):
    parsers disagree on which value counts, so none does. Before, the last one won."""
    body = ENDPOINTS[endpoint][2]
    first = next(iter(body))
    twice = encode({first: body[first]})[:-1] + b", " + encode(body)[1:]
    assert json.loads(twice) == body  # a parser keeping the last value would accept it
    before = await snapshot(pool)
    response = await send(client, endpoint, token, twice)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("request_invalid", {"key": first})
    assert await snapshot(pool) == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_a_body_nested_beyond_the_parsers_depth_is_refused_not_crashed(
    client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, endpoint: str
) -> None:
    """422 request_invalid, nothing stored, for 5,000 nested arrays: a parser's depth is
    a refusal, never an internal error (web/http.py decode_json; the live frames' limit
    is tests/web/live/test_frames.py's)."""
    before = await snapshot(pool)
    response = await send(client, endpoint, token, b"[" * 5000 + b"]" * 5000)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "request_invalid"
    assert await snapshot(pool) == before
