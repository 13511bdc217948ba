"""What a request body must declare before a byte of it is read: JSON endpoints take
``application/json``, upload chunks ``application/octet-stream`` (415
``content_type_unsupported`` otherwise); an endpoint that takes no body takes at most
the empty JSON object (:class:`NoFields`)."""

from __future__ import annotations

import msgspec
from starlette.requests import Request

from web.errors import ContentTypeUnsupported

JSON_TYPE = "application/json"


def require_json(request: Request) -> None:
    """A body given to a JSON endpoint must say ``application/json`` (parameters such as
    ``charset`` allowed): anything else is 415 ``content_type_unsupported`` before a
    byte of it is read. A cross-site HTML form may POST ``text/plain`` (or a form
    encoding) without a CORS preflight (Fetch standard, "CORS-safelisted request
    header"); a JSON reader that ignored the type would take such a body as JSON."""
    declared = request.headers.get("content-type")
    if not has_body(request):
        return  # no body at all: the shape check answers a required one
    media = (declared or "").split(";", 1)[0].strip().lower()
    if media != JSON_TYPE:
        raise ContentTypeUnsupported(
            f"this endpoint takes a JSON body with Content-Type {JSON_TYPE}",
            details={"content_type": (declared or "")[:100]},
        )


def has_body(request: Request) -> bool:
    """A body follows the headers: a ``Content-Length`` other than 0, or chunks."""
    headers = request.headers
    return headers.get("content-length", "0") != "0" or "transfer-encoding" in headers


class NoFields(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The body of an endpoint that takes none (``—`` in the API docs' tables), when one
    is sent anyway: the empty JSON object, every field unknown. Such an endpoint once
    accepted any bytes of any type, so a field a client believed it sent
    (``organisation_id`` to register another organisation) was silently dropped, and a
    cross-site ``text/plain`` POST reached the handler (the outside tester's finding 9):
    web/http.py reads it as JSON endpoints read theirs, before the handler runs."""


OCTETS_TYPE = "application/octet-stream"


def require_octets(request: Request) -> None:
    """A chunk of bytes (docs/formats/upload.md §2.2) is sent as
    ``application/octet-stream`` or with no Content-Type: any other type is 415
    ``content_type_unsupported`` before a byte is read — a form type would otherwise be
    scanned as form text (:class:`RefuseNul`) and binary refused as NUL or bidi text."""
    declared = request.headers.get("content-type")
    if declared is None:
        return
    if declared.split(";", 1)[0].strip().lower() != OCTETS_TYPE:
        raise ContentTypeUnsupported(
            f"a chunk is sent with Content-Type {OCTETS_TYPE}",
            details={"content_type": declared[:100]},
        )
