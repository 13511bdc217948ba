"""Pages of notifications (issue 15, item 5; docs/notifications.md): each signed-in
person's own SMS and WeChat addresses, and for centre staff the notifications that could
not be delivered. Chinese first, English through the switch; no script; phone-sized."""

from __future__ import annotations

import asyncpg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor, Role
from accounts.notifications import service
from accounts.notifications.service import ADDRESS_FORMS
from signing.errors import EtenderError
from web import pages
from web.errormap import status_for
from web.notifications import i18n as i18n_notifications

_render = pages.feature_renderer("notifications", i18n_notifications, {})
CONTACTS = "/me/notifications"


def _refused(request: Request, actor: Actor | None, error: EtenderError) -> Response:
    return _render(
        request, "error.html", status_for(error), actor=actor, code=error.code, back=CONTACTS,
    )  # fmt: skip


_page = pages.signed_in_page(_refused)


async def _contacts(
    request: Request,
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    status: int = 200,
    error: EtenderError | None = None,
    failed: str = "",
    done: str = "",
) -> Response:
    mine = {c.channel: c for c in await service.my_contacts(conn, actor)}
    return _render(
        request, "contacts.html", status, actor=actor, channels=sorted(ADDRESS_FORMS),
        contacts=mine, error=error, failed=failed, done=done,
        staff=actor.has_role(Role.CENTRE_STAFF),
    )  # fmt: skip


@_page
async def contacts_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    done = request.query_params.get("done", "")
    return await _contacts(request, conn, actor, done=done if done in ("saved", "removed") else "")


@_page
async def save_contact(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    channel = request.path_params["channel"]
    form = await request.form(max_files=0, max_fields=5)
    address = str(form.get("address", ""))[:128]
    try:
        await service.set_contact(conn, actor, channel, address)
    except EtenderError as refused:  # shown on the form it concerns; nothing was stored
        return await _contacts(
            request, conn, actor, status=status_for(refused), error=refused, failed=channel
        )
    return RedirectResponse(f"{CONTACTS}?done=saved", status_code=303)


@_page
async def remove_contact(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    await service.remove_contact(conn, actor, request.path_params["channel"])
    return RedirectResponse(f"{CONTACTS}?done=removed", status_code=303)


@_page
async def failures_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    found = await service.failures(conn, actor)
    return _render(request, "failures.html", actor=actor, failures=found)


def routes() -> list[BaseRoute]:
    """The notification pages."""
    return [
        Route(CONTACTS, contacts_page, methods=["GET"]),
        Route(f"{CONTACTS}/{{channel}}", save_contact, methods=["POST"]),
        Route(f"{CONTACTS}/{{channel}}/delete", remove_contact, methods=["POST"]),
        Route("/notifications/failures", failures_page, methods=["GET"]),
    ]
