"""The signing keys page, /me/keys (issue 12 item 3; CONTRACTS.md §4).

The page itself holds nothing secret: its script (web/static/js/keys-page.js) uses the
signing bundle (web/jsbundle.py) to make or import the member's keys in the browser,
ask the demo CA or take an issued certificate, register it by proof of possession,
and list the keys, this device's signatures and the platform's record of them.
"""

from __future__ import annotations

import json

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.errors import Unauthenticated
from web import i18n, jsbundle
from web.accounts import i18n_keys as texts
from web.auth import csrf_token_for, current_actor, session_token
from web.db.database import acquire
from web.http import SECURITY_HEADERS
from web.services import services

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


async def keys_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        try:
            actor = await current_actor(request, conn)
        except Unauthenticated:
            actor = None
    if actor is None:
        return RedirectResponse("/login", status_code=303, headers={"Cache-Control": "no-store"})
    lang = i18n.negotiate(request)
    token = session_token(request)
    html = _ENV.get_template("keys/keys.html").render(
        t=lambda key, **params: texts.translate(lang, key, **params),
        lang=lang,
        languages=i18n.LANGUAGES,
        path=request.url.path,
        actor=actor,
        csrf_token=csrf_token_for(token) if token else None,
        script_texts=json.dumps(texts.script_texts(lang), ensure_ascii=False),
        **jsbundle.template_context(),
    )
    return HTMLResponse(html, headers=SECURITY_HEADERS)


def routes() -> list[BaseRoute]:
    """The keys page (its script is a static file under /static/js/)."""
    return [Route("/me/keys", keys_page, methods=["GET"])]
