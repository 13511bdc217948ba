"""A signed-in browser of the page tests: an httpx client holding one user's session
cookie (the login form filled in as a browser does), and the CSRF token its forms carry."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette

from tests.accounts.factory import PASSWORD
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
