"""Login, logout, /me, tokens, cookies and CSRF over HTTP (a real app and PostgreSQL)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
import websockets
from starlette.applications import Starlette

from accounts.model import OrgKind, Role, User
from accounts.sessions import service as sessions
from accounts.sessions.model import LoginPolicy, SessionKind
from tests.accounts.factory import (
    ADDRESS,
    PASSWORD,
    count_rows,
    last_entry_kind,
    log_size,
    make_organisation,
    make_user,
    new_credit_code,
)
from tests.conftest import LiveServer
from web.app import create_app
from web.auth import SESSION_COOKIE, csrf_token_for
from web.settings import Settings


@pytest.fixture
async def staff(pool: asyncpg.Pool) -> User:
    """A centre staff member and a system administrator at the city centre."""
    async with pool.acquire() as conn:
        centre = await make_organisation(conn, OrgKind.CITY_CENTRE)
        await make_user(conn, centre, Role.SYSTEM_ADMIN, username="sysadmin")
        return await make_user(conn, centre, Role.CENTRE_STAFF, username="staff")


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> str:
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def cookie_session(pool: asyncpg.Pool, username: str) -> str:
    """A browser session token, as the login page would set in the cookie."""
    async with pool.acquire() as conn:
        issued = await sessions.login(
            conn,
            username=username,
            password=PASSWORD,
            address=ADDRESS,
            kind=SessionKind.COOKIE,
            policy=LoginPolicy(),
        )
    return issued.token


async def test_login_returns_a_bearer_token_that_opens_me(
    client: httpx.AsyncClient, staff: User
) -> None:
    """POST /auth/login → token; GET /me with it names the user and roles."""
    response = await client.post(
        "/api/v1/auth/login", json={"username": "staff", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_at"]
    me = await client.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.json()["user_id"] == str(staff.id)
    assert [r["role"] for r in me.json()["roles"]] == ["centre_staff"]
    assert me.json()["csrf_token"] is None


async def test_me_without_credentials_is_unauthenticated(client: httpx.AsyncClient) -> None:
    """401 unauthenticated with a WWW-Authenticate challenge."""
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_wrong_password_is_credentials_invalid_and_opens_no_session(
    client: httpx.AsyncClient, staff: User, pool: asyncpg.Pool
) -> None:
    """401 credentials_invalid; no session row, no log entry."""
    async with pool.acquire() as conn:
        before = (await count_rows(conn, "sessions"), await log_size(conn))
    for username in ("staff", "nobody"):
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": "Wrong-password-1"}
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "credentials_invalid"
    async with pool.acquire() as conn:
        assert (await count_rows(conn, "sessions"), await log_size(conn)) == before


async def test_an_address_is_rate_limited_after_twenty_failures(
    client: httpx.AsyncClient, staff: User
) -> None:
    """429 login_rate_limited once an address has failed 20 times in a minute or two."""
    for i in range(20):
        await client.post(
            "/api/v1/auth/login", json={"username": f"guess{i}", "password": "Wrong-password-1"}
        )
    response = await client.post(
        "/api/v1/auth/login", json={"username": "staff", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "login_rate_limited"


async def test_logout_revokes_the_token(
    client: httpx.AsyncClient, staff: User, pool: asyncpg.Pool
) -> None:
    """After POST /auth/logout the token is session_expired, and auth.logout is logged."""
    token = await login(client, "staff")
    response = await client.post("/api/v1/auth/logout", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"status": "logged_out"}
    async with pool.acquire() as conn:
        assert await last_entry_kind(conn) == "auth.logout"
    again = await client.get("/api/v1/me", headers=bearer(token))
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "session_expired"


async def test_a_forged_token_is_refused_and_counted(
    client: httpx.AsyncClient, staff: User, pool: asyncpg.Pool
) -> None:
    """401 token_invalid for a token never issued; the refusal is a security event."""
    token = await login(client, "staff")
    forged = ("A" if token[0] != "A" else "B") + token[1:]
    for header in (bearer(forged), {"Authorization": "Basic c3RhZmY6eA=="}, bearer("x")):
        response = await client.get("/api/v1/me", headers=header)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "token_invalid"
    async with pool.acquire() as conn:
        counted = await conn.fetchval(
            "SELECT sum(count) FROM security_events WHERE kind = 'auth.token_invalid'"
        )
    assert counted == 3


@pytest.fixture
async def short_lived(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose tokens live one second (shortened through Settings)."""
    app: Starlette = create_app(dataclasses.replace(settings, token_ttl_seconds=1), pool=pool)
    transport = httpx.ASGITransport(app=app, client=(ADDRESS, 50000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        yield client


async def test_an_expired_token_is_session_expired(
    short_lived: httpx.AsyncClient, staff: User
) -> None:
    """The database clock ends the session after the configured lifetime."""
    token = await login(short_lived, "staff")
    assert (await short_lived.get("/api/v1/me", headers=bearer(token))).status_code == 200
    await asyncio.sleep(1.2)
    response = await short_lived.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"


async def test_a_cookie_session_needs_the_csrf_header_to_change_anything(
    client: httpx.AsyncClient, staff: User, pool: asyncpg.Pool
) -> None:
    """Without X-CSRF-Token: 403 csrf_token_invalid and nothing created; with it: 201."""
    token = await cookie_session(pool, "sysadmin")
    client.cookies.set(SESSION_COOKIE, token)
    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    csrf = me.json()["csrf_token"]
    assert csrf == csrf_token_for(token)
    body = {"credit_code": new_credit_code(), "name": "投标人乙", "kind": "bidder"}
    async with pool.acquire() as conn:
        before = (await count_rows(conn, "organisations"), await log_size(conn))
    for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": csrf_token_for("x" * 43)}):
        refused = await client.post("/api/v1/organisations", json=body, headers=headers)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "csrf_token_invalid"
    async with pool.acquire() as conn:
        assert (await count_rows(conn, "organisations"), await log_size(conn)) == before
        counted = await conn.fetchval(
            "SELECT sum(count) FROM security_events WHERE kind = 'auth.csrf_refused'"
        )
    assert counted == 3
    created = await client.post("/api/v1/organisations", json=body, headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201


async def test_bearer_requests_need_no_csrf_token(client: httpx.AsyncClient, staff: User) -> None:
    """A bearer token is never sent by a browser on its own: no CSRF check."""
    token = await login(client, "sysadmin")
    body = {"credit_code": new_credit_code(), "name": "投标人丙", "kind": "bidder"}
    response = await client.post("/api/v1/organisations", json=body, headers=bearer(token))
    assert response.status_code == 201
    assert response.json()["kind"] == "bidder"


async def test_cookie_logout_needs_csrf_and_clears_the_cookie(
    client: httpx.AsyncClient, staff: User, pool: asyncpg.Pool
) -> None:
    """Logging out by cookie is a change too; it then removes the cookie."""
    token = await cookie_session(pool, "staff")
    client.cookies.set(SESSION_COOKIE, token)
    refused = await client.post("/api/v1/auth/logout")
    assert refused.status_code == 403
    response = await client.post(
        "/api/v1/auth/logout", headers={"X-CSRF-Token": csrf_token_for(token)}
    )
    assert response.status_code == 200
    assert SESSION_COOKIE not in response.cookies or response.cookies[SESSION_COOKIE] == ""
    client.cookies.set(SESSION_COOKIE, token)
    again = await client.get("/api/v1/me")
    assert again.json()["error"]["code"] == "session_expired"


async def test_organisations_page_through_over_http(
    client: httpx.AsyncClient, staff: User, pool: asyncpg.Pool
) -> None:
    """?limit= and ?cursor= walk every organisation once."""
    async with pool.acquire() as conn:
        for _ in range(3):
            await make_organisation(conn, OrgKind.BIDDER)
        expected = await conn.fetchval("SELECT count(*) FROM organisations")
    token = await login(client, "staff")
    seen: list[str] = []
    url = "/api/v1/organisations?limit=2"
    while True:
        page = (await client.get(url, headers=bearer(token))).json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        url = f"/api/v1/organisations?limit=2&cursor={page['next_cursor']}"
    assert len(seen) == len(set(seen)) == expected


async def test_the_openapi_document_describes_the_auth_routes(client: httpx.AsyncClient) -> None:
    """Login and the account routes appear with their models."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    assert "post" in doc["paths"]["/api/v1/auth/login"]
    assert "delete" in doc["paths"]["/api/v1/users/{id}/roles/{role}"]
    schema = doc["components"]["schemas"]["LoginRequest"]
    assert schema["additionalProperties"] is False


async def test_a_cookie_session_sent_as_a_bearer_token_is_refused(
    client: httpx.AsyncClient, staff: User, pool: asyncpg.Pool
) -> None:
    """A browser session is not an API token: its value as ``Bearer`` is 401 token_invalid,
    counted, and it opens nothing (issue 9, item 18)."""
    token = await cookie_session(pool, "sysadmin")
    body = {"credit_code": new_credit_code(), "name": "投标人丁", "kind": "bidder"}
    async with pool.acquire() as conn:
        before = (await count_rows(conn, "organisations"), await log_size(conn))
    me = await client.get("/api/v1/me", headers=bearer(token))
    created = await client.post("/api/v1/organisations", json=body, headers=bearer(token))
    for refused in (me, created):
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "token_invalid"
    async with pool.acquire() as conn:
        assert (await count_rows(conn, "organisations"), await log_size(conn)) == before
        counted = await conn.fetchval(
            "SELECT sum(count) FROM security_events WHERE kind = 'auth.token_invalid'"
        )
    assert counted == 2


async def test_a_bearer_token_put_in_the_session_cookie_is_refused(
    client: httpx.AsyncClient, staff: User
) -> None:
    """An API token is not a browser session: in the cookie it is 401 token_invalid, so a
    stolen API token cannot ride a browser's CSRF protection either way (issue 9, item 18)."""
    token = await login(client, "sysadmin")
    client.cookies.set(SESSION_COOKIE, token)
    me = await client.get("/api/v1/me")
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "token_invalid"
    client.cookies.clear()
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200


async def test_a_websocket_refuses_a_cookie_session_sent_as_a_bearer_token(
    live_server: LiveServer, client: httpx.AsyncClient, staff: User, pool: asyncpg.Pool
) -> None:
    """The live endpoint authenticates the same way: the cookie session's token as Bearer
    closes 4401 before anything else is looked at; the API token reaches the lookup (4404
    for a session that does not exist)."""
    path = f"{live_server.ws_url}/api/v1/live/{uuid.UUID(int=7)}"
    cases = ((await cookie_session(pool, "staff"), 4401), (await login(client, "staff"), 4404))
    for token, code in cases:
        ws = await websockets.connect(path, additional_headers=bearer(token))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == code
