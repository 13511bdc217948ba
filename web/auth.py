"""Who is asking: bearer tokens, session cookies, CSRF tokens, and refusals recorded.

A request is authenticated by ``Authorization: Bearer <token>`` (API clients) or by
the ``etender_session`` cookie (browsers; HttpOnly, SameSite=Lax, Secure behind
HTTPS, Path=/). Every state-changing request authenticated by cookie must carry the
session's CSRF token, in the ``X-CSRF-Token`` header (fetch) or the ``csrf_token``
form field; bearer requests need none, since a browser never adds that header on its
own. The CSRF token is HMAC-SHA256 keyed by the session token, so it is stateless,
valid on every node, and worthless without the HttpOnly cookie.

Refusals — forged tokens, missing CSRF tokens, denied permissions — are counted as
security events (DESIGN.md, "Transparency log") before the error leaves.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from accounts import security_events
from accounts.errors import PermissionDenied, TokenInvalid, Unauthenticated
from accounts.model import Actor
from accounts.sessions import service as sessions
from accounts.sessions.model import LoginPolicy, SessionKind
from web.db.database import acquire
from web.errors import CsrfTokenInvalid
from web.services import services
from web.settings import Settings

SESSION_COOKIE = "etender_session"
LOGIN_CSRF_COOKIE = "etender_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_CSRF_LABEL = b"etender-csrf-v1"


def login_policy(settings: Settings) -> LoginPolicy:
    """Session lifetimes from settings; login throttling as docs/api-auth.md sets it."""
    return LoginPolicy(
        session_ttl_seconds=settings.session_ttl_seconds,
        token_ttl_seconds=settings.token_ttl_seconds,
    )


def client_address(request: Request) -> str | None:
    """The peer's address (a proxy in front must be configured to pass the real one)."""
    return request.client.host if request.client is not None else None


def csrf_token_for(session_token: str) -> str:
    """The CSRF token of a session: HMAC-SHA256(session token, label), base64url."""
    mac = hmac.new(session_token.encode("ascii"), _CSRF_LABEL, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def new_login_csrf() -> str:
    """A random value for the pre-session double-submit cookie of the login form."""
    return secrets.token_urlsafe(32)


def presented_token(request: Request) -> tuple[str, SessionKind] | None:
    """The token a request carries and how; a malformed Authorization header is invalid."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenInvalid("the Authorization header is not 'Bearer <token>'")
        return token.strip(), SessionKind.BEARER
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie, SessionKind.COOKIE
    return None


async def _supplied_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request, conn: asyncpg.Connection, session_token: str) -> None:
    """Refuse a state-changing cookie request without the session's CSRF token."""
    supplied = await _supplied_csrf(request)
    expected = csrf_token_for(session_token)
    if supplied is None or not hmac.compare_digest(supplied.encode(), expected.encode()):
        await request.close()  # the parsed form's files: no handler will read them now
        await security_events.record_refusal(
            conn,
            kind=security_events.CSRF_REFUSED,
            address=client_address(request),
            subject=request.url.path[:200],
        )
        raise CsrfTokenInvalid("the CSRF token is missing or wrong: reload the page")


async def _authenticate(
    request: Request, conn: asyncpg.Connection, token: str, kind: SessionKind
) -> Actor:
    """The session's actor from this process's session cache (a bounded staleness,
    web/read_caches.py), else from the database, which then refreshes the cache."""
    cache = services(request).read_caches.sessions
    digest = sessions.token_digest(token)  # malformed: TokenInvalid, counted by the caller
    address = client_address(request)
    actor = cache.get(digest, kind, address)
    if actor is None:
        read_at = cache.now()
        actor = await sessions.authenticate(conn, token, address=address, kind=kind)
        cache.put(digest, kind, actor, read_at)
    return actor


async def current_actor(request: Request, conn: asyncpg.Connection) -> Actor | None:
    """The signed-in actor, or None; forged tokens and missing CSRF tokens are refused."""
    try:
        presented = presented_token(request)
        if presented is None:
            return None
        token, kind = presented
        actor = await _authenticate(request, conn, token, kind)
    except TokenInvalid:
        await security_events.record_refusal(
            conn, kind=security_events.FORGED_SESSION, address=client_address(request)
        )
        raise
    if kind is SessionKind.COOKIE and request.method not in SAFE_METHODS:
        await check_csrf(request, conn, token)
    request.state.actor = actor
    request.state.session_kind = kind
    return actor


async def require_actor(request: Request, conn: asyncpg.Connection) -> Actor:
    """The signed-in actor; ``unauthenticated`` when there is none."""
    actor = await current_actor(request, conn)
    if actor is None:
        raise Unauthenticated("sign in first: send a bearer token or the session cookie")
    return actor


@contextlib.asynccontextmanager
async def signed_in(
    request: Request, pool: asyncpg.Pool | None = None
) -> AsyncIterator[tuple[asyncpg.Connection, Actor]]:
    """A connection (of ``pool``, else the app's) and the signed-in actor; a permission
    refusal inside is counted."""
    async with acquire(pool or services(request).pools.main) as conn:
        actor = await require_actor(request, conn)
        try:
            yield conn, actor
        except PermissionDenied as refused:
            details = refused.details if isinstance(refused.details, dict) else {}
            await security_events.record_refusal(
                conn,
                kind=security_events.PERMISSION_DENIED,
                address=actor.address,
                subject=f"{actor.username}:{details.get('action', '')}"[:200],
            )
            raise


def session_token(request: Request) -> str | None:
    """The session cookie's token, for rendering the CSRF field of a page's forms."""
    return request.cookies.get(SESSION_COOKIE)


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """Hand the browser its session: HttpOnly, SameSite=Lax, Secure behind HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_seconds,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Remove the session cookie (the session itself is revoked by the service)."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )
