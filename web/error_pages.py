"""Errors as pages for a browser, JSON for everything else (issue 15, item 4).

A person who follows a dead link or meets a server fault gets a page in the page's
language, with the message written for people (web/errortext/), the code small for
support and the request id to quote; the API (every path under ``/api/``) and any
client that does not ask for HTML keep the one documented error body (docs/api-errors.md,
web/http.py). The 500 page says nothing of the fault: its cause is in the log under the
same request id.
"""

from __future__ import annotations

import logging
from datetime import datetime

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from web import errortext, i18n
from web.errormap import status_for
from web.errors import NotFound
from web.http import JSON_TYPE, ErrorBody, error_detail, error_headers, error_response
from web.pages import beijing_text, render

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# The heading of the page by status; any other status is "something went wrong".
HEADINGS = {
    401: "errorpage.heading.401",
    403: "errorpage.heading.403",
    404: "errorpage.heading.404",
    405: "errorpage.heading.405",
}


# What of an error's ``details`` a person needs to act on, in the page's language: a
# black-list refusal's basis and term (Reg. 71: the party learns why and until when).
FACT_LABELS = {
    "basis": {"zh-CN": "依据：", "en": "Basis: "},
    "ends_at": {"zh-CN": "期限至：", "en": "Until: "},
}


def facts(details: object, lang: str) -> list[tuple[str, str]]:
    """(label, value) of the details a page shows under an error's message; times in
    Beijing time with their label. Anything else of the details stays in the API body."""
    if not isinstance(details, dict):
        return []
    shown: list[tuple[str, str]] = []
    for key, labels in FACT_LABELS.items():
        value = details.get(key)
        if not isinstance(value, str) or not value:
            continue
        if key.endswith("_at"):
            try:
                value = beijing_text(datetime.fromisoformat(value), lang)
            except ValueError:
                continue
        shown.append((labels.get(lang, labels["zh-CN"]), value))
    return shown


def wants_html(request: Request) -> bool:
    """A browser's navigation: ``Accept`` names HTML (with a q above 0) and the path is
    not the API's. ``fetch`` from a page's script sends ``*/*`` and so gets JSON."""
    path = request.url.path
    if path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX):
        return False
    for item in request.headers.get("accept", "").split(","):
        media, *params = (p.strip().lower() for p in item.split(";"))
        if media in HTML_TYPES and not any(p.replace(" ", "") in ("q=0", "q=0.0") for p in params):
            return True
    return False


def heading_key(status: int) -> str:
    """The i18n key of the page's heading for ``status``."""
    if status >= 500:
        return "errorpage.heading.500"
    return HEADINGS.get(status, "error.title")


def error_page(request: Request, code: str, status: int, *, message: str | None = None) -> Response:
    """The site's error page for ``code`` (its message in the page's language unless
    ``message`` gives one already translated)."""
    lang = i18n.negotiate(request)
    return render(
        request,
        "error.html",
        i18n.translate,
        {
            # Who is signed in, if the failing handler got as far as knowing (web/auth.py).
            "actor": (request.scope.get("state") or {}).get("actor"),
            "status": status,
            "code": code,
            "heading": i18n.translate(lang, heading_key(status)),
            "message": message if message is not None else errortext.text(code, lang),
        },
        status=status,
    )


def error_answer(request: Request, exc: Exception) -> Response:
    """Any failure: a page for a browser, the one error body for the rest."""
    if not wants_html(request):
        return error_response(request, exc)
    status = status_for(exc)
    detail = error_detail(request, exc)  # logs a fault not raised on purpose
    headers = error_headers(status, detail.details)
    try:
        response = error_page(request, detail.code, status)
    except Exception:  # the page itself failed: the one error body still answers
        log.exception("http.error_page_failed", extra={"request_id": detail.request_id})
        body = msgspec.json.encode(ErrorBody(error=detail))
        return Response(body, status, headers=headers, media_type=JSON_TYPE)
    response.headers.update(headers)
    return response


async def texts_json(request: Request) -> Response:
    """``GET /errortext/{lang}.json``: every code's message in ``lang``, for a page's
    script to show a refusal of the API in the page's language (web/static/js/
    errortext.js). Public and the same for everyone, so a browser may keep it an hour."""
    lang = request.path_params["lang"]
    if lang not in errortext.LANGS:
        raise NotFound(f"no error texts in the language {lang[:20]!r}")
    return JSONResponse(
        errortext.table(lang),
        headers={"Cache-Control": "public, max-age=3600", "Content-Language": lang},
    )


def routes() -> list[BaseRoute]:
    """The error texts for pages' scripts."""
    return [Route("/errortext/{lang}.json", texts_json, methods=["GET"])]
