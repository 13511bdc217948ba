"""The page machinery the pool's and the draws' pages share: the templates, rendering with
the security headers, a signed-in page wrapper that shows a refusal's message, forms
and Beijing-time input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from accounts.errors import AccountsError, Unauthenticated
from accounts.model import Actor
from expert_pool.errors import ExpertPoolError
from signing.draw.errors import DrawError
from web import i18n
from web.auth import csrf_token_for, current_actor, session_token
from web.db.database import acquire
from web.errormap import status_for
from web.errors import RequestInvalid, WebError
from web.expert_pool import i18n as i18n_expert_pool
from web.http import SECURITY_HEADERS, request_id_of
from web.pages import environment
from web.services import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


ENTROPY_JS = Path(__file__).parents[1] / "templates" / "expert_pool" / "entropy.js"


Page = Callable[[Request, asyncpg.Connection, Actor], Awaitable[Response]]


_ENV = environment()


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page of this area in the request's language, with security headers."""
    lang = i18n.negotiate(request)

    def translate(key: str, **params: Any) -> str:
        return i18n_expert_pool.translate(lang, key, **{k: str(v) for k, v in params.items()})

    token = session_token(request)
    actor: Actor | None = context.get("actor")
    html = _ENV.get_template(f"expert_pool/{template}").render(
        roles={str(r) for r in actor.roles} if actor is not None else set(),
        t=translate,
        lang=lang,
        languages=i18n.LANGUAGES,
        path=request.url.path,
        csrf_token=csrf_token_for(token) if token else None,
        request_id=request_id_of(request),  # quoted to support from an error page
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    """Sign-in required; a refused operation re-renders as an error page."""

    async def endpoint(request: Request) -> Response:
        async with acquire(services(request).pools.main) as conn:
            try:
                actor = await current_actor(request, conn)
            except Unauthenticated:
                actor = None
            except WebError as refused:
                # A form without the session's CSRF token, or with NUL in it: its own
                # page (403/400, docs/api-auth.md), as the tender pages answer — never a
                # redirect to the sign-in, which reads as a lost session.
                return render(
                    request, "error.html", status_for(refused), actor=None, code=refused.code
                )
            if actor is None:
                return _redirect("/login")
            try:
                return await handler(request, conn, actor)
            except (ExpertPoolError, DrawError, AccountsError, WebError) as refused:
                return render(
                    request,
                    "error.html",
                    status_for(refused),
                    actor=actor,
                    code=refused.code,
                )

    endpoint.__name__ = handler.__name__
    return endpoint


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _parse_local(value: str) -> datetime:
    """A datetime-local field, read as Beijing time."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise RequestInvalid(f"{value!r} is not a date and time") from None
