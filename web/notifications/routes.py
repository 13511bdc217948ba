"""JSON API of notifications (docs/notifications.md): one's own contacts, and the
failed deliveries centre staff follow up. Handlers are thin: parse, call, serialise."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from accounts.notifications import service
from web.auth import signed_in
from web.http import ApiRoute, Handler, read_json
from web.notifications import bodies as b
from web.tender.common import limit_param


async def list_contacts(request: Request) -> b.ContactList:
    async with signed_in(request) as (conn, actor):
        found = await service.my_contacts(conn, actor)
    return b.ContactList(items=[b.contact_body(c) for c in found])


async def set_contact(request: Request) -> b.ContactBody:
    body = await read_json(request, b.ContactSet)
    channel = request.path_params["channel"]
    async with signed_in(request) as (conn, actor):
        made = await service.set_contact(conn, actor, channel, body.address)
    return b.contact_body(made)


async def remove_contact(request: Request) -> Response:
    channel = request.path_params["channel"]
    async with signed_in(request) as (conn, actor):
        await service.remove_contact(conn, actor, channel)
    return Response(status_code=204)


async def list_failures(request: Request) -> b.FailureList:
    limit = limit_param(request, 100)
    async with signed_in(request) as (conn, actor):
        found = await service.failures(conn, actor, limit)
    return b.FailureList(items=[b.failure_body(f) for f in found])


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary,
        tag="notifications", **extra,
    )  # fmt: skip


ROUTES = [
    _route("GET", "/me/notification-contacts", list_contacts,
           "The caller's notification contacts (addresses masked)", response=b.ContactList),
    _route("PUT", "/me/notification-contacts/{channel}", set_contact,
           "Set the caller's address on a channel (sms: a mobile number; wechat: an OpenID)",
           body=b.ContactSet, response=b.ContactBody),
    _route("DELETE", "/me/notification-contacts/{channel}", remove_contact,
           "Remove the caller's address on a channel", status=204),
    _route("GET", "/notifications/failures", list_failures,
           "Notifications that could not be delivered (centre staff)",
           response=b.FailureList, query=[("limit", int, "at most this many (1–100)", False)]),
]  # fmt: skip
