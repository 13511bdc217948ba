"""Endpoints that take no body refuse one as JSON endpoints refuse unknown fields.

A POST without a body (``—`` in the API docs' endpoint tables) accepted any bytes of any
type, so a field a client believed it sent (``organisation_id`` to register another
organisation) was silently dropped and a cross-site ``text/plain`` POST reached the
handler (the outside tester's finding 9). :func:`read_no_body` makes such an endpoint
answer as a JSON endpoint with no fields would: no body, or the empty object ``{}``;
another type is 415 ``content_type_unsupported`` unread, another JSON value 422
``request_invalid`` (a field) or 400 ``malformed_json``.
"""

from __future__ import annotations

import msgspec
from starlette.requests import Request

from web.http import read_json


class NoFields(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The empty JSON object: every field is unknown."""


async def read_no_body(request: Request) -> None:
    """Nothing, or ``{}`` as ``application/json``; anything else is refused before the
    handler does anything (call it first)."""
    headers = request.headers
    if headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers:
        return
    await read_json(request, NoFields)
