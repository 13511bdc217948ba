"""Rendering of the supervision pages (agencies, assessments, statistics): templates
under web/templates/supervision/, Chinese first, English through the switch, forms
posted with the session's CSRF token (web/auth.py); a refusal renders its code and
message. No inline script or style (the CSP)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from accounts.errors import Unauthenticated
from accounts.model import Actor
from signing.errors import EtenderError
from web import pages
from web.auth import current_actor
from web.errormap import status_for
from web.errors import RequestInvalid
from web.http import refuse_nul_fields
from web.supervision.agencies import i18n as i18n_sv

# The supervision pages of agencies and statistics (issue 14): their texts, Beijing time.
render = pages.feature_renderer("supervision", i18n_sv, {})


def refused(request: Request, actor: Actor | None, error: EtenderError) -> Response:
    """The error page of a refused request: its code's message in the page's language
    (web/errortext/, never the API's English developer message) and its status."""
    return render(
        request, "error.html", status_for(error), actor=actor, code=error.code,
        back=pages.back_link(request, "/home"),
    )  # fmt: skip


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


async def public_actor(request: Request, conn: asyncpg.Connection) -> Actor | None:
    """The signed-in actor if any (public pages show the same to everyone)."""
    try:
        return await current_actor(request, conn)
    except Unauthenticated:
        return None


page = pages.signed_in_page(refused)


async def form_of(request: Request) -> FormData:
    return await refuse_nul_fields(await request.form())


def text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def date_field(form: FormData, name: str) -> date:
    try:
        return date.fromisoformat(text(form, name))
    except ValueError:
        raise RequestInvalid(f"'{name}' is a date, YYYY-MM-DD", details={"field": name}) from None


def optional_uuid(form: FormData, name: str) -> UUID | None:
    raw = text(form, name)
    try:
        return UUID(raw) if raw else None
    except ValueError:
        raise RequestInvalid(f"'{name}' must be a UUID", details={"field": name}) from None


def required_uuid(form: FormData, name: str) -> UUID:
    found = optional_uuid(form, name)
    if found is None:
        raise RequestInvalid(f"'{name}' is required", details={"field": name})
    return found


def path_id(request: Request, name: str) -> UUID:
    try:
        return UUID(request.path_params[name])
    except ValueError:
        raise RequestInvalid(f"'{name}' must be a UUID", details={"param": name}) from None
