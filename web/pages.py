"""What every server-rendered page shares: the template environment, the context each
template gets (language, the switch links, the CSRF token), the security headers, and
who is signed in.

Pages are shells in Chinese first with English (DESIGN.md, "Interfaces"); their scripts
are files (the CSP allows no inline script, web/http.py). A feature's page module keeps
its own texts and passes its ``translate``; the rest is here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import asyncpg
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from accounts.errors import Unauthenticated
from accounts.model import Actor
from web import i18n
from web.auth import csrf_token_for, current_actor, session_token
from web.http import SECURITY_HEADERS

# (language, key, parameters) → the text in that language.
Translate = Callable[..., str]


def environment() -> jinja2.Environment:
    """A template environment over web/templates: escaping on, unknown names an error."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


ENV = environment()


def render(
    request: Request,
    template: str,
    translate: Translate,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    env: jinja2.Environment = ENV,
) -> HTMLResponse:
    """``template`` in the request's language, with ``context`` and what every page uses."""
    lang = i18n.negotiate(request)
    token = session_token(request)
    html = env.get_template(template).render(
        t=lambda key, **params: translate(lang, key, **params),
        lang=lang,
        languages=i18n.LANGUAGES,
        path=request.url.path,
        csrf_token=csrf_token_for(token) if token else None,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


async def signed_in(request: Request, conn: asyncpg.Connection) -> Actor | None:
    """The signed-in actor, or None (a page then sends the visitor to /login)."""
    try:
        return await current_actor(request, conn)
    except Unauthenticated:
        return None
