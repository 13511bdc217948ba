"""What every server-rendered page shares: the template environment, the context each
template gets (language, the switch links, the CSRF token), the security headers, and
who is signed in.

Pages are shells in Chinese first with English (DESIGN.md, "Interfaces"); their scripts
are files (the CSP allows no inline script, web/http.py). A feature's page module keeps
its own texts and passes its ``translate``; the rest is here, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, time, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import asyncpg
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from accounts.errors import Unauthenticated
from accounts.model import Actor
from signing.errors import EtenderError
from web import errortext, i18n
from web.auth import csrf_token_for, current_actor, session_token
from web.db.database import acquire
from web.http import SECURITY_HEADERS, request_id_of
from web.services import services

# (language, key, parameters) → the text in that language.
Translate = Callable[..., str]


SHANGHAI = ZoneInfo("Asia/Shanghai")
# Issue 15 item 4: every time a page shows is Beijing time and says so, in the page's
# language (a bidder abroad must not read a deadline in its own zone unlabelled).
BEIJING_LABEL: Mapping[str, str] = {"zh-CN": "（北京时间）", "en": " (Beijing time)"}


def beijing_text(
    moment: datetime | None, lang: str, *, seconds: bool = False, day_end: bool = False
) -> str:
    """``2026-12-07 16:30（北京时间）``; "—" for no moment. A naive moment is refused:
    it would be read in whatever zone the server runs in.

    ``day_end`` is for a period that ends at 24:00 of its last day (Civil Code Art. 201,
    203; tender/calendar.py ``period_end``): the stored 00:00 of the next day is shown as
    ``24:00`` of the last day, which is what the rule says, not a day later."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no zone to show in Beijing time")
    here = moment.astimezone(SHANGHAI)
    if day_end and here.time() == time(0):
        last_day = (here - timedelta(days=1)).strftime("%Y-%m-%d")
        shown = f"{last_day} 24:00:00" if seconds else f"{last_day} 24:00"
    else:
        shown = here.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return shown + BEIJING_LABEL.get(lang, BEIJING_LABEL["zh-CN"])


COLON = {"zh-CN": "：", "en": ": "}


def _lang(context: jinja2.runtime.Context) -> str:
    return str(context.get("lang", i18n.DEFAULT_LANG))


@jinja2.pass_context
def _beijing_filter(
    context: jinja2.runtime.Context,
    moment: datetime | str | None,
    seconds: bool = False,
    day_end: bool = False,
) -> str:
    if isinstance(moment, str):  # a JSON time (``…Z``) as a feature's facts hold it
        if not moment:
            return "—"
        if len(moment) == 10:  # a calendar date has no time of day and no zone
            return moment
        moment = datetime.fromisoformat(moment)
    return beijing_text(moment, _lang(context), seconds=seconds, day_end=day_end)


@jinja2.pass_context
def _beijing_label(context: jinja2.runtime.Context) -> str:
    # For a ``datetime-local`` input, read as Beijing time (web/tender/forms.py): its
    # label says so, in the page's language.
    return BEIJING_LABEL.get(_lang(context), BEIJING_LABEL["zh-CN"])


@jinja2.pass_context
def _colon(context: jinja2.runtime.Context) -> str:
    # After a label: the full-width colon on a Chinese page, ": " on an English one (an
    # English page showed "Code：", a Chinese one "状态:"; issue 15 item 4).
    return COLON.get(_lang(context), COLON["zh-CN"])


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: object) -> object:
    # A datetime printed without the filter would show UTC with no label (issue 15
    # item 4): it is shown as the filter shows it. tests/web/test_templates_beijing.py
    # keeps templates from relying on this.
    if isinstance(value, datetime):
        return beijing_text(value, _lang(context))
    return value


@jinja2.pass_context
def _errortext_filter(context: jinja2.runtime.Context, code: str | None) -> str:
    return errortext.text(code, str(context.get("lang", i18n.DEFAULT_LANG)))


def environment() -> jinja2.Environment:
    """A template environment over web/templates: escaping on, unknown names an error,
    and ``{{ moment | beijing }}`` (``beijing(seconds=True)``, ``beijing(day_end=True)``
    for a period ending at 24:00) for every time shown; ``{{ beijing_label() }}`` after
    the label of a ``datetime-local`` input; ``{{ code | errortext }}``: an error code's
    message in the page's language; ``{{ colon() }}`` after a label, in its language."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["beijing"] = _beijing_filter
    env.filters["errortext"] = _errortext_filter
    # The features' old name for it: a template is written with ``beijing`` (the guard
    # test refuses ``local``); the alias keeps a template still using it right.
    env.filters["local"] = _beijing_filter
    env.globals["beijing_label"] = _beijing_label
    env.globals["colon"] = _colon
    return env


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
        # What a person quotes to support when a page shows an error (issue 15 item 4).
        request_id=request_id_of(request),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


class FeatureTexts(Protocol):
    """A feature's catalogue (web/<feature>/i18n.py): its texts, falling back on the site's."""

    def translate(self, lang: str, key: str, **params: str) -> str: ...

    def has(self, key: str) -> bool: ...


FeaturePage = Callable[..., HTMLResponse]


def feature_renderer(
    folder: str, texts: FeatureTexts, filters: Mapping[str, Callable[..., Any]]
) -> FeaturePage:
    """``render(request, template, status=200, **context)`` for a feature's pages: its
    templates under ``folder``, its texts (``t`` and ``has``), its Jinja filters, and the
    actor's ``roles`` for the forms a role may use — the rest as :func:`render`."""
    env = environment()
    env.filters.update(filters)

    def translate(lang: str, key: str, **params: Any) -> str:
        return texts.translate(lang, key, **{k: str(v) for k, v in params.items()})

    def render_page(
        request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        actor: Actor | None = context.setdefault("actor", None)
        roles = {str(r) for r in actor.roles} if actor is not None else set()
        return render(
            request, f"{folder}/{template}", translate,
            {"roles": roles, "has": texts.has, **context}, status=status, env=env,
        )  # fmt: skip

    return render_page


async def signed_in(request: Request, conn: asyncpg.Connection) -> Actor | None:
    """The signed-in actor, or None (a page then sends the visitor to /login)."""
    try:
        return await current_actor(request, conn)
    except Unauthenticated:
        return None


# A signed-in page's handler, and how a feature shows a refusal (its error template).
SignedInPage = Callable[[Request, asyncpg.Connection, Actor], Awaitable[Response]]
Refusal = Callable[[Request, Actor | None, EtenderError], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


def signed_in_page(refused: Refusal) -> Callable[[SignedInPage], Endpoint]:
    """A decorator for a feature's pages: sign-in required (no session, or one that
    ended, goes to the login page); a refusal — a form without the session's CSRF
    token, a rule the operation breaks — renders through ``refused`` with its status,
    in the page's language, nothing changed. One connection for the whole request."""

    def wrap(handler: SignedInPage) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            async with acquire(services(request).pools.main) as conn:
                try:
                    actor = await current_actor(request, conn)
                except Unauthenticated:
                    actor = None
                except EtenderError as refusal:
                    return refused(request, None, refusal)
                if actor is None:
                    return RedirectResponse("/login", status_code=303)
                try:
                    return await handler(request, conn, actor)
                except EtenderError as refusal:
                    return refused(request, actor, refusal)

        endpoint.__name__ = handler.__name__
        return endpoint

    return wrap


def back_link(request: Request, default: str) -> str:
    """Where an error page's "back" leads: the referring page's path on this site, else
    ``default``. Never the Referer itself: a page elsewhere chooses it, and a link to
    another site (or a ``javascript:`` URL) must not come out of ours."""
    path = urlsplit(request.headers.get("referer", "")).path
    return path if path.startswith("/") and not path.startswith("//") else default
