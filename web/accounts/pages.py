"""Web pages: the public home, sign-in and sign-out, and each role's workspace.

Pages are Jinja2 templates (autoescaped) in Chinese first, with English through the
``lang`` cookie (web/i18n.py). Signing in posts a form protected by a pre-session
double-submit CSRF cookie; every later form carries the session's CSRF token
(web/auth.py). Areas not built yet say so ("即将推出 / coming soon").
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts import security_events
from accounts.errors import (
    AccountsError,
    CredentialsInvalid,
    LoginRateLimited,
    LoginThrottled,
    Unauthenticated,
)
from accounts.model import Actor, Role
from accounts.organisations import service as organisations
from accounts.sessions import service as sessions
from accounts.sessions.model import SessionKind
from web import i18n
from web.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    clear_session_cookie,
    client_address,
    csrf_token_for,
    current_actor,
    login_policy,
    new_login_csrf,
    session_token,
    set_session_cookie,
)
from web.db.database import acquire
from web.disclosure import pages as disclosure_pages
from web.error_pages import error_page
from web.errors import CsrfTokenInvalid, RequestInvalid, WebError
from web.http import SECURITY_HEADERS, read_body
from web.pages import environment
from web.services import services

# The refusals the login page explains, by code (its message keys); any other reads as
# request_invalid. Each is served with its class's status.
LOGIN_ERRORS: dict[str, type[WebError | AccountsError]] = {
    refusal.code: refusal
    for refusal in (
        CredentialsInvalid, LoginThrottled, LoginRateLimited, CsrfTokenInvalid, RequestInvalid,
    )
}  # fmt: skip
ONE_YEAR = 365 * 24 * 3600


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Section:
    """One area of a role's workspace: a message key, its status, and a link if any."""

    key: str
    status: str = "coming_soon"  # coming_soon | api_only | available
    href: str | None = None


def _soon(*keys: str) -> tuple[Section, ...]:
    return tuple(Section(key=key) for key in keys)


def _open(key: str, href: str) -> Section:
    return Section(key=key, status="available", href=href)


# What each role does on the platform (DESIGN.md, "Who uses it").
ROLE_SECTIONS: Mapping[Role, tuple[Section, ...]] = {
    Role.CENTRE_STAFF: (
        _open("section.centre_tenders", "/centre/tenders"),
        _open("section.opening_hall", "/centre/tenders"),
        _open("section.draw_operate", "/draws"),
        _open("section.evaluation_desk", "/evaluations"),
        _open("section.statistics", "/supervision/statistics"),
        _open("section.agencies_register", "/supervision/agencies"),
        _open("section.venues", "/venues"),
    ),
    Role.AGENCY: (
        _open("section.tenders", "/agency/tenders"),
        _open("section.draw_request", "/draws/new"),
        _open("section.objections", "/agency/objections"),
    ),
    Role.TENDERER: (_open("section.my_tenders", "/tenders"),),
    Role.BIDDER: (
        _open("section.documents", "/tenders"),
        _open("section.bids", "/bidder/bids"),
        _open("section.signing_keys", "/me/keys"),
        _open("section.results", "/bidder/results"),
        _open("section.my_complaints", "/complaints"),
    ),
    Role.OPENING_OFFICIAL: (_open("section.shares", "/opening/official"),),
    Role.EXPERT: (
        _open("section.availability", "/expert/record"),
        _open("section.invitations", "/expert/invitations"),
        _open("section.evaluation", "/expert/evaluations"),
        _open("section.signing_keys", "/me/keys"),
    ),
    Role.SUPERVISOR: (
        _open("section.committee_approval", "/supervision/tenders"),
        _open("section.alerts", "/supervision/alerts"),
        _open("section.complaints", "/complaints"),
        _open("section.watch", "/evaluations"),
        _open("section.records", "/supervision/agencies"),
        _open("section.credit", "/supervision/parties"),
        _open("section.statistics", "/supervision/statistics"),
        _open("section.entropy", "/draws"),
        _open("section.pool", "/expert-pool"),
        _open("section.signing_keys", "/me/keys"),
    ),
    Role.WITNESS: (_open("section.cosign", "/audit/checkpoints"),),
    Role.SYSTEM_ADMIN: (
        _open("section.accounts", "/admin/users"),
        _open("section.role_approvals", "/admin/role-changes"),
    ),
    Role.SECURITY_ADMIN: (
        _open("section.permissions", "/admin/roles"),
        _open("section.security_events", "/admin/security-events"),
        _open("section.keys", "/admin/witnesses"),
    ),
    Role.AUDIT_ADMIN: (
        _open("section.audit_log", "/audit/log"),
        _open("section.log_checkpoints", "/audit/checkpoints"),
        _open("section.role_approvals", "/admin/role-changes"),
        _open("section.security_events", "/admin/security-events"),
    ),
}

_ENV = environment()


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page in the request's language, with security headers."""
    lang = i18n.negotiate(request)

    def translate(key: str, **params: str) -> str:
        return i18n.translate(lang, key, **params)

    html = _ENV.get_template(template).render(
        t=translate,
        lang=lang,
        languages=i18n.LANGUAGES,
        path=request.url.path,
        actor=context.pop("actor", None),
        csrf_token=context.pop("csrf_token", None),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


async def _page_actor(request: Request, conn: asyncpg.Connection) -> Actor | None:
    """The signed-in actor of a page view; an ended or forged session counts as none."""
    try:
        return await current_actor(request, conn)
    except Unauthenticated:
        return None


def _session_csrf(request: Request) -> str | None:
    token = session_token(request)
    return csrf_token_for(token) if token else None


async def public_home(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await _page_actor(request, conn)
        lists = await disclosure_pages.home_lists(conn)  # current notices and results
    return render(
        request,
        "public.html",
        actor=actor,
        csrf_token=_session_csrf(request),
        notices=lists["notices"],
        results=lists["results"],
        stages=lists["stages"],
    )


def _login_page(
    request: Request, *, error: str | None = None, username: str = "", status: int = 200
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_csrf()
    response = render(
        request, "login.html", status, error=error, username=username, login_csrf=token
    )
    settings = services(request).settings
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
    )
    return response


async def login_form(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        if await _page_actor(request, conn) is not None:
            return _redirect("/home")
    return _login_page(request)


async def _form(request: Request) -> dict[str, str]:
    """The login form's fields; an oversized or overlong form reads as empty (422)."""
    try:
        raw = await read_body(request, services(request).settings.max_body_bytes)
        fields = parse_qs(raw.decode("utf-8", errors="replace"), max_num_fields=10)
    except (WebError, ValueError):
        return {}
    return {name: values[0] for name, values in fields.items()}


def _error_code(exc: Exception) -> str:
    code = getattr(exc, "code", "request_invalid")
    return code if code in LOGIN_ERRORS else "request_invalid"


async def login_submit(request: Request) -> Response:
    form = await _form(request)
    username = form.get("username", "").strip()[:64]
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    supplied = form.get(CSRF_FIELD, "")
    # Double submit: a cross-site form cannot read or set our cookie to match the field.
    if not cookie or not hmac.compare_digest(cookie.encode(), supplied.encode()):
        async with acquire(services(request).pools.main) as conn:
            await security_events.record_refusal(
                conn,
                kind=security_events.CSRF_REFUSED,
                address=client_address(request),
                subject="/login",
            )
        return _login_page(request, error="csrf_token_invalid", username=username, status=403)
    if not username or not form.get("password"):
        return _login_page(request, error="request_invalid", username=username, status=422)
    built = services(request)
    settings = built.settings
    try:
        async with built.password_checks, acquire(built.pools.main) as conn:
            issued = await sessions.login(
                conn,
                username=username,
                password=form["password"],
                address=client_address(request),
                kind=SessionKind.COOKIE,
                policy=login_policy(settings),
            )
    except (AccountsError, WebError) as refused:
        code = _error_code(refused)
        return _login_page(request, error=code, username=username, status=LOGIN_ERRORS[code].status)
    response = _redirect("/home")
    set_session_cookie(response, issued.token, settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


async def logout_submit(request: Request) -> Response:
    settings = services(request).settings
    async with acquire(services(request).pools.main) as conn:
        # current_actor checks the form's CSRF token for this cookie-authenticated POST.
        try:
            actor = await _page_actor(request, conn)
        except CsrfTokenInvalid:
            return error_page(request, CsrfTokenInvalid.code, CsrfTokenInvalid.status)
        if actor is not None:
            await sessions.logout(conn, actor)
            services(request).read_caches.sessions.drop_session(actor.session_id)
    response = _redirect("/")
    clear_session_cookie(response, settings)
    return response


async def workspace(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await _page_actor(request, conn)
        if actor is None:
            return _redirect("/login")
        org = await organisations.get_organisation(conn, actor.organisation_id)
    roles = sorted(actor.roles, key=list(Role).index)
    sections = [(role, ROLE_SECTIONS[role]) for role in roles]
    return render(
        request,
        "home.html",
        actor=actor,
        csrf_token=_session_csrf(request),
        organisation=org,
        sections=sections,
    )


def _local_path(target: str | None) -> str:
    """Only paths on this site: no scheme, no host, no protocol-relative '//'."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def switch_language(request: Request) -> Response:
    lang = request.path_params["lang"]
    response = _redirect(_local_path(request.query_params.get("next")))
    if lang in i18n.LANGUAGES:
        response.set_cookie(
            i18n.LANG_COOKIE,
            lang,
            max_age=ONE_YEAR,
            path="/",
            samesite="lax",
            secure=services(request).settings.secure_cookies,
        )
    return response


def routes() -> list[BaseRoute]:
    """The page routes, for the one route list."""
    return [
        Route("/", public_home, methods=["GET"]),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/logout", logout_submit, methods=["POST"]),
        Route("/home", workspace, methods=["GET"]),
        Route("/lang/{lang}", switch_language, methods=["GET"]),
    ]
