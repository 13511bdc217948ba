"""Web pages: public home, sign-in with CSRF, each role's workspace, language switch."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from accounts.model import OrgKind, Role, User
from tests.accounts.factory import ADDRESS, PASSWORD, count_rows, make_organisation, make_user
from web import i18n
from web.accounts import pages
from web.app import create_app
from web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, csrf_token_for
from web.settings import Settings

TEMPLATES = Path(i18n.__file__).parent / "templates"
HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def org_kind_for(role: Role) -> OrgKind:
    """An organisation kind where a user may hold ``role``."""
    return {
        Role.AGENCY: OrgKind.AGENCY,
        Role.TENDERER: OrgKind.TENDERER,
        Role.BIDDER: OrgKind.BIDDER,
        Role.SUPERVISOR: OrgKind.INDUSTRY_DEPARTMENT,
        Role.EXPERT: OrgKind.EXPERT_EMPLOYER,
    }.get(role, OrgKind.CITY_CENTRE)


async def user_with(pool: asyncpg.Pool, role: Role, username: str = "person") -> User:
    async with pool.acquire() as conn:
        org = await make_organisation(conn, org_kind_for(role), name="测试单位")
        scope = org if role is Role.SUPERVISOR else None
        return await make_user(conn, org, role, scope=scope, username=username)


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    """Fill in the login form as a browser would (GET for the CSRF cookie, then POST)."""
    form = await client.get("/login")
    match = HIDDEN_CSRF.search(form.text)
    assert match is not None
    return await client.post(
        "/login",
        data={"csrf_token": match.group(1), "username": username, "password": password},
    )


async def test_the_public_home_is_in_chinese_with_a_sign_in_link(
    client: httpx.AsyncClient,
) -> None:
    """Anonymous visitors see the current notices and results and a sign-in link."""
    response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert "最新招标公告" in response.text
    assert "即将推出" not in response.text
    assert 'href="/login"' in response.text
    # The public credit lists and agency assessments (issue 14: published as the rules say).
    assert 'href="/credit"' in response.text
    assert 'href="/agency-assessments"' in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_the_language_switch_sets_a_cookie_and_returns(client: httpx.AsyncClient) -> None:
    """/lang/en?next=/login → back to /login, now in English."""
    response = await client.get("/lang/en?next=/login")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert client.cookies.get("lang") == "en"
    page = await client.get("/login")
    assert '<html lang="en">' in page.text
    assert "Sign in" in page.text
    back = await client.get("/lang/zh-CN?next=/")
    assert back.headers["location"] == "/"
    assert "登录" in (await client.get("/login")).text


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
async def test_the_language_switch_never_redirects_off_site(
    client: httpx.AsyncClient, target: str
) -> None:
    """An open redirect through ?next= is refused: it goes home instead."""
    response = await client.get("/lang/en", params={"next": target})
    assert response.headers["location"] == "/"


async def test_an_unknown_language_sets_nothing(client: httpx.AsyncClient) -> None:
    """Only the catalogue's languages are accepted."""
    await client.get("/lang/fr?next=/")
    assert client.cookies.get("lang") is None


async def test_signing_in_opens_the_workspace_with_a_safe_cookie(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """303 to /home; the cookie is HttpOnly, SameSite=Lax, Path=/."""
    await user_with(pool, Role.BIDDER, "bidder1")
    response = await sign_in(client, "bidder1")
    assert response.status_code == 303
    assert response.headers["location"] == "/home"
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie
    home = await client.get("/home")
    assert home.status_code == 200
    assert "测试用户" in home.text
    assert 'data-role="bidder"' in home.text


async def test_the_cookie_is_secure_behind_https(settings: Settings, pool: asyncpg.Pool) -> None:
    """settings.secure_cookies adds Secure to the session cookie."""
    await user_with(pool, Role.BIDDER, "bidder1")
    app: Starlette = create_app(dataclasses.replace(settings, secure_cookies=True), pool=pool)
    transport = httpx.ASGITransport(app=app, client=(ADDRESS, 50000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="https://testserver") as client,
    ):
        response = await sign_in(client, "bidder1")
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)
    )
    assert "Secure" in cookie


@pytest.mark.parametrize(
    ("password_tries", "code", "status", "message"),
    [
        (1, "credentials_invalid", 401, "用户名或密码错误"),
    ],
)
async def test_a_failed_sign_in_says_why(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    password_tries: int,
    code: str,
    status: int,
    message: str,
) -> None:
    """The login page shows a clear message; the username stays filled in."""
    await user_with(pool, Role.BIDDER, "bidder1")
    for _ in range(password_tries):
        response = await sign_in(client, "bidder1", "Wrong-password-1")
    assert response.status_code == status
    assert f'data-code="{code}"' in response.text
    assert message in response.text
    assert 'value="bidder1"' in response.text
    async with pool.acquire() as conn:
        assert await count_rows(conn, "sessions") == 0


async def test_a_sign_in_from_another_site_is_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Without the double-submit cookie matching the field: 403, no session."""
    await user_with(pool, Role.BIDDER, "bidder1")
    forged = {"csrf_token": "guess", "username": "bidder1", "password": PASSWORD}
    response = await client.post("/login", data=forged)
    assert response.status_code == 403
    assert 'data-code="csrf_token_invalid"' in response.text
    await client.get("/login")
    assert client.cookies.get(LOGIN_CSRF_COOKIE)
    mismatched = await client.post("/login", data=forged)
    assert mismatched.status_code == 403
    async with pool.acquire() as conn:
        assert await count_rows(conn, "sessions") == 0


async def test_an_empty_form_asks_for_both_fields(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """422 with a message, not a crash."""
    form = await client.get("/login")
    token = HIDDEN_CSRF.search(form.text)
    assert token is not None
    response = await client.post("/login", data={"csrf_token": token.group(1)})
    assert response.status_code == 422
    assert "请填写用户名和密码" in response.text


async def test_the_workspace_needs_a_session(client: httpx.AsyncClient) -> None:
    """Anonymous visitors are sent to the login page; so are forged cookies."""
    response = await client.get("/home")
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    client.cookies.set(SESSION_COOKIE, "A" * 43)
    response = await client.get("/home")
    assert (response.status_code, response.headers["location"]) == (303, "/login")


@pytest.mark.parametrize("role", list(Role))
async def test_each_role_sees_its_own_workspace(
    client: httpx.AsyncClient, pool: asyncpg.Pool, role: Role
) -> None:
    """Every role has a workspace naming what it will do, honest about what is missing."""
    await user_with(pool, role)
    await sign_in(client, "person")
    home = await client.get("/home")
    assert home.status_code == 200
    assert i18n.translate("zh-CN", f"role.{role}") in home.text
    for section in pages.ROLE_SECTIONS[role]:
        assert i18n.translate("zh-CN", section.key) in home.text
        assert i18n.translate("zh-CN", f"status.{section.status}") in home.text


async def test_names_are_escaped(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    """Autoescaping: a display name with markup is shown as text."""
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER, name="<b>单位</b>")
        await make_user(conn, org, Role.BIDDER, username="bidder1")
    await sign_in(client, "bidder1")
    home = await client.get("/home")
    assert "&lt;b&gt;单位&lt;/b&gt;" in home.text
    assert "<b>单位</b>" not in home.text


async def test_signing_out_needs_the_csrf_token_and_revokes(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """POST /logout without the token is 403 and keeps the session; with it, it ends."""
    await user_with(pool, Role.BIDDER, "bidder1")
    await sign_in(client, "bidder1")
    token = client.cookies.get(SESSION_COOKIE)
    assert token is not None
    refused = await client.post("/logout", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    assert (await client.get("/home")).status_code == 200
    home = await client.get("/home")
    field = HIDDEN_CSRF.search(home.text)
    assert field is not None
    assert field.group(1) == csrf_token_for(token)
    response = await client.post("/logout", data={"csrf_token": field.group(1)})
    assert (response.status_code, response.headers["location"]) == (303, "/")
    client.cookies.set(SESSION_COOKIE, token)
    again = await client.get("/home")
    assert again.status_code == 303
    async with pool.acquire() as conn:
        revoked = await conn.fetchval("SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL")
    assert revoked == 1


def test_every_message_has_both_languages() -> None:
    """No blank translation in the catalogue."""
    for key, texts in i18n.catalogue().items():
        assert len(texts) == len(i18n.LANGUAGES), key
        assert all(text.strip() for text in texts), key


def test_every_key_the_pages_use_exists() -> None:
    """Keys written in templates, roles, sections and login errors are in the catalogue."""
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']\s*[,)]""", template.read_text()))
    used |= {f"role.{role}" for role in Role}
    for sections in pages.ROLE_SECTIONS.values():
        used |= {s.key for s in sections} | {f"{s.key}.body" for s in sections}
        used |= {f"status.{s.status}" for s in sections}
    used |= {f"error.{code}" for code in pages.LOGIN_ERRORS}
    missing = sorted(key for key in used if not i18n.has(key))
    assert missing == []
    assert "site.name" in used


async def test_a_garbage_login_form_gets_a_page_not_a_crash(
    client: httpx.AsyncClient, pool: asyncpg.Pool, settings: Settings
) -> None:
    """Too many fields: an error page; an oversized body: ``body_too_large`` before any
    handler runs (web/form_body.py); no session, never a 500."""
    await client.get("/login")
    many = "&".join(f"f{i}=x" for i in range(50))
    huge = "username=" + "x" * (settings.max_body_bytes + 1)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post("/login", content=many, headers=form)
    assert response.status_code in (403, 422)
    assert "<form" in response.text
    response = await client.post("/login", content=huge, headers=form)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    async with pool.acquire() as conn:
        assert await count_rows(conn, "sessions") == 0
