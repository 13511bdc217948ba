"""The public page of a tender's results: each lot's publicised candidates, the result
announcements, a failure or cancellation notice (Reg. 54–55; docs/api-results.md).
Chinese first, English through the switch; nothing before it is published; no script.
The agency acts through the API (docs/api-results.md)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.errors import Unauthenticated
from tender.errors import TenderNotFound
from tender.lifecycle import load
from tender.results import publicity
from tender.results.errors import ResultNotFound
from tender.results.outcomes import public_result
from web import i18n
from web.auth import current_actor
from web.db.database import acquire
from web.http import SECURITY_HEADERS, request_id_of
from web.pages import environment
from web.pdf.tender_notice import yuan
from web.services import services
from web.tender.results import i18n as i18n_results

_ENV = environment()
_ENV.filters["yuan"] = yuan


def _render(request: Request, template: str, status: int, **context: Any) -> HTMLResponse:
    lang = i18n.negotiate(request)

    def translate(key: str, **params: Any) -> str:
        return i18n_results.translate(lang, key, **{k: str(v) for k, v in params.items()})

    actor = context.setdefault("actor", None)
    html = _ENV.get_template(f"tender/{template}").render(
        roles={str(r) for r in actor.roles} if actor is not None else set(),
        t=translate, has=i18n_results.has, lang=lang, languages=i18n.LANGUAGES,
        path=request.url.path, csrf_token=None, request_id=request_id_of(request), **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


async def results_page(request: Request) -> Response:
    try:
        which = UUID(request.path_params["tender_id"])
    except ValueError:
        which = None
    async with acquire(services(request).pools.main) as conn:
        try:
            actor = await current_actor(request, conn)
        except Unauthenticated:
            actor = None
        try:
            if which is None:
                raise TenderNotFound("no tender has this id")
            shown = await publicity.public_publicities(conn, which)
            try:
                announced, closure = await public_result(conn, which)
            except ResultNotFound:
                announced, closure = [], None
            tender = await load(conn, which)  # public: public_publicities checked it
        except TenderNotFound as missing:
            return _render(
                request, "error.html", 404, actor=actor, code=missing.code,
                violations=[], back="/tenders",
            )  # fmt: skip
    return _render(
        request, "results.html", 200, actor=actor, tender=tender, tender_id=which,
        publicities=shown, announcements=announced, closure=closure,
    )  # fmt: skip


def routes() -> list[BaseRoute]:
    return [Route("/tenders/{tender_id}/results", results_page, methods=["GET"])]
