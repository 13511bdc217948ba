"""A signed-in browser of the page tests: an httpx client holding one user's session
cookie (the login form filled in as a browser does), and the CSRF token its forms carry;
and the administrators' world of the /admin pages."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from accounts.model import Organisation, OrgKind, Role, User
from audit import service as audit
from tests.accounts.factory import PASSWORD, make_organisation, make_user
from web.auth import SESSION_COOKIE, csrf_token_for

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Browser:
    """One user's signed-in client, with the CSRF token its forms carry."""

    client: httpx.AsyncClient
    csrf: str

    async def get(self, path: str, **params: str) -> httpx.Response:
        return await self.client.get(path, params=params)

    async def post(self, path: str, fields: Mapping[str, str] | None = None) -> httpx.Response:
        """Post a form as the page does (with the session's CSRF token)."""
        return await self.client.post(path, data={"csrf_token": self.csrf, **(fields or {})})


@asynccontextmanager
async def signed_in(app: Starlette, username: str) -> AsyncIterator[Browser]:
    """A browser signed in as ``username`` (password login through the login page)."""
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        form = await client.get("/login")
        match = HIDDEN_CSRF.search(form.text)
        assert match is not None
        answer = await client.post(
            "/login",
            data={"csrf_token": match.group(1), "username": username, "password": PASSWORD},
        )
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/home"
        token = client.cookies[SESSION_COOKIE]
        yield Browser(client=client, csrf=csrf_token_for(token))


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Admins:
    """A centre with its three administrators, a bidder and an industry department."""

    centre: Organisation
    bidder_org: Organisation
    department: Organisation
    sysadmin: User
    secadmin: User
    auditadmin: User
    bidder: User


async def make_admins(pool: asyncpg.Pool) -> Admins:
    """The three administrators (set up by the console, which acts alone) and others."""
    async with pool.acquire() as conn:
        centre = await make_organisation(conn, OrgKind.CITY_CENTRE, name="宣城市公共资源交易中心")
        bidder_org = await make_organisation(conn, OrgKind.BIDDER, name="宣城建工集团")
        department = await make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT, name="宣城市住建局")
        return Admins(
            centre=centre,
            bidder_org=bidder_org,
            department=department,
            sysadmin=await make_user(conn, centre, Role.SYSTEM_ADMIN, username="sysadmin"),
            secadmin=await make_user(conn, centre, Role.SECURITY_ADMIN, username="secadmin"),
            auditadmin=await make_user(conn, centre, Role.AUDIT_ADMIN, username="auditadmin"),
            bidder=await make_user(conn, bidder_org, Role.BIDDER, username="bidder1"),
        )


@pytest.fixture(name="admins")
async def fixture_admins(pool: asyncpg.Pool) -> Admins:
    """The administrators' world (test modules import this fixture by name)."""
    return await make_admins(pool)


async def log_kinds(conn: asyncpg.Connection) -> list[str]:
    """Every log entry's kind, oldest first (the queued ones integrated first, §2.2)."""
    await audit.integrate(conn)
    return [row["kind"] for row in await conn.fetch("SELECT kind FROM log_entries ORDER BY idx")]


@asynccontextmanager
async def signed_out(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A browser with no session."""
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
