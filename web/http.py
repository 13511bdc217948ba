"""Typed JSON routes, the one error body, and the OpenAPI document built from both.

Handlers stay thin: parse with :func:`read_json`, call one service, return a msgspec
Struct or a Response. Every failure — ours, a domain package's, a malformed request —
leaves as ``{"error": {"code", "message", "details", "request_id"}}``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar, cast

import msgspec
from starlette.datastructures import FormData
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from signing.errors import EtenderError
from web.content_types import JSON_TYPE as JSON_TYPE  # re-exported: routes import it from here
from web.content_types import NoFields, has_body, require_json
from web.errormap import known, status_for
from web.errors import (
    BodyReadTimeout,
    BodyTooLarge,
    MalformedJson,
    RequestInvalid,
    TextContainsBidiControl,
    TextContainsNul,
    WebError,
)
from web.services import services

log = logging.getLogger(__name__)

T = TypeVar("T")
Handler = Callable[[Request], Awaitable[Any]]


class ErrorDetail(msgspec.Struct, frozen=True, kw_only=True):
    """The body of every error response."""

    code: str
    message: str
    details: Any = None
    request_id: str | None = None


class ErrorBody(msgspec.Struct, frozen=True, kw_only=True):
    error: ErrorDetail


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ApiRoute:
    """One JSON endpoint with the types the OpenAPI document describes."""

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type | None = None
    response: type | None = None
    # (name, type, description[, required]); required unless a fourth item says False.
    query: Sequence[tuple[str, type, str] | tuple[str, type, str, bool]] = ()
    auth: bool = True
    # The success answer's media type, and any other it may take (an opened bid file is
    # application/pdf when it is a PDF, octet-stream otherwise).
    content_type: str = JSON_TYPE
    other_content_types: tuple[str, ...] = ()
    # A raw request body (an upload's bytes) instead of JSON ``body``: its media type.
    request_type: str | None = None
    # The status of success: 201 for a created resource, 204 for no content; the
    # OpenAPI document states it, so it must be what the handler answers.
    status: int = 200

    @property
    def takes_no_body(self) -> bool:
        """No JSON ``body``, no raw ``request_type``, not a read: nothing, or ``{}``."""
        return self.body is None and self.request_type is None and self.method != "GET"

    def to_starlette(self) -> BaseRoute:
        return Route(self.path, _wrap(self), methods=[self.method], name=self.handler.__name__)


def _wrap(route: ApiRoute) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if route.body is not None:
            require_json(request)  # before the handler reads or checks anything
        elif route.takes_no_body and has_body(request):
            await read_json(request, NoFields)  # finding 9: no field, no other type
        result = await route.handler(request)
        if isinstance(result, Response):
            return result
        return json_response(result, route.status)

    endpoint.__name__ = route.handler.__name__
    return endpoint


def json_response(value: object, status: int = 200) -> Response:
    """Serialise a Struct, dataclass or plain value with msgspec."""
    return Response(msgspec.json.encode(value), status_code=status, media_type=JSON_TYPE)


# One more second of time per this many bytes received (Apache's mod_reqtimeout MinRate:
# a slow but steady body keeps going, a stalled one does not; web/form_body.py too).
MIN_RATE = 64 * 1024


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes without reading it all, and a
    body not complete ``form_read_timeout_seconds`` after the headers plus a second per
    :data:`MIN_RATE` bytes received: ``body_read_timeout`` (408). A stalled JSON body
    held its socket and task for good (the outside tester, issue 13)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"the request body is larger than {limit} bytes")
    allowed = services(request).settings.form_read_timeout_seconds
    loop = asyncio.get_running_loop()
    started = loop.time()
    chunks: list[bytes] = []
    size = 0
    stream = request.stream().__aiter__()
    while True:
        try:
            async with asyncio.timeout_at(started + allowed + size / MIN_RATE):
                chunk = await anext(stream)
        except StopAsyncIteration:
            return b"".join(chunks)
        except TimeoutError:
            raise BodyReadTimeout(
                "the request body did not arrive in time: send it again",
                details={"received_bytes": size},
            ) from None
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"the request body is larger than {limit} bytes")
        chunks.append(chunk)


async def read_json(request: Request, model: type[T]) -> T:
    """Decode and validate a JSON body against ``model`` (unknown fields refused); a body
    not declared ``application/json`` is refused unread (:func:`require_json`)."""
    require_json(request)
    limit: int = services(request).settings.max_body_bytes
    raw = await read_body(request, limit)
    return decode_json(raw, model)


# A JSON string escape of U+0000: ``\u0000`` after an even number of backslashes (an odd
# number would make it the text "\u0000"). A raw NUL byte is not JSON (RFC 8259 §7).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_NUL_MESSAGE = "text may not contain the NUL character (U+0000)"

# Bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
# isolates): text holding one displays in another order than it is stored, signed and
# compared in ("Trojan source", CVE-2021-42574), so a name or a note could read one way
# on a page and mean another in a signed statement. Refused like NUL, in the same places.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_MESSAGE = (
    "text may not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)"
)
# Their UTF-8 bytes, raw or percent-encoded (any case), and a JSON escape of one after
# an even number of backslashes (as for NUL).
_BIDI_UTF8 = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
_BIDI_PERCENT = re.compile(rb"%e2%80%a[a-e]|%e2%81%a[6-9]", re.IGNORECASE)
_JSON_BIDI = re.compile(rb"(?<!\\)(?:\\\\)*\\u(?:202[a-e]|206[6-9])", re.IGNORECASE)
# The longest of these (a percent-encoded one) less one: what may straddle two chunks.
_BIDI_TAIL = 8


def _has_bidi(raw: bytes) -> bool:
    return bool(_BIDI_UTF8.search(raw) or _BIDI_PERCENT.search(raw))


def decode_json(raw: bytes, model: type[T]) -> T:
    """Validate JSON bytes: malformed JSON and wrong shapes get distinct codes; a NUL in
    any string and a name twice in one object are refused here, once for every JSON body."""
    if _JSON_NUL.search(raw):
        raise TextContainsNul(_NUL_MESSAGE, details={"in": "body"})
    if _BIDI_UTF8.search(raw) or _JSON_BIDI.search(raw):
        raise TextContainsBidiControl(_BIDI_MESSAGE, details={"in": "body"})
    try:
        value = msgspec.json.decode(raw, type=model, strict=True)
    except msgspec.ValidationError as exc:
        raise RequestInvalid(f"the request does not match the expected shape: {exc}") from None
    except msgspec.DecodeError as exc:
        raise MalformedJson(f"the request body is not valid JSON: {exc}") from None
    except RecursionError:  # the parser's own limit: a refusal, never a crash
        raise RequestInvalid("the request nests objects and arrays too deeply") from None
    refuse_duplicate_keys(raw)
    return value


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> None:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen.add(key)


def refuse_duplicate_keys(raw: bytes | str) -> None:
    """Refuse JSON (already decoded once, so well formed) naming a key twice in one object.

    RFC 8259 §4 leaves such an object's meaning to the parser, and parsers differ (ours
    keeps the last value, others the first or refuse): a body a client signs, logs or
    checks with one parser must not mean something else here (request_invalid,
    ``details.key``). Python's parser sees the pairs; msgspec has already vouched for the
    rest of the syntax.
    """
    try:
        json.loads(raw, object_pairs_hook=_unique_pairs)
    except _Duplicate as dup:
        raise RequestInvalid(
            f"the name {dup.key!r} appears twice in one JSON object: names are unique",
            details={"key": dup.key},
        ) from None
    except (ValueError, RecursionError):
        pass  # msgspec accepted it; any stricter refusal of Python's is not ours to add


S = TypeVar("S", bound=msgspec.Struct)


def struct_from(model: type[S], source: object, **overrides: Any) -> S:
    """A response body copied field by field (by name) from a domain value; ``overrides``
    give the fields whose name or shape differs."""
    values = {f: getattr(source, f) for f in model.__struct_fields__ if f not in overrides}
    return model(**values, **overrides)


BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint: every number the database stores


def query_int(request: Request, name: str, *, minimum: int = 0, maximum: int = BIGINT_MAX) -> int:
    """A required whole-number query parameter."""
    raw = request.query_params.get(name)
    if raw is None:
        raise RequestInvalid(f"the query parameter '{name}' is required", details={"param": name})
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19) or not (
        minimum <= int(raw) <= maximum
    ):
        raise RequestInvalid(
            f"the query parameter '{name}' must be a whole number from {minimum} to {maximum}",
            details={"param": name, "value": raw[:40]},
        )
    return int(raw)


# The headers of every HTML page: no framing, no inline script, no caching of a
# signed-in page. Scripts are same-origin files only, stated explicitly (issue 12 item
# 3: a page that signs runs no inline or third-party script); no plugins, no <base>.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


_FORM = b"application/x-www-form-urlencoded"


class RefuseNul:
    """ASGI middleware: the one place that refuses NUL in the path, the query string and
    URL-encoded form bodies (JSON bodies: :func:`decode_json`). PostgreSQL text cannot
    hold U+0000, so a NUL that reached a query was a 500; now it is 400
    ``text_contains_nul`` before any handler runs. Form bodies are checked as they
    stream, so nothing is buffered here (issue 9, item 6). Bidirectional controls are
    refused in the same places, 400 ``text_contains_bidi_control`` (issue 15)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\0" in scope["path"]:
            raise TextContainsNul(_NUL_MESSAGE, details={"in": "path"})
        if b"%00" in scope["query_string"]:
            raise TextContainsNul(_NUL_MESSAGE, details={"in": "query"})
        if not BIDI_CONTROLS.isdisjoint(scope["path"]):
            raise TextContainsBidiControl(_BIDI_MESSAGE, details={"in": "path"})
        if _has_bidi(scope["query_string"]):
            raise TextContainsBidiControl(_BIDI_MESSAGE, details={"in": "query"})
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        if content_type.split(b";", 1)[0].strip().lower() == _FORM:
            receive = _form_checked(receive)
        await self.app(scope, receive, send)


async def refuse_nul_fields(form: FormData) -> FormData:
    """A multipart form's text fields checked for NUL and bidirectional controls like all
    other text (its files may hold any bytes, so :class:`RefuseNul` cannot check
    multipart bodies as they stream)."""
    texts = [v for _, v in form.multi_items() if isinstance(v, str)]
    if any("\0" in v for v in texts):
        await form.close()  # its spooled files, before the refusal
        raise TextContainsNul(_NUL_MESSAGE, details={"in": "form"})
    if any(not BIDI_CONTROLS.isdisjoint(v) for v in texts):
        await form.close()
        raise TextContainsBidiControl(_BIDI_MESSAGE, details={"in": "form"})
    return form


def _form_checked(receive: Receive) -> Receive:
    tail = b""

    async def checked() -> Message:
        nonlocal tail
        message = await receive()
        if message["type"] == "http.request":
            seen = tail + message.get("body", b"")
            if b"%00" in seen or b"\0" in seen:
                raise TextContainsNul(_NUL_MESSAGE, details={"in": "form"})
            if _has_bidi(seen):
                raise TextContainsBidiControl(_BIDI_MESSAGE, details={"in": "form"})
            # "%0" | "0" of a NUL, or the start of a bidi control, may straddle two chunks
            tail = seen[-_BIDI_TAIL:]
        return message

    return checked


def request_id_of(conn: HTTPConnection) -> str | None:
    """The request id the request context gave this request (web/app.py), if any."""
    state: dict[str, Any] = conn.scope.get("state") or {}
    found = state.get("request_id")
    return found if isinstance(found, str) else None


def error_detail(request: Request, exc: Exception) -> ErrorDetail:
    """What a failure says: its code, message and details, and the request id; anything
    not raised on purpose is logged here and says only ``internal_error``."""
    request_id = request_id_of(request)
    exc = cast(Exception, known(exc))  # a lost database connection: 503 (docs/faults.md)
    if isinstance(exc, EtenderError):
        code, message, details = exc.code, exc.message or str(exc), exc.details
    else:
        code, details = WebError.code, None
        message = "an internal error occurred; quote the request id when reporting it"
        log.exception("http.internal_error", extra={"request_id": request_id})
    return ErrorDetail(code=code, message=message, details=details, request_id=request_id)


def error_headers(status: int, details: object) -> dict[str, str]:
    """The headers an error answer carries whatever its media type."""
    # The request-id header itself is added by the middleware on every response.
    headers = {"WWW-Authenticate": 'Bearer realm="etender"'} if status == 401 else {}
    if isinstance(details, dict) and isinstance(details.get("retry_after_seconds"), int):
        headers["Retry-After"] = str(details["retry_after_seconds"])  # RFC 9110 §10.2.3
    return headers


def error_response(request: Request, exc: Exception) -> Response:
    """The one error body for every failure, with the status the error map gives."""
    status = status_for(exc)
    detail = error_detail(request, exc)
    headers = error_headers(status, detail.details)
    body = msgspec.json.encode(ErrorBody(error=detail))
    return Response(body, status, headers=headers, media_type=JSON_TYPE)


REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(incoming: str) -> str:
    """The client's ``X-Request-Id`` if well formed, else a new one."""
    return incoming if REQUEST_ID.match(incoming) else secrets.token_hex(8)


def with_request_headers(message: Message, request_id: str) -> list[tuple[bytes, bytes]]:
    """The response's headers plus the request id and ``nosniff`` (issue 9 item 18: a
    browser never guesses another type than the one declared, on any response)."""
    headers = list(message.get("headers", []))
    headers.append((b"x-request-id", request_id.encode()))
    if not any(name.lower() == b"x-content-type-options" for name, _ in headers):
        headers.append((b"x-content-type-options", b"nosniff"))
    return headers
